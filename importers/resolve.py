"""Entity resolution: the same organisation, person or project named differently by different feeds.

Feeds write "Universität Rostock", "Uni Rostock" and "Universitaet Rostock"; "Gründerwerft MV
e.V." and "Gründerwerft Mecklenburg-Vorpommern e.V."; "Dr. F. Luedemann" and "Friederike
Lüdemann". :class:`ActorResolver` maps every :class:`~importers.records.ActorMention` onto one
actor id, by rules tried in a fixed order, each with a reason a curator can read:

1. **same key**: the names are equal after :func:`normalise_org_name` (folding case and
   umlauts, dropping legal forms, leading articles and titles, expanding "Uni", "HS", "IHK",
   "MV", …), or equal when spaces and hyphens are ignored ("NordLicht3D" / "Nordlicht 3D");
2. **same domain**: an organisation's website or e-mail domain (never a free-mail or
   example domain, never a person's address);
3. **acronym**: "HOST" for an actor known as "HOST – Hochschule Stralsund" or "Hochschule
   Stralsund (HOST)";
4. **contained name**: "Gründerwerft" in "Gründerwerft Mecklenburg-Vorpommern", only when the
   shorter name is distinctive (not "Stadtwerke", "Digital", a place, …), exactly one actor
   fits, and the names do not differ in a place ("Stadtwerke Rostock" is never "Stadtwerke
   Greifswald");
5. **near-identical**: rapidfuzz ratio >= 92 on keys of 10 characters or more (typos), again
   never across places;
6. **people**: the same name without titles, the same e-mail address, or initials plus
   surname ("J.-H. Wollenberg") when exactly one known person fits.

A person is never merged with an organisation. Ambiguity never merges: when two known actors
fit a contained name or a set of initials, the mention becomes a new actor. A spelling taken
on weak evidence (rules 4, 5 and initials) resolves the same way when seen again, but never
serves as the bridge for a further containment or similarity, so merges do not chain
("Nordlicht" taken as "Nordlicht Solar" does not pull in "Nordlicht Software").

Every decision is kept in :attr:`ActorResolver.decisions` and, the first time an actor is seen
under a spelling, as a line in :attr:`hub.domain.Actor.resolution`, so that a curator can split
a wrong merge later. Results depend only on the existing actors and the order of the mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from hub.domain import Actor, ActorKind, Project, Space
from hub.reference import load_spaces, load_themes
from hub.text import fold, slugify, tokens
from importers.records import ActorMention

__all__ = [
    "KNOWN_PLACES",
    "ActorResolver",
    "Decision",
    "ProjectResolution",
    "ProjectResolver",
    "Resolution",
    "compact_key",
    "names_centre",
    "normalise_org_name",
    "normalise_person_name",
    "normalise_project_name",
    "project_keys",
    "split_name",
]

FUZZY_MIN_SCORE = 92
FUZZY_MIN_LENGTH = 10
PROJECT_FUZZY_MIN_SCORE = 90
PROJECT_FUZZY_MIN_LENGTH = 8

# --- names and keys ------------------------------------------------------------------------------


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Legal forms, as folded token sequences; removed from the end of a name (repeatedly).
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(form.split("_"))
            for form in _word_set(
                "gmbh_co_kg gmbh_co_kgaa ug_haftungsbeschraenkt ug_haftungsbeschraenkt_co_kg e_v e_g e_k ev eg "
                "ggmbh gmbh mbh ag aktiengesellschaft kgaa kg ohg gbr se ug eingetragener_verein "
                "eingetragene_genossenschaft ltd inc llc"
            )
        ),
        key=lambda form: (-len(form), form),
    )
)
_ARTICLES = frozenset({"der", "die", "das", "des", "dem", "den", "the"})
_TITLES = frozenset(
    {"prof", "professor", "professorin", "dr", "med", "dent", "vet", "rer", "nat", "pol", "oec", "phil", "habil"}
    | {"jur", "dipl", "ing", "inf", "kfm", "mult", "pd", "apl"}
)
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "uni": ("universitaet",),
    "univ": ("universitaet",),
    "hs": ("hochschule",),
    "fh": ("fachhochschule",),
    "tu": ("technische", "universitaet"),
    "ihk": ("industrie", "und", "handelskammer"),
    "hwk": ("handwerkskammer",),
    "mv": ("mecklenburg", "vorpommern"),
    "lk": ("landkreis",),
    "inst": ("institut",),
    "f": ("fuer",),
    "u": ("und",),
    "lkr": ("landkreis",),
}
#: Inflected institution nouns ("des Landkreises", "den Stadtwerken") -> their base form.
_INFLECTIONS: dict[str, str] = {
    "landkreises": "landkreis",
    "kreises": "kreis",
    "vereins": "verein",
    "vereines": "verein",
    "instituts": "institut",
    "institutes": "institut",
    "stadtwerken": "stadtwerke",
    "ministeriums": "ministerium",
    "zentrums": "zentrum",
    "netzwerks": "netzwerk",
    "netzwerkes": "netzwerk",
    "verbandes": "verband",
    "verbands": "verband",
    "klinikums": "klinikum",
    "amtes": "amt",
    "universitaetsklinikums": "universitaetsklinikum",
    # the administration of a body is named as the body
    "amtsverwaltung": "amt",
    "stadtverwaltung": "stadt",
    "gemeindeverwaltung": "gemeinde",
    "kreisverwaltung": "landkreis",
}
_REGION = ("mecklenburg", "vorpommern")
# "HOST – Hochschule Stralsund", "Hochschule Stralsund – HOST", "Stadtwerke Schwerin GmbH (SWS)"
_ACRONYM = r"[A-ZÄÖÜ][A-ZÄÖÜ0-9&]{1,7}"
_ACRONYM_FIRST = re.compile(rf"^\s*(?P<acronym>{_ACRONYM})\s+[–—-]\s+(?P<main>\S.*\S)\s*$")
_ACRONYM_LAST = re.compile(rf"^\s*(?P<main>\S.*?\S)\s+[–—-]\s+(?P<acronym>{_ACRONYM})\s*$")
_ACRONYM_PARENS = re.compile(rf"^\s*(?P<main>\S.*?\S)\s*\((?P<acronym>{_ACRONYM})\)\s*$")
_TITLE_PREFIX = re.compile(
    r"^(?:(?:Prof\.|Professor(?:in)?|Dr\.(?:-Ing\.)?|Dipl\.-\w+\.|med\.|dent\.|vet\.|rer\.\s?nat\.|rer\.\s?pol\.|"
    r"phil\.|habil\.|jur\.|h\.\s?c\.|PD)\s*)+"
)


def split_name(name: str) -> tuple[str, list[str]]:
    """The main name and the acronyms written with it.

    ``"HOST – Hochschule Stralsund"`` -> ``("Hochschule Stralsund", ["HOST"])``;
    ``"Stadtwerke Schwerin GmbH (SWS)"`` -> ``("Stadtwerke Schwerin GmbH", ["SWS"])``.
    "UG (haftungsbeschränkt)" is a legal form, not an acronym, and stays.
    """
    main, acronyms = _split_name(name)
    return main, list(acronyms)


# Cached, like _normalise: resolving looks at the same few thousand names tens of thousands of times.
@lru_cache(maxsize=100_000)
def _split_name(name: str) -> tuple[str, tuple[str, ...]]:
    for pattern in (_ACRONYM_PARENS, _ACRONYM_FIRST, _ACRONYM_LAST):
        match = pattern.match(name)
        if match and sum(ch.isalpha() for ch in match.group("acronym")) >= 2 and len(match.group("main").split()) >= 2:
            return match.group("main"), (match.group("acronym"),)
    return name.strip(), ()


@dataclass(frozen=True)
class _Normalised:
    key: str
    steps: tuple[str, ...]  # what normalising did, for reasons: "legal form", "abbreviations", …


@lru_cache(maxsize=100_000)
def _normalise(name: str, *, strip_legal_forms: bool = True, person: bool = False) -> _Normalised:
    """Fold; drop a leading article and titles; for organisations also legal forms, abbreviations, inflection."""
    words = tokens(name)
    if person:
        stripped = _strip_titles(words)
        return _Normalised(" ".join(stripped), ("titles",) if len(stripped) < len(words) else ())
    steps: list[str] = []
    if words and words[0] in _ARTICLES and len(words) > 1:
        words = words[1:]
        steps.append("article")
    stripped = _strip_titles(words)
    if len(stripped) < len(words):
        words = stripped
        steps.append("titles")
    if strip_legal_forms:
        stripped = _strip_legal_forms(words)
        if len(stripped) < len(words):
            words = stripped
            steps.append("legal form")
    expanded: list[str] = []
    index = 0
    abbreviated = inflected = False
    while index < len(words):
        word = words[index]
        if word == "m" and index + 1 < len(words) and words[index + 1] == "v":
            expanded += _REGION
            index += 2
            abbreviated = True
            continue
        if word in _ABBREVIATIONS:
            expanded += _ABBREVIATIONS[word]
            abbreviated = True
        elif word in _INFLECTIONS:
            expanded.append(_INFLECTIONS[word])
            inflected = True
        else:
            expanded.append(word)
        index += 1
    if abbreviated:
        steps.append("abbreviations")
    if inflected:
        steps.append("inflection")
    return _Normalised(" ".join(expanded), tuple(steps))


def _strip_titles(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) - 1:
        if words[index] in _TITLES:
            index += 1
        elif words[index] == "h" and index + 1 < len(words) - 1 and words[index + 1] == "c":
            index += 2
        else:
            break
    return words[index:]


def _strip_legal_forms(words: list[str]) -> list[str]:
    changed = True
    while changed:
        changed = False
        for form in _LEGAL_FORMS:
            size = len(form)
            if len(words) > size and tuple(words[-size:]) == form:
                words = words[:-size]
                changed = True
                break
    return words


def normalise_org_name(name: str) -> str:
    """The key two spellings of one organisation share.

    Folded (case, umlauts, punctuation, hyphens as spaces), without a leading article, titles,
    a trailing legal form or a written-with acronym; abbreviations expanded ("uni" ->
    "universitaet", "hs" -> "hochschule", "ihk" -> "industrie und handelskammer", "mv" ->
    "mecklenburg vorpommern") and inflected institution nouns in their base form.

    >>> normalise_org_name("Gründerwerft MV e.V.")
    'gruenderwerft mecklenburg vorpommern'
    """
    main, _acronyms = split_name(name)
    return _normalise(main).key


def normalise_person_name(name: str) -> str:
    """A person's key: folded, without titles ("Prof. Dr.-Ing. Mirela Stanciu" -> "mirela stanciu")."""
    return _normalise(name, person=True).key


def normalise_project_name(name: str) -> str:
    """A project's key: folded, before any " – subtitle", without "MV"/"Mecklenburg-Vorpommern".

    "LandPuls MV", "Landpuls" and "Landpuls – Digitale Landwirtschaft MV" all become "landpuls".
    """
    head = re.split(r"\s+[–—]\s+|:\s", name.strip().lstrip("#"), maxsplit=1)[0]
    words = _normalise(head, strip_legal_forms=False).key.split()
    core = _without_region(words)
    return " ".join(core or words)


def project_keys(name: str) -> set[str]:
    """Spacing-insensitive keys of a project name: without the region, as written, and with "MV".

    "KI-Kompass MV", "KIKompassMV", "#KIKompassMV" and "KI-Kompass Mecklenburg-Vorpommern" share one.
    """
    written = compact_key(fold(name.lstrip("#")))
    keys = {compact_key(normalise_project_name(name)), written, written.replace("mecklenburgvorpommern", "mv")}
    return {key for key in keys if key}


def _without_region(words: list[str]) -> list[str]:
    out: list[str] = []
    index = 0
    while index < len(words):
        if tuple(words[index : index + 2]) == _REGION:
            index += 2
            continue
        out.append(words[index])
        index += 1
    return out


def compact_key(key: str) -> str:
    """A key without its spaces: "nordlicht 3d" and "nordlicht3d" compare equal."""
    return key.replace(" ", "")


# --- words that decide -----------------------------------------------------------------------------


#: Words that name a kind of organisation rather than one organisation.
_INSTITUTION_WORDS = _word_set(
    "universitaet universitaetsmedizin universitaetsklinikum hochschule fachhochschule stadtwerke landkreis "
    "hansestadt landeshauptstadt handwerkskammer handelskammer diz stadt gemeinde amt kreis institut"
)
_GENERIC_WORDS = _INSTITUTION_WORDS | _word_set(
    "digital digitale digitales nord sued ost west verein netzwerk zentrum innovation innovationszentrum software "
    "consulting team gruppe service services solutions systems media labor werkstatt kammer ministerium projekt "
    "technik tech industrie und fuer technische robotics telemedizin energie"
)
#: Places of the region (folded); the resolver adds the places it learns from names ("Stadtwerke X").
KNOWN_PLACES = _word_set(
    "rostock schwerin wismar stralsund greifswald neubrandenburg guestrow waren neustrelitz anklam wolgast "
    "pasewalk ueckermuende ludwigslust parchim hagenow grevesmuehlen warnemuende ruegen usedom hiddensee poel "
    "sassnitz barth demmin teterow boizenburg bergen nordwestmecklenburg westmecklenburg seenplatte mueritz "
    "kuehlungsborn doberan ribnitz damgarten marlow tessin laage krakow goldberg lubmin loitz gnoien friedland "
    "strasburg torgelow eggesin penzlin malchin malchow plau stavenhagen altentreptow dargun grimmen tribsees "
    "zinnowitz heringsdorf binz sellin putbus dassow kluetz boltenhagen rehna gadebusch zarrentin wittenburg "
    "luebtheen doemitz grabow crivitz warin neukloster sternberg buetzow schwaan zingst darss fischland peene "
    "tollense haff vorpommern-greifswald hamburg berlin kiel luebeck"
)
_GENERIC_MAIL_DOMAINS = _word_set(
    "gmail.com googlemail.com web.de gmx.de gmx.net gmx.at gmx.ch t-online.de outlook.com outlook.de hotmail.com "
    "hotmail.de live.com live.de yahoo.com yahoo.de icloud.com me.com posteo.de mailbox.org freenet.de aol.com "
    "protonmail.com proton.me arcor.de online.de"
)
_GENERIC_WEB_HOSTS = _word_set(
    "facebook.com instagram.com linkedin.com xing.com twitter.com x.com youtube.com eventbrite.de eventbrite.com "
    "meetup.com google.com forms.gle wordpress.com github.com zoom.us t.me linktr.ee"
)
_EXAMPLE_HOST = re.compile(r"(?:^|\.)example\.(?:org|com|net)$|^localhost$")


@cache
def _theme_words() -> frozenset[str]:
    words: set[str] = set()
    for theme in load_themes():
        for term in (theme.label_de, theme.label_en, *theme.synonyms):
            words.update(tokens(term))
    return frozenset(words)


@cache
def _space_places() -> frozenset[str]:
    return frozenset(word for space in load_spaces() for word in tokens(space.city))


def _is_generic(word: str) -> bool:
    return word in _GENERIC_WORDS or word in _theme_words() or len(word) < 3


# --- decisions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Which actor a mention names, whether it is new, and why."""

    actor_id: str
    created: bool
    reason: str
    rule: str = ""  # "key", "compact", "domain", "acronym", "subset", "fuzzy", "person", "initials", "new"


@dataclass(frozen=True)
class ProjectResolution:
    project_id: str
    created: bool
    reason: str
    rule: str = ""


@dataclass(frozen=True)
class Decision:
    """One mention taken to be one actor (or project): what a curator reviews or reverts."""

    name: str
    role: str
    space_id: str
    source: str
    item: str
    target_id: str
    created: bool
    rule: str
    reason: str

    def line(self) -> str:
        return f"{self.name!r} ({self.source}, item {self.item}): {self.reason}"


# --- actors -----------------------------------------------------------------------------------------


@dataclass
class _Entry:
    actor: Actor
    person: bool
    order: int  # creation order: ties always go to the actor known first
    keys: set[str] = field(default_factory=set)
    # Keys of spellings taken by containment or similarity: they resolve the same spelling again,
    # but never serve as the bridge for another containment or similarity (no chains).
    weak_keys: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)
    spellings: set[str] = field(default_factory=set)
    domains: set[tuple[str, str | None]] = field(default_factory=set)
    # (spelling, weak) pairs indexed already: indexing one again changes nothing, and most mentions repeat one.
    indexed: set[tuple[str, bool]] = field(default_factory=set)


class _Postings:
    """key -> entries, in creation order, without repeats."""

    def __init__(self) -> None:
        self._map: dict[str, dict[int, _Entry]] = {}

    def add(self, key: str, entry: _Entry) -> None:
        if key:
            self._map.setdefault(key, {})[entry.order] = entry

    def get(self, key: str) -> list[_Entry]:
        return list(self._map.get(key, {}).values())

    def union(self, keys: Iterable[str]) -> list[_Entry]:
        found: dict[int, _Entry] = {}
        for key in keys:
            found.update(self._map.get(key, {}))
        return [found[order] for order in sorted(found)]


class _Ledger:
    """The ids a resolver has handed out, and which of its nodes changed (in first-change order)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.changed: dict[str, None] = {}  # since construction
        self._pending: dict[str, None] = {}  # since the last take()

    def new_id(self, base: str) -> str:
        """``base``, or ``base-2``, ``base-3``, … when it is taken."""
        candidate, number = base, 1
        while candidate in self.ids:
            number += 1
            candidate = f"{base}-{number}"
        self.ids.add(candidate)
        return candidate

    def mark(self, node_id: str) -> None:
        self.changed[node_id] = None
        self._pending[node_id] = None

    def take(self) -> list[str]:
        """The ids changed since the last call."""
        taken, self._pending = list(self._pending), {}
        return taken


class ActorResolver:
    """Resolves actor mentions across feeds onto existing or new :class:`~hub.domain.Actor` nodes.

    Every rule looks its candidates up in an index (by key, token, domain, surname, …), so
    resolving stays fast with tens of thousands of known actors.
    """

    def __init__(self, existing: Iterable[Actor] = ()):
        self._entries: list[_Entry] = []
        self._ledger = _Ledger()
        self._learned_places: set[str] = set()
        # organisations
        self._org_keys, self._org_compacts, self._org_acronyms = _Postings(), _Postings(), _Postings()
        self._org_tokens, self._org_grams, self._org_hosts = _Postings(), _Postings(), _Postings()
        # people
        self._person_keys, self._person_compacts = _Postings(), _Postings()
        self._person_emails, self._person_surnames = _Postings(), _Postings()
        self.decisions: list[Decision] = []
        for actor in existing:
            entry = self._new_entry(actor.model_copy(deep=True), actor.kind is ActorKind.PERSON)
            self._ledger.ids.add(actor.id)
            weak = _weak_aliases(actor)
            for spelling in [actor.name, *actor.aliases]:
                self._index_spelling(entry, spelling, weak=spelling in weak)
            for website in actor.websites:
                self._index_website(entry, website)
            if actor.email:
                self._index_email(entry, actor.email)

    # --- public API --------------------------------------------------------------------

    def resolve(self, mention: ActorMention, *, space_id: str, source: str, item: str) -> Resolution:
        """The actor ``mention`` names; creates one when no rule finds a known actor."""
        person = _is_person(mention)
        found = self._find_person(mention) if person else self._find_organisation(mention)
        if found is None:
            entry, reason = self._create(mention, person, source)
            resolution = Resolution(entry.actor.id, True, reason, "new")
        else:
            entry, rule, reason = found
            self._absorb(entry, mention, source)
            resolution = Resolution(entry.actor.id, False, reason, rule)
        decision = Decision(
            name=mention.name,
            role=mention.role,
            space_id=space_id,
            source=source,
            item=item,
            target_id=resolution.actor_id,
            created=resolution.created,
            rule=resolution.rule,
            reason=resolution.reason,
        )
        self.decisions.append(decision)
        if mention.name not in entry.spellings or resolution.created:
            self._note(entry, decision)
        self._index_spelling(entry, mention.name, weak=self._is_weak(entry, mention, resolution.rule))
        return resolution

    def _is_weak(self, entry: _Entry, mention: ActorMention, rule: str) -> bool:
        """Whether a spelling was taken on weak evidence (containment, similarity, initials), or is one."""
        if rule in _WEAK_RULES:
            return True
        key = normalise_person_name(mention.name) if entry.person else _normalise(split_name(mention.name)[0]).key
        return rule in ("key", "compact", "person") and key in entry.weak_keys and key not in entry.keys

    def actors(self) -> list[Actor]:
        """Every actor created or changed since construction, in order of first change."""
        by_id = {entry.actor.id: entry.actor for entry in self._entries}
        return [by_id[actor_id] for actor_id in self._ledger.changed]

    def take_changed(self) -> list[Actor]:
        """The actors created or changed since the last call (for writing them per source)."""
        by_id = {entry.actor.id: entry.actor for entry in self._entries}
        return [by_id[actor_id] for actor_id in self._ledger.take()]

    def decisions_for(self, actor_id: str) -> list[Decision]:
        """Every decision that led to ``actor_id``: what a curator reviews before a split."""
        return [decision for decision in self.decisions if decision.target_id == actor_id]

    # --- organisations ----------------------------------------------------------------------

    def _find_organisation(self, mention: ActorMention) -> tuple[_Entry, str, str] | None:
        main, acronyms = split_name(mention.name)
        normalised = _normalise(main)
        key = normalised.key
        if not key:
            return None
        # 1. same key
        if hits := self._org_keys.get(key):
            steps = [*normalised.steps, *(["acronym " + ", ".join(acronyms)] if acronyms else [])]
            how = f"after folding {', '.join(steps)}" if steps else "after folding"
            return hits[0], "key", f"same name {how} → {key}"
        compact = compact_key(key)
        if hits := self._org_compacts.get(compact):
            return hits[0], "compact", f"same name ignoring spaces and hyphens → {compact}"
        # 2. same web or e-mail domain
        for label, domain in _mention_domains(mention):
            hits = [entry for entry in self._org_hosts.get(domain[0]) if _domain_matches(domain, entry.domains)]
            if len(hits) == 1:
                shown = domain[0] + (f"/{domain[1]}" if domain[1] else "")
                return hits[0], "domain", f"same {label} domain {shown} as {hits[0].actor.name!r}"
        # 3. acronym <-> full name
        hits = self._org_acronyms.get(key)
        if len(hits) == 1:
            return hits[0], "acronym", f"acronym {key.upper()} of {hits[0].actor.name!r}"
        acronym_keys = sorted({fold(acronym) for acronym in acronyms})
        hits = _merge(self._org_acronyms.union(acronym_keys), self._org_keys.union(acronym_keys))
        if len(hits) == 1:
            shared = sorted(set(acronym_keys) & (hits[0].acronyms | hits[0].keys))[0]
            return hits[0], "acronym", f"same acronym {shared.upper()} as {hits[0].actor.name!r}"
        # 4. one name contained in the other
        found = self._contained(key)
        if found is not None:
            return found
        # 5. near-identical (typos)
        return self._near_identical(key)

    def _contained(self, key: str) -> tuple[_Entry, str, str] | None:
        words = set(key.split())
        # The shorter name must be distinctive, so both share one of the mention's specific words.
        specific = sorted(word for word in words if not _is_generic(word) and word not in _REGION)
        candidates: list[tuple[_Entry, str]] = []
        for entry in self._org_tokens.union(specific):
            for other in sorted(entry.keys):
                other_words = set(other.split())
                if words == other_words:
                    candidates.append((entry, other))
                    break
                shorter, longer = (words, other_words) if len(words) < len(other_words) else (other_words, words)
                if not shorter < longer or not self._distinctive(shorter):
                    continue
                if self._places_differ(shorter, longer):
                    continue
                candidates.append((entry, other))
                break
        if len(candidates) != 1:
            return None
        entry, other = candidates[0]
        if set(other.split()) == words:
            return entry, "key", f"same words in another order as {entry.actor.name!r} → {other}"
        inner, outer = (key, other) if len(key.split()) < len(other.split()) else (other, key)
        return entry, "subset", f"{inner!r} is contained in {outer!r}, and only {entry.actor.name!r} fits"

    def _near_identical(self, key: str) -> tuple[_Entry, str, str] | None:
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        words = set(key.split())
        specific = [word for word in words if not _is_generic(word)]
        candidates = _merge(self._org_tokens.union(specific), self._org_grams.union(_grams(compact_key(key))))
        best: tuple[float, _Entry, str] | None = None
        for entry in candidates:
            for other in sorted(entry.keys):
                if len(other) < FUZZY_MIN_LENGTH:
                    continue
                score = fuzz.ratio(key, other, score_cutoff=FUZZY_MIN_SCORE)
                if not score or self._places_differ(words, set(other.split())):
                    continue
                if best is None or score > best[0]:
                    best = (score, entry, other)
        if best is None:
            return None
        score, entry, other = best
        return entry, "fuzzy", f"near-identical name (similarity {score:.0f} ≥ {FUZZY_MIN_SCORE}) to {other!r}"

    def _distinctive(self, words: set[str]) -> bool:
        specific = [word for word in words if not _is_generic(word) and word not in _REGION]
        if not specific:
            return False
        if len(words) >= 2:
            return True
        return not self._is_place(specific[0])

    def _places(self, words: set[str]) -> set[str]:
        return {word for word in words if word not in _REGION and self._is_place(word)}

    def _is_place(self, word: str) -> bool:
        return word in KNOWN_PLACES or word in _space_places() or word in self._learned_places

    def _places_differ(self, first: set[str], second: set[str]) -> bool:
        """True when both name a place and the places are not the same."""
        first_places, second_places = self._places(first), self._places(second)
        return bool(first_places) and bool(second_places) and first_places != second_places

    # --- people -----------------------------------------------------------------------------------

    def _find_person(self, mention: ActorMention) -> tuple[_Entry, str, str] | None:
        key = normalise_person_name(mention.name)
        if hits := self._person_keys.get(key):
            return hits[0], "person", f"same person name after folding case, accents and titles → {key}"
        if hits := self._person_compacts.get(compact_key(key)):
            return hits[0], "person", f"same person name ignoring spaces and hyphens → {key}"
        if mention.email:
            hits = self._person_emails.get(mention.email.strip().lower())
            if len(hits) == 1:
                return hits[0], "person", f"same e-mail address as {hits[0].actor.name!r}"
        words = key.split()
        if not words:
            return None
        candidates = [
            entry
            for entry in self._person_surnames.get(words[-1])
            if any(_initials_match(words, other.split()) for other in sorted(entry.keys))
        ]
        if len(candidates) == 1:
            entry = candidates[0]
            return entry, "initials", f"initials and surname fit exactly one known person, {entry.actor.name!r}"
        return None

    # --- bookkeeping -------------------------------------------------------------------------------

    def _new_entry(self, actor: Actor, person: bool) -> _Entry:
        entry = _Entry(actor=actor, person=person, order=len(self._entries))
        self._entries.append(entry)
        return entry

    def _create(self, mention: ActorMention, person: bool, source: str) -> tuple[_Entry, str]:
        if person:
            key = normalise_person_name(mention.name)
            kind, why = ActorKind.PERSON, "a person"
            name = _TITLE_PREFIX.sub("", mention.name).strip() or mention.name
        else:
            main, _acronyms = split_name(mention.name)
            key = _normalise(main).key
            kind, why = _organisation_kind(mention)
            name = mention.name
        actor = Actor(
            id=self._ledger.new_id(slugify(key or mention.name)),
            name=name,
            kind=kind,
            aliases=[mention.name] if name != mention.name else [],
            websites=[mention.website] if mention.website else [],
            email=mention.email or None,
            phone=mention.phone or None,
            source=source,
            sources=[source],
        )
        entry = self._new_entry(actor, person)
        self._index_spelling(entry, name)
        if mention.website:
            self._index_website(entry, mention.website)
        if mention.email:
            self._index_email(entry, mention.email)
        self._touch(entry)
        return entry, f"new {kind.value} ({why}); no known actor matched → {key or mention.name}"

    def _absorb(self, entry: _Entry, mention: ActorMention, source: str) -> None:
        """Add what the mention knows and the actor does not (aliases, website, contact, kind)."""
        actor = entry.actor
        update: dict[str, object] = {}
        if mention.name != actor.name and mention.name not in actor.aliases:
            if "name" not in actor.curated and _better_display_name(mention.name, actor.name) and not entry.person:
                update["name"] = mention.name
                update["aliases"] = [*actor.aliases, actor.name]
            else:
                update["aliases"] = [*actor.aliases, mention.name]
        if mention.website and mention.website not in actor.websites:
            update["websites"] = [*actor.websites, mention.website]
            self._index_website(entry, mention.website)
        if mention.email and not actor.email:
            update["email"] = mention.email
        if mention.email:
            self._index_email(entry, mention.email)
        if mention.phone and not actor.phone:
            update["phone"] = mention.phone
        if not entry.person and actor.kind is ActorKind.ORGANISATION:
            kind, _why = _organisation_kind(mention)
            if kind is not ActorKind.ORGANISATION:
                update["kind"] = kind
        # What a curator set (hub.curation) stays as they set it; new spellings still become aliases.
        for curated in set(actor.curated) - {"aliases"}:
            update.pop(curated, None)
        if update:
            if source not in actor.sources:
                update["sources"] = [*actor.sources, source]
            entry.actor = actor.model_copy(update=update)
            self._touch(entry)

    def _note(self, entry: _Entry, decision: Decision) -> None:
        entry.actor = entry.actor.model_copy(update={"resolution": [*entry.actor.resolution, decision.line()]})
        self._touch(entry)

    def _touch(self, entry: _Entry) -> None:
        self._ledger.mark(entry.actor.id)

    def _index_spelling(self, entry: _Entry, spelling: str, *, weak: bool = False) -> None:
        """Index a spelling; a weak one only for finding the same spelling again (see _Entry.weak_keys)."""
        if (spelling, weak) in entry.indexed:
            return
        entry.indexed.add((spelling, weak))
        entry.spellings.add(spelling)
        if entry.person:
            key = normalise_person_name(spelling)
            if not key:
                return
            self._person_keys.add(key, entry)
            self._person_compacts.add(compact_key(key), entry)
            if weak:
                entry.weak_keys.add(key)
                return
            entry.keys.add(key)
            self._person_surnames.add(key.split()[-1], entry)
            return
        main, acronyms = split_name(spelling)
        key = _normalise(main).key
        if not key:
            return
        self._org_keys.add(key, entry)
        self._org_compacts.add(compact_key(key), entry)
        if weak:
            entry.weak_keys.add(key)
            return
        entry.keys.add(key)
        for word in key.split():
            self._org_tokens.add(word, entry)
        for gram in _grams(compact_key(key)):
            self._org_grams.add(gram, entry)
        for acronym in acronyms:
            entry.acronyms.add(fold(acronym))
            self._org_acronyms.add(fold(acronym), entry)
        self._learned_places.update(_places_in(key.split()))

    def _index_website(self, entry: _Entry, website: str) -> None:
        if not entry.person and (domain := _website_domain(website)):
            entry.domains.add(domain)
            self._org_hosts.add(domain[0], entry)

    def _index_email(self, entry: _Entry, email: str) -> None:
        address = email.strip().lower()
        if entry.person:
            self._person_emails.add(address, entry)
        elif domain := _mail_domain(address):
            entry.domains.add((domain, None))
            self._org_hosts.add(domain, entry)


_WEAK_RULES = frozenset({"subset", "fuzzy", "initials"})
# How the reasons of weak rules read in Actor.resolution (for actors loaded from the store).
_WEAK_REASONS = (" is contained in ", "near-identical name", "initials and surname")


def _weak_aliases(actor: Actor) -> set[str]:
    """Aliases a stored actor got by containment, similarity or initials, read from its resolution lines."""
    return {
        alias
        for alias in actor.aliases
        for line in actor.resolution
        if line.startswith(f"{alias!r} (") and any(reason in line for reason in _WEAK_REASONS)
    }


def _merge(*lists: list[_Entry]) -> list[_Entry]:
    found = {entry.order: entry for entries in lists for entry in entries}
    return [found[order] for order in sorted(found)]


def _grams(compact: str) -> list[str]:
    """The first and last three characters: one of them survives a typo (for the fuzzy rule's candidates)."""
    return [f"^{compact[:3]}", f"{compact[-3:]}$"] if len(compact) >= FUZZY_MIN_LENGTH else []


_INSTITUTION_PHRASES = (("industrie", "und", "handelskammer"), ("technische", "universitaet"))


def _places_in(words: list[str]) -> list[str]:
    """The place in an institution's name: "stadtwerke schwerin" -> schwerin, "landkreis x ruegen" -> ruegen."""
    rest: list[str] | None = None
    for phrase in _INSTITUTION_PHRASES:
        if tuple(words[: len(phrase)]) == phrase:
            rest = words[len(phrase) :]
    if rest is None and words and words[0] in _INSTITUTION_WORDS:
        rest = words[1:]
    if rest is None or not 1 <= len(rest) <= 2:
        return []
    return [word for word in rest if word not in _REGION and not _is_generic(word)]


# --- heuristics -----------------------------------------------------------------------------------

_PERSON_WORD = re.compile(
    r"^(?:[A-ZÄÖÜ][a-zäöüßà-öø-ÿā-ž'’]+(?:-[A-ZÄÖÜ][a-zäöüßà-öø-ÿā-ž'’]+)*|[A-ZÄÖÜ]\.(?:-?[A-ZÄÖÜ]\.)?)$"
)
_PARTICLES = frozenset({"von", "van", "de", "der", "zu", "vom", "den"})
_ORG_HINT = re.compile(
    r"\b(?:gmbh|mbh|ug|ag|eg|kg|ohg|gbr|e\.\s?v\.|e\.\s?g\.|universit\w*|uni|hochschule|hs|institut\w*|stadtwerke|"
    r"landkreis|kammer|ihk|hwk|diz|verein|verband|stiftung|ministerium|amt|stadt|netzwerk|zentrum|labor|team|"
    r"software|robotics|digital|consulting|telemedizin)\b|&|\d|[a-zäöü][A-ZÄÖÜ]",
)


def _is_person(mention: ActorMention) -> bool:
    """Whether a mention names a person: the feed says so, or it looks like one where feeds name people.

    Organisers without a kind (RSS ``ev:organizer``, TEC organisers) are taken to be
    organisations unless written with a title; authors, speakers and attendees without a kind
    are people when their name looks like a person's name.
    """
    if mention.kind is not None:
        return mention.kind is ActorKind.PERSON
    name = mention.name.strip()
    if _TITLE_PREFIX.match(name):
        return True
    if mention.role not in ("author", "speaker", "attendee") or mention.website:
        return False
    return _looks_like_person_name(name)


def _looks_like_person_name(name: str) -> bool:
    if _ORG_HINT.search(name) or _ORG_HINT.search(name.lower()):
        return False
    words = name.split()
    names = [word for word in words if word.lower() not in _PARTICLES]
    return 2 <= len(names) <= 4 and all(_PERSON_WORD.match(word) for word in names)


def _organisation_kind(mention: ActorMention) -> tuple[ActorKind, str]:
    """The kind of a new organisation: the feed's, else from the words of its name."""
    if mention.kind not in (None, ActorKind.ORGANISATION, ActorKind.PERSON):
        assert mention.kind is not None
        return mention.kind, "kind given by the feed"
    words = tokens(mention.name)
    text = " ".join(words)
    if any(w.startswith(("universitaet", "hochschule", "fachhochschule")) or w in ("uni", "hs", "fh") for w in words):
        return ActorKind.UNIVERSITY, "university or Hochschule in the name"
    if any(w in ("fraunhofer", "leibniz", "helmholtz") or w.startswith(("institut", "forschungs")) for w in words):
        return ActorKind.RESEARCH, "research institute in the name"
    public = ("landkreis", "stadt", "amt", "ministerium", "landeshauptstadt", "hansestadt", "gemeinde", "ihk", "hwk")
    if any(w in public or w.endswith(("kammer", "ministerium", "landesamt", "behoerde")) for w in words):
        return ActorKind.PUBLIC_BODY, "public body in the name"
    if re.search(r"\bstart ?ups?\b|\bug\b", text):
        return ActorKind.STARTUP, "UG or start-up in the name"
    if re.search(r"\b(?:gmbh|mbh|ag|aktiengesellschaft|kg|kgaa|ohg|gbr|se|e g|eg|ltd|inc)\b", text):
        return ActorKind.COMPANY, "legal form of a company"
    if re.search(r"\b(?:e v|ev)\b", text) or any(
        w.endswith(("verein", "netzwerk", "verband", "stiftung")) for w in words
    ):
        return ActorKind.ASSOCIATION, "association in the name"
    return ActorKind.ORGANISATION, "kind unknown"


def _better_display_name(candidate: str, current: str) -> bool:
    """Whether ``candidate`` should replace ``current`` as the name shown.

    A mixed-case spelling beats an all-lower or all-upper one ("boddenblick software"), and
    the written-out form beats the abbreviated one with the same key ("Universität Rostock"
    over "Uni Rostock").
    """
    candidate_mixed = candidate not in (candidate.lower(), candidate.upper())
    if current in (current.lower(), current.upper()):
        return candidate_mixed
    ours, theirs = _normalise(split_name(candidate)[0]), _normalise(split_name(current)[0])
    return (
        candidate_mixed
        and ours.key == theirs.key
        and "abbreviations" in theirs.steps
        and "abbreviations" not in ours.steps
    )


def _initials_match(words: list[str], other: list[str]) -> bool:
    """ "j h wollenberg" ~ "jan hendrik wollenberg", "t vierck kroll" ~ "torben vierck kroll" (either way round).

    The initials must be those of all given names, or one initial that of the first given name.
    """
    for short, full in ((words, other), (other, words)):
        count = 0
        while count < len(short) and len(short[count]) == 1:
            count += 1
        initials, surname = short[:count], short[count:]
        if not initials or not surname or len(full) <= len(surname) or full[-len(surname) :] != surname:
            continue
        given = full[: -len(surname)]
        if any(len(word) == 1 for word in given):
            continue
        if [word[0] for word in given] == initials or (len(initials) == 1 and given[0][0] == initials[0]):
            return True
    return False


def _website_domain(url: str) -> tuple[str, str | None] | None:
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or host in _GENERIC_WEB_HOSTS or host in _GENERIC_MAIL_DOMAINS or _EXAMPLE_HOST.search(host):
        return None
    segment = next((part for part in parts.path.split("/") if part), None)
    return host, segment.lower() if segment else None


def _mail_domain(address: str) -> str | None:
    domain = address.rpartition("@")[2].strip().lower()
    if not domain or domain in _GENERIC_MAIL_DOMAINS or _EXAMPLE_HOST.search(domain):
        return None
    return domain


def _mention_domains(mention: ActorMention) -> list[tuple[str, tuple[str, str | None]]]:
    domains: list[tuple[str, tuple[str, str | None]]] = []
    if mention.website and (website := _website_domain(mention.website)):
        domains.append(("web", website))
    if mention.email and (mail := _mail_domain(mention.email)):
        domains.append(("e-mail", (mail, None)))
    return domains


def _domain_matches(domain: tuple[str, str | None], known: set[tuple[str, str | None]]) -> bool:
    host, segment = domain
    return any(
        host == other_host and (segment is None or other_segment is None or segment == other_segment)
        for other_host, other_segment in known
    )


# --- the centres themselves -----------------------------------------------------------------------------


@cache
def _centre_keys(name: str, city: str) -> frozenset[str]:
    keys = {normalise_org_name(name)}
    if name.startswith("DIZ "):  # the long form of the centres' shared abbreviation
        keys.add(normalise_org_name(f"Digitales Innovationszentrum {city}"))
    return frozenset(keys)


def names_centre(name: str, space: Space) -> bool:
    """Whether an organiser's or partner's ``name`` in a feed of ``space`` is that centre itself.

    Feeds name their centre so: "MakerPort Stralsund" as the organiser of most of its own
    events, or a calendar's own name ("DIZ Schwerin – Veranstaltungen").  The event is
    already hosted by that centre (HOSTED_BY).  As an actor, the centre would take part in
    nearly every event it hosts, and would come out as the most central actor of the
    network and everyone's strongest link.  A match goes by name only: the name, or the
    name followed by more words, or a DIZ's long form.  A person at the centre ("Lena Voß",
    lena.voss@makerport-stralsund.de) keeps their place.
    """
    keys = _centre_keys(space.name, space.city)
    folded = name.casefold()
    if not any(own.split(" ", 1)[0] in folded for own in keys):
        return False  # most names: no need to normalise (the sync asks for every actor and mention)
    key = normalise_org_name(name)
    return any(key == own or key.startswith(own + " ") for own in keys)


# --- projects -----------------------------------------------------------------------------------------


@dataclass
class _ProjectEntry:
    project: Project
    keys: set[str] = field(default_factory=set)
    compacts: set[str] = field(default_factory=set)


class ProjectResolver:
    """Resolves project names across feeds onto existing or new :class:`~hub.domain.Project` nodes.

    Rules: the same key (:func:`normalise_project_name`), the same key or folded name without
    spaces ("Ostsee-Shuttle" / "OstseeShuttle", "KIKompassMV" / "KI-Kompass MV"), a known
    alias, a name contained in another that only adds places ("EnergieQuartier Südstadt" in
    "Energiequartier Rostock-Südstadt"), and rapidfuzz ratio >= 90.
    """

    def __init__(self, existing: Iterable[Project] = ()):
        self._entries: list[_ProjectEntry] = []
        self._ledger = _Ledger()
        self.decisions: list[Decision] = []
        for project in existing:
            entry = _ProjectEntry(project=project.model_copy(deep=True))
            self._entries.append(entry)
            self._ledger.ids.add(project.id)
            for name in [project.name, *project.aliases]:
                _index_project(entry, name)

    def resolve(self, name: str, *, space_id: str, source: str, item: str) -> ProjectResolution:
        found = self._find(name)
        if found is None:
            key = normalise_project_name(name)
            project = Project(id=self._ledger.new_id(slugify(key or name)), name=name, source=source, sources=[source])
            entry = _ProjectEntry(project=project)
            self._entries.append(entry)
            _index_project(entry, name)
            self._touch(entry)
            resolution = ProjectResolution(project.id, True, f"new project; no known project matched → {key}", "new")
        else:
            entry, rule, reason = found
            project = entry.project
            if name != project.name and name not in project.aliases:
                entry.project = project.model_copy(
                    update={"aliases": [*project.aliases, name], "sources": sorted({*project.sources, source})}
                )
                self._touch(entry)
            _index_project(entry, name)
            resolution = ProjectResolution(project.id, False, reason, rule)
        self.decisions.append(
            Decision(
                name,
                "project",
                space_id,
                source,
                item,
                resolution.project_id,
                resolution.created,
                resolution.rule,
                resolution.reason,
            )
        )
        return resolution

    def projects(self) -> list[Project]:
        by_id = {entry.project.id: entry.project for entry in self._entries}
        return [by_id[project_id] for project_id in self._ledger.changed]

    def take_changed(self) -> list[Project]:
        by_id = {entry.project.id: entry.project for entry in self._entries}
        return [by_id[project_id] for project_id in self._ledger.take()]

    def names(self) -> list[str]:
        """Every known project name and alias, for :func:`importers.extract.find_project_mentions`."""
        return [name for entry in self._entries for name in [entry.project.name, *entry.project.aliases]]

    def _find(self, name: str) -> tuple[_ProjectEntry, str, str] | None:
        key = normalise_project_name(name)
        if not key:
            return None
        for entry in self._entries:
            if key in entry.keys:
                return entry, "key", f"same project name after folding → {key}"
        compacts = project_keys(name)
        for entry in self._entries:
            if compacts & entry.compacts:
                return entry, "compact", f"same project name ignoring spaces and hyphens → {compact_key(key)}"
        words = set(key.split())
        contained = []
        for entry in self._entries:
            for other in sorted(entry.keys):
                other_words = set(other.split())
                shorter, longer = (words, other_words) if len(words) < len(other_words) else (other_words, words)
                extra = longer - shorter
                if len(shorter) >= 2 and shorter < longer and all(word in KNOWN_PLACES for word in extra):
                    contained.append((entry, other))
                    break
        if len({id(entry) for entry, _other in contained}) == 1:
            entry, other = contained[0]
            return entry, "subset", f"{key!r} and {other!r} differ only by a place"
        best: tuple[float, _ProjectEntry, str] | None = None
        if len(key) >= PROJECT_FUZZY_MIN_LENGTH:
            for entry in self._entries:
                for other in sorted(entry.keys):
                    score = fuzz.ratio(key, other)
                    if score >= PROJECT_FUZZY_MIN_SCORE and (best is None or score > best[0]):
                        best = (score, entry, other)
        if best is not None:
            score, entry, other = best
            return entry, "fuzzy", f"near-identical project name (similarity {score:.0f}) to {other!r}"
        return None

    def _touch(self, entry: _ProjectEntry) -> None:
        self._ledger.mark(entry.project.id)


def _index_project(entry: _ProjectEntry, name: str) -> None:
    key = normalise_project_name(name)
    if key:
        entry.keys.add(key)
        entry.compacts.add(compact_key(key))
    entry.compacts |= project_keys(name)
