"""Extraction: what an event is about (themes), who takes part (actors) and what it belongs to (projects).

Everything here works on one :class:`~importers.records.ParsedEvent` at a time and knows
nothing about other feeds; tying names from different feeds together is
:mod:`importers.resolve`'s job.

* **Themes** (:class:`ThemeMatcher`) come from the taxonomy in ``schema/themes.yaml``:
  German and English labels and synonyms, compared after :func:`hub.text.fold` (case,
  umlauts) on word boundaries. What the feed marks (theme hints, categories, keywords)
  is strong evidence; the title is weaker and the description weaker still. Short
  acronyms ("KI", "AI", "IT", "H2") only count when written in capitals as a word of
  their own, so "Kinder" is no "KI". German compounds are matched sensibly: a synonym of
  five letters or more may start a word ("Energiewende" -> energie), and one of seven
  or more may end it ("Bürgerenergie" -> energie, "Kommunalverwaltung" -> verwaltung).
* **Actors stated in text** (:func:`find_actor_mentions`) are found conservatively,
  precision before recall: names with a legal form ("… GmbH", "… e.V."), institutions
  ("Universität X", "HS X", "Stadtwerke X", "IHK X", "Landkreis X", "Fraunhofer …"), and
  people where the text makes it plain that a person is meant (a title, an affiliation in
  brackets, "Moderation: …", "Es spricht …", "…, Gründer der …").
* **Projects** (:func:`find_project_mentions`) come from the feed's project hints, from
  names the text introduces as a project or series ("im Projekt Landpuls MV", "Teil der
  Reihe KI-Kompass MV"), from name-shaped keywords ("EnergieQuartier Südstadt") and, when
  the caller passes them, from already known project names found in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from hub.domain import ActorKind, Theme
from hub.reference import load_themes
from hub.text import fold, tokens
from importers.records import ActorMention, ParsedEvent, Role
from importers.resolve import KNOWN_PLACES, compact_key, normalise_org_name, normalise_project_name, project_keys

__all__ = [
    "Extracted",
    "ThemeMatcher",
    "extract",
    "find_actor_mentions",
    "find_project_mentions",
]

# --- themes -------------------------------------------------------------------------------------

#: Evidence weights. A theme marked by the feed always counts; text alone must add up.
_WEIGHT_HINT = 8  # the feed says "this is a theme" (Atom /themen/ scheme, JSON-LD about)
_WEIGHT_TAG_EXACT = 6  # a category or keyword that *is* a label or synonym
_WEIGHT_TAG_WORD = 4  # a category or keyword that contains one ("Gesundheitsdaten")
_WEIGHT_TITLE = 2
_WEIGHT_DESCRIPTION = 1
#: A theme found only in the text needs this much evidence ...
_TEXT_THRESHOLD = 1
#: ... or, when the feed itself already marks themes, this much.
_TEXT_THRESHOLD_WITH_TAGS = 3
#: ... and more than a third of the best text-only evidence.
_TEXT_RELATIVE = 3
_MAX_THEMES = 3
#: Compound rules: a term this long may start a word, and one this long may end it.
_PREFIX_MIN = 5
_SUFFIX_MIN = 7
#: Case-sensitive terms: this short and written with capitals ("KI", "IT", "H2", "OZG").
_ACRONYM_MAX = 4
_INFLECTIONS = ("", "e", "n", "en", "s", "es", "er", "ern")
# Words that start with a term but are no compound of it (folded).
_FALSE_COMPOUNDS = ("kunststoff", "kinderleicht", "designiert", "personalis", "klimaanlage", "pflegeleicht")
# Addresses in a description are not text about anything ("verwaltung@diz-schwerin.de").
_ADDRESSES = re.compile(
    r"\S+@\S+|https?://\S+|\bwww\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:de|com|org|net|eu|info|io)\b(?:/\S*)?",
    re.IGNORECASE,
)
# What every address above contains: most texts have none, and this is far cheaper to look for.
_ADDRESS_HINT = re.compile(r"@|://|www\.|\.(?:de|com|org|net|eu|info|io)\b", re.IGNORECASE)


def _without_addresses(text: str) -> str:
    return _ADDRESSES.sub(" ", text) if _ADDRESS_HINT.search(text) else text


@dataclass(frozen=True)
class _Term:
    theme_id: str
    text: str  # as written in the taxonomy
    words: tuple[str, ...]  # folded
    capitals: tuple[bool, ...]  # per word: written with a capital (a German noun: "Lernen", not "lernen")
    acronym: bool  # a short capitalised term, matched case-sensitively as a word of its own


class ThemeMatcher:
    """Maps categories, keywords, theme hints and text onto theme ids of the taxonomy."""

    def __init__(self, themes: Iterable[Theme]):
        self.themes = tuple(themes)
        self._order = {theme.id: index for index, theme in enumerate(self.themes)}
        terms: list[_Term] = []
        for theme in self.themes:
            for text in _theme_terms(theme):
                cased = _cased_tokens(text)
                if not cased:
                    continue
                words = tuple(word for word, _capital in cased)
                acronym = len(text) <= _ACRONYM_MAX and any(ch.isupper() for ch in text) and len(words) == 1
                terms.append(_Term(theme.id, text, words, tuple(capital for _word, capital in cased), acronym))
        self._terms = tuple(terms)
        # Indexes for text_hits: single words by word, phrases by their first word, acronyms apart.
        self._single: dict[str, list[_Term]] = {}
        self._candidates: dict[str, list[_Term]] = {}  # word -> one-word terms it may match
        self._phrases: dict[str, list[_Term]] = {}
        self._acronyms_as_written: dict[str, list[_Term]] = {}  # for running text
        self._acronyms_folded: dict[str, list[_Term]] = {}  # for tags
        for term in terms:
            if term.acronym:
                self._acronyms_as_written.setdefault(term.text, []).append(term)
                self._acronyms_folded.setdefault(term.words[0], []).append(term)
            else:
                index = self._single if len(term.words) == 1 else self._phrases
                index.setdefault(term.words[0], []).append(term)
        # All acronyms in one pattern, each only as a word of its own ("KI", not the "Ki" of "Kinder"):
        # one pass over a text instead of one per acronym.
        alternatives = "|".join(map(re.escape, sorted(self._acronyms_as_written, key=len, reverse=True)))
        self._acronym_pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])") if alternatives else None
        self._exact: dict[str, list[str]] = {}
        for term in terms:
            ids = self._exact.setdefault(" ".join(term.words), [])
            if term.theme_id not in ids:
                ids.append(term.theme_id)

    @classmethod
    def from_reference(cls) -> ThemeMatcher:
        """The matcher for the taxonomy in ``schema/themes.yaml``."""
        return cls(load_themes())

    @property
    def theme_ids(self) -> list[str]:
        return [theme.id for theme in self.themes]

    def match(self, event: ParsedEvent) -> list[str]:
        """Theme ids of ``event``, best evidence first.

        At most three, except that every theme the feed explicitly marks as a theme
        (``theme_hints``) is always kept. Categories and keywords that map onto a theme
        come before themes found only in the text.
        """
        scores = self.scores(event)
        hinted = {theme_id for theme_id, (_score, level) in scores.items() if level == _WEIGHT_HINT}
        tagged = {theme_id for theme_id, (_score, level) in scores.items() if level >= _WEIGHT_TAG_WORD}
        threshold = _TEXT_THRESHOLD_WITH_TAGS if tagged else _TEXT_THRESHOLD
        ranked = sorted(
            scores, key=lambda theme_id: (-scores[theme_id][1], -scores[theme_id][0], self._order[theme_id])
        )
        # Text alone must also hold up against the best evidence: a stray word in a long
        # description ("… Technology, Business and Design") does not make a theme.
        best_text = max((score for theme_id, (score, _level) in scores.items() if theme_id not in tagged), default=0)
        chosen = [theme_id for theme_id in ranked if theme_id in hinted]
        for theme_id in ranked:
            if len(chosen) >= _MAX_THEMES:
                break
            score, _level = scores[theme_id]
            if theme_id in chosen:
                continue
            if theme_id in tagged or (score >= threshold and score * _TEXT_RELATIVE > best_text):
                chosen.append(theme_id)
        return chosen

    def scores(self, event: ParsedEvent) -> dict[str, tuple[int, int]]:
        """Per theme: (total evidence, strongest single kind of evidence). For explaining matches."""
        totals: dict[str, int] = {}
        strongest: dict[str, int] = {}

        def add(theme_id: str, weight: int, level: int) -> None:
            totals[theme_id] = totals.get(theme_id, 0) + weight
            strongest[theme_id] = max(strongest.get(theme_id, 0), level)

        for hint in event.theme_hints:
            for theme_id, weight in self._tag_themes(hint, exact=_WEIGHT_HINT, inside=_WEIGHT_HINT):
                add(theme_id, weight, weight)
        for tag in [*event.categories, *event.keywords]:
            for theme_id, weight in self._tag_themes(tag, exact=_WEIGHT_TAG_EXACT, inside=_WEIGHT_TAG_WORD):
                add(theme_id, weight, weight)
        for theme_id, hits in self.text_hits(event.title).items():
            add(theme_id, _WEIGHT_TITLE * min(hits, 2), _WEIGHT_TITLE)
        for theme_id, hits in self.text_hits(event.description).items():
            add(theme_id, _WEIGHT_DESCRIPTION * min(hits, 3), _WEIGHT_DESCRIPTION)
        return {theme_id: (totals[theme_id], strongest[theme_id]) for theme_id in totals}

    def _tag_themes(self, tag: str, *, exact: int, inside: int) -> list[tuple[str, int]]:
        """The themes a feed tag maps to: the whole tag is a term, else terms inside it."""
        key = " ".join(tokens(tag))
        if key in self._exact:
            return [(theme_id, exact) for theme_id in self._exact[key]]
        return [(theme_id, inside) for theme_id in self.text_hits(tag, cased=False)]

    def text_hits(self, text: str, *, cased: bool = True) -> dict[str, int]:
        """Theme id -> number of distinct taxonomy terms of that theme found in ``text``.

        With ``cased`` (running text), a term the taxonomy writes with a capital only matches a
        word written with one: German nouns are capitalised, so "Lernen" matches but "was wir
        lernen können" does not. Tags are matched without regard to case.
        """
        if not text:
            return {}
        text = _without_addresses(text)
        words = _cased_tokens(text) if cased else [(word, True) for word in tokens(text)]
        found: set[_Term] = set()
        if cased and self._acronym_pattern is not None:
            for acronym in self._acronym_pattern.findall(text):
                found.update(self._acronyms_as_written[acronym])
        elif not cased:
            for word, _capital in words:
                found.update(self._acronyms_folded.get(word, ()))
        for index, (word, _capital) in enumerate(words):
            for term in self._single_candidates(word):
                if term not in found and _contains(words[index : index + 1], term):
                    found.add(term)
            for term in self._phrases.get(word, ()):
                if term not in found and _contains(words[index : index + len(term.words)], term):
                    found.add(term)
        hits: dict[str, set[str]] = {}
        for term in found:
            hits.setdefault(term.theme_id, set()).add(term.text)
        return {theme_id: len(texts) for theme_id, texts in hits.items()}

    def _single_candidates(self, word: str) -> list[_Term]:
        """One-word terms ``word`` might match: itself, a prefix, the word plus an ending, a compound's tail.

        Memoised per word: descriptions repeat the same words, and each look-up tries every
        prefix and tail of the word (the hot path of a large import).
        """
        cached = self._candidates.get(word)
        if cached is None:
            cached = self._candidates[word] = self._find_single_candidates(word)
        return cached

    def _find_single_candidates(self, word: str) -> list[_Term]:
        keys = {word}
        keys.update(word[:length] for length in range(_PREFIX_MIN, len(word)))
        if len(word) >= _PREFIX_MIN:
            keys.update(word + ending for ending in _INFLECTIONS if ending)
        keys.update(word[start:] for start in range(3, len(word) - _SUFFIX_MIN + 1))
        for ending in _INFLECTIONS:
            if ending and word.endswith(ending):
                stem = word[: -len(ending)]
                keys.update(stem[start:] for start in range(3, len(stem) - _SUFFIX_MIN + 1))
        return [term for key in keys for term in self._single.get(key, ())]


def _theme_terms(theme: Theme) -> list[str]:
    """Labels and synonyms; "Industrie & Produktion" also as "Industrie" and "Produktion"."""
    terms = [theme.label_de, theme.label_en, *theme.synonyms]
    for label in (theme.label_de, theme.label_en):
        if "&" in label:
            terms += [part.strip() for part in label.split("&") if part.strip()]
    return list(dict.fromkeys(terms))


def _cased_tokens(text: str) -> list[tuple[str, bool]]:
    """The folded words of ``text``, each with whether it was written with a capital letter."""
    out: list[tuple[str, bool]] = []
    for piece in re.findall(r"[^\W_]+", text):
        capital = piece[0].isupper()
        out += [(word, capital) for word in fold(piece).split()]
    return out


def _contains(words: Sequence[tuple[str, bool]], term: _Term) -> bool:
    """Whether ``words`` contain ``term`` on word boundaries (compounds: see the module doc)."""
    size = len(term.words)

    def fits(word: tuple[str, bool], offset: int, *, compounds: bool) -> bool:
        folded, capital = word
        if term.capitals[offset] and not capital:
            return False
        if offset < size - 1:
            return folded == term.words[offset]
        return _word_matches(folded, term.words[offset], compounds=compounds)

    if size == 1:
        return any(fits(word, 0, compounds=True) for word in words)
    return any(
        all(fits(words[index + offset], offset, compounds=False) for offset in range(size))
        for index in range(len(words) - size + 1)
    )


def _word_matches(word: str, term: str, *, compounds: bool = True) -> bool:
    if word == term:
        return True
    if len(term) >= _PREFIX_MIN and word.startswith(term):
        rest = word[len(term) :]
        # An inflection ("Werften") or the head of a compound ("Energie|wende"), but not a few
        # words that only look like compounds of a term ("Kunststoff", "kinderleicht").
        if rest in _INFLECTIONS or (compounds and len(rest) >= 3 and not word.startswith(_FALSE_COMPOUNDS)):
            return True
    if len(word) >= _PREFIX_MIN and term.startswith(word) and term[len(word) :] in _INFLECTIONS:
        return True  # "Sprachmodell" for "Sprachmodelle"
    if compounds and len(term) >= _SUFFIX_MIN:
        for ending in _INFLECTIONS:
            stem = word[: len(word) - len(ending)] if ending else word
            if word.endswith(ending) and stem.endswith(term) and len(stem) - len(term) >= 3:
                return True
    return False


# --- actors in text ----------------------------------------------------------------------------


def _folded_words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿā-ž'’"
_SP = r"[ \t\u00a0]+"  # spaces within a line: names never run across lines
_NAME_WORD = rf"[{_UP}][{_LOW}]+"
_NAME_PART = rf"{_NAME_WORD}(?:-{_NAME_WORD})?"
_INITIALS = rf"[{_UP}]\.(?: ?-?[{_UP}]\.)?"
_TITLE = (
    r"(?:Prof\.|Dr\.(?:-Ing\.)?|Dipl\.-[\w]+\.|med\.|dent\.|vet\.|rer\.\s?nat\.|rer\.\s?pol\.|phil\.|habil\.|jur\.)"
)
_PARTICLE = r"(?:von der|von|van der|van|de|zu|vom)"
_PERSON = re.compile(
    rf"(?<![\w-])(?P<titles>(?:{_TITLE}[ \t]*)+)?"
    rf"(?P<name>(?:{_NAME_PART}|{_INITIALS})(?:{_SP}{_NAME_PART})?{_SP}(?:{_PARTICLE}{_SP})?{_NAME_PART})"
    rf"(?![^\W\d_])"
)
_LEGAL_FORM = (
    r"(?:GmbH\s*&\s*Co\.\s*KG|gGmbH|GmbH|mbH|UG\s*\(haftungsbeschränkt\)|UG|e\.\s?V\.|e\.\s?G\.|eG|AG|"
    r"Aktiengesellschaft|KGaA|KG|OHG|GbR)(?![^\W_])"
)
# Words of a company name before its legal form: capitalised ("Boddenblick"), with digits ("3D"),
# hyphenated ("3D-Druck", "Mecklenburg-Vorpommern"), or "&".
_ORG_WORD = rf"(?:[{_UP}0-9][\w'’-]*|&)"
# A lower-case word inside a name ("Landfrauen digital Westmecklenburg e.V."), never a function word.
_INNER_WORD = (
    r"(?!(?:und|oder|sowie|mit|der|die|das|den|dem|des|ein|eine|einer|von|vom|für|im|am|an|auf|aus|bei|zur|zum|"
    r"in|zu|nach|über|unter|wie|als|ist|sind|sich|auch|plus|durch|gegen|seit|ab|bis|um|dank)\b)[a-zäöüß][\w-]*"
)
_LEGAL_NAME = re.compile(
    rf"(?<![\w-])(?P<org>(?:{_ORG_WORD}{_SP}(?:{_INNER_WORD}{_SP}(?=[{_UP}0-9]))?){{1,5}}{_LEGAL_FORM})"
)
_PLACE = rf"(?:(?:Bad|Sankt|St\.|Neu|Alt|Groß|Klein|Ostseebad){_SP})?[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*(?![^\W_])"
_INSTITUTION = re.compile(
    rf"(?<![\w-])(?P<org>(?:(?P<acronym>[{_UP}]{{2,8}}){_SP}[–—-]{_SP})?"
    rf"(?P<word>(?:[{_UP}][{_LOW}]+-)*(?:Universität|Hochschule)|Fachhochschule|Technische Universität|"
    rf"Universitätsmedizin|Universitätsklinikum|Uni|HS|FH|TU|Stadtwerken?|Landkreis(?:es)?|LK|Hansestadt|"
    rf"Landeshauptstadt|Amt|Gemeinde|Handwerkskammer|IHK|HWK|Industrie- und Handelskammer)"
    rf"{_SP}(?:zu{_SP})?{_PLACE}"
    rf"(?:{_SP}{_LEGAL_FORM})?(?:{_SP}\([{_UP}]{{2,8}}\))?)"
)
# Every institution's name contains one of these (the pattern is case-sensitive): most texts have none, and
# looking for them first is far cheaper than the pattern, which is tried at every position of the text.
_INSTITUTION_HINTS = ("Uni", "ochschule", "HS", "FH", "TU", "Stadtwerk", "Landkreis", "LK", "stadt", "Amt")
_INSTITUTION_HINTS += ("Gemeinde", "kammer", "IHK", "HWK")
# Every match names one of these: looking for them first is far cheaper than the pattern.
_RESEARCH_NAMES = ("Fraunhofer", "Leibniz", "Helmholtz", "Max-Planck")
_RESEARCH = re.compile(
    rf"(?<![\w-])(?P<org>(?:Fraunhofer|Leibniz|Helmholtz|Max-Planck)-(?:Institut|Zentrum)"
    rf"(?:{_SP}für{_SP}{_NAME_WORD}(?:{_SP}(?:und{_SP})?[{_UP}][\w-]*){{0,3}})?(?:{_SP}[{_UP}]{{2,6}})?"
    rf"|Fraunhofer{_SP}[{_UP}]{{2,6}}(?![^\W_]))"
)
# Where the name of a public body is only a place ("im Landkreis X", "aus dem Landkreis X").
_LOCATIVE = re.compile(r"(?:\b(?:im|in|aus dem|in der|nach|bei|um)\s+)$")
_PLACE_BODIES = ("Landkreis", "LK", "Hansestadt", "Landeshauptstadt", "Amt", "Gemeinde")
# Lines that give the venue, not a participant.
_VENUE_LINE = re.compile(
    r"^\s*(?:(?:wo|ort|wann|termin|veranstaltungsort|adresse|treffpunkt|anfahrt)\s*:|📍|📅|🗓).*$",
    re.IGNORECASE | re.MULTILINE,
)
_SPEAKER_CUE = re.compile(
    r"\b(?:moderation|moderiert|es spricht|es sprechen|es diskutieren|diskutieren|auf dem podium|podium|"
    r"impuls\w*|vortrag|keynote|referent\w*|trainer\w*|beraterin|berater|speaker|vortragende\w*|"
    r"referiert|erklärt|zeigt|berichtet|zu gast|gast|gäste)\b",
    re.IGNORECASE,
)
_SPEAKER_VERB = re.compile(
    r"^[^.;!?\n]{0,120}?\b(?:zeigt|zeigen|stellt|stellen|erklärt|erklären|berichtet|berichten|spricht|sprechen|"
    r"diskutiert|diskutieren|beantwortet|beantworten|trainiert|präsentiert|präsentieren|referiert|moderiert|"
    r"informiert|informieren|ziehen|zieht|über)\b",
    re.IGNORECASE,
)
# Cues that make the following name a person even without a title or an affiliation.
_PERSON_CUE = re.compile(
    r"(?:Moderation|Moderiert von|Es spricht|Es sprechen|Referent(?:in)?|Trainer(?:in)?|Impuls(?:vortrag)?|"
    r"Keynote|Berater(?:in)?|Ansprechpartner(?:in)? ist|Kontakt|Gastgeber(?:in)?)\s*:?\s*$"
)
_ROLE_NOUN = (
    r"(?:Gründer(?:in)?|Mitgründer(?:in)?|Geschäftsführer(?:in)?|Leiter(?:in)?|ärztliche Leiterin|ärztlicher Leiter|"
    r"Projektleiter(?:in)?|Beauftragte[rn]?|Vorsitzende[rn]?|Vorstand|Professor(?:in)?|Sprecher(?:in)?|"
    r"Inhaber(?:in)?|CEO|CTO|Referent(?:in)?)"
)
# "…, Gründer der Küstenstrom GmbH" / "…, ärztliche Leiterin bei MediNord"
_AFFILIATION_TAIL = re.compile(
    rf"^,{_SP}(?:[\w-]+{_SP}){{0,5}}?{_ROLE_NOUN}(?:{_SP}[\w-]+){{0,5}}?{_SP}(?:der|des|bei|von|vom|im|am){_SP}"
    rf"(?P<org>[{_UP}0-9][\w&'’-]*(?:{_SP}(?:&{_SP})?[{_UP}0-9][\w&'’.-]*){{0,4}})"
)
# "Ole Petersen-Krueger von NordLicht3D" (the organisation must look like one).
_VON_TAIL = re.compile(
    rf"^{_SP}von{_SP}(?:der{_SP}|dem{_SP})?(?P<org>[{_UP}0-9][\w&'’-]*(?:{_SP}[{_UP}0-9][\w&'’.-]*){{0,3}})"
)
_PARENS = re.compile(r"^\s*\((?P<inner>(?:[^()]|\([^()]{1,40}\)){1,120})\)")  # one level of nesting
# Capitalised words that start sentences or name things, never people.
_NOT_NAME_WORDS = _folded_words(
    "Es Die Der Das Den Dem Des Ein Eine Mit Im Am An Auf Aus Bei Nach Vor Von Vom Zum Zur Und Oder Wir Ihr Sie "
    "Danach Anschließend Moderation Trainer Impuls Vortrag Keynote Team Projekt Programm Tag Uhr Workshop "
    "Ort Wo Wann Termin Beginn Ende Anmeldung Eintritt Teilnahme Jury Panel Podium Netzwerk Netzwerken "
    "Stammtisch Forum Hackathon Start Offene Offener Digitale Digitaler Digitales Neue Neuer Erste Erster "
    "Ansprechpartner Ansprechpartnerin Beraterin Berater Referent Referentin Gründer Gründerin Kontakt "
    "Was Wie Wer Wen Wem Warum Welche Welcher Woher Wohin Ab Bis Für Über Unter Ohne Zwischen "
    "Herr Frau Gäste Alle Mehr Heute Morgen Januar Februar März April Mai Juni Juli August September "
    "Oktober November Dezember Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag"
)
# Words that may precede an organisation's name in a sentence but are no part of it.
_ARTICLE_WORDS = _folded_words("der die das den dem des ein eine einer einem eines")
_NOT_ORG_START = _ARTICLE_WORDS | _folded_words(
    "Es Mit Im Am An Auf Aus Bei Nach Vor Von Vom Zum Zur Und Oder Wir Ihr Sie Danach Anschließend Auch Heute "
    "Moderation Trainer Impuls Vortrag Keynote Jury Partner Sponsor Gefördert Unterstützt Veranstaltet Organisiert "
    "Was Wie Wer Warum Welche Für Über Unter Ohne Zwischen Dabei Gast Gäste Zu"
)
# Cues after which a text lists organisations: partners, or (for funding) sponsors.
_ORG_CUE = re.compile(
    r"(?:\b(?:[Ii]n Zusammenarbeit mit|[Ii]n Kooperation mit|[Vv]eranstaltet von|Kooperationspartner(?:innen)?:|"
    r"Partner(?:innen)?:)|(?P<sponsor>\b(?:[Gg]efördert (?:durch|von)|[Mm]it freundlicher Unterstützung "
    r"(?:von|durch|der|des)|[Uu]nterstützt (?:von|durch)|[Gg]esponsert von|Sponsor(?:en)?:|Förderer:)))[ \t]+"
)
# What every cue contains: half the texts have none, and this is far cheaper to look for.
_ORG_CUE_HINTS = ("usammenarbeit", "ooperation", "eranstaltet", "Partner", "efördert", "nterstütz", "esponsert")
_ORG_CUE_HINTS += ("Sponsor", "Förderer")
# The end of such a list: a sentence end (not the dot of "e.V." in "e.V. und …"), a line end, ";" or ":".
_LIST_END = re.compile(r"[.!?](?=\s+[A-ZÄÖÜ0-9]|\s*$)|\n|;|:(?=\s)")
_LIST_SPLIT = re.compile(r",\s+|(?<!-)\s+und\s+|\s+sowie\s+")
# Role nouns written before a name ("Projektleiterin Sabine Kroll"), folded.
_ROLE_WORD = re.compile(
    r"(?:berater|leiter|referent|trainer|gruender|moderator|sprecher|fuehrer|inhaber|beauftragte|lotse)(?:in|r|n)?$"
)
_NOUN_ENDINGS = (
    *("ung", "heit", "keit", "schaft", "tion", "taet", "ismus", "tum", "nis", "chen", "werk", "zentrum"),
    *("stammtisch", "abend", "forum", "treff", "werkstatt", "runde", "workshop", "camp"),
)
_ORG_SIGNAL = re.compile(
    rf"(?<![^\W_]){_LEGAL_FORM}|\b(?:Universität|Uni|Hochschule|HS|Institut|Stadtwerke|Landkreis|Kammer|IHK|HWK|"
    rf"DIZ|Verein|Verband|Stiftung|Ministerium|Amt|Stadt|Netzwerk|Zentrum|Labor|Team)\b|"
    rf"\w+(?:kammer|werke|hansestadt|landeshauptstadt)\b"
)
_ACRONYM_ONLY = re.compile(rf"^[{_UP}0-9&-]{{2,8}}$")


def find_actor_mentions(text: str) -> list[ActorMention]:
    """Organisations and people named plainly in ``text``; see the module doc for what counts.

    Organisations come with role ``partner``; people with ``speaker`` when the text has them
    speak, present or moderate, else ``partner``. Mentions are unique by normalised name,
    in order of first appearance.
    """
    if not text:
        return []
    text = _VENUE_LINE.sub(lambda match: " " * len(match.group(0)), text)
    found: list[tuple[int, ActorMention]] = []
    people: list[tuple[int, int]] = []

    position = 0
    while match := _PERSON.search(text, position):
        person = _person_at(text, match)
        if person is None:
            # "Gründungsberaterin Aylin Demirtas": try again from the next word.
            position = match.start() + 1
            continue
        mention, affiliation = person
        found.append((match.start(), mention))
        people.append((match.start(), match.end()))
        if affiliation is not None:
            found.append((affiliation[0], _organisation(affiliation[1])))
        position = match.end()

    for start, end, name, role in _organisation_spans(text):
        if not any(person_start <= start and end <= person_end for person_start, person_end in people):
            found.append((start, _organisation(name, role)))

    mentions: dict[str, ActorMention] = {}
    for _start, mention in sorted(found, key=lambda pair: pair[0]):
        key = normalise_org_name(mention.name) or fold(mention.name)
        if not key:
            continue
        if key not in mentions:
            mentions[key] = mention
        elif mention.role == "speaker" and mentions[key].role != "speaker":
            mentions[key] = mentions[key].model_copy(update={"role": "speaker"})  # named again as speaking
    return list(mentions.values())


def _organisation_spans(text: str) -> list[tuple[int, int, str, Role]]:
    """Names with a legal form, institutions, research institutes, names listed after a partner or
    sponsor cue; where they overlap, the longest (then the first) wins."""
    candidates: list[tuple[int, int, str, Role]] = []
    for match in _LEGAL_NAME.finditer(text):
        start, name = match.start("org"), match.group("org")
        words = name.split()
        while words and (fold(words[0]) in _NOT_ORG_START or words[0][0].islower()):
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else start
            words = words[1:]
        names = [fold(word) for word in words if not re.fullmatch(_LEGAL_FORM, word)]
        if len(words) >= 2 and names and not all(name in KNOWN_PLACES for name in names):
            candidates.append((start, match.end("org"), " ".join(words), "partner"))  # not "Westmecklenburg e.V."
    for match in _INSTITUTION.finditer(text) if any(hint in text for hint in _INSTITUTION_HINTS) else ():
        word = match.group("word")
        if word.startswith(_PLACE_BODIES) and _LOCATIVE.search(text[max(0, match.start() - 12) : match.start()]):
            continue
        candidates.append((match.start("org"), match.end("org"), _squash(match.group("org")), "partner"))
    if any(name in text for name in _RESEARCH_NAMES):
        for match in _RESEARCH.finditer(text):
            candidates.append((match.start("org"), match.end("org"), _squash(match.group("org")), "partner"))
    candidates += _listed_after_cue(text)
    # The longest span first; a cue's role ("Gefördert durch …": sponsor) is kept for the name it covers.
    candidates.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, str, Role]] = []
    for start, end, name, role in candidates:
        overlapping = [index for index, (s, e, _n, _r) in enumerate(kept) if start < e and s < end]
        if overlapping:
            index = overlapping[0]
            if role == "sponsor" and kept[index][0] <= start and end <= kept[index][1]:
                kept[index] = (*kept[index][:3], "sponsor")
            continue
        kept.append((start, end, name, role))
    for index, (start, end, name, role) in enumerate(kept):
        cue_role = next((r for s, e, _n, r in candidates if s <= start and end <= e and r == "sponsor"), None)
        if cue_role and role != cue_role:
            kept[index] = (start, end, name, cue_role)
    return kept


def _listed_after_cue(text: str) -> list[tuple[int, int, str, Role]]:
    """Names listed after "In Zusammenarbeit mit", "Gefördert durch", "Partner:" …, up to the sentence end."""
    found: list[tuple[int, int, str, Role]] = []
    for cue in _ORG_CUE.finditer(text) if any(hint in text for hint in _ORG_CUE_HINTS) else ():
        role: Role = "sponsor" if cue.group("sponsor") else "partner"
        end = _LIST_END.search(text, cue.end())
        stop = end.start() if end else len(text)
        offset = cue.end()
        for part in _LIST_SPLIT.split(text[offset:stop]):
            start = text.index(part, offset) if part else offset
            offset = start + len(part)
            name = _list_item(part)
            if name:
                found.append((text.index(name, start), text.index(name, start) + len(name), name, role))
    return found


def _list_item(part: str) -> str | None:
    """A list item that is a name: capitalised words (inner lower-case ones allowed), no sentence."""
    words = part.strip().rstrip(".").split()
    while words and fold(words[0]) in _ARTICLE_WORDS:
        words = words[1:]
    if not words or len(words) > 6 or not re.match(rf"[{_UP}0-9]", words[0]):
        return None
    for index, word in enumerate(words):
        capital = bool(re.match(rf"[{_UP}0-9&(]", word)) or bool(re.fullmatch(_LEGAL_FORM, word))
        inner = 0 < index < len(words) - 1 and re.fullmatch(_INNER_WORD, word) is not None
        if not (capital or inner or word in ("(haftungsbeschränkt)", "e.V", "e.G")):
            return None
    name = " ".join(words)
    folded = [fold(word) for word in words]
    if all(word in KNOWN_PLACES for word in folded):
        return None  # "Rostock"
    # A single word after the cue is a name ("Reetcode", "Nordhub") unless it looks like a plural
    # common noun ("Kommunen", "Studierenden", "Partnern") or is a theme word ("Pflege").
    common = name.endswith(("en", "ern", "eln", "innen")) or len(name) < 4 or fold(name) in _theme_words()
    if len(words) == 1 and common and not _looks_like_organisation(name):
        return None
    return name


def _person_at(text: str, match: re.Match[str]) -> tuple[ActorMention, tuple[int, str] | None] | None:
    """A person if the context says so: (mention, (offset, affiliation) or None); else None."""
    name = match.group("name")
    titles = (match.group("titles") or "").strip()
    if not _plausible_person_name(name):
        return None
    before = text[max(0, match.start() - 40) : match.start()]
    after = text[match.end() : match.end() + 200]
    affiliation: tuple[int, str] | None = None
    evidence = bool(titles) or bool(_PERSON_CUE.search(before))
    if parens := _PARENS.match(after):
        inner = parens.group("inner").strip()
        organisation = _affiliation(inner)
        if organisation is not None:
            offset = match.end() + parens.start("inner") + parens.group("inner").index(organisation)
            affiliation = (offset, organisation)
            evidence = True
        elif not _ACRONYM_ONLY.match(inner) and _SPEAKER_VERB.match(after[parens.end() :]):
            evidence = True  # "Friederike Luedemann (KI-Forschung, Rostock) zeigt, …"
    elif tail := (_AFFILIATION_TAIL.match(after) or _VON_TAIL.match(after)):
        organisation = _clean_org(tail.group("org"))
        if organisation and (tail.re is _AFFILIATION_TAIL or _looks_like_organisation(organisation)):
            affiliation = (match.end() + tail.start("org"), organisation)
            evidence = True
    if not evidence:
        return None
    full = f"{titles} {name}".strip() if titles else name
    return ActorMention(name=full, role=_person_role(text, match), kind=ActorKind.PERSON), affiliation


@lru_cache(maxsize=100_000)
def _plausible_person_name(name: str) -> bool:
    """Whether a capitalised pair of words may name a person (cached: most are "Die Veranstaltung" again)."""
    words = [fold(word) for word in re.split(r"[\s-]+", name) if word]
    if any(word in _NOT_NAME_WORDS or _ROLE_WORD.search(word) for word in words):
        return False
    if _ORG_SIGNAL.search(name):
        return False
    return not any(len(word) > 4 and word.endswith(_NOUN_ENDINGS) for word in words)


def _affiliation(inner: str) -> str | None:
    """The organisation in "(…)" after a person's name, or None."""
    if _ACRONYM_ONLY.match(inner):
        return None
    organisations = _organisation_spans(inner)
    if organisations:
        return organisations[0][2]
    if "," in inner or ";" in inner or len(inner.split()) > 5 or not inner[0].isupper():
        return None  # "(KI-Forschung, Rostock)": a description, not a name
    if all(fold(word) in KNOWN_PLACES for word in re.split(r"[\s-]+", inner) if word):
        return None  # "Digitalstammtisch Waren (Müritz)": a place
    if any(ch.isdigit() for ch in inner) and not re.search(r"[A-Za-z]\d|\d[A-Za-z]", inner):
        return None  # "(8–12 Jahre)"
    return _clean_org(inner)


def _clean_org(name: str) -> str:
    """An affiliation as written, without surrounding punctuation or trailing function words."""
    name = _squash(name).strip(" .,:;")
    words = name.split()
    while words and fold(words[-1]) in _NOT_NAME_WORDS:
        words.pop()
    return " ".join(words)


def _looks_like_organisation(name: str) -> bool:
    """CamelCase, digits, capitals or a legal form/institution word: "NordLicht3D", "KÜSTENSTROM"."""
    return bool(
        _ORG_SIGNAL.search(name)
        or re.search(r"[a-zäöü][A-ZÄÖÜ]|\d", name)
        or re.fullmatch(rf"[{_UP}0-9&-]{{3,}}", name.split()[0])
    )


def _person_role(text: str, match: re.Match[str]) -> Role:
    before = text[_sentence_start(text, match.start()) : match.start()]
    if _SPEAKER_CUE.search(before) or _SPEAKER_VERB.match(text[match.end() : match.end() + 200]):
        return "speaker"
    return "partner"


_SENTENCE_END = re.compile(r"[.!?]+[ \t]+|\n")
_ABBREVIATIONS = _folded_words(
    "prof dr med ing nat rer phil dipl habil jur bzw ca str nr inkl evtl ggf usw vgl tel co z b u a d h s"
)
_LAST_WORD = re.compile(r"\w+$")
#: How far back the word before a full stop is looked for: longer than any abbreviation, so a word
#: cut off at the window's start is no abbreviation, as the whole word is not.
_LAST_WORD_WINDOW = 32


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence around ``position`` starts; "Prof. Dr. X" and "z. B." do not end one."""
    start = 0
    for end in _SENTENCE_END.finditer(text, 0, position):
        if end.group(0) != "\n":
            word = _LAST_WORD.search(text[max(0, end.start() - _LAST_WORD_WINDOW) : end.start()])
            if word and (fold(word.group(0)) in _ABBREVIATIONS or len(word.group(0)) == 1):
                continue
        start = end.end()
    return start


def _organisation(name: str, role: Role = "partner") -> ActorMention:
    return ActorMention(name=name, role=role)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- projects --------------------------------------------------------------------------------------

# A name in quotes, or a run of capitalised/name-shaped words, after a project or series cue.
_PROJECT_CUE = re.compile(
    r"(?:(?<![\w-])(?:[\w]+-)?(?:Modell|Verbund|Forschungs|Pilot)?[Pp]rojekts?|(?<![\w-])Reihe|"
    r"(?i:im Rahmen (?:des|der|von)))\s+(?:#)?"
)
# What every cue contains: most texts have none, and this is far cheaper to look for.
_PROJECT_CUE_HINT = re.compile(r"rojekt|Reihe|(?i:im rahmen)")
_QUOTED = re.compile(r"^[„\"“»‚'](?P<name>[^„\"“”»«‚‘']{2,60})[“\"”«‘']")
_NAME_RUN = re.compile(
    rf"^(?P<name>(?:[{_UP}0-9][\w'’]*(?:-[\w'’]+)*)(?:{_SP}(?:[{_UP}0-9][\w'’]*(?:-[\w'’]+)*)){{0,3}})"
)
_CAMEL = re.compile(r"[a-zäöüß][A-ZÄÖÜ]")


def find_project_mentions(event: ParsedEvent, known: Iterable[str] = ()) -> list[str]:
    """Project names of ``event``: its project hints, names the text introduces as a project or
    series, name-shaped keywords, and any of the ``known`` project names found in its text.

    Unique by normalised name, hints first. Text patterns only accept names that look like
    names (quoted, CamelCase, with a capitalised acronym or several capitalised words), so
    "ein dreijähriges Projekt: Günstige Funksensoren" yields nothing.
    """
    names: list[str] = list(event.project_hints)
    text = f"{event.title}\n{event.description}"
    for cue in _PROJECT_CUE.finditer(text) if _PROJECT_CUE_HINT.search(text) else ():
        rest = text[cue.end() :]
        if quoted := _QUOTED.match(rest):
            names.append(quoted.group("name").strip())
        elif run := _NAME_RUN.match(rest):
            name = _trim_name_run(run.group("name"))
            if name and _name_shaped(name):
                names.append(name)
    theme_words = _theme_words()
    for keyword in event.keywords:
        if _keyword_is_name(keyword) and " ".join(tokens(keyword)) not in theme_words:
            names.append(keyword.lstrip("#"))
    known_list = [name for name in known if name]
    if known_list:
        names += _known_in(known_list, [event.title, event.description, *event.keywords, *event.categories])
    unique: list[str] = []
    seen: set[str] = set()
    for name in names:
        keys = project_keys(name)
        if keys and not keys & seen:
            unique.append(name)
        seen |= keys
    return unique


def _keyword_is_name(keyword: str) -> bool:
    """A keyword that names something: CamelCase ("EnergieQuartier Südstadt") or words plus an acronym ("… MV")."""
    words = keyword.split()
    return bool(_CAMEL.search(keyword)) or (len(words) >= 2 and bool(re.fullmatch(r"[A-ZÄÖÜ]{2,4}", words[-1])))


def _trim_name_run(name: str) -> str:
    words = name.split()
    while words and fold(words[-1]) in _NOT_NAME_WORDS:
        words.pop()
    return " ".join(words)


def _name_shaped(name: str) -> bool:
    words = name.split()
    if _CAMEL.search(name) or any(ch.isdigit() for ch in name):
        return True
    if len(words) >= 2 and any(re.fullmatch(r"[A-ZÄÖÜ]{2,}", word) for word in words[1:]):
        return True  # "Landpuls MV"
    if len(words) >= 2 and all(word[0].isupper() for word in words):
        return True  # "Ostsee Shuttle"
    return "-" in name and all(part[:1].isupper() for part in name.split("-"))  # "Ostsee-Shuttle"


def _known_in(known: list[str], texts: list[str]) -> list[str]:
    """Known project names that occur in ``texts``, matched on word boundaries, spacing-insensitive."""
    found = []
    text_words = [tokens(_without_addresses(text)) for text in texts if text]
    for name in known:
        target = compact_key(fold(name))
        target_core = compact_key(normalise_project_name(name))
        if len(target_core) < 4:
            continue
        for words in text_words:
            if _compact_run(words, {target, target_core}):
                found.append(name)
                break
    return found


def _compact_run(words: Sequence[str], targets: set[str]) -> bool:
    longest = max(len(target) for target in targets)
    for start in range(len(words)):
        joined = ""
        for word in words[start:]:
            joined += word
            if joined in targets:
                return True
            if len(joined) >= longest:
                break
    return False


_THEME_WORDS: frozenset[str] | None = None


def _theme_words() -> frozenset[str]:
    global _THEME_WORDS
    if _THEME_WORDS is None:
        _THEME_WORDS = frozenset(
            " ".join(tokens(term))
            for theme in load_themes()
            for term in [theme.label_de, theme.label_en, *theme.synonyms]
        )
    return _THEME_WORDS


# --- all together ------------------------------------------------------------------------------------


@dataclass
class Extracted:
    """What one event yields for the graph, before resolution across feeds."""

    event: ParsedEvent
    actors: list[ActorMention] = field(default_factory=list)
    theme_ids: list[str] = field(default_factory=list)
    project_names: list[str] = field(default_factory=list)


def extract(event: ParsedEvent, themes: ThemeMatcher, *, known_projects: Iterable[str] = ()) -> Extracted:
    """Actors (the feed's own first, then those named only in the text), themes and projects.

    A text mention that names an actor the feed already lists (same normalised name, or a
    shorter form of it) is dropped; if the feed's mention lacks a kind, the text's is kept.
    """
    mentions = list(event.actors)
    keys = [normalise_org_name(mention.name) or fold(mention.name) for mention in mentions]
    for found in find_actor_mentions(f"{event.title}\n{event.description}"):
        key = normalise_org_name(found.name) or fold(found.name)
        index = _same_actor(key, keys)
        if index is None:
            mentions.append(found)
            keys.append(key)
        elif mentions[index].kind is None and found.kind is not None:
            mentions[index] = mentions[index].model_copy(update={"kind": found.kind})
    return Extracted(
        event=event,
        actors=mentions,
        theme_ids=themes.match(event),
        project_names=find_project_mentions(event, known_projects),
    )


def _same_actor(key: str, keys: list[str]) -> int | None:
    words = set(key.split())
    for index, other in enumerate(keys):
        if key == other or compact_key(key) == compact_key(other):
            return index
    for index, other in enumerate(keys):
        other_words = set(other.split())
        if len(words) >= 2 and words < other_words:
            return index  # "Hochschule Wismar" in the text of an event by "Hochschule Wismar, Bereich Seefahrt"
    return None
