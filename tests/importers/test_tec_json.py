"""The Events Calendar REST pages: the DIZ Neubrandenburg sample feed and the bad TEC files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hub.domain import Attendance, EventStatus
from importers.parsers.tec_json import decode_email, parse_tec_json
from importers.records import ParsedEvent, ParseResult

FEEDS = Path(__file__).resolve().parents[3] / "shared" / "feeds"
BERLIN = ZoneInfo("Europe/Berlin")


def parse(name: str) -> ParseResult:
    return parse_tec_json((FEEDS / name).read_bytes(), source=name)


def by_id(result: ParseResult) -> dict[str, ParsedEvent]:
    return {event.source_id: event for event in result.events}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def page1() -> ParseResult:
    return parse("diz-neubrandenburg-p1.json")


@pytest.fixture(scope="module")
def page2() -> ParseResult:
    return parse("diz-neubrandenburg-p2.json")


@pytest.fixture(scope="module")
def events(page1: ParseResult, page2: ParseResult) -> dict[str, ParsedEvent]:
    return {**by_id(page1), **by_id(page2)}


# --- the good feed ------------------------------------------------------------------------------


def test_both_pages_parse_whole(page1: ParseResult, page2: ParseResult) -> None:
    assert (len(page1.events), len(page2.events)) == (12, 9)
    for page in (page1, page2):
        assert page.fatal is None and page.complete and not page.errors and not page.warnings
    assert len({event.source_id for event in page1.events + page2.events}) == 21


def test_pagination_follows_next_rest_url(page1: ParseResult, page2: ParseResult) -> None:
    raw2 = json.loads((FEEDS / "diz-neubrandenburg-p2.json").read_bytes())
    assert page1.next_url == raw2["rest_url"]
    assert page1.next_url is not None and page1.next_url.endswith("&page=2")
    assert page2.next_url is None  # page 2 has only previous_rest_url


def test_entities_in_titles_and_names_are_resolved(events: dict[str, ParsedEvent]) -> None:
    assert events["2318"].title == "LandPuls MV – Auftakt: Daten vom Feld"
    assert events["2325"].title == "Gesundheit & Pflege digital: Telemedizin im ländlichen Raum"
    assert events["2336"].title == "Gründen in der Seenplatte: Finanzierung – Förderung – Netzwerke"
    names = {actor.name for event in events.values() for actor in event.actors}
    assert "Boddenblick Software & Consulting GmbH" in names
    assert not any("&#" in text for event in events.values() for text in (event.title, event.description))


def test_obfuscated_organiser_emails_are_decoded(events: dict[str, ParsedEvent]) -> None:
    emails = {actor.feed_ref: actor.email for event in events.values() for actor in event.actors}
    assert emails["2206"] == "kontakt@medinord-telemedizin.de"
    assert emails["2213"] == "events@boddenblick.de"
    assert emails["2201"] == "info@diz-neubrandenburg.de"  # plain addresses pass unchanged


def test_several_organisers_keep_order_ids_and_websites(events: dict[str, ParsedEvent]) -> None:
    actors = events["2318"].actors
    assert [(a.name, a.role, a.feed_ref) for a in actors] == [
        ("Ackerwerk Digital eG", "organiser", "2204"),
        ("DIZ Neubrandenburg", "organiser", "2201"),
    ]
    assert actors[0].website == "https://ackerwerk-digital.de"
    assert actors[0].phone is None  # "" in the feed


def test_timed_event_is_wall_clock_in_its_zone(events: dict[str, ParsedEvent]) -> None:
    event = events["2311"]
    assert (event.start, event.end) == (berlin(2025, 9, 17, 18), berlin(2025, 9, 17, 20))
    assert event.start == datetime(2025, 9, 17, 16, tzinfo=UTC)  # = utc_start_date
    assert event.timezone == "Europe/Berlin" and not event.all_day


def test_all_day_events_end_at_the_next_midnight(events: dict[str, ParsedEvent]) -> None:
    all_day = {source_id for source_id, event in events.items() if event.all_day}
    assert all_day == {"2330", "2406"}
    event = events["2330"]
    assert (event.start, event.end) == (berlin(2025, 10, 15), berlin(2025, 10, 16))


def test_two_day_event_spans_both_days(events: dict[str, ParsedEvent]) -> None:
    event = events["2388"]
    assert (event.start, event.end) == (berlin(2026, 3, 20, 9), berlin(2026, 3, 21, 16))
    assert not event.all_day


def test_empty_venue_array_is_an_online_event(events: dict[str, ParsedEvent]) -> None:
    online = events["2425"]
    assert online.attendance is Attendance.ONLINE
    assert (online.location_name, online.address, online.latitude) == ("", "", None)
    others = [event for key, event in events.items() if key != "2425"]
    assert all(event.attendance is Attendance.OFFLINE and event.location_name for event in others)


def test_venue_becomes_place_and_address(events: dict[str, ParsedEvent]) -> None:
    event = events["2311"]
    assert event.location_name == "DIZ Neubrandenburg"
    assert event.address == "Stargarder Straße 17, 17033 Neubrandenburg"
    assert events["2412"].address == "17217 Penzlin"  # a venue without street


def test_cost_strings_are_kept(events: dict[str, ParsedEvent]) -> None:
    assert events["2349"].cost == "35 €"
    assert events["2318"].cost == "Kostenlos"
    assert events["2311"].cost == ""


def test_text_fields(events: dict[str, ParsedEvent]) -> None:
    event = events["2311"]
    assert event.description.startswith("Einmal im Quartal treffen sich Digitalbegeisterte")
    assert "\n\nDiesmal mit Kurzimpulsen" in event.description  # the paragraph break survives
    assert "<p>" not in event.description
    assert "Boddenblick Software & Consulting GmbH" in events["2388"].description  # &amp;
    assert events["2318"].categories == ["Landwirtschaft", "KI"]
    assert events["2318"].keywords == ["LandPuls MV", "Sensorik"]
    assert event.url == "https://www.diz-neubrandenburg.de/veranstaltung/digitalstammtisch-seenplatte-september-2025/"
    assert event.modified == datetime(2025, 8, 21, 14, 2, tzinfo=UTC)
    assert event.status is EventStatus.SCHEDULED  # "status": "publish" is the post status


# --- the bad files ------------------------------------------------------------------------------


def test_syntax_error_rejects_the_page_with_json_position() -> None:
    result = parse("bad/syntax-error.json")
    assert result.fatal is not None
    assert result.fatal.startswith("JSON syntax error at line 1, column 3575")
    assert not result.complete and not result.events


def test_null_start_date_rejects_only_that_event() -> None:
    result = parse("bad/null-start-date.json")
    assert sorted(by_id(result)) == ["2501", "2502", "2504"]
    assert [(error.item, error.message) for error in result.errors] == [("2503", "start_date is null")]
    assert result.fatal is None


@pytest.mark.parametrize(
    ("content", "fatal"),
    [
        (b"", "empty response"),
        (b"  \n", "empty response"),
        ((FEEDS / "bad/html-instead-of-ics.ics").read_bytes(), "not JSON (starts with '<!DOCTYPE html>')"),
        (b'{"posts": []}', "not an Events Calendar page (no 'events' list)"),
        (b"[1, 2]", "not an Events Calendar page (no 'events' list)"),
        (
            b'{"code": "rest_no_route", "message": "Keine Route gefunden"}',
            "not an Events Calendar page: WordPress error rest_no_route: Keine Route gefunden",
        ),
    ],
)
def test_unreadable_documents_are_fatal(content: bytes, fatal: str) -> None:
    result = parse_tec_json(content, source="test")
    assert result.fatal == fatal
    assert not result.complete and not result.events


# --- cases the sample does not show -------------------------------------------------------------


def event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "title": "Test",
        "start_date": "2026-03-05 10:00:00",
        "end_date": "2026-03-05 12:00:00",
        "utc_start_date": "2026-03-05 09:00:00",
        "utc_end_date": "2026-03-05 11:00:00",
        "timezone": "Europe/Berlin",
        "venue": [],
        "organizer": [],
    }
    return {**base, **fields}


def parse_events(*raw: Any) -> ParseResult:
    return parse_tec_json(json.dumps({"events": list(raw)}).encode(), source="test")


def test_unknown_timezone_falls_back_to_utc_fields() -> None:
    [parsed] = parse_events(event(timezone="Mars/Olympus", timezone_abbr="")).events
    assert parsed.start == datetime(2026, 3, 5, 9, tzinfo=UTC)
    assert parsed.timezone == "UTC"


def test_abbreviation_and_utc_offset_zones() -> None:
    by_abbr = parse_events(event(timezone="", timezone_abbr="CET")).events[0]
    assert (by_abbr.timezone, by_abbr.start) == ("Europe/Berlin", berlin(2026, 3, 5, 10))
    by_offset = parse_events(event(timezone="UTC+1")).events[0]
    assert (by_offset.timezone, by_offset.start) == ("+01:00", berlin(2026, 3, 5, 10))


def test_start_only_in_utc_is_enough() -> None:
    [parsed] = parse_events(event(start_date=None, end_date=None)).events
    assert parsed.start == datetime(2026, 3, 5, 9, tzinfo=UTC)


def test_event_status_and_geo_and_single_organizer_object() -> None:
    [parsed] = parse_events(
        event(
            event_status="canceled",
            venue={
                "venue": "Hörsaal 1",
                "address": "Brodaer Str. 2",
                "city": "Neubrandenburg",
                "geo_lat": "53.5596",
                "geo_lng": 13.2766,
            },
            organizer={"id": 7, "organizer": "A &amp; B", "email": "", "website": "", "phone": "0395 1234"},
        )
    ).events
    assert parsed.status is EventStatus.CANCELLED
    assert (parsed.latitude, parsed.longitude) == (53.5596, 13.2766)
    assert parsed.attendance is Attendance.OFFLINE
    [actor] = parsed.actors
    assert (actor.name, actor.email, actor.phone, actor.feed_ref) == ("A & B", None, "0395 1234", "7")


def test_no_venue_and_no_online_words_is_offline_without_place() -> None:
    [parsed] = parse_events(event(title="Lesecafé")).events
    assert parsed.attendance is Attendance.OFFLINE and parsed.location_name == ""


def test_virtual_flags_and_online_venue() -> None:
    hybrid = parse_events(event(is_virtual=True, venue={"venue": "DIZ", "address": "Str. 1"})).events[0]
    assert hybrid.attendance is Attendance.MIXED
    zoom_venue = parse_events(event(venue={"venue": "Online via Zoom"})).events[0]
    assert (zoom_venue.attendance, zoom_venue.location_name) == (Attendance.ONLINE, "")


def test_bad_items_never_raise() -> None:
    result = parse_events(
        "not an object",
        event(id=2, title="&nbsp;"),
        event(id=3, start_date="morgen", utc_start_date=None),
        event(id=4, end_date="2026-03-05 08:00:00"),
        event(id=5, end_date="kaputt"),
    )
    assert [(error.item, error.message) for error in result.errors] == [
        ("#1", "event is not a JSON object"),
        ("2", "title is empty"),
        ("3", "start_date 'morgen' is not a date"),
    ]
    assert [(e.source_id, e.end) for e in result.events] == [("4", None), ("5", None)]
    assert len(result.warnings) == 2


def test_next_url_pointing_to_itself_is_not_followed() -> None:
    page = {"events": [], "rest_url": "https://x/events", "next_rest_url": "https://x/events"}
    result = parse_tec_json(json.dumps(page).encode(), source="test")
    assert result.next_url is None and result.warnings


@pytest.mark.parametrize(
    ("obfuscated", "address"),
    [
        ("&#105;nf&#x6f;&#64;x&#46;de", "info@x.de"),
        ("%69nfo&#x40;x.de", "info@x.de"),
        ("mailto:info@x.de", "info@x.de"),
        ("kein Kontakt", None),
        ("", None),
    ],
)
def test_decode_email(obfuscated: str, address: str | None) -> None:
    assert decode_email(obfuscated) == address
