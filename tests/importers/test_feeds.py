"""RSS 2.0 (+ event module) and Atom 1.0: the sample feeds, the bad ones, and the quirks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub.domain import Attendance, EventStatus
from importers.parsers.feeds import parse_rss_atom
from importers.records import ParsedEvent, ParseResult

FEEDS = Path(__file__).resolve().parents[3] / "shared" / "feeds"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 9, 1, 12, 0, tzinfo=BERLIN)


def parse(name: str) -> ParseResult:
    return parse_rss_atom((FEEDS / name).read_bytes(), source=name, now=NOW)


def parse_bytes(content: bytes) -> ParseResult:
    return parse_rss_atom(content, source="inline", now=NOW)


def local(value: datetime | None) -> str | None:
    return value.astimezone(BERLIN).isoformat() if value else None


def by_id(result: ParseResult) -> dict[str, ParsedEvent]:
    return {event.source_id: event for event in result.events}


# --- InnovationPort Wismar: RSS 2.0 with ev: ------------------------------------------------------

# guid, start, end, all-day; local times as the feed means them.
WISMAR = [
    ("ipw-2025-031", "2025-09-18T17:00:00+02:00", "2025-09-18T19:30:00+02:00", False),
    ("ipw-2025-034", "2025-09-30T09:00:00+02:00", "2025-09-30T15:00:00+02:00", False),
    ("ipw-2025-036", "2025-10-09T18:00:00+02:00", "2025-10-09T20:00:00+02:00", False),
    ("ipw-2025-040", "2025-10-22T09:30:00+02:00", None, False),  # prose: "ab 9:30 Uhr"
    ("ipw-2025-043", "2025-11-05T16:00:00+01:00", "2025-11-05T18:00:00+01:00", False),
    ("ipw-2025-047", "2025-11-20T18:00:00+01:00", "2025-11-20T20:00:00+01:00", False),
    ("ipw-2025-050", "2025-12-04T16:00:00+01:00", "2025-12-04T20:00:00+01:00", False),
    ("ipw-2026-002", "2026-01-15T18:00:00+01:00", "2026-01-15T20:00:00+01:00", False),
    ("ipw-2026-006", "2026-02-25T09:00:00+01:00", "2026-02-25T13:00:00+01:00", False),  # prose: "9–13 Uhr"
    ("ipw-2026-009", "2026-03-12T18:00:00+01:00", None, False),  # prose: "um 18:00 Uhr"
    ("ipw-2026-011", "2026-03-26T17:00:00+01:00", "2026-03-26T19:00:00+01:00", False),
    ("ipw-2026-014", "2026-04-23T09:00:00+02:00", "2026-04-23T14:00:00+02:00", False),
    ("ipw-2026-018", "2026-05-20T00:00:00+02:00", "2026-05-21T00:00:00+02:00", True),  # date-only ev:
    ("ipw-2026-021", "2026-06-10T10:00:00+02:00", "2026-06-10T15:00:00+02:00", False),
    ("ipw-2026-024", "2026-07-02T09:00:00+02:00", "2026-07-02T16:00:00+02:00", False),
    ("ipw-2026-029", "2026-08-20T18:00:00+02:00", "2026-08-20T20:00:00+02:00", False),
    ("ipw-2026-032", "2026-09-16T19:00:00+02:00", None, False),  # prose: "16. September 2026, 19 Uhr"
    ("ipw-2026-036", "2026-10-08T17:00:00+02:00", "2026-10-08T20:00:00+02:00", False),
    ("ipw-2026-040", "2026-11-12T14:00:00+01:00", "2026-11-12T17:00:00+01:00", False),
    ("ipw-2026-044", "2026-12-03T18:00:00+01:00", "2026-12-03T22:00:00+01:00", False),
]


@pytest.fixture(scope="module")
def wismar() -> ParseResult:
    return parse("innovationport-wismar.rss")


def test_wismar_reads_every_item(wismar: ParseResult) -> None:
    assert wismar.fatal is None and wismar.complete
    assert wismar.errors == [] and wismar.warnings == []
    assert [event.source_id for event in wismar.events] == [guid for guid, *_ in WISMAR]


@pytest.mark.parametrize(("guid", "start", "end", "all_day"), WISMAR, ids=[row[0] for row in WISMAR])
def test_wismar_times(wismar: ParseResult, guid: str, start: str, end: str | None, all_day: bool) -> None:
    event = by_id(wismar)[guid]
    assert (local(event.start), local(event.end), event.all_day) == (start, end, all_day)
    assert event.timezone == "Europe/Berlin"


def test_wismar_item_fields(wismar: ParseResult) -> None:
    event = by_id(wismar)["ipw-2025-034"]
    assert event.title == "Workshop: Digitaler Zwilling für Werft und Hafen"
    assert event.url == "https://www.innovationport-wismar.de/veranstaltungen/workshop-digitaler-zwilling-werft-hafen/"
    # several <category>, then ev:type unless it is one of them already
    assert event.categories == ["Maritime Wirtschaft", "KI", "Workshop"]
    assert event.location_name == "Hochschule Wismar, Haus 7"
    assert event.address == "Philipp-Müller-Straße 14, 23966 Wismar"
    assert event.attendance is Attendance.OFFLINE and event.status is EventStatus.SCHEDULED
    assert event.modified == datetime(2025, 7, 24, 14, 40, tzinfo=BERLIN)
    # CDATA HTML became plain text: tags gone, link text kept, paragraphs separated
    assert event.description.startswith("Wie sehen Hafenanlagen aus")
    assert "Team der Hafenlicht Robotics GmbH zeigen" in event.description
    assert "\n\nTeilnahme kostenfrei, Anmeldung bis 23.09.2025." in event.description
    assert "<" not in event.description


def test_wismar_html_lists_and_entities(wismar: ParseResult) -> None:
    event = by_id(wismar)["ipw-2025-031"]
    assert "Moderation: Aylin Demirtaş (Gründerwerft MV e.V.)" in event.description
    assert "17:00 Uhr Einlass & Snacks\n17:30 Uhr Kurzvorträge\n18:30 Uhr Netzwerken" in event.description
    assert event.categories == ["Gründung", "Netzwerk", "Netzwerkabend"]
    assert by_id(wismar)["ipw-2025-040"].title == "Barcamp Design & Technik 2025"


def test_wismar_organisers(wismar: ParseResult) -> None:
    two = by_id(wismar)["ipw-2025-047"]
    assert [(actor.name, actor.role) for actor in two.actors] == [
        ("InnovationPort Wismar", "organiser"),
        ("Stadtwerke Rostock Aktiengesellschaft", "organiser"),
    ]
    fair = by_id(wismar)["ipw-2026-018"]
    assert [actor.name for actor in fair.actors] == ["InnovationPort Wismar", "Hochschule Wismar"]
    # dc:creator "Redaktion InnovationPort" is a desk, not an actor
    assert all(actor.role != "author" for event in wismar.events for actor in event.actors)


def test_wismar_all_day_fair(wismar: ParseResult) -> None:
    fair = by_id(wismar)["ipw-2026-018"]
    assert fair.all_day and (fair.location_name, fair.address) == ("Markt", "23966 Wismar")
    assert fair.categories == ["Messe", "Netzwerk"]


def test_wismar_prose_items(wismar: ParseResult) -> None:
    prose = {guid: by_id(wismar)[guid] for guid in ("ipw-2025-040", "ipw-2026-006", "ipw-2026-009", "ipw-2026-032")}
    assert all(event.actors == [] for event in prose.values())  # no ev:organizer
    barcamp = prose["ipw-2025-040"]
    assert (barcamp.location_name, barcamp.address) == ("InnovationPort Wismar", "Am Alten Hafen 7")
    assert prose["ipw-2026-009"].location_name == ""


# --- DIZ Greifswald: Atom 1.0, dates only in the text ---------------------------------------------

GREIFSWALD = "tag:diz-greifswald.de,{}:/veranstaltungen/{}"

# entry id parts, start, end, location name, address; one row per entry, all five text styles.
# fmt: off
GREIFSWALD_ENTRIES = [
    # "Wann:"/"Wo:" lines
    ("2025-07-30", "telemed-vorpommern-auftakt", "2025-09-16T17:00:00+02:00", "2025-09-16T19:00:00+02:00",
     "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
    # "Wir treffen uns am … von … bis … Uhr – place"
    ("2025-08-01", "ki-sprechstunde-boddenblick", "2025-09-30T16:00:00+02:00", "2025-09-30T18:00:00+02:00",
     "DIZ Greifswald, Seminarraum 1", ""),
    ("2025-08-04", "feldtag-landpuls-vorpommern", "2025-10-14T10:00:00+02:00", "2025-10-14T15:00:00+02:00",
     "Hof Wackerow", "Dorfstraße 8, 17498 Wackerow"),
    # "Termin: …, Beginn 18 Uhr (Ende ca. 20 Uhr) – place"
    ("2025-08-05", "energie-teilen-buergerenergie-vorpommern", "2025-10-28T18:00:00+01:00",
     "2025-10-28T20:00:00+01:00", "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
    # emoji: 📅 and 📍
    ("2025-08-07", "gruenderinnen-fruehstueck-november", "2025-11-04T08:30:00+01:00", "2025-11-04T10:30:00+01:00",
     "DIZ Greifswald, Café im Erdgeschoss", "Am Museumshafen 5, 17489 Greifswald"),
    ("2025-08-08", "campus-trifft-wirtschaft-2025", "2025-11-18T14:00:00+01:00", "2025-11-18T17:00:00+01:00",
     "Universität Greifswald", "Hörsaal Rubenowstraße 1, 17489 Greifswald"),
    ("2025-08-11", "pflegeassistenz-digital-wolgast", "2025-12-02T15:00:00+01:00", "2025-12-02T17:00:00+01:00",
     "Bürgerhaus Wolgast", "Lange Straße 14, 17438 Wolgast"),
    ("2025-08-12", "usedom-ostsee-shuttle-bilanz", "2026-01-13T18:00:00+01:00", "2026-01-13T20:00:00+01:00",
     "Haus des Gastes", "Strandpromenade 2, 17454 Zinnowitz"),
    ("2025-08-13", "plattenbau-klimafit-sanierung-digital", "2026-02-03T17:00:00+01:00",
     "2026-02-03T19:00:00+01:00", "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
    ("2025-08-14", "sprechtag-digitalisierung-ihk", "2026-03-03T09:00:00+01:00", "2026-03-03T15:00:00+01:00",
     "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
    ("2025-08-15", "ki-in-der-medizin", "2026-03-24T18:00:00+01:00", "2026-03-24T20:00:00+01:00",
     "Universität Greifswald, Alfried Krupp Wissenschaftskolleg", "Martin-Luther-Straße 14, 17489 Greifswald"),
    ("2025-08-18", "greifswalder-innovationsnacht-2026", "2026-04-21T19:00:00+02:00", "2026-04-21T23:00:00+02:00",
     "rund um den Museumshafen, Start im DIZ Greifswald (Am Museumshafen 5)", ""),
    ("2025-08-19", "algen-moor-meer-biooekonomie", "2026-05-12T17:00:00+02:00", "2026-05-12T19:00:00+02:00",
     "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
    ("2025-08-20", "verwaltung-digital-landkreis", "2026-06-09T09:00:00+02:00", "2026-06-09T13:00:00+02:00",
     "Kreishaus Greifswald", "Feldstraße 85a, 17489 Greifswald"),
    # two days: "25. bis 26. August 2026, Start am ersten Tag um 9:00 Uhr, Ende am zweiten Tag gegen 17:00 Uhr"
    ("2025-08-21", "sommer-hackathon-gesundheit-2026", "2026-08-25T09:00:00+02:00", "2026-08-26T17:00:00+02:00",
     "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
    ("2025-08-22", "programmiertag-schuelerinnen-2026", "2026-09-29T09:00:00+02:00", "2026-09-29T14:00:00+02:00",
     "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
    ("2025-08-25", "symposium-ein-jahr-telemed-vorpommern", "2026-10-27T13:00:00+01:00",
     "2026-10-27T18:00:00+01:00", "Universität Greifswald, Aula", "Domstraße 11, 17489 Greifswald"),
    ("2025-08-29", "jahresausklang-diz-greifswald-2026", "2026-11-24T17:00:00+01:00", "2026-11-24T21:00:00+01:00",
     "DIZ Greifswald", "Am Museumshafen 5, 17489 Greifswald"),
]
# fmt: on


@pytest.fixture(scope="module")
def greifswald() -> ParseResult:
    return parse("diz-greifswald.atom")


def test_greifswald_reads_every_entry(greifswald: ParseResult) -> None:
    assert greifswald.fatal is None and greifswald.complete
    assert greifswald.errors == [] and greifswald.warnings == []
    assert [e.source_id for e in greifswald.events] == [GREIFSWALD.format(d, s) for d, s, *_ in GREIFSWALD_ENTRIES]


@pytest.mark.parametrize(
    ("day", "slug", "start", "end", "name", "address"), GREIFSWALD_ENTRIES, ids=[row[1] for row in GREIFSWALD_ENTRIES]
)
def test_greifswald_time_and_place(
    greifswald: ParseResult, day: str, slug: str, start: str, end: str, name: str, address: str
) -> None:
    event = by_id(greifswald)[GREIFSWALD.format(day, slug)]
    assert (local(event.start), local(event.end), event.all_day) == (start, end, False)
    assert (event.location_name, event.address) == (name, address)
    assert event.attendance is Attendance.OFFLINE


def test_greifswald_entry_fields(greifswald: ParseResult) -> None:
    event = by_id(greifswald)[GREIFSWALD.format("2025-07-30", "telemed-vorpommern-auftakt")]
    assert event.title == "Auftakt: TeleMed Vorpommern bringt die Sprechstunde aufs Land"
    assert event.url == "https://diz-greifswald.de/veranstaltungen/2025/telemed-vorpommern-auftakt/"
    assert event.modified == datetime(2025, 8, 18, 15, 20, tzinfo=BERLIN)  # <updated>, not <published>
    assert (event.theme_hints, event.project_hints, event.categories) == (["Gesundheit"], ["TeleMed Vorpommern"], [])
    # the plain-text summary first, then the content as text
    summary = (
        "Projektauftakt mit Dr. med. Katrin Behnke: Telemedizin für Hausarztpraxen und Pflegedienste in Vorpommern."
    )
    assert event.description.startswith(summary + "\n\nWann: Dienstag, 16. September 2025, 17:00 bis 19:00 Uhr\nWo: ")
    assert event.description.endswith("Anschließend Empfang.")
    assert event.actors == []  # author "Redaktion DIZ Greifswald" is a desk


def test_greifswald_categories_by_scheme(greifswald: ParseResult) -> None:
    shuttle = by_id(greifswald)[GREIFSWALD.format("2025-08-12", "usedom-ostsee-shuttle-bilanz")]
    assert shuttle.theme_hints == ["Mobilität", "Tourismus"]
    assert shuttle.project_hints == ["Ostsee-Shuttle"]
    landpuls = by_id(greifswald)[GREIFSWALD.format("2025-08-04", "feldtag-landpuls-vorpommern")]
    assert (landpuls.theme_hints, landpuls.project_hints) == (["Landwirtschaft"], ["Landpuls"])
    assert all(event.categories == [] for event in greifswald.events)


def test_greifswald_authors_and_hashtags(greifswald: ParseResult) -> None:
    events = by_id(greifswald)
    written_by_lena = [e for e in greifswald.events if any(a.role == "author" for a in e.actors)]
    assert len(written_by_lena) == 7
    sprechstunde = events[GREIFSWALD.format("2025-08-01", "ki-sprechstunde-boddenblick")]
    assert [(a.name, a.role, a.email) for a in sprechstunde.actors] == [("Lena Voß", "author", None)]
    assert sprechstunde.keywords == ["KIKompassMV"]


def test_greifswald_later_times_in_text_are_not_the_start(greifswald: ParseResult) -> None:
    # "Shuttle ab Greifswald Bahnhof um 9:30 Uhr." comes two paragraphs after the date
    feldtag = by_id(greifswald)[GREIFSWALD.format("2025-08-04", "feldtag-landpuls-vorpommern")]
    assert local(feldtag.start) == "2025-10-14T10:00:00+02:00"


# --- bad/ -------------------------------------------------------------------------------------------


def test_undefined_entity() -> None:
    result = parse("bad/undefined-entity.rss")
    assert result.fatal is None and not result.complete
    assert [(e.message, e.item, e.line, e.column) for e in result.errors] == [
        ("undefined entity", "ipw-bad-002", 18, 13)
    ]
    events = by_id(result)
    assert list(events) == ["ipw-bad-001", "ipw-bad-002", "ipw-bad-003"]
    # feedparser's lenient parser recovers the item, HTML entities resolved
    recovered = events["ipw-bad-002"]
    assert recovered.title == "Gründerabend & Pitch Night"
    assert recovered.description == "Pitches, Jury und Netzwerken – Eintritt frei."
    assert local(recovered.start) == "2025-10-16T18:00:00+02:00"


def test_billion_laughs_is_never_expanded() -> None:
    content = (FEEDS / "bad" / "billion-laughs.rss").read_bytes()
    result = parse_rss_atom(content, source="billion-laughs.rss", now=NOW)
    assert "DTD with entity declarations ignored (not expanded)" in result.warnings
    assert not result.complete
    assert [(e.message, e.item, e.line) for e in result.errors] == [("undefined entity", "ipw-bad-012", 24)]
    assert by_id(result)["ipw-bad-011"].title == "Stammtisch Handwerk 4.0"
    for event in result.events:
        text = " ".join((event.title, event.description, event.location_name))
        assert "lol" * 10 not in text
    # ipw-bad-012 is kept with the entity reference as literal text
    assert by_id(result)["ipw-bad-012"].title == "Netzwerkabend &lol3;"


def test_external_entity_is_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    content = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file://{secret}">\n]>\n'
        '<rss version="2.0"><channel><title>t</title>\n<item><title>&xxe;</title><guid>x1</guid>'
        "<description>Termin: 5.3.2026, 18 Uhr</description></item></channel></rss>"
    ).encode()
    result = parse_bytes(content)
    assert [event.source_id for event in result.events] == ["x1"]
    assert "TOP-SECRET" not in result.events[0].title
    assert result.errors[0].message == "undefined entity" and result.errors[0].line == 6


@pytest.mark.parametrize(
    ("content", "fatal"),
    [
        (b"", "empty response"),
        (b" \r\n\t", "empty response"),
        ((FEEDS / "bad" / "html-instead-of-ics.ics").read_bytes(), "not RSS/Atom (starts with '<!DOCTYPE html>')"),
        (b"<html><body>Wartung</body></html>", "not RSS/Atom (starts with '<html><body>Wartung</body></html>')"),
        (b'{"events": []}', "not RSS/Atom (starts with '{\"events\": []}')"),
        (
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>',
            "XML error at line 2, column 44: no element found",
        ),
        (
            b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title></chanel></rss>',
            "XML error at line 2, column 46: mismatched tag",
        ),
    ],
)
def test_unreadable_documents_are_fatal(content: bytes, fatal: str) -> None:
    result = parse_bytes(content)
    assert (result.fatal, result.complete, result.events) == (fatal, False, [])


def test_well_formed_feed_without_items_is_complete() -> None:
    result = parse_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>')
    assert (result.fatal, result.complete, result.events, result.errors) == (None, True, [], [])


@pytest.mark.parametrize("name", ["innovationport-wismar.rss", "diz-greifswald.atom"])
def test_truncated_feed_keeps_only_whole_items(name: str) -> None:
    content = (FEEDS / name).read_bytes()
    whole = by_id(parse_rss_atom(content, source=name, now=NOW))
    for cut in range(0, len(content), 293):  # cuts inside tags, text, CDATA and UTF-8 characters
        result = parse_rss_atom(content[:cut], source=name, now=NOW)
        assert result.fatal is not None or not result.complete
        for event in result.events:
            assert event == whole[event.source_id], f"cut at byte {cut}: {event.source_id} differs"


def test_item_without_date_is_rejected_alone() -> None:
    content = _rss(
        "<item><title>Ohne Datum</title><guid>nodate</guid><description>Bald mehr.</description></item>",
        "<item><title>Mit Datum</title><guid>dated</guid><description>Am 5. Mai 2026, 19 Uhr</description></item>",
    )
    result = parse_bytes(content)
    assert [(e.message, e.item, e.line) for e in result.errors] == [
        ("no event date found in ev:startdate or text", "nodate", 3)
    ]
    assert [event.source_id for event in result.events] == ["dated"]
    assert result.complete


# --- quirks of unseen feeds ---------------------------------------------------------------------


def _rss(*items: str, namespaces: str = 'xmlns:ev="http://purl.org/rss/1.0/modules/event/"') -> bytes:
    body = "\n".join(items)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" {namespaces}><channel><title>t</title>\n'
        f"{body}\n</channel></rss>"
    ).encode()


def test_event_module_with_another_prefix_and_naive_times() -> None:
    content = _rss(
        "<item><title>Vortrag</title><guid>a</guid><event:startdate>2026-03-29T18:00:00</event:startdate>"
        "<event:enddate>2026-03-29T20:00</event:enddate><event:location>Online via Zoom</event:location>"
        "<event:organizer>Firma A GmbH;Verein B e.V. ; </event:organizer><event:type>Webinar</event:type></item>",
        namespaces='xmlns:event="http://purl.org/rss/1.0/modules/event/"',
    )
    event = parse_bytes(content).events[0]
    assert (local(event.start), local(event.end)) == ("2026-03-29T18:00:00+02:00", "2026-03-29T20:00:00+02:00")
    assert event.attendance is Attendance.ONLINE
    assert [actor.name for actor in event.actors] == ["Firma A GmbH", "Verein B e.V."]
    assert event.categories == ["Webinar"]


def test_source_id_falls_back_to_link_then_title() -> None:
    result = parse_bytes(
        _rss(
            "<item><title>A</title><link>https://x.example/a</link><ev:startdate>2026-01-01</ev:startdate></item>",
            "<item><title>B</title><ev:startdate>2026-01-02</ev:startdate></item>",
        )
    )
    first, second = result.events
    assert first.source_id == first.url == "https://x.example/a"
    assert second.source_id.startswith("title-sha256:")
    assert (
        parse_bytes(_rss("<item><title>B</title><ev:startdate>2026-01-02</ev:startdate></item>")).events[0].source_id
        == second.source_id
    )


def test_status_attendance_and_duplicates() -> None:
    result = parse_bytes(
        _rss(
            "<item><title>ABGESAGT: Stammtisch</title><guid>c</guid>"
            "<ev:startdate>2026-01-01T19:00:00+01:00</ev:startdate>"
            "<ev:location>DIZ Rostock, Universitätsplatz 1, 18055 Rostock</ev:location></item>",
            "<item><title>Talk (hybrid)</title><guid>h</guid><ev:startdate>2026-01-02T19:00:00+01:00</ev:startdate>"
            "<ev:location>DIZ Rostock, Universitätsplatz 1, 18055 Rostock</ev:location></item>",
            "<item><title>Doppelt</title><guid>c</guid><ev:startdate>2026-01-03T19:00:00+01:00</ev:startdate></item>",
            "<item><title>Energie digital</title><guid>d</guid>"
            "<description>Anmeldung online. Am 4.1.2026, 18 Uhr</description></item>",
            "<item><title>Neue Arbeit</title><guid>w</guid><description>Hybride Arbeitswelten im Handwerk."
            "<![CDATA[<br>]]>Wann: 5.1.2026, 18 Uhr<![CDATA[<br>]]>Ort: Hanse-Forum, Am Markt 1, 18055 Rostock"
            "</description></item>",
        )
    )
    events = by_id(result)
    assert events["c"].status is EventStatus.CANCELLED and events["c"].title == "ABGESAGT: Stammtisch"
    assert events["h"].attendance is Attendance.MIXED
    assert events["d"].attendance is Attendance.OFFLINE  # "digital" and "Anmeldung online" are no venue
    assert events["w"].attendance is Attendance.OFFLINE  # hybrid work is the topic, not the format
    assert (events["w"].location_name, events["w"].address) == ("Hanse-Forum", "Am Markt 1, 18055 Rostock")
    assert events["d"].url == ""  # a guid without isPermaLink is not a web address
    assert [(e.message, e.item) for e in result.errors] == [
        ("duplicate item id; only the first item with it is kept", "c")
    ]


def test_authors_people_and_organisations_but_no_desks() -> None:
    content = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        "<author><name>DIZ Schwerin</name><uri>https://diz-schwerin.example/</uri></author>"
        "<entry><id>tag:x,2026:1</id><title>A</title><content>Datum: 12.03.2026, 18 Uhr</content></entry>"
        "<entry><id>tag:x,2026:2</id><title>B</title><author><name>Team Veranstaltungen</name></author>"
        "<content>Datum: 13.03.2026, 18 Uhr</content></entry>"
        "<entry><id>tag:x,2026:3</id><title>C</title><author><name>Dr. Jana Kühl</name><email>jk@x.example</email>"
        "</author><author><name>admin</name></author><content>Datum: 14.03.2026, 18 Uhr</content></entry>"
        "</feed>"
    ).encode()
    events = parse_bytes(content).events
    # entry without author inherits the feed's; an organisation keeps its contact, a person does not
    assert [(a.name, a.role, a.website) for a in events[0].actors] == [
        ("DIZ Schwerin", "author", "https://diz-schwerin.example/")
    ]
    assert events[1].actors == []
    assert [(a.name, a.email) for a in events[2].actors] == [("Dr. Jana Kühl", None)]


def test_rss_content_encoded_is_the_description() -> None:
    content = _rss(
        "<item><title>T</title><guid>e</guid><description>Kurz [&#8230;]</description>"
        "<content:encoded><![CDATA[<p>Wann: 3.–4. Juni 2026</p><p>📍 Online &amp; im DIZ</p>]]>"
        "</content:encoded></item>",
        namespaces='xmlns:content="http://purl.org/rss/1.0/modules/content/"',
    )
    event = parse_bytes(content).events[0]
    assert event.description == "Wann: 3.–4. Juni 2026\n\n📍 Online & im DIZ"
    assert (local(event.start), local(event.end), event.all_day) == (
        "2026-06-03T00:00:00+02:00",
        "2026-06-05T00:00:00+02:00",
        True,
    )
    assert (event.location_name, event.attendance) == ("Online & im DIZ", Attendance.ONLINE)


def test_missing_year_uses_the_publication_date() -> None:
    content = _rss(
        "<item><title>T</title><guid>y</guid><pubDate>Mon, 10 Nov 2025 09:00:00 +0100</pubDate>"
        "<description>Am 12. März um 18 Uhr</description></item>"
    )
    assert local(parse_bytes(content).events[0].start) == "2026-03-12T18:00:00+01:00"


def test_bad_utf8_byte_does_not_garble_the_document() -> None:
    content = (FEEDS / "innovationport-wismar.rss").read_bytes().replace("Gründung".encode(), b"Gr\xfcndung", 1)
    result = parse_bytes(content)
    assert len(result.events) == 20 and result.warnings == ["invalid UTF-8 at byte 748; bad bytes replaced by U+FFFD"]
    assert result.events[1].description.startswith("Wie sehen Hafenanlagen aus")
    assert "Müller" in result.events[1].address


def test_garbage_never_raises() -> None:
    for content in (b"<", b"<?xml", b"<!DOCTYPE rss [", b"<rss>" * 1000, b"\xff\xfe<\x00r\x00", b"<feed><entry>"):
        result = parse_bytes(content)
        assert result.fatal is not None or not result.complete or result.events == []


def test_relative_links_in_html_content_leave_the_text_alone_and_the_entry_link_is_resolved() -> None:
    # Relative URIs inside HTML content are not resolved (html_to_text drops every attribute anyway);
    # the entry's own link still is, against xml:base.
    result = parse_bytes(
        b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.example.org/veranstaltungen/">
  <title>Termine</title>
  <entry>
    <id>tag:example.org,2025:1</id>
    <title type="html">Workshop &lt;a href="kalender/"&gt;KI&lt;/a&gt; &amp;amp; Daten</title>
    <link rel="alternate" href="ki-workshop/"/>
    <updated>2025-09-01T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Am 12. M\xc3\xa4rz 2026 um 18:00 Uhr.
      &lt;a href="/anmeldung?a=1&amp;amp;b=2"&gt;Anmeldung&lt;/a&gt; &lt;img src="bild.png" alt="Bild"&gt;
      &lt;a href="javascript:alert(1)"&gt;mehr&lt;/a&gt; &amp;nbsp;&amp;#8211; Ende&lt;/p&gt;</content>
  </entry>
</feed>"""
    )
    (event,) = result.events
    assert event.url == "https://www.example.org/veranstaltungen/ki-workshop/"
    assert event.title == "Workshop KI & Daten"
    assert event.description == "Am 12. März 2026 um 18:00 Uhr. Anmeldung mehr – Ende"
    assert local(event.start) == "2026-03-12T18:00:00+01:00"
