"""schema.org JSON-LD in HTML pages: the DIZ Rostock sample pages and the bad JSON-LD page."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.domain import ActorKind, Attendance, EventStatus
from importers.parsers.jsonld import parse_jsonld_html
from importers.records import ParsedEvent, ParseResult

FEEDS = Path(__file__).resolve().parents[3] / "shared" / "feeds"
ROSTOCK = FEEDS / "diz-rostock"
BERLIN = ZoneInfo("Europe/Berlin")
PAGES = {
    "veranstaltungen.html": 8,
    "veranstaltungen-seite-2.html": 6,
    "vorschau-herbst-2026.html": 4,
    "veranstaltung-ki-kompass-sprachmodelle.html": 1,
    "veranstaltung-webinar-energiequartier.html": 1,
}


def parse_file(path: Path) -> ParseResult:
    return parse_jsonld_html(path.read_bytes(), source=path.name)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def pages() -> dict[str, ParseResult]:
    return {name: parse_file(ROSTOCK / name) for name in PAGES}


@pytest.fixture(scope="module")
def events(pages: dict[str, ParseResult]) -> dict[str, ParsedEvent]:
    return {event.source_id: event for result in pages.values() for event in result.events}


def roles(event: ParsedEvent) -> list[tuple[str, str, ActorKind | None]]:
    return [(actor.role, actor.name, actor.kind) for actor in event.actors]


# --- the good pages -----------------------------------------------------------------------------


def test_every_page_yields_its_events_and_nothing_else(pages: dict[str, ParseResult]) -> None:
    assert {name: len(result.events) for name, result in pages.items()} == PAGES
    for result in pages.values():
        assert result.fatal is None and result.complete
        assert not result.errors and not result.warnings


def test_twenty_event_objects_are_nineteen_events(
    pages: dict[str, ParseResult], events: dict[str, ParsedEvent]
) -> None:
    assert sum(len(result.events) for result in pages.values()) == 20
    assert len(events) == 19


def test_event_on_list_page_and_own_page_has_one_id(pages: dict[str, ParseResult]) -> None:
    # Deduplication across pages is the sync's job; it only works if both parses agree.
    [own] = pages["veranstaltung-ki-kompass-sprachmodelle.html"].events
    listed = next(e for e in pages["veranstaltungen-seite-2.html"].events if e.source_id == own.source_id)
    assert own.source_id == "diz-hro-2026-003"
    assert listed == own


def test_graph_next_to_website_and_breadcrumbs(pages: dict[str, ParseResult]) -> None:
    ids = [event.source_id for event in pages["veranstaltungen.html"].events]
    assert ids[0] == "diz-hro-2025-014" and len(ids) == 8


def test_event_subtypes_are_events(events: dict[str, ParsedEvent]) -> None:
    # BusinessEvent, EducationEvent, SocialEvent, and Event + additionalType
    for source_id in ("diz-hro-2025-014", "diz-hro-2025-026", "diz-hro-2025-031", "diz-hro-2026-012"):
        assert source_id in events


def test_times_with_offsets(events: dict[str, ParsedEvent]) -> None:
    event = events["diz-hro-2025-014"]
    assert (event.start, event.end) == (berlin(2025, 9, 10, 18), berlin(2025, 9, 10, 20))
    assert event.timezone == "Europe/Berlin" and not event.all_day
    winter = events["diz-hro-2025-023"]  # +01:00 after the clock change
    assert winter.start == berlin(2025, 10, 28, 8)


def test_rescheduled_keeps_previous_start(events: dict[str, ParsedEvent]) -> None:
    event = events["diz-hro-2025-029"]
    assert event.status is EventStatus.CHANGED
    assert event.previous_start == berlin(2025, 11, 25, 10)
    assert event.start == berlin(2026, 1, 27, 10)


def test_statuses(events: dict[str, ParsedEvent]) -> None:
    assert events["diz-hro-2026-012"].status is EventStatus.CANCELLED
    assert events["diz-hro-2025-014"].status is EventStatus.SCHEDULED


def test_attendance_modes_and_locations(events: dict[str, ParsedEvent]) -> None:
    mixed = events["diz-hro-2026-015"]  # a Place and a VirtualLocation
    assert mixed.attendance is Attendance.MIXED
    assert (mixed.location_name, mixed.address) == ("Kurhaus Warnemünde", "Seestraße 18, 18119 Rostock")
    online = events["diz-hro-2026-024"]  # VirtualLocation only
    assert (online.attendance, online.location_name, online.address) == (Attendance.ONLINE, "", "")
    offline = events["diz-hro-2025-019"]
    assert offline.attendance is Attendance.OFFLINE
    assert offline.location_name == "Hafenhaus Überseehafen, Konferenzraum 2"
    assert offline.address == "Ost-West-Straße 32, 18147 Rostock"


def test_organisers_as_organisation_or_person(events: dict[str, ParsedEvent]) -> None:
    assert roles(events["diz-hro-2025-016"])[:2] == [
        ("organiser", "Stadtwerke Rostock AG", ActorKind.ORGANISATION),
        ("organiser", "DIZ Rostock", ActorKind.ORGANISATION),
    ]
    assert roles(events["diz-hro-2025-031"]) == [("organiser", "Kai-Uwe Hinrichsen", ActorKind.PERSON)]
    person = events["diz-hro-2026-030"].actors[0]
    assert (person.name, person.kind, person.email) == ("Merle Tiedemann", ActorKind.PERSON, "merle@warnowrad.de")
    assert events["diz-hro-2025-016"].actors[0].website == "https://www.swrag.de"


def test_performers_are_speakers_and_affiliations_partners(events: dict[str, ParsedEvent]) -> None:
    assert roles(events["diz-hro-2025-019"]) == [
        ("organiser", "DIZ Rostock", ActorKind.ORGANISATION),
        ("speaker", "Prof. Dr.-Ing. Mirela Stanciu", ActorKind.PERSON),
        ("speaker", "Hafenlicht Robotics", ActorKind.ORGANISATION),
        ("partner", "Hochschule Wismar", ActorKind.ORGANISATION),
    ]
    assert ("partner", "Universität Rostock", ActorKind.UNIVERSITY) in roles(events["diz-hro-2025-014"])
    # An affiliation already named in another role is not repeated as partner.
    assert [r for r in roles(events["diz-hro-2026-024"]) if r[1] == "Stadtwerke Rostock AG"] == [
        ("organiser", "Stadtwerke Rostock AG", ActorKind.ORGANISATION)
    ]


def test_sponsor(events: dict[str, ParsedEvent]) -> None:
    sponsors = [name for role, name, _ in roles(events["diz-hro-2025-014"]) if role == "sponsor"]
    assert sponsors == ["Ministerium für Wirtschaft, Infrastruktur, Tourismus und Arbeit Mecklenburg-Vorpommern"]


def test_about_and_keywords(events: dict[str, ParsedEvent]) -> None:
    event = events["diz-hro-2025-014"]
    assert event.keywords == ["KI", "Mittelstand", "Sprachmodelle", "KI-Kompass MV"]
    assert event.theme_hints == ["KI"]
    assert events["diz-hro-2026-033"].theme_hints == ["Maritime Wirtschaft", "KI", "Mobilität"]


def test_offers_become_cost(events: dict[str, ParsedEvent]) -> None:
    assert events["diz-hro-2025-014"].cost == "Kostenlos"  # price "0"
    assert events["diz-hro-2025-016"].cost == ""  # no offers


def test_text_and_url(events: dict[str, ParsedEvent]) -> None:
    event = events["diz-hro-2025-014"]
    assert event.title == "KI-Kompass MV – Auftakt in Rostock"
    assert event.description.startswith("Mit dem KI-Kompass MV starten")
    assert event.url == "https://www.diz-rostock.de/veranstaltungen/ki-kompass-mv-auftakt-rostock/"


# --- the bad page and unreadable documents ------------------------------------------------------


def test_invalid_block_is_an_error_and_the_next_block_still_counts() -> None:
    result = parse_file(FEEDS / "bad/invalid-jsonld.html")
    [error] = result.errors
    assert (error.item, error.line, error.column) == ("block 1", 6, 22)
    assert "not valid JSON" in error.message and "page line 11" in error.message
    [event] = result.events
    assert (event.source_id, event.title) == ("diz-hro-bad-002", "Coding Dojo: Testgetriebene Entwicklung")
    assert result.fatal is None
    assert not result.complete  # the broken block may have held events


@pytest.mark.parametrize("content", [b"", b" \n\t"])
def test_empty_body_is_fatal(content: bytes) -> None:
    result = parse_jsonld_html(content, source="test")
    assert (result.fatal, result.complete, result.events) == ("empty response", False, [])


def test_page_with_jsonld_but_no_events_only_warns() -> None:
    html = page({"@context": "https://schema.org", "@type": "WebSite", "name": "DIZ"})
    result = parse_jsonld_html(html, source="test")
    assert result.fatal is None and not result.events and not result.errors
    assert result.warnings == ["no schema.org events in the page's JSON-LD"]
    assert result.complete


def test_page_without_any_jsonld_warns_and_is_incomplete() -> None:
    result = parse_file(FEEDS / "bad/html-instead-of-ics.ics")
    assert result.fatal is None and not result.events
    assert result.warnings == ["no JSON-LD on the page"]
    assert not result.complete  # a redesign must not look like "all events removed"


# --- cases the sample does not show -------------------------------------------------------------


def page(*blocks: Any, head: str = "") -> bytes:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(block)}</script>' for block in blocks)
    return f"<!DOCTYPE html><html><head>{head}{scripts}</head><body></body></html>".encode()


def one_event(event: dict[str, Any], **kwargs: Any) -> ParsedEvent:
    result = parse_jsonld_html(page({"@context": "https://schema.org", **event}), source="test", **kwargs)
    assert not result.errors, result.errors
    [parsed] = result.events
    return parsed


def test_date_only_is_all_day_with_exclusive_end() -> None:
    event = one_event(
        {"@type": "Event", "identifier": "x", "name": "Messe", "startDate": "2026-05-04", "endDate": "2026-05-05"}
    )
    assert event.all_day and event.timezone == "Europe/Berlin"
    assert (event.start, event.end) == (berlin(2026, 5, 4), berlin(2026, 5, 6))


def test_naive_times_are_berlin_and_foreign_offsets_are_kept() -> None:
    naive = one_event({"@type": "Event", "@id": "#a", "name": "A", "startDate": "2026-07-01T18:00"})
    assert naive.start == berlin(2026, 7, 1, 18) and naive.timezone == "Europe/Berlin"
    foreign = one_event({"@type": "Event", "@id": "#b", "name": "B", "startDate": "2026-07-01T18:00:00Z"})
    assert foreign.timezone == "+00:00"


def test_relative_urls_join_page_url_and_ids_fall_back() -> None:
    event = one_event(
        {
            "@type": "Hackathon",
            "@id": "/e/1#event",
            "name": "H",
            "url": "/e/1/",
            "startDate": "2026-07-01T18:00:00+02:00",
        },
        page_url="https://diz.example/liste/",
    )
    assert event.source_id == "https://diz.example/e/1#event"
    assert event.url == "https://diz.example/e/1/"
    property_value = one_event(
        {
            "@type": "Event",
            "identifier": {"@type": "PropertyValue", "value": "42"},
            "name": "P",
            "startDate": "2026-07-01T18:00:00+02:00",
        }
    )
    assert property_value.source_id == "42"


def test_references_subtypes_strings_and_prices() -> None:
    organisation = {
        "@type": ["Organization", "GovernmentOrganization"],
        "@id": "https://lk.example/#org",
        "name": "Landkreis Rostock",
        "email": "mailto:info@lk.example",
    }
    event = {
        "@type": "EducationEvent",
        "identifier": "y",
        "name": "Kurs",
        "startDate": "2026-07-01T18:00:00+02:00",
        "eventStatus": "EventPostponed",
        "location": "Rathaus Güstrow",
        "organizer": {"@id": "https://lk.example/#org"},
        "performer": ["Anna Beispiel", {"@type": "Corporation", "name": "Firma AG"}],
        "funder": {"@type": "NGO", "name": "Verein e.V."},
        "keywords": ["KI", "Bildung", "KI"],
        "about": ["Bildung"],
        "offers": [{"price": 35, "priceCurrency": "EUR"}, {"price": "12.5", "priceCurrency": "EUR"}],
    }
    result = parse_jsonld_html(page({"@graph": [event, organisation]}), source="test")
    [parsed] = result.events
    assert parsed.status is EventStatus.TENTATIVE
    assert parsed.location_name == "Rathaus Güstrow"
    assert roles(parsed) == [
        ("organiser", "Landkreis Rostock", ActorKind.PUBLIC_BODY),
        ("speaker", "Anna Beispiel", None),
        ("speaker", "Firma AG", ActorKind.COMPANY),
        ("sponsor", "Verein e.V.", ActorKind.ASSOCIATION),
    ]
    assert parsed.actors[0].email == "info@lk.example"
    assert parsed.keywords == ["KI", "Bildung"] and parsed.theme_hints == ["Bildung"]
    assert parsed.cost == "35 € / 12,50 €"


def test_duplicates_on_one_page_are_kept_once() -> None:
    event = {"@type": "Event", "identifier": "d", "name": "D", "startDate": "2026-07-01T18:00:00+02:00"}
    result = parse_jsonld_html(page(event, {"@type": "ItemList", "itemListElement": [event]}), source="test")
    assert [e.source_id for e in result.events] == ["d"]
    assert result.warnings == ["item d: appears twice on the page; kept once"]


def test_bad_events_are_item_errors() -> None:
    result = parse_jsonld_html(
        page(
            {"@type": "Event", "identifier": "no-date", "name": "Ohne Datum"},
            {"@type": "Event", "identifier": "bad-date", "name": "Kaputt", "startDate": "31.02.2026"},
            {"@type": "Event", "identifier": "no-name", "startDate": "2026-07-01"},
            {"@type": "Event", "identifier": "ok", "name": "Gut", "startDate": "2026-07-01", "endDate": "irgendwann"},
        ),
        source="test",
    )
    assert [(error.item, error.message) for error in result.errors] == [
        ("no-date", "startDate is missing"),
        ("bad-date", "startDate '31.02.2026' is not an ISO 8601 date"),
        ("no-name", "name is missing"),
    ]
    assert [event.source_id for event in result.events] == ["ok"]
    assert result.complete  # every item is accounted for by id


def test_commented_script_and_bare_json_document() -> None:
    wrapped = (
        b'<html><head><script type="application/ld+json">\n<!--\n'
        + json.dumps({"@type": "Event", "identifier": "c", "name": "C", "startDate": "2026-07-01"}).encode()
        + b"\n-->\n</script></head></html>"
    )
    assert [e.source_id for e in parse_jsonld_html(wrapped, source="test").events] == ["c"]
    bare = json.dumps([{"@type": "Event", "identifier": "j", "name": "J", "startDate": "2026-07-01"}]).encode()
    assert [e.source_id for e in parse_jsonld_html(bare, source="test").events] == ["j"]
