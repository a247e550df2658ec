"""The merged regional calendar, on both engines: duplicates merged, filters, time zones, the three formats.

The hand-built graph (local times Europe/Berlin, 2026; the window starts 01.01.2026):

  umlaut    10.02. 09:30 (+01:00)  diz-neubrandenburg  verwaltung   "Öffentliche Verwaltung digital: Bürgerservice …"
  dup-a     12.03. 18:00           diz-rostock         ki           "KI-Stammtisch: Sprachmodelle im Mittelstand"
                                                                    (project p-ki-kompass; seen first)
  dup-b     12.03. 18:00           diz-schwerin        daten        the same event, announced by Schwerin
  h2        12.03. 18:00           makerport-stralsund energie      "Workshop Wasserstoff für Einsteiger" (same time)
  removed   15.03. 18:00           diz-rostock                      REMOVED: never shown
  cancelled 20.03. 19:00           innovationport-wismar maritime   CANCELLED: shown, marked
  dst-cet   26.03. 18:00 (CET)     diz-greifswald                   "Gründerabend Greifswald"
  dst-cest  31.03. 18:00 (CEST)    diz-greifswald                   "Gründerabend Greifswald" (after the DST switch)
  day-a     20.04. all day         diz-schwerin                     "Digitaltag MV" (zone Europe/Berlin)
  day-b     20.04. all day         diz-greifswald                   the same day, announced in UTC by another feed
  old       01.12.2025             diz-rostock                      before the window
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import pytest
from icalendar import Calendar

from hub.domain import Event, EventStatus, Project, Relationship, RelType
from hub.insights.calendar import (
    CalendarEntry,
    CalendarFilter,
    UnknownFilterIdError,
    build_calendar,
    group_duplicates,
    merged_calendar,
    render_atom,
    render_ical,
    render_rss,
    similar_titles,
)
from hub.reference import ensure_reference_data
from hub.store.port import GraphStore

BERLIN = ZoneInfo("Europe/Berlin")
WINDOW = datetime(2026, 1, 1, tzinfo=BERLIN)
LINK = "http://hub.test/calendar.ics"
SELF = "http://hub.test/calendar.rss"
UMLAUT_TITLE = "Öffentliche Verwaltung digital: Bürgerservice für Kommunen – Überblick"


def _event(event_id: str, title: str, start: datetime, source: str, **fields: object) -> Event:
    seen = fields.pop("first_seen", datetime(2026, 1, 2, 8, 0, tzinfo=UTC))
    return Event(
        id=event_id,
        title=title,
        start=start,
        source=source,
        first_seen=seen,
        last_seen=datetime(2026, 3, 1, tzinfo=UTC),
        **fields,
    )


def _local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def _events() -> list[Event]:
    stammtisch = _local(3, 12, 18)
    return [
        _event(
            "umlaut",
            UMLAUT_TITLE,
            datetime(2026, 2, 10, 9, 30, tzinfo=ZoneInfo("Etc/GMT-1")),
            "diz-neubrandenburg-rss",
            timezone="+01:00",
            end=datetime(2026, 2, 10, 12, 0, tzinfo=BERLIN),
            location_name="Rathaus Neubrandenburg",
            address="Friedrich-Engels-Ring 53, 17033 Neubrandenburg",
            description="Wie Kommunen Anträge digital annehmen – mit Beispielen aus Mecklenburg-Vorpommern.",
        ),
        _event(
            "dup-a",
            "KI-Stammtisch: Sprachmodelle im Mittelstand",
            stammtisch,
            "diz-rostock-ical",
            end=stammtisch + timedelta(hours=2),
            url="https://www.diz-rostock.de/veranstaltungen/ki-stammtisch",
            description="Erfahrungen mit Sprachmodellen in kleinen Unternehmen.",
            first_seen=datetime(2026, 1, 5, tzinfo=UTC),
        ),
        _event(
            "dup-b",
            "KI-Stammtisch – Sprachmodelle im Mittelstand (in Kooperation mit dem DIZ Rostock)",
            stammtisch,
            "diz-schwerin-rss",
            url="https://www.diz-schwerin.de/termine/ki-stammtisch",
            first_seen=datetime(2026, 1, 10, tzinfo=UTC),
        ),
        _event("h2", "Workshop Wasserstoff für Einsteiger", stammtisch, "makerport-tec"),
        _event("removed", "Entfallene Sprechstunde", _local(3, 15, 18), "diz-rostock-ical", status=EventStatus.REMOVED),
        _event("cancelled", "Vortrag: Smarte Häfen", _local(3, 20, 19), "wismar-jsonld", status=EventStatus.CANCELLED),
        _event("dst-cet", "Gründerabend Greifswald", _local(3, 26, 18), "greifswald-ical"),
        _event("dst-cest", "Gründerabend Greifswald", _local(3, 31, 18), "greifswald-ical"),
        _event(
            "day-a",
            "Digitaltag MV",
            _local(4, 20, 0),
            "diz-schwerin-rss",
            all_day=True,
            end=_local(4, 21, 0),
            first_seen=datetime(2026, 2, 1, tzinfo=UTC),
        ),
        _event(
            "day-b",
            "Digitaltag MV",
            datetime(2026, 4, 20, tzinfo=UTC),
            "greifswald-ical",
            all_day=True,
            timezone="UTC",
            first_seen=datetime(2026, 2, 3, tzinfo=UTC),
        ),
        _event("old", "Jahresrückblick", datetime(2025, 12, 1, 18, 0, tzinfo=BERLIN), "diz-rostock-ical"),
    ]


_LINKS = {
    RelType.HOSTED_BY: [
        ("umlaut", "diz-neubrandenburg"),
        ("dup-a", "diz-rostock"),
        ("dup-b", "diz-schwerin"),
        ("h2", "makerport-stralsund"),
        ("removed", "diz-rostock"),
        ("cancelled", "innovationport-wismar"),
        ("dst-cet", "diz-greifswald"),
        ("dst-cest", "diz-greifswald"),
        ("day-a", "diz-schwerin"),
        ("day-b", "diz-greifswald"),
        ("old", "diz-rostock"),
    ],
    RelType.ABOUT: [
        ("umlaut", "verwaltung"),
        ("dup-a", "ki"),
        ("dup-b", "daten"),
        ("h2", "energie"),
        ("cancelled", "maritime-wirtschaft"),
    ],
    RelType.PART_OF: [("dup-a", "p-ki-kompass")],
}


async def _seed(store: GraphStore) -> None:
    await ensure_reference_data(store)
    await store.upsert_nodes([Project(id="p-ki-kompass", name="KI-Kompass MV"), *_events()])
    await store.upsert_relationships(
        [Relationship(type=rel, start_id=start, end_id=end) for rel, pairs in _LINKS.items() for start, end in pairs]
    )


async def _entries(store: GraphStore, **narrowing: tuple[str, ...]) -> list[CalendarEntry]:
    return await merged_calendar(store, CalendarFilter(starts_from=WINDOW, **narrowing))


def _by_uid(entries: list[CalendarEntry]) -> dict[str, CalendarEntry]:
    return {entry.uid: entry for entry in entries}


def _vevents(body: bytes) -> dict[str, object]:
    return {str(component["UID"]): component for component in Calendar.from_ical(body).walk("VEVENT")}


# --- merging and filtering ---------------------------------------------------------------------------------------


async def test_duplicates_appear_once_and_other_events_stay_apart(store: GraphStore) -> None:
    await _seed(store)
    entries = await _entries(store)
    assert [entry.uid for entry in entries] == [
        "umlaut",
        "dup-a",
        "h2",
        "cancelled",
        "dst-cet",
        "dst-cest",
        "day-a",
    ], "merged copies, the removed and the old event are absent; ordered by start"
    stammtisch = _by_uid(entries)["dup-a"]
    assert stammtisch.duplicate_ids == ("dup-b",)
    assert [space.id for space in stammtisch.spaces] == ["diz-rostock", "diz-schwerin"]
    assert [theme.label_de for theme in stammtisch.themes] == ["Daten", "Künstliche Intelligenz"]
    assert [project.name for project in stammtisch.projects] == ["KI-Kompass MV"]
    assert stammtisch.first_seen == datetime(2026, 1, 5, tzinfo=UTC)
    assert [space.id for space in _by_uid(entries)["h2"].spaces] == ["makerport-stralsund"]
    digitaltag = _by_uid(entries)["day-a"]
    assert digitaltag.duplicate_ids == ("day-b",), "all-day copies on the same local day merge across zones"
    assert {space.id for space in digitaltag.spaces} == {"diz-schwerin", "diz-greifswald"}
    assert _by_uid(entries)["cancelled"].cancelled


async def test_filters_by_space_theme_and_project(store: GraphStore) -> None:
    await _seed(store)
    schwerin = _by_uid(await _entries(store, space_ids=("diz-schwerin",)))
    assert set(schwerin) == {"dup-a", "day-a"}, "the entry keeps the UID of the copy seen first, hosted elsewhere"
    assert [space.name for space in schwerin["dup-a"].spaces] == ["DIZ Rostock", "DIZ Schwerin"]
    assert schwerin["dup-a"].duplicate_ids == ("dup-b",)

    two_centres = await _entries(store, space_ids=("diz-greifswald", "makerport-stralsund"))
    assert [entry.uid for entry in two_centres] == ["h2", "dst-cet", "dst-cest", "day-a"]

    assert [e.uid for e in await _entries(store, theme_ids=("maritime-wirtschaft",))] == ["cancelled"]
    assert [e.uid for e in await _entries(store, theme_ids=("daten",))] == ["dup-a"], "the theme of the later copy"
    assert [e.uid for e in await _entries(store, project_ids=("p-ki-kompass",))] == ["dup-a"]
    assert await _entries(store, space_ids=("diz-rostock",), theme_ids=("verwaltung",)) == []


async def test_time_window_and_cancelled_events(store: GraphStore) -> None:
    await _seed(store)
    march = CalendarFilter(starts_from=_local(3, 1, 0), starts_before=_local(3, 27, 0))
    assert [e.uid for e in await merged_calendar(store, march)] == ["dup-a", "h2", "cancelled", "dst-cet"]
    without_cancelled = CalendarFilter(starts_from=_local(3, 1, 0), include_cancelled=False)
    assert "cancelled" not in _by_uid(await merged_calendar(store, without_cancelled))
    # The default window reaches 30 days back from local midnight.
    recent = await merged_calendar(store, CalendarFilter(), now=datetime(2026, 4, 15, 12, 0, tzinfo=UTC))
    assert [e.uid for e in recent] == ["cancelled", "dst-cet", "dst-cest", "day-a"]
    assert CalendarFilter().window_start(datetime(2026, 4, 15, 23, 30, tzinfo=UTC)) == _local(3, 17, 0), "Berlin date"


async def test_unknown_ids_are_named(store: GraphStore) -> None:
    await _seed(store)
    with pytest.raises(UnknownFilterIdError) as raised:
        await merged_calendar(store, CalendarFilter(space_ids=("diz-rostock", "diz-ruegen")))
    assert raised.value.kind == "space" and raised.value.ids == ["diz-ruegen"]
    assert "'diz-ruegen'" in str(raised.value) and "diz-schwerin" in str(raised.value)
    with pytest.raises(UnknownFilterIdError, match="'raumfahrt'"):
        await merged_calendar(store, CalendarFilter(theme_ids=("raumfahrt",)))
    with pytest.raises(UnknownFilterIdError, match="'p-unbekannt'"):
        await merged_calendar(store, CalendarFilter(project_ids=("p-unbekannt",)))


async def test_title_names_the_filter(store: GraphStore) -> None:
    await _seed(store)
    narrowed = await build_calendar(store, CalendarFilter(space_ids=("diz-rostock",), theme_ids=("energie",)))
    assert narrowed.title.endswith("– DIZ Rostock, Energie")


def test_duplicate_rule_without_a_store() -> None:
    at = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
    assert similar_titles("KI-Stammtisch", "KI-STAMMTISCH Rostock"), "one title extending the other"
    assert similar_titles("Gründerabend", "Gruenderabend"), "umlauts folded"
    assert not similar_titles("Sprechstunde", "Sprechstunde Fördermittel"), "one generic word is too little"
    assert not similar_titles("Workshop Energie", "Workshop Energiespeicher")
    same_feed = [
        Event(id="x1", title="Sprechstunde Gründung", start=at, source="feed"),
        Event(id="x2", title="Sprechstunde Gründung", start=at, source="feed"),
        Event(id="x3", title="Sprechstunde Gründung", start=at, source="other-feed"),
        Event(id="x4", title="Sprechstunde Gründung", start=at + timedelta(minutes=30), source="third-feed"),
    ]
    groups = [[event.id for event in group] for group in group_duplicates(same_feed)]
    assert groups == [["x1", "x3"], ["x2"], ["x4"]], "one feed's two items stay two; another instant stays apart"


# --- the formats ---------------------------------------------------------------------------------------------------


async def test_ical_output(store: GraphStore) -> None:
    await _seed(store)
    body = render_ical(await _entries(store), "Regionalkalender")
    assert body.decode("utf-8")  # valid UTF-8
    calendar = Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    events = _vevents(body)
    assert set(events) == {"umlaut", "dup-a", "h2", "cancelled", "dst-cet", "dst-cest", "day-a"}

    for uid in ("dst-cet", "dst-cest"):  # 18:00 local on both sides of the switch to summer time
        start = events[uid]["DTSTART"]
        assert start.params["TZID"] == "Europe/Berlin"
        assert start.dt.replace(tzinfo=None) == datetime(2026, 3, 26 if uid == "dst-cet" else 31, 18, 0)
        assert start.dt.utcoffset() == timedelta(hours=1 if uid == "dst-cet" else 2)
    assert "DTSTART;TZID=Europe/Berlin:20260331T180000" in body.decode()

    umlaut = events["umlaut"]
    assert str(umlaut["SUMMARY"]) == UMLAUT_TITLE
    assert umlaut.decoded("DTSTART") == datetime(2026, 2, 10, 8, 30, tzinfo=UTC), "a bare offset is written in UTC"
    assert str(umlaut["LOCATION"]) == "Rathaus Neubrandenburg, Friedrich-Engels-Ring 53, 17033 Neubrandenburg"

    day = events["day-a"]
    assert day.decoded("DTSTART") == date(2026, 4, 20) and day.decoded("DTEND") == date(2026, 4, 21)
    assert day["DTSTART"].params.get("VALUE") == "DATE"

    stammtisch = events["dup-a"]
    assert stammtisch.decoded("DTSTAMP") == datetime(2026, 1, 5, tzinfo=UTC)
    assert str(stammtisch["STATUS"]) == "CONFIRMED"
    assert str(stammtisch["URL"]) == "https://www.diz-rostock.de/veranstaltungen/ki-stammtisch"
    assert stammtisch["CATEGORIES"].cats == ["Daten", "Künstliche Intelligenz"]
    assert "Angekündigt von: DIZ Rostock, DIZ Schwerin" in str(stammtisch["DESCRIPTION"])
    assert str(stammtisch["X-MV-HUB-MERGED-ID"]) == "dup-b"

    cancelled = events["cancelled"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and str(cancelled["SUMMARY"]) == "Abgesagt: Vortrag: Smarte Häfen"


async def test_rss_and_atom_output(store: GraphStore) -> None:
    await _seed(store)
    entries = await _entries(store)
    for render in (render_rss, render_atom):
        body = render(entries, "Regionalkalender Digitale Innovationszentren MV", LINK, SELF)
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.title == "Regionalkalender Digitale Innovationszentren MV"
        assert parsed.feed.link == LINK
        titles = [item.title for item in parsed.entries]
        assert titles == [
            "Di., 10.02.2026, 09:30 – " + UMLAUT_TITLE,
            "Do., 12.03.2026, 18:00 – KI-Stammtisch: Sprachmodelle im Mittelstand",
            "Do., 12.03.2026, 18:00 – Workshop Wasserstoff für Einsteiger",
            "Fr., 20.03.2026, 19:00 – Abgesagt: Vortrag: Smarte Häfen",
            "Do., 26.03.2026, 18:00 – Gründerabend Greifswald",
            "Di., 31.03.2026, 18:00 – Gründerabend Greifswald",
            "Mo., 20.04.2026 – Digitaltag MV",
        ], render.__name__
        stammtisch = parsed.entries[1]
        assert stammtisch.link == "https://www.diz-rostock.de/veranstaltungen/ki-stammtisch"
        assert "Do., 12.03.2026, 18:00–20:00 Uhr" in stammtisch.summary
        assert "Angekündigt von: DIZ Rostock, DIZ Schwerin" in stammtisch.summary
        assert stammtisch.published_parsed[:3] == (2026, 1, 5)
        assert [tag.term for tag in stammtisch.tags] == (
            ["daten", "ki"] if render is render_atom else ["Daten", "Künstliche Intelligenz"]
        )
        assert parsed.entries[2].link == "https://www.makerport-stralsund.de", "no event URL: the centre's site"
        assert parsed.feed.updated_parsed[:3] == (2026, 2, 1), "the newest first_seen, not the clock"
    rss = feedparser.parse(render_rss(entries, "Kalender", LINK, SELF))
    assert rss.entries[1].id == "dup-a"
    atom = feedparser.parse(render_atom(entries, "Kalender", LINK, SELF))
    assert atom.entries[1].id.startswith("urn:uuid:")
    assert len({item.id for item in atom.entries}) == len(entries)


async def test_renders_are_deterministic(store: GraphStore) -> None:
    await _seed(store)
    first, second = await _entries(store), await _entries(store)
    assert render_ical(first) == render_ical(second)
    assert render_rss(first, "K", LINK, SELF) == render_rss(second, "K", LINK, SELF)
    assert render_atom(first, "K", LINK, SELF) == render_atom(second, "K", LINK, SELF)


def test_empty_calendar_renders() -> None:
    assert Calendar.from_ical(render_ical([])).walk("VEVENT") == []
    for render in (render_rss, render_atom):
        parsed = feedparser.parse(render([], "Leer", LINK, SELF))
        assert not parsed.bozo and parsed.entries == []
