"""iCalendar feeds: MakerPort Stralsund (The Events Calendar), DIZ Schwerin (Google), the bad .ics files,
and small inline documents for what the samples do not show (overrides, COUNT, RDATE, no UID, …)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub.domain import MAX_DESCRIPTION_CHARS, ActorKind, Attendance, EventStatus
from importers.parsers.ical import parse_ical
from importers.records import ParsedEvent, ParseResult

FEEDS = Path(__file__).resolve().parents[3] / "shared" / "feeds"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 9, 1, tzinfo=UTC)  # the samples show the feeds as of 1-2 Sept 2025
HOST = "@www.makerport-stralsund.de"
WERKSTATT = "10000412-1756994400-1757008800" + HOST
ENERGIE = "10000437-1760630400-1760637600" + HOST


def parse(name: str, now: datetime = NOW) -> ParseResult:
    return parse_ical((FEEDS / name).read_bytes(), source=name, now=now)


def by_id(result: ParseResult) -> dict[str, ParsedEvent]:
    return {event.source_id: event for event in result.events}


def uid_of(source_id: str) -> str:
    return source_id.split("#", 1)[0]


def one(result: ParseResult, prefix: str) -> ParsedEvent:
    """The single event whose UID starts with ``prefix`` (TEC's post id)."""
    [event] = [e for e in result.events if e.source_id.startswith(prefix)]
    return event


def local(value: datetime | None, zone: str = "Europe/Berlin") -> datetime:
    assert value is not None
    return value.astimezone(ZoneInfo(zone))


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def calendar(*events: str, header: str = "") -> bytes:
    """A small document; ``events`` are VEVENT bodies (content lines without BEGIN/END)."""
    blocks = "".join(f"BEGIN:VEVENT\n{body.strip()}\nEND:VEVENT\n" for body in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//test//EN\n{header}{blocks}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def parse_inline(content: bytes, **options: object) -> ParseResult:
    return parse_ical(content, source="inline.ics", now=NOW, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def makerport() -> ParseResult:
    return parse("makerport-stralsund.ics")


@pytest.fixture(scope="module")
def makerport_v2() -> ParseResult:
    return parse("makerport-stralsund.v2.ics")


@pytest.fixture(scope="module")
def schwerin() -> ParseResult:
    return parse("diz-schwerin.ics")


# --- MakerPort Stralsund: The Events Calendar export --------------------------------------------


def test_makerport_reads_all_22_vevents_cleanly(makerport: ParseResult) -> None:
    assert makerport.fatal is None and makerport.complete
    assert makerport.errors == [] and makerport.warnings == []
    assert len({uid_of(e.source_id) for e in makerport.events}) == 22
    assert len(makerport.events) == 21 + 67
    assert len(by_id(makerport)) == len(makerport.events)  # ids are unique


def test_weekly_series_gives_67_occurrences_at_16_local_across_dst(makerport: ParseResult) -> None:
    series = [e for e in makerport.events if uid_of(e.source_id) == WERKSTATT]
    assert len(series) == 67
    starts = [local(e.start) for e in series]
    assert starts[0] == berlin(2025, 9, 4, 16) and starts[-1] == berlin(2026, 12, 17, 16)
    assert all(s.hour == 16 and s.minute == 0 and s.weekday() == 3 for s in starts)
    assert all(local(e.end).hour == 20 for e in series)
    assert berlin(2025, 12, 25, 16) not in starts  # EXDATE
    assert berlin(2025, 12, 18, 16) in starts and berlin(2026, 1, 1, 16) in starts
    assert {e.title for e in series} == {"Offene Werkstatt"}


def test_occurrence_ids_are_uid_and_utc_start(makerport: ParseResult) -> None:
    ids = [e.source_id for e in makerport.events if uid_of(e.source_id) == WERKSTATT]
    assert ids[0] == WERKSTATT + "#20250904T140000Z"  # 16:00 CEST
    assert WERKSTATT + "#20251106T150000Z" in ids  # 16:00 CET
    singles = [e for e in makerport.events if uid_of(e.source_id) != WERKSTATT]
    assert all("#" not in e.source_id and e.source_id.endswith(HOST) for e in singles)


def test_local_18_00_reads_back_as_18_00_in_summer_and_winter(makerport: ParseResult) -> None:
    summer, winter = one(makerport, "10000437-"), one(makerport, "10000466-")
    for event, expected in ((summer, berlin(2025, 10, 16, 18)), (winter, berlin(2026, 1, 22, 18))):
        assert event.timezone == "Europe/Berlin"
        assert event.start.astimezone(ZoneInfo(event.timezone)) == expected
        assert event.start.astimezone(ZoneInfo(event.timezone)).hour == 18
        assert local(event.end).hour == 20
    assert summer.start == datetime(2025, 10, 16, 16, tzinfo=UTC)
    assert winter.start == datetime(2026, 1, 22, 17, tzinfo=UTC)


def test_escapes_are_undone_including_folds_that_split_an_escape(makerport: ParseResult) -> None:
    stammtisch = one(makerport, "10000418-")  # fold between "\" and ","
    assert "Spundwände oder Schiffsrümpfe, ohne dass jemand tauchen muss?" in stammtisch.description
    assert "Brezeln und Mate.\n\nDer Stammtisch ist kostenlos; eine Anmeldung" in stammtisch.description
    verwaltung = one(makerport, "10000479-")  # fold between "\" and "n"
    assert "Vorpommern-Rügen.\n\nTeilnahme nur für Verwaltungsmitarbeitende; Anmeldung" in verwaltung.description
    assert verwaltung.title == "Digitale Verwaltung im Amt: Workshop für Kommunen in Vorpommern-Rügen"
    assert one(makerport, "10000453-").title == "Filmabend: Werften, Wind und Wandel"
    assert not any("\\" in e.description or "\\" in e.title for e in makerport.events)


def test_categories_are_split(makerport: ParseResult) -> None:
    assert one(makerport, "10000418-").categories == ["Stammtisch", "Maritime Wirtschaft", "KI"]
    assert one(makerport, "10000421-").categories == ["Repair Café", "Handwerk", "Nachhaltigkeit"]


def test_organiser_has_name_and_email(makerport: ParseResult) -> None:
    [organiser] = one(makerport, "10000433-").actors
    assert (organiser.name, organiser.role, organiser.email) == (
        "Nordlicht 3D GmbH",
        "organiser",
        "kurse@nordlicht3d.de",
    )
    [centre] = one(makerport, "10000418-").actors
    assert (centre.name, centre.email) == ("MakerPort Stralsund", "info@makerport-stralsund.de")


def test_place_geo_url_and_modified(makerport: ParseResult) -> None:
    energie = one(makerport, "10000437-")
    assert (energie.latitude, energie.longitude) == (54.3153, 13.0919)
    assert energie.location_name == "Rathaus Stralsund – Löwenscher Saal"
    assert energie.address == "Alter Markt, 18439 Stralsund, Deutschland"
    assert energie.url == "https://www.makerport-stralsund.de/veranstaltung/energie-vom-dach-buergerstrom/"
    assert energie.modified == datetime(2025, 8, 28, 17, 31, tzinfo=UTC)
    assert energie.attendance is Attendance.OFFLINE and energie.status is EventStatus.SCHEDULED
    werkstatt = next(e for e in makerport.events if uid_of(e.source_id) == WERKSTATT)
    assert (werkstatt.location_name, werkstatt.address) == (
        "MakerPort Stralsund",
        "Frankendamm 18a, 18439 Stralsund, Deutschland",
    )


def test_all_day_event_runs_from_local_midnight_to_the_next(makerport: ParseResult) -> None:
    day = one(makerport, "10000483-")
    assert day.all_day and day.timezone == "Europe/Berlin"
    assert local(day.start) == berlin(2026, 4, 18)
    assert local(day.end) == berlin(2026, 4, 19)  # DTEND is exclusive
    assert sum(e.all_day for e in makerport.events) == 1


# --- MakerPort v1 -> v2 ---------------------------------------------------------------------------


def test_v2_has_23_vevents(makerport_v2: ParseResult) -> None:
    assert makerport_v2.complete and not makerport_v2.errors and not makerport_v2.warnings
    assert len({uid_of(e.source_id) for e in makerport_v2.events}) == 23
    assert len(makerport_v2.events) == 22 + 67


def test_v2_changes_exactly_what_the_readme_lists(makerport: ParseResult, makerport_v2: ParseResult) -> None:
    old, new = by_id(makerport), by_id(makerport_v2)
    removed = {uid_of(i) for i in old.keys() - new.keys()}
    added = {uid_of(i) for i in new.keys() - old.keys()}
    assert removed == {"10000453-1764266400-1764273600" + HOST}
    assert added == {"10000527-1761840000-1761850800" + HOST, "10000531-1769698800-1769706000" + HOST}
    changed = {i.split("-", 1)[0] for i in old.keys() & new.keys() if old[i] != new[i]}
    assert changed == {"10000437", "10000471", "10000450"}


def test_v2_time_change_keeps_the_uid(makerport: ParseResult, makerport_v2: ParseResult) -> None:
    before, after = by_id(makerport)[ENERGIE], by_id(makerport_v2)[ENERGIE]
    assert (local(before.start), local(before.end)) == (berlin(2025, 10, 16, 18), berlin(2025, 10, 16, 20))
    assert (local(after.start), local(after.end)) == (berlin(2025, 10, 16, 19), berlin(2025, 10, 16, 21))
    assert after.modified == datetime(2025, 9, 5, 14, 22, tzinfo=UTC)
    assert after.status is EventStatus.SCHEDULED  # a new time is a change the sync detects, not a status


def test_v2_title_fix_and_cancellation(makerport: ParseResult, makerport_v2: ParseResult) -> None:
    assert one(makerport, "10000471-").title == "Lasercutter-Führerschien"
    fixed = one(makerport_v2, "10000471-")
    assert fixed.title == "Lasercutter-Führerschein"
    assert fixed.url == one(makerport, "10000471-").url  # the slug keeps the typo
    assert one(makerport, "10000450-").status is EventStatus.SCHEDULED
    assert one(makerport_v2, "10000450-").status is EventStatus.CANCELLED


# --- DIZ Schwerin: Google Calendar export ----------------------------------------------------------


def test_schwerin_reads_all_18_events(schwerin: ParseResult) -> None:
    assert schwerin.fatal is None and schwerin.complete and not schwerin.errors and not schwerin.warnings
    assert len(schwerin.events) == 18
    assert all(e.source_id.endswith("@google.com") and "#" not in e.source_id for e in schwerin.events)
    assert all(e.categories == [] for e in schwerin.events)  # no CATEGORIES: themes come from the text


def test_utc_times_carry_the_calendar_zone_and_read_back_locally(schwerin: ParseResult) -> None:
    events = by_id(schwerin)
    assert {e.timezone for e in schwerin.events} == {"Europe/Berlin"}  # X-WR-TIMEZONE
    summer = events["2k04qu3e2ciaccfapkrim261hv@google.com"]  # 16:00Z in CEST
    winter = events["ieol0in8kqd2nam2ndndv1l8ha@google.com"]  # 15:00Z in CET
    assert summer.start.astimezone(ZoneInfo(summer.timezone)) == berlin(2025, 9, 9, 18)
    assert winter.start.astimezone(ZoneInfo(winter.timezone)) == berlin(2026, 1, 13, 16)
    assert summer.start == datetime(2025, 9, 9, 16, tzinfo=UTC)


def test_two_day_event(schwerin: ParseResult) -> None:
    gipfel = by_id(schwerin)["8jqe7evc9flesoug4ecubognu8@google.com"]
    assert not gipfel.all_day
    assert (local(gipfel.start), local(gipfel.end)) == (berlin(2026, 3, 25, 8), berlin(2026, 3, 26, 16))
    assert gipfel.status is EventStatus.SCHEDULED  # SEQUENCE:3 says edited, not moved
    assert (gipfel.location_name, gipfel.address) == (
        "Kongresshotel am Pfaffenteich",
        "Gaußstraße 19, 19055 Schwerin, Deutschland",
    )


def test_online_event_without_location(schwerin: ParseResult) -> None:
    online = by_id(schwerin)["ckvdbluj2dj7p2vlqlj2hbd3n7@google.com"]
    assert online.attendance is Attendance.ONLINE
    assert (online.location_name, online.address) == ("", "")
    # Google's generated Meet block is boilerplate and gone; the real text stays.
    assert online.description.endswith("Kompakter Überblick mit Fragerunde, 90 Minuten.")
    assert "meet.google.com" not in online.description and "::~" not in online.description
    offline = [e for e in schwerin.events if e is not online]
    assert {e.attendance for e in offline} == {Attendance.OFFLINE}


def test_tentative_status(schwerin: ParseResult) -> None:
    statuses = {e.source_id: e.status for e in schwerin.events}
    assert statuses.pop("0qckidi2v5sbo4m59v8hhih5rq@google.com") is EventStatus.TENTATIVE
    assert set(statuses.values()) == {EventStatus.SCHEDULED}


def test_attendees_without_the_calendar_itself(schwerin: ParseResult) -> None:
    events = by_id(schwerin)
    gipfel = events["8jqe7evc9flesoug4ecubognu8@google.com"]
    assert [(a.name, a.role, a.kind) for a in gipfel.actors] == [
        ("Aylin Demirtas", "attendee", ActorKind.PERSON),
        ("Dr. F. Luedemann", "attendee", ActorKind.PERSON),
        ("Sabine Kroll", "attendee", ActorKind.PERSON),
        ("Henrike Saß", "attendee", ActorKind.PERSON),
    ]
    [ackerwerk] = events["43ncf3s4g2d1fddhphab9bvq2l@google.com"].actors
    assert (ackerwerk.name, ackerwerk.kind, ackerwerk.email) == (
        "Ackerwerk Digital e.G.",
        ActorKind.ORGANISATION,
        "hallo@ackerwerk-digital.de",
    )
    everyone = [a for e in schwerin.events for a in e.actors]
    assert not any("calendar.google.com" in (a.email or "") or "Veranstaltungen" in a.name for a in everyone)
    assert not any(a.role == "organiser" for a in everyone)  # ORGANIZER is the calendar's group address


def test_html_descriptions_become_text(schwerin: ParseResult) -> None:
    smart = by_id(schwerin)["olmjp8tmd7199908pcutkfkr5k@google.com"]
    assert smart.description.startswith("Smart Meter im Quartier\nDie Stadtwerke Rostock berichten")
    assert "Anmeldung: diz-schwerin.de/anmeldung" in smart.description
    assert not any("<" in e.description or "&amp;" in e.description for e in schwerin.events)


# --- bad files --------------------------------------------------------------------------------------


def test_empty_file() -> None:
    result = parse("bad/empty.ics")
    assert result.fatal == "empty response"
    assert result.events == [] and not result.complete


def test_html_instead_of_ical() -> None:
    result = parse("bad/html-instead-of-ics.ics")
    assert result.fatal == "not iCalendar (starts with `<!DOCTYPE html>`)"
    assert result.events == [] and not result.complete


def test_truncated_file_keeps_the_complete_vevents(makerport: ParseResult) -> None:
    result = parse("bad/truncated.ics")
    assert result.fatal is None and not result.complete  # events after the cut are unknown, not removed
    [error] = result.errors
    assert error.item == ENERGIE and error.message == "truncated: unexpected end inside VEVENT"
    kept = {uid_of(e.source_id) for e in result.events}
    assert {u.split("-", 1)[0] for u in kept} == {"10000412", "10000418", "10000421", "10000425", "10000433"}
    # The recovered events are exactly what the whole file gives for them; the cut one is not half-stored.
    full = by_id(makerport)
    assert all(full[e.source_id] == e for e in result.events)
    assert len(result.events) == 67 + 4


def test_missing_dtstart_and_invalid_date_reject_only_those_items() -> None:
    result = parse("bad/missing-dtstart-and-invalid-date.ics")
    assert result.fatal is None and result.complete
    assert sorted(by_id(result)) == ["bad0valid0first0aaaaaaaaaa@google.com", "bad0valid0last0dddddddddd@google.com"]
    errors = {e.item: e.message for e in result.errors}
    assert set(errors) == {"bad0no0dtstart0bbbbbbbbbb@google.com", "bad0invalid0date0cccccccc@google.com"}
    assert "DTSTART" in errors["bad0no0dtstart0bbbbbbbbbb@google.com"]
    assert "DTSTART" in errors["bad0invalid0date0cccccccc@google.com"]
    assert "20260231" in errors["bad0invalid0date0cccccccc@google.com"]


def test_huge_description_is_truncated_with_a_warning() -> None:
    result = parse("bad/huge-description.ics")
    assert result.fatal is None and result.complete and not result.errors
    assert len(result.events) == 3
    huge = one(result, "10000902-")
    assert len(huge.description) == MAX_DESCRIPTION_CHARS and huge.description.endswith("…")
    [warning] = result.warnings
    assert "10000902-1760623200-1760634000@www.makerport-stralsund.de" in warning and "truncated" in warning
    assert one(result, "10000901-").description == "Aus alten Segeln werden Taschen. Material wird gestellt."


# --- recurrence, inline ----------------------------------------------------------------------------

SERIES = """UID:series-1
DTSTART;TZID=Europe/Berlin:20251001T180000
DTEND;TZID=Europe/Berlin:20251001T200000
RRULE:FREQ=WEEKLY;COUNT=4
RDATE;TZID=Europe/Berlin:20251225T100000
SUMMARY:Stammtisch"""
MOVED = """UID:series-1
RECURRENCE-ID;TZID=Europe/Berlin:20251008T180000
DTSTART;TZID=Europe/Berlin:20251009T190000
DTEND;TZID=Europe/Berlin:20251009T210000
SUMMARY:Stammtisch (verschoben)"""
CANCELLED = """UID:series-1
RECURRENCE-ID;TZID=Europe/Berlin:20251015T180000
DTSTART;TZID=Europe/Berlin:20251015T180000
DTEND;TZID=Europe/Berlin:20251015T200000
STATUS:CANCELLED
SUMMARY:Stammtisch"""


def test_count_rdate_and_recurrence_id_overrides() -> None:
    result = parse_inline(calendar(SERIES, MOVED, CANCELLED))
    assert not result.errors and not result.warnings
    events = by_id(result)
    assert list(events) == [
        "series-1#20251001T160000Z",
        "series-1#20251008T160000Z",
        "series-1#20251015T160000Z",
        "series-1#20251022T160000Z",
        "series-1#20251225T090000Z",  # COUNT=4, plus the RDATE
    ]
    moved = events["series-1#20251008T160000Z"]  # keeps the id of the slot it was moved from
    assert (local(moved.start), local(moved.end)) == (berlin(2025, 10, 9, 19), berlin(2025, 10, 9, 21))
    assert moved.title == "Stammtisch (verschoben)"
    assert moved.previous_start == berlin(2025, 10, 8, 18) and moved.status is EventStatus.CHANGED
    assert events["series-1#20251015T160000Z"].status is EventStatus.CANCELLED
    rdate = events["series-1#20251225T090000Z"]
    assert (local(rdate.start), local(rdate.end)) == (berlin(2025, 12, 25, 10), berlin(2025, 12, 25, 12))


def test_utc_series_with_x_wr_timezone_keeps_local_time_across_dst() -> None:
    body = (
        "UID:g\nDTSTART:20251001T160000Z\nDTEND:20251001T180000Z\n"
        "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=1WE\nSUMMARY:Monatlich"
    )
    result = parse_inline(calendar(body, header="X-WR-TIMEZONE:Europe/Berlin\n"))
    assert [local(e.start) for e in result.events] == [
        berlin(2025, 10, 1, 18),
        berlin(2025, 11, 5, 18),
        berlin(2025, 12, 3, 18),
    ]
    assert {e.timezone for e in result.events} == {"Europe/Berlin"}


def test_series_is_expanded_within_the_window_and_capped() -> None:
    body = "UID:w\nDTSTART;TZID=Europe/Berlin:20200102T180000\nRRULE:FREQ=WEEKLY\nSUMMARY:Ewig"
    result = parse_inline(calendar(body), past=timedelta(days=14), future=timedelta(days=28))
    assert [local(e.start).date().isoformat() for e in result.events] == [
        "2025-08-21",
        "2025-08-28",
        "2025-09-04",
        "2025-09-11",
        "2025-09-18",
        "2025-09-25",
    ]
    capped = parse_inline(calendar(body), max_occurrences=10)
    assert len(capped.events) == 10 and local(capped.events[0].start) == berlin(2024, 9, 5, 18)
    assert capped.warnings == ["item w: series has more than 10 occurrences in the window; kept the first 10"]


def test_default_window_is_one_year_back_and_two_ahead() -> None:
    body = "UID:d\nDTSTART;VALUE=DATE:20230115\nRRULE:FREQ=MONTHLY;BYMONTHDAY=15\nSUMMARY:Monatsmitte"
    result = parse_inline(calendar(body))
    starts = [local(e.start) for e in result.events]
    assert starts[0] == berlin(2024, 9, 15) and starts[-1] == berlin(2027, 8, 15)  # NOW = 2025-09-01
    assert len(starts) == 36
    assert all(e.all_day and local(e.end) - local(e.start) == timedelta(days=1) for e in result.events)


def test_rule_too_dense_to_expand_is_rejected_alone() -> None:
    dense = "UID:dense\nDTSTART:20000101T000000Z\nRRULE:FREQ=MINUTELY\nSUMMARY:Jede Minute"
    result = parse_inline(calendar(dense, "UID:ok\nDTSTART:20251001T160000Z\nSUMMARY:Gut"))
    assert [e.source_id for e in result.events] == ["ok"]
    [error] = result.errors
    assert error.item == "dense" and "RRULE" in error.message


def test_broken_rrule_is_an_item_error() -> None:
    broken = "UID:br\nDTSTART:20251001T160000Z\nRRULE:FREQ=WEEKLY;BYDAY=XX\nSUMMARY:Kaputt"
    result = parse_inline(calendar(broken, "UID:ok\nDTSTART:20251001T160000Z\nSUMMARY:Gut"))
    assert [e.source_id for e in result.events] == ["ok"]
    assert [(e.item, "RRULE" in e.message) for e in result.errors] == [("br", True)]


def test_series_with_a_broken_exdate_still_expands_and_repeated_dtstart_is_rejected() -> None:
    series = "UID:s\nDTSTART:20251001T160000Z\nRRULE:FREQ=WEEKLY;COUNT=3\nEXDATE:20251008T16000Z\nSUMMARY:x"
    twice = "UID:t\nDTSTART:20251001T160000Z\nDTSTART:20251002T160000Z\nSUMMARY:y"
    result = parse_inline(calendar(series, twice))
    assert [e.source_id for e in result.events] == ["s#20251001T160000Z", "s#20251008T160000Z", "s#20251015T160000Z"]
    assert [w.split(":", 1)[0] for w in result.warnings] == ["item s"] and "EXDATE" in result.warnings[0]
    [error] = result.errors
    assert error.item == "t" and "DTSTART" in error.message


def test_override_without_recurring_master() -> None:
    body = "UID:o\nRECURRENCE-ID:20251001T160000Z\nDTSTART:20251002T160000Z\nSUMMARY:Einzeltermin"
    [event] = parse_inline(calendar(body)).events
    assert event.source_id == "o#20251001T160000Z"
    assert event.previous_start == datetime(2025, 10, 1, 16, tzinfo=UTC)


# --- ids, zones, text, actors, inline ----------------------------------------------------------------


def test_vevent_without_uid_gets_a_stable_id_and_a_warning() -> None:
    content = calendar("DTSTART:20251001T160000Z\nSUMMARY:Ohne UID", "DTSTART:20251002T160000Z\nSUMMARY:Ohne UID")
    first, second = parse_inline(content), parse_inline(content)
    ids = [e.source_id for e in first.events]
    assert len(set(ids)) == 2 and all(i.startswith("nouid-") for i in ids)
    assert ids == [e.source_id for e in second.events]
    assert len(first.warnings) == 2 and all("without UID" in w for w in first.warnings)


def test_duplicate_uids() -> None:
    same_time = [
        "UID:d\nDTSTART:20251001T160000Z\nSEQUENCE:2\nSUMMARY:Neu",
        "UID:d\nDTSTART:20251001T160000Z\nSEQUENCE:0\nSUMMARY:Alt",
    ]
    [event] = parse_inline(calendar(*same_time)).events
    assert (event.source_id, event.title) == ("d", "Neu")
    per_occurrence = parse_inline(
        calendar("UID:e\nDTSTART:20251001T160000Z\nSUMMARY:A", "UID:e\nDTSTART:20251008T160000Z\nSUMMARY:B")
    )
    assert [e.source_id for e in per_occurrence.events] == ["e#20251001T160000Z", "e#20251008T160000Z"]


def test_zone_names_for_utc_floating_and_vendor_tzids() -> None:
    result = parse_inline(
        calendar(
            "UID:utc\nDTSTART:20251101T170000Z\nSUMMARY:UTC",
            "UID:floating\nDTSTART:20251101T180000\nSUMMARY:Floating",
            "UID:windows\nDTSTART;TZID=W. Europe Standard Time:20251101T180000\nSUMMARY:Outlook",
        )
    )
    events = by_id(result)
    assert events["utc"].timezone == "UTC"
    for name in ("floating", "windows"):
        assert events[name].timezone == "Europe/Berlin" and local(events[name].start) == berlin(2025, 11, 1, 18)


def test_end_from_duration_and_missing_end() -> None:
    result = by_id(
        parse_inline(
            calendar(
                "UID:dur\nDTSTART:20251001T160000Z\nDURATION:PT90M\nSUMMARY:x",
                "UID:none\nDTSTART:20251001T160000Z\nSUMMARY:x",
                "UID:back\nDTSTART:20251001T160000Z\nDTEND:20251001T150000Z\nSUMMARY:x",
            )
        )
    )
    assert result["dur"].end == datetime(2025, 10, 1, 17, 30, tzinfo=UTC)
    assert result["none"].end is None and result["back"].end is None


def test_attendance_from_links_and_places() -> None:
    events = by_id(
        parse_inline(
            calendar(
                "UID:zoom\nDTSTART:20251001T160000Z\nSUMMARY:x\nLOCATION:https://us02web.zoom.us/j/123",
                "UID:hybrid\nDTSTART:20251001T160000Z\nSUMMARY:x\nLOCATION:DIZ\\, Markt 1\\, 17489 Greifswald\n"
                "DESCRIPTION:Auch online: https://teams.microsoft.com/l/meetup-join/abc",
                "UID:word\nDTSTART:20251001T160000Z\nSUMMARY:Teams aus der Region\nLOCATION:Online",
                "UID:plain\nDTSTART:20251001T160000Z\nSUMMARY:Online-Anträge ausfüllen\n"
                "LOCATION:Frankendamm 18a\\, 18439 Stralsund",
            )
        )
    )
    assert events["zoom"].attendance is Attendance.ONLINE and events["zoom"].address == ""
    assert events["hybrid"].attendance is Attendance.MIXED
    assert (events["hybrid"].location_name, events["hybrid"].address) == ("DIZ", "Markt 1, 17489 Greifswald")
    assert events["word"].attendance is Attendance.ONLINE
    assert events["plain"].attendance is Attendance.OFFLINE
    assert (events["plain"].location_name, events["plain"].address) == ("", "Frankendamm 18a, 18439 Stralsund")


def test_attendee_kinds_and_who_is_no_actor() -> None:
    body = "\n".join(
        [
            "UID:a",
            "DTSTART:20251001T160000Z",
            "SUMMARY:x",
            "ORGANIZER;CN=Max Muster:mailto:max@example.org",
            'ATTENDEE;CUTYPE=GROUP;CN="Firma, GmbH":mailto:info@firma.example',
            "ATTENDEE;CUTYPE=ROOM;CN=Raum 1:mailto:raum1@resource.calendar.google.com",
            "ATTENDEE;CUTYPE=RESOURCE;CN=Beamer:mailto:beamer@example.org",
            "ATTENDEE;PARTSTAT=DECLINED;CN=Abgesagt:mailto:nein@example.org",
            "ATTENDEE:mailto:ohne.name@example.org",
        ]
    )
    [event] = parse_inline(calendar(body)).events
    assert [(a.name, a.role, a.kind, a.email) for a in event.actors] == [
        ("Max Muster", "organiser", None, "max@example.org"),
        ("Firma, GmbH", "attendee", ActorKind.ORGANISATION, "info@firma.example"),
        ("ohne.name@example.org", "attendee", ActorKind.PERSON, "ohne.name@example.org"),
    ]


def test_broken_optional_properties_cost_only_the_field() -> None:
    result = parse_inline(
        calendar(
            "UID:comma\nDTSTART:20251001T160000Z\nSUMMARY:x\nGEO:54.3089,13.1012",
            "UID:junk\nDTSTART:20251001T160000Z\nSUMMARY:x\nGEO:irgendwo\nLAST-MODIFIED:gestern",
        )
    )
    events = by_id(result)
    assert (events["comma"].latitude, events["comma"].longitude) == (54.3089, 13.1012)  # read leniently
    assert events["junk"].latitude is None and events["junk"].modified is None
    assert not result.errors
    assert [w.split(":", 1)[0] for w in result.warnings] == ["item junk", "item junk"]
    assert any("LAST-MODIFIED" in w for w in result.warnings) and any("GEO" in w for w in result.warnings)


def test_entities_in_titles_and_missing_summary() -> None:
    events = by_id(
        parse_inline(
            calendar(
                "UID:t\nDTSTART:20251001T160000Z\nSUMMARY:Kaffee &#038; Code &#8211; Treff\n"
                "DESCRIPTION:Mit Kaffee &amp; Kuchen &#8211; wie immer.",
                "UID:n\nDTSTART:20251001T160000Z",
            )
        )
    )
    assert events["t"].title == "Kaffee & Code – Treff"
    assert events["t"].description == "Mit Kaffee & Kuchen – wie immer."
    assert events["n"].title == "(ohne Titel)"


# --- documents, inline --------------------------------------------------------------------------------


def test_bom_and_windows_1252() -> None:
    body = "UID:x\nDTSTART:20251001T160000Z\nSUMMARY:Grüße aus Güstrow – Treff"
    with_bom = b"\xef\xbb\xbf" + calendar(body)
    assert parse_inline(with_bom).events[0].title == "Grüße aus Güstrow – Treff"
    cp1252 = calendar(body).decode().encode("cp1252")
    result = parse_inline(cp1252)
    assert result.events[0].title == "Grüße aus Güstrow – Treff"
    assert result.warnings == ["document is not UTF-8; read as cp1252"]


def test_fold_inside_a_multibyte_character() -> None:
    content = calendar("UID:x\nDTSTART:20251001T160000Z\nSUMMARY:Gr\u00fc\u00dfe").replace(
        "Gr\u00fc".encode(), b"Gr\xc3\r\n \xbc"
    )
    result = parse_inline(content)
    assert result.events[0].title == "Grüße" and not result.warnings


def test_php_notice_before_the_calendar_is_skipped() -> None:
    content = b"<br />\n<b>Notice</b>: Undefined index: foo in /var/www/ical.php on line 12<br />\n"
    result = parse_inline(content + calendar("UID:x\nDTSTART:20251001T160000Z\nSUMMARY:x"))
    assert [e.source_id for e in result.events] == ["x"] and result.fatal is None
    assert "before BEGIN:VCALENDAR" in result.warnings[0]


def test_vevent_without_end_in_the_middle_keeps_the_others() -> None:
    content = calendar("UID:a\nDTSTART:20251001T160000Z\nSUMMARY:A", "UID:b\nDTSTART:20251002T160000Z\nSUMMARY:B")
    content = content.replace(b"SUMMARY:A\r\nEND:VEVENT\r\n", b"SUMMARY:A\r\n", 1)
    result = parse_inline(content)
    assert [e.source_id for e in result.events] == ["b"]
    assert [e.item for e in result.errors] == ["a"] and not result.complete


def test_cut_after_a_complete_vevent_is_still_incomplete() -> None:
    content = calendar("UID:a\nDTSTART:20251001T160000Z\nSUMMARY:A").replace(b"END:VCALENDAR\r\n", b"")
    result = parse_inline(content)
    assert [e.source_id for e in result.events] == ["a"] and not result.complete
    assert "truncated" in result.errors[0].message


def test_several_calendars_in_one_document() -> None:
    content = calendar("UID:a\nDTSTART:20251001T160000Z\nSUMMARY:A") + calendar(
        "UID:b\nDTSTART:20251001T160000Z\nSUMMARY:B"
    )
    result = parse_inline(content)
    assert [e.source_id for e in result.events] == ["a", "b"] and result.complete and not result.errors


def test_method_cancel_cancels_every_event() -> None:
    result = parse_inline(calendar("UID:a\nDTSTART:20251001T160000Z\nSUMMARY:A", header="METHOD:CANCEL\n"))
    assert result.events[0].status is EventStatus.CANCELLED


@pytest.mark.parametrize(
    "content",
    [
        b"   \r\n\t",
        b"BEGIN:VCALENDAR",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n",
        b"\x00\xff\xfe" * 50,
        b"BEGIN:VCALENDAR\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:Mars/Olympus\r\nEND:VCALENDAR\r\n",
        b'{"error": "not found"}',
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Nowhere:20251001T160000\r\nEND:VEVENT\r\nEND:VCALENDAR",
    ],
)
def test_never_raises(content: bytes) -> None:
    result = parse_inline(content)
    assert isinstance(result, ParseResult)
    assert result.fatal or result.errors or result.warnings or not result.complete
