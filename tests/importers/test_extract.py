"""Extraction: themes from the taxonomy, actors and projects named in the text, on the sample feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from hub.domain import ActorKind
from importers.extract import Extracted, ThemeMatcher, extract, find_actor_mentions, find_project_mentions
from importers.parsers.feeds import parse_rss_atom
from importers.parsers.ical import parse_ical
from importers.parsers.jsonld import parse_jsonld_html
from importers.parsers.tec_json import parse_tec_json
from importers.records import ActorMention, ParsedEvent

FEEDS = Path(__file__).resolve().parents[3] / "shared" / "feeds"
NOW = datetime(2025, 9, 1, 10, 0, tzinfo=UTC)  # the samples show the feeds as of 1-2 Sept 2025


@cache
def parse_fixtures() -> tuple[tuple[str, ParsedEvent], ...]:
    """Every good sample feed through the project's parsers: (space id, event), feed order, no duplicates."""
    documents: list[tuple[str, list[ParsedEvent]]] = [
        (
            "makerport-stralsund",
            parse_ical((FEEDS / "makerport-stralsund.ics").read_bytes(), source="mp", now=NOW).events,
        ),
        (
            "innovationport-wismar",
            parse_rss_atom((FEEDS / "innovationport-wismar.rss").read_bytes(), source="ipw", now=NOW).events,
        ),
        *(
            ("diz-neubrandenburg", parse_tec_json((FEEDS / name).read_bytes(), source="nb").events)
            for name in ("diz-neubrandenburg-p1.json", "diz-neubrandenburg-p2.json")
        ),
        *(
            ("diz-rostock", parse_jsonld_html(page.read_bytes(), source="hro").events)
            for page in sorted((FEEDS / "diz-rostock").glob("*.html"))
        ),
        ("diz-greifswald", parse_rss_atom((FEEDS / "diz-greifswald.atom").read_bytes(), source="hgw", now=NOW).events),
        ("diz-schwerin", parse_ical((FEEDS / "diz-schwerin.ics").read_bytes(), source="sn", now=NOW).events),
    ]
    seen: set[tuple[str, str]] = set()
    events: list[tuple[str, ParsedEvent]] = []
    for space, parsed in documents:
        assert parsed, f"{space}: no events parsed"
        for event in parsed:
            if (space, event.source_id) not in seen:  # the Rostock KI-Kompass event is on two pages
                seen.add((space, event.source_id))
                events.append((space, event))
    return tuple(events)


def event(title: str = "Veranstaltung", description: str = "", **fields: object) -> ParsedEvent:
    return ParsedEvent(source_id="x-1", title=title, description=description, start=NOW, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def themes() -> ThemeMatcher:
    return ThemeMatcher.from_reference()


def by_title(space: str, title_start: str) -> ParsedEvent:
    matches = [e for s, e in parse_fixtures() if s == space and e.title.startswith(title_start)]
    assert matches, f"{space}: no event titled {title_start!r}"
    return matches[0]


# --- themes -------------------------------------------------------------------------------------


def test_the_matcher_knows_the_whole_taxonomy(themes: ThemeMatcher) -> None:
    assert "energie" in themes.theme_ids and "ki" in themes.theme_ids
    assert len(themes.theme_ids) == len(set(themes.theme_ids)) >= 19


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KI im Mittelstand", {"ki"}),
        ("KI-Werkzeuge für den Betrieb", {"ki"}),
        ("Lötkurs für Kinder", {"bildung"}),  # "Kinder" is a Bildung synonym, never "KI"
        ("Kinos, Kiosk und Kiel", set()),  # no "KI" inside words
        ("Mitmachstationen in der Kinderwerkstatt", {"bildung"}),  # "Kinder" starts the compound
        ("Vortrag im Mai bei KAIROS", set()),  # "AI" is no word here
        ("Was AI heute kann", {"ki"}),
        ("Die Energiewende im Dorf", {"energie"}),  # a compound that starts with a term
        ("Wasserstoffwirtschaft an der Küste", {"wasserstoff"}),
        ("Bürgerenergie für alle", {"energie"}),  # a long term that ends a compound
        ("Erfahrungen aus der Kommunalverwaltung", {"verwaltung"}),
        ("Werkstoffe aus Kunststoff", set()),  # "Kunst" does not start "Kunststoff"
        ("was wir daraus lernen können", set()),  # the verb is no "Lernen"
        ("Maschinelles Lernen für Einsteiger", {"ki", "bildung"}),  # multi-word synonym (+ "Lernen")
        ("Anmeldung: verwaltung@example.org oder www.example.org/gruendung", set()),  # addresses are no text
        ("IT-Dienstleister für Kommunen", {"digitale-technologien", "verwaltung"}),
        ("Das ist es: it works", set()),  # "IT" only in capitals
    ],
)
def test_text_hits_respect_word_boundaries_case_and_compounds(
    themes: ThemeMatcher, text: str, expected: set[str]
) -> None:
    assert set(themes.text_hits(text)) == expected


def test_categories_and_theme_hints_are_strong_and_always_kept(themes: ThemeMatcher) -> None:
    tagged = event(
        "Netzwerkabend",
        "Mit Glühwein und Gesprächen über Tourismus, Mobilität, Bildung und Kultur.",
        categories=["Energie", "Workshop"],
        theme_hints=["Gesundheit", "Maritime Wirtschaft", "Landwirtschaft", "KI"],
    )
    matched = themes.match(tagged)
    # every explicit theme hint is kept, even beyond three (then nothing else); ties in taxonomy order
    assert matched == ["gesundheit", "ki", "landwirtschaft", "maritime-wirtschaft"]
    assert themes.match(event("Workshop", categories=["Energie"], theme_hints=["KI"])) == ["ki", "energie"]
    # without hints: at most three, categories in taxonomy order when the evidence ties
    assert themes.match(event("Workshop", categories=["Film", "Kinder", "Handwerk", "Energie"])) == [
        "energie",
        "bildung",
        "industrie",
    ]


def test_at_most_three_themes_ranked_by_evidence(themes: ThemeMatcher) -> None:
    busy = event(
        "Energie und Mobilität",
        "Energie, Photovoltaik, Verkehr, Tourismus, Schule, Kultur, Pflege und Landwirtschaft.",
    )
    # in the title and the text: the strongest; single words in a list do not hold up against them
    assert themes.match(busy) == ["energie", "mobilitaet"]
    listing = event("Vortrag", "Energie, Photovoltaik, Verkehr, Carsharing, Tourismus, Schule, Pflege.")
    assert themes.match(listing) == ["mobilitaet", "energie", "gesundheit"]  # ties: taxonomy order


def test_a_keyword_that_contains_a_term_counts_as_a_tag(themes: ThemeMatcher) -> None:
    assert themes.match(event("Hackathon", keywords=["Gesundheitsdaten", "Quartiersspeicher"])) == [
        "energie",  # "…speicher"
        "gesundheit",  # "Gesundheit…"
        "wohnen",  # "Quartier…"
    ]


def test_text_alone_needs_more_when_the_feed_marks_themes(themes: ThemeMatcher) -> None:
    # One word in the description adds nothing to an event the feed has already tagged ...
    assert themes.match(event("Design Thinking", "Für Kommunen.", categories=["Verwaltung"])) == ["verwaltung"]
    # ... but it is all there is for an untagged one.
    assert themes.match(event("Design Thinking", "Für Kommunen.")) == ["kultur", "verwaltung"]


# The Schwerin calendar has no CATEGORIES: every theme here comes from the text alone.
SCHWERIN_THEMES: dict[str, list[str]] = {
    "KI-Kompass Mecklenburg-Vorpommern: KI in Landesbehörden": ["ki"],
    "Netzwerktreffen Digitale Verwaltung Westmecklenburg": ["verwaltung", "digitale-technologien"],
    "Handwerk digital: Sprechstunde mit der Handwerkskammer Schwerin": ["industrie"],
    "Mobilitätswende im ländlichen Raum": ["mobilitaet"],
    "Welterbe digital: Tourismus in der Landeshauptstadt": ["tourismus"],
    "Digitale Schule Westmecklenburg – Sommerworkshop": ["bildung"],
    "Gründungswoche Schwerin: Pitch-Abend": ["gruendung"],
    "Online: Fördermittel für die Digitalisierung im Überblick": ["digitale-technologien", "gruendung"],
    "Telemedizin in Westmecklenburg – was wir von Telemed-Vorpommern lernen können": ["gesundheit"],
    "Smart Meter im Quartier: Erfahrungen aus Rostock und Schwerin": ["wohnen"],
    "KI-Werkstatt für Verwaltungsmitarbeitende": ["ki", "verwaltung"],
    "Sprechtag Gründung mit der Gründerwerft Mecklenburg-Vorpommern e.V.": ["gruendung"],
    "LANDPULS trifft Westmecklenburg: Digitale Landwirtschaft": ["landwirtschaft"],
    "Geodaten für Kommunen": ["verwaltung"],
    "Vortrag: Maritime Robotik mit Prof. Stanciu": ["maritime-wirtschaft", "industrie"],
    "Jahresabschluss im DIZ Schwerin": [],
    "Adventsempfang im DIZ Schwerin": [],
}


def test_schwerin_events_get_their_themes_from_the_text(themes: ThemeMatcher) -> None:
    schwerin = {e.title: e for space, e in parse_fixtures() if space == "diz-schwerin"}
    assert all(not e.categories and not e.theme_hints for e in schwerin.values())
    for title, expected in SCHWERIN_THEMES.items():
        assert themes.match(schwerin[title]) == expected, title
    summit = themes.match(schwerin["Digitalgipfel Westmecklenburg 2026"])
    assert len(summit) == 3 and set(summit) <= {"gesundheit", "ki", "landwirtschaft", "verwaltung", "gruendung"}


def test_feed_categories_map_onto_themes(themes: ThemeMatcher) -> None:
    assert themes.match(by_title("makerport-stralsund", "Lötkurs für Kinder")) == ["bildung", "industrie"]
    assert themes.match(by_title("makerport-stralsund", "Wasserstoff im Hafen")) == [
        "maritime-wirtschaft",
        "energie",
        "wasserstoff",
    ]
    assert themes.match(by_title("diz-rostock", "Gastspiel: Hochschule Stralsund")) == [
        "energie",
        "maritime-wirtschaft",
        "wasserstoff",
    ]
    assert themes.match(by_title("diz-greifswald", "Auftakt: TeleMed Vorpommern")) == ["gesundheit"]
    assert themes.match(by_title("diz-neubrandenburg", "Jahresforum DIZ")) == []  # "Netzwerk" is no theme
    assert themes.match(by_title("diz-neubrandenburg", "Digitalstammtisch Seenplatte")) == ["arbeit"]  # Coworking


def test_every_matched_theme_exists(themes: ThemeMatcher) -> None:
    known = set(themes.theme_ids)
    for _space, item in parse_fixtures():
        matched = themes.match(item)
        assert set(matched) <= known and len(matched) == len(set(matched))
        assert len(matched) <= max(3, len(item.theme_hints))


# --- actors in text ------------------------------------------------------------------------------


def mentions(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.name, m.role, m.kind.value if m.kind else None) for m in find_actor_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Moderation: Aylin Demirtaş (Gründerwerft MV e.V.)",
            [("Aylin Demirtaş", "speaker", "person"), ("Gründerwerft MV e.V.", "partner", None)],
        ),
        (
            "Prof. Dr. Mirela Stanciu (Fakultät für Ingenieurwissenschaften, Hochschule Wismar) und das Team der "
            "Hafenlicht Robotics GmbH zeigen erste Ergebnisse.",
            [
                ("Prof. Dr. Mirela Stanciu", "speaker", "person"),
                ("Hochschule Wismar", "partner", None),
                ("Hafenlicht Robotics GmbH", "partner", None),
            ],
        ),
        (
            "Ole Petersen-Krueger von NordLicht3D beantwortet Fragen rund um additive Fertigung.",
            [("Ole Petersen-Krueger", "speaker", "person"), ("NordLicht3D", "partner", None)],
        ),
        (
            "Anschließend Empfang. Es spricht Dr. med. Katrin Behnke, ärztliche Leiterin bei MediNord.",
            [("Dr. med. Katrin Behnke", "speaker", "person"), ("MediNord", "partner", None)],
        ),
        (
            "Jan-Hendrik Wollenberg, Gründer der Küstenstrom GmbH, zeigt, wie Mieter:innen Solarstrom nutzen.",
            [("Jan-Hendrik Wollenberg", "speaker", "person"), ("Küstenstrom GmbH", "partner", None)],
        ),
        (
            "Gründungsberaterin Aylin Demirtas (Gründerwerft MV) und die Lotsen der IHK Neubrandenburg erklären …",
            [
                ("Aylin Demirtas", "speaker", "person"),
                ("Gründerwerft MV", "partner", None),
                ("IHK Neubrandenburg", "partner", None),
            ],
        ),
        (
            "Ansprechpartner ist Jens Lüdemann, Beauftragter für Innovation und Technologie der Handwerkskammer "
            "Schwerin.",
            [("Jens Lüdemann", "partner", "person"), ("Handwerkskammer Schwerin", "partner", None)],
        ),
        (
            "Impuls von A. Demirtaş (Gründerwerft) und J.-H. Wollenberg (KÜSTENSTROM).",
            [
                ("A. Demirtaş", "speaker", "person"),
                ("Gründerwerft", "partner", None),
                ("J.-H. Wollenberg", "speaker", "person"),
                ("KÜSTENSTROM", "partner", None),
            ],
        ),
        (
            "Die Universität Greifswald und die HOST – Hochschule Stralsund laden ein; mit der Stadtwerke Schwerin "
            "GmbH (SWS), der Warnowrad UG (haftungsbeschränkt), der Ackerwerk Digital e.G. und den Stadtwerken "
            "Rostock.",
            [
                ("Universität Greifswald", "partner", None),
                ("HOST – Hochschule Stralsund", "partner", None),
                ("Stadtwerke Schwerin GmbH (SWS)", "partner", None),
                ("Warnowrad UG (haftungsbeschränkt)", "partner", None),
                ("Ackerwerk Digital e.G.", "partner", None),
                ("Stadtwerken Rostock", "partner", None),
            ],
        ),
        (
            "Sprechtag mit der Industrie- und Handelskammer Neubrandenburg, dem Fraunhofer IGD und der "
            "Ernst-Moritz-Arndt-Universität Greifswald.",
            [
                ("Industrie- und Handelskammer Neubrandenburg", "partner", None),
                ("Fraunhofer IGD", "partner", None),
                ("Ernst-Moritz-Arndt-Universität Greifswald", "partner", None),
            ],
        ),
        ("In Kooperation mit dem Landkreis Vorpommern-Rügen.", [("Landkreis Vorpommern-Rügen", "partner", None)]),
        (
            "Die Stadtwerke Bad Doberan und das Amt Bad Doberan-Land laden ein.",
            [("Stadtwerke Bad Doberan", "partner", None), ("Amt Bad Doberan-Land", "partner", None)],
        ),
        (
            "In Zusammenarbeit mit Umweltnetzwerk Strelasund e.V., Nordhub und den Stadtwerken Rostock. "
            "Gefördert durch Reetcode und Landfrauen digital Westmecklenburg e.V.",
            [
                ("Umweltnetzwerk Strelasund e.V.", "partner", None),
                ("Nordhub", "partner", None),
                ("Stadtwerken Rostock", "partner", None),
                ("Reetcode", "sponsor", None),
                ("Landfrauen digital Westmecklenburg e.V.", "sponsor", None),
            ],
        ),
        ("In Kooperation mit Kommunen und Schulen aus Rostock.", []),  # common nouns, not names
    ],
)
def test_actors_stated_plainly_in_text(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert mentions(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rufbus per App im Landkreis Nordwestmecklenburg", []),  # a place, not a partner
        ("Hausarztpraxen aus dem Landkreis Vorpommern-Greifswald", []),
        ("Sprechstunde Gründung: Vom Prototyp zur GmbH", []),  # a legal form without a name
        ("Lötkurs für Kinder (8–12 Jahre)", []),
        ("Offene Werkstatt (Haus 3) und Repair Café", []),
        ("Digitalstammtisch Waren (Müritz): Datenschutz für Vereine", []),  # an event and a place
        ("Die AG Digitales trifft sich im EG.", []),  # "AG" and "EG" alone are no companies
        ("Aylin Demirtaş trainiert mit Gründungsteams den perfekten Pitch.", []),  # no cue: precision first
        ("Wo: Universität Greifswald, Aula, Domstraße 11\nTermin: 2. Dezember 2025 – DIZ Greifswald", []),  # venue
        # an acronym in brackets makes no person
        ("Gastspiel: Hochschule Stralsund (HOST)", [("Hochschule Stralsund (HOST)", "partner", None)]),
        # a person, but "(KI-Forschung, Rostock)" is no organisation
        ("Friederike Luedemann (KI-Forschung, Rostock) spricht.", [("Friederike Luedemann", "speaker", "person")]),
    ],
)
def test_what_is_not_an_actor(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert mentions(text) == expected


# Every actor the text finder names across the sample feeds (title + description of each event).
# Nothing else may appear: the finder is meant to be conservative.
TEXT_ACTORS: dict[str, str] = {
    # organisations: legal forms, institutions, affiliations in brackets, lists after a partner cue
    "Ackerwerk Digital e.G.": "org",
    "Ackerwerk Digital eG": "org",
    "Boddenblick Software & Consulting GmbH": "org",
    "Boddenblick Software GmbH": "org",
    "DIZ Greifswald": "org",
    "Ernst-Moritz-Arndt-Universität Greifswald": "org",
    "Gründerwerft": "org",
    "Gründerwerft MV": "org",
    "Gründerwerft MV e.V.": "org",
    "Gründerwerft Mecklenburg-Vorpommern e.V.": "org",
    "HOST – Hochschule Stralsund": "org",
    "HS Neubrandenburg": "org",
    "HS Stralsund": "org",
    "HS Wismar": "org",
    "Hafenlicht Robotics GmbH": "org",
    "Handwerkskammer Schwerin": "org",
    "Hansestadt Rostock": "org",
    "Hochschule Neubrandenburg": "org",
    "Hochschule Stralsund": "org",
    "Hochschule Stralsund (HOST)": "org",
    "Hochschule Wismar": "org",
    "IHK Neubrandenburg": "org",
    "Industrie- und Handelskammer Neubrandenburg": "org",
    "Kuestenstrom GmbH": "org",
    "KÜSTENSTROM": "org",
    "Küstenstrom GmbH": "org",
    "Landkreis Vorpommern-Greifswald": "org",
    "Landkreis Vorpommern-Rügen": "org",
    "MEDINORD Telemedizin GmbH": "org",
    "MediNord": "org",
    "MediNord Telemedizin GmbH": "org",
    "Medinord Telemedizin": "org",
    "Neubrandenburger Stadtwerke GmbH": "org",
    "NordLicht3D": "org",
    "Nordlicht 3D GmbH": "org",
    "Nordlicht 3D-Druck GmbH": "org",
    "Stadtwerke Rostock": "org",
    "Stadtwerke Rostock AG": "org",
    "Stadtwerke Rostock Aktiengesellschaft": "org",
    "Stadtwerke Schwerin GmbH (SWS)": "org",
    "Stadtwerke Stralsund GmbH": "org",
    "Stadtwerken Rostock": "org",
    "Uni Greifswald": "org",
    "Uni Rostock": "org",
    "Universitaet Rostock": "org",
    "Universität Greifswald": "org",
    "Universität Rostock": "org",
    "Universitätsmedizin Rostock": "org",
    "Umweltnetzwerk Strelasund": "org",  # "In Zusammenarbeit mit dem Umweltnetzwerk Strelasund und …"
    "Wohnungsgenossenschaft Sundblick eG": "org",
    # people: with a title, an affiliation, a cue ("Moderation:", "Es spricht") or a role ("…, Gründer der …")
    "A. Demirtaş": "person",
    "Aylin Demirtas": "person",
    "Aylin Demirtaş": "person",
    "Dr. F. Luedemann": "person",
    "Dr. Friederike Lüdemann": "person",
    "Dr. Jonas Fedderke": "person",
    "Dr. Katrin Behnke": "person",
    "Dr. Lea Kowalczyk": "person",
    "Dr. med. Katrin Behnke": "person",
    "Friederike Luedemann": "person",
    "Friederike Lüdemann": "person",
    "Jan Hendrik Wollenberg": "person",
    "Jan-Hendrik Wollenberg": "person",
    "Jens Lüdemann": "person",
    "Katrin Behnke": "person",
    "Lena Voß": "person",
    "Mirela Stanciu": "person",
    "Ole Petersen Krüger": "person",
    "Ole Petersen-Krueger": "person",
    "Ole Petersen-Krüger": "person",
    "Prof. Dr. Henrik Saalfeld": "person",
    "Prof. Dr. Mirela Stanciu": "person",
    "Prof. Dr.-Ing. Mirela Stanciu": "person",
    "Sabine Kroll": "person",
}


def test_text_actors_across_the_sample_feeds_are_exactly_the_expected_ones() -> None:
    found: dict[str, str] = {}
    for _space, item in parse_fixtures():
        for mention in find_actor_mentions(f"{item.title}\n{item.description}"):
            found[mention.name] = "person" if mention.kind is ActorKind.PERSON else "org"
    assert found == TEXT_ACTORS


def test_roles_of_people_found_in_the_sample_text() -> None:
    jens = by_title("diz-schwerin", "Handwerk digital")
    assert mentions(jens.description) == [
        ("Jens Lüdemann", "partner", "person"),
        ("Handwerkskammer Schwerin", "partner", None),
    ]
    behnke = by_title("diz-greifswald", "Auftakt: TeleMed Vorpommern")
    found = {name: role for name, role, _kind in mentions(behnke.description)}
    # named first after "Projektauftakt mit", then after "Es spricht": a speaker
    assert found["Dr. med. Katrin Behnke"] == "speaker"
    assert found["MediNord Telemedizin GmbH"] == "partner"


# --- projects ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (event(project_hints=["TeleMed Vorpommern"]), ["TeleMed Vorpommern"]),
        (event(description="Im Projekt Landpuls MV testen Betriebe Funksensoren."), ["Landpuls MV"]),
        (event(description="Das Rufbus-Projekt OstseeShuttle, das seit 2025 fährt."), ["OstseeShuttle"]),
        (event(description="Teil der landesweiten Reihe KI Kompass MV und mehr."), ["KI Kompass MV"]),
        (event(description="Im Rahmen des KI-Kompass Mecklenburg-Vorpommern."), ["KI-Kompass Mecklenburg-Vorpommern"]),
        (event(description="Ein Modellprojekt „Smarte Dörfer“ startet."), ["Smarte Dörfer"]),
        (event(description="Das Projekt Ostsee-Shuttle zieht Bilanz."), ["Ostsee-Shuttle"]),
        (event(keywords=["KIKompassMV", "Datenschutz", "OZG", "E-Health"]), ["KIKompassMV"]),
        (
            event(keywords=["EnergieQuartier Südstadt", "LandPuls MV", "Smart City"]),
            ["EnergieQuartier Südstadt", "LandPuls MV"],
        ),
        # not names: a colon, a lower-case word, a generic capitalised noun on its own
        (event(description="Ein dreijähriges Projekt: Günstige Funksensoren messen."), []),
        (event(description="Vom Stand des Projekts und den Erfahrungen."), []),
        (event(description="Im Projekt Sensoren testen."), []),
        # one project named twice, spelled twice
        (
            event(project_hints=["KI-Kompass MV"], keywords=["KIKompassMV"], description="Reihe KI Kompass MV."),
            ["KI-Kompass MV"],
        ),
    ],
)
def test_project_mentions(item: ParsedEvent, expected: list[str]) -> None:
    assert find_project_mentions(item) == expected


def test_known_project_names_are_found_in_text_whatever_the_spacing() -> None:
    known = ["Landpuls MV", "Ostsee-Shuttle", "EnergieQuartier Südstadt"]
    item = event(
        "LANDPULS trifft Westmecklenburg",
        "Erfahrungen aus dem OstseeShuttle und dem Energie-Quartier Südstadt; Landpulsdaten zählen nicht.",
    )
    assert find_project_mentions(item, known) == known
    assert find_project_mentions(event("Landpulsdaten im Überblick"), known) == []


def test_sample_projects(themes: ThemeMatcher) -> None:
    assert find_project_mentions(by_title("diz-greifswald", "Usedom ohne Stau")) == ["Ostsee-Shuttle"]
    assert find_project_mentions(by_title("innovationport-wismar", "Landpuls MV")) == ["Landpuls MV"]
    assert find_project_mentions(by_title("diz-rostock", "Webinar: Ein Jahr EnergieQuartier")) == [
        "EnergieQuartier Südstadt"
    ]
    assert find_project_mentions(by_title("diz-schwerin", "KI-Werkstatt")) == ["KI-Kompass Mecklenburg-Vorpommern"]
    assert find_project_mentions(by_title("diz-schwerin", "LANDPULS")) == []  # only a known name finds it
    assert find_project_mentions(by_title("diz-schwerin", "LANDPULS"), ["LandPuls MV"]) == ["LandPuls MV"]


# --- all together -------------------------------------------------------------------------------


def test_extract_puts_the_feeds_actors_first_and_adds_text_actors_not_already_named(themes: ThemeMatcher) -> None:
    item = event(
        "Maritime Tech Night",
        "Prof. Dr.-Ing. Mirela Stanciu (Hochschule Wismar) und Forschende der Hochschule Wismar berichten; "
        "Moderation: Lena Voß (DIZ Greifswald).",
        actors=[
            ActorMention(name="DIZ Rostock", role="organiser"),
            ActorMention(name="Mirela Stanciu", role="speaker", kind=ActorKind.PERSON),
            ActorMention(name="Hochschule Wismar, Bereich Seefahrt", role="speaker"),
            ActorMention(name="Lena Voß", role="author"),
        ],
        categories=["Maritime Wirtschaft"],
    )
    result = extract(item, themes)
    assert isinstance(result, Extracted) and result.event is item
    assert [(m.name, m.role, m.kind) for m in result.actors] == [
        ("DIZ Rostock", "organiser", None),
        ("Mirela Stanciu", "speaker", ActorKind.PERSON),
        ("Hochschule Wismar, Bereich Seefahrt", "speaker", None),
        ("Lena Voß", "author", ActorKind.PERSON),  # the text says she is a person
        ("DIZ Greifswald", "partner", None),
    ]
    assert result.theme_ids == ["maritime-wirtschaft"]
    assert result.project_names == []


def test_extract_on_a_sample_event(themes: ThemeMatcher) -> None:
    result = extract(by_title("diz-greifswald", "Auftakt: TeleMed Vorpommern"), themes)
    assert [(m.name, m.role) for m in result.actors] == [
        ("Dr. med. Katrin Behnke", "speaker"),
        ("MediNord Telemedizin GmbH", "partner"),
        ("Universität Greifswald", "partner"),
        ("MediNord", "partner"),
    ]
    assert result.theme_ids == ["gesundheit"]
    assert result.project_names == ["TeleMed Vorpommern"]


def test_extract_runs_over_every_sample_event(themes: ThemeMatcher) -> None:
    results = [extract(item, themes) for _space, item in parse_fixtures()]
    assert len(results) > 150
    for result in results:
        own = [(m.name, m.role) for m in result.event.actors]
        assert [(m.name, m.role) for m in result.actors[: len(own)]] == own  # the feed's own mentions first
        names = [m.name for m in result.actors]
        assert len(names) == len(set(names))
    with_themes = sum(1 for r in results if r.theme_ids)
    assert with_themes / len(results) > 0.9
