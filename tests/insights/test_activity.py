"""The ministry's numbers, checked by hand against the graph of ``tests/insights/support.py``, on both engines.

Hand derivation (events that take place, local dates; e7 is cancelled and never counts):

  e1 Jan rostock    energie            uni-rostock, solarwerk
  e2 Feb schwerin   energie+mobilitaet stadt-schwerin, solarwerk, anna-schmidt
  e3 Feb wismar     mobilitaet         hs-wismar, stadt-schwerin
  e8 Apr wismar     ki                 hs-wismar, medtech-start     (31.03. UTC, 01.04. local)
  e4 Apr greifswald gesundheit+ki      klinik-greifswald, medtech-start, uni-rostock
  e5 Apr rostock    gesundheit         medtech-start, uni-rostock
  e6 May nb         bildung            verein-nb

Debuts (first counted event): uni-rostock, solarwerk Jan; stadt-schwerin, anna-schmidt, hs-wismar Feb;
medtech-start (e8), klinik-greifswald Apr; verein-nb May.

An actor's centres (event centres ∪ ACTIVE_IN): medtech-start {greifswald, rostock, wismar},
uni-rostock {greifswald, rostock}, solarwerk {rostock, schwerin}, stadt-schwerin {schwerin, wismar};
everyone else one centre (hs-wismar's Schwerin event e7 was cancelled).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import astuple
from datetime import date, datetime

import pytest
import pytest_asyncio

from hub.domain import Actor, ActorKind, Event, Relationship, RelType
from hub.insights.activity import (
    ActivityFilter,
    ActivityInputError,
    CentrePair,
    CentrePresence,
    CentreReach,
    EventIndex,
    PartnerCount,
    ThemeCount,
    TrendDimension,
    TrendMetric,
    activity,
    collaboration,
    cross_regional,
    space_profile,
    trends,
)
from hub.insights.periods import Granularity, TimeWindow
from hub.insights.projection import Projection, load_projection
from hub.reference import ensure_reference_data
from hub.store.port import GraphStore
from tests.conftest import engine_params, make_store
from tests.http_server import FeedServer
from tests.importers.test_sync import V1_TIME, fixture_sources, sync
from tests.insights.support import BERLIN, build_insight_graph

GREIFSWALD, NB, ROSTOCK, SCHWERIN, STRALSUND, WISMAR = (
    "diz-greifswald",
    "diz-neubrandenburg",
    "diz-rostock",
    "diz-schwerin",
    "makerport-stralsund",
    "innovationport-wismar",
)
APRIL = TimeWindow(date(2026, 4, 1), date(2026, 5, 1))


@pytest_asyncio.fixture(scope="module", params=engine_params())
async def projection(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Projection]:
    """The hand-built graph, written to each engine in turn and read back as a projection."""
    store = await make_store(str(request.param), request, tmp_path_factory.mktemp("activity"))
    try:
        await build_insight_graph(store)
        yield await load_projection(store)
    finally:
        await store.close()


def rows(items: tuple) -> list[tuple]:
    return [astuple(item) for item in items]


# --- activity ---------------------------------------------------------------------------------------------------


def test_activity_per_centre_theme_and_month(projection: Projection) -> None:
    report = activity(projection, Granularity.MONTH)
    assert report.periods == ("2026-01", "2026-02", "2026-04", "2026-05")  # March is empty; e7 (May) cancelled
    # (period, centre, theme, events, actors, new actors)
    assert rows(report.cells) == [
        ("2026-01", ROSTOCK, "energie", 1, 2, 2),
        ("2026-02", SCHWERIN, "energie", 1, 3, 2),  # solarwerk debuted in January
        ("2026-02", SCHWERIN, "mobilitaet", 1, 3, 2),  # e2 counts once in each of its themes
        ("2026-02", WISMAR, "mobilitaet", 1, 2, 2),
        ("2026-04", GREIFSWALD, "gesundheit", 1, 3, 2),  # uni-rostock is not new
        ("2026-04", GREIFSWALD, "ki", 1, 3, 2),
        ("2026-04", ROSTOCK, "gesundheit", 1, 2, 1),
        ("2026-04", WISMAR, "ki", 1, 2, 1),  # e8: 31 March in UTC, April in Berlin
        ("2026-05", NB, "bildung", 1, 1, 1),
    ]
    assert rows(report.space_totals) == [
        ("2026-01", ROSTOCK, 1, 2, 2),
        ("2026-02", SCHWERIN, 1, 3, 2),  # e2 once, although it is in two theme cells
        ("2026-02", WISMAR, 1, 2, 2),
        ("2026-04", GREIFSWALD, 1, 3, 2),
        ("2026-04", ROSTOCK, 1, 2, 1),
        ("2026-04", WISMAR, 1, 2, 1),
        ("2026-05", NB, 1, 1, 1),
    ]
    assert rows(report.theme_totals) == [
        ("2026-01", "energie", 1, 2, 2),
        ("2026-02", "energie", 1, 3, 2),
        ("2026-02", "mobilitaet", 2, 4, 3),
        ("2026-04", "gesundheit", 2, 3, 2),
        ("2026-04", "ki", 2, 4, 2),
        ("2026-05", "bildung", 1, 1, 1),
    ]
    assert rows(report.period_totals) == [
        ("2026-01", 1, 2, 2),
        ("2026-02", 2, 4, 3),
        ("2026-04", 3, 4, 2),
        ("2026-05", 1, 1, 1),
    ]
    assert sum(cell.events for cell in report.cells) == 9, "cells count e2 and e4 twice"
    assert sum(total.events for total in report.period_totals) == 7, "totals count every event once"
    assert sum(total.new_actors for total in report.period_totals) == 8, "every actor is new exactly once"


def test_activity_per_quarter_and_year(projection: Projection) -> None:
    quarters = activity(projection, Granularity.QUARTER)
    assert rows(quarters.space_totals) == [
        ("2026-Q1", ROSTOCK, 1, 2, 2),
        ("2026-Q1", SCHWERIN, 1, 3, 3),  # solarwerk's January debut is in the same quarter
        ("2026-Q1", WISMAR, 1, 2, 2),
        ("2026-Q2", GREIFSWALD, 1, 3, 2),
        ("2026-Q2", NB, 1, 1, 1),
        ("2026-Q2", ROSTOCK, 1, 2, 1),
        ("2026-Q2", WISMAR, 1, 2, 1),  # hs-wismar debuted in Q1, medtech-start is new
    ]
    assert rows(quarters.period_totals) == [("2026-Q1", 3, 5, 5), ("2026-Q2", 4, 5, 3)]
    assert rows(activity(projection, Granularity.YEAR).period_totals) == [("2026", 7, 8, 8)]


def test_activity_filters_and_windows(projection: Projection) -> None:
    ki_in_april = activity(projection, Granularity.MONTH, ActivityFilter(APRIL, theme_ids=frozenset({"ki"})))
    assert rows(ki_in_april.cells) == [("2026-04", GREIFSWALD, "ki", 1, 3, 2), ("2026-04", WISMAR, "ki", 1, 2, 1)]
    assert rows(ki_in_april.space_totals) == [("2026-04", GREIFSWALD, 1, 3, 2), ("2026-04", WISMAR, 1, 2, 1)]

    rostock = activity(projection, Granularity.MONTH, ActivityFilter(space_ids=frozenset({ROSTOCK})))
    assert rows(rostock.cells) == [
        ("2026-01", ROSTOCK, "energie", 1, 2, 2),
        ("2026-04", ROSTOCK, "gesundheit", 1, 2, 1),
    ]
    assert rows(rostock.period_totals) == [("2026-01", 1, 2, 2), ("2026-04", 1, 2, 1)]

    # An actor's debut is hub-wide: uni-rostock (January) is not new in an April-only window.
    april = activity(projection, Granularity.MONTH, ActivityFilter(APRIL))
    assert rows(april.period_totals) == [("2026-04", 3, 4, 2)]

    # e8 starts at 22:30 UTC on 31 March, but in Berlin it is April: a window ending with March misses it.
    march = activity(projection, Granularity.MONTH, ActivityFilter(TimeWindow(date(2026, 3, 1), date(2026, 4, 1))))
    assert (march.periods, march.cells, march.period_totals) == ((), (), ())
    empty = activity(projection, Granularity.MONTH, ActivityFilter(TimeWindow(date(2026, 2, 1), date(2026, 2, 1))))
    assert (empty.cells, empty.space_totals) == ((), ())
    nothing = activity(projection, Granularity.MONTH, ActivityFilter(theme_ids=frozenset()))
    assert nothing.cells == (), "an empty theme list keeps no event, as in the store's filters"


async def test_events_without_theme_or_centre_have_their_own_bucket(store: GraphStore) -> None:
    await build_insight_graph(store)
    stale = EventIndex.of(await load_projection(store))
    await store.upsert_nodes(
        [
            Actor(id="werft-digital", name="Werft Digital GmbH", kind=ActorKind.COMPANY, home_space_id=SCHWERIN),
            Event(id="e9", title="Offener Abend", start=datetime(2026, 6, 3, 18, 0, tzinfo=BERLIN)),
            Event(id="e10", title="Ohne Ort", start=datetime(2026, 6, 4, 18, 0, tzinfo=BERLIN)),
        ]
    )
    await store.upsert_relationships(
        [
            Relationship(type=RelType.HOSTED_BY, start_id="e9", end_id=ROSTOCK),
            Relationship(type=RelType.ORGANISES, start_id="uni-rostock", end_id="e9"),
            Relationship(type=RelType.ATTENDS, start_id="werft-digital", end_id="e9"),
            Relationship(type=RelType.ABOUT, start_id="e10", end_id="energie"),
        ]
    )
    projection = await load_projection(store)
    june_only = ActivityFilter(TimeWindow(date(2026, 6, 1), date(2026, 7, 1)))
    june = activity(projection, Granularity.MONTH, june_only)
    assert rows(june.cells) == [("2026-06", ROSTOCK, None, 1, 2, 1), ("2026-06", None, "energie", 1, 0, 0)]
    assert rows(june.space_totals) == [("2026-06", ROSTOCK, 1, 2, 1), ("2026-06", None, 1, 0, 0)]
    assert rows(june.theme_totals) == [("2026-06", "energie", 1, 0, 0), ("2026-06", None, 1, 2, 1)]
    assert activity(projection, Granularity.MONTH, june_only, index=stale) == june, "a stale index is ignored"
    # werft-digital is at home in Schwerin (no ACTIVE_IN): its visit to e9 links Rostock and Schwerin, but its
    # own centres are only those of its events (Rostock), so it is no shared actor; e10 has no centre to link.
    assert collaboration(projection, june_only.window) == (CentrePair(ROSTOCK, SCHWERIN, (), (), ("e9",)),)
    assert cross_regional(projection, june_only.window).actors == ()
    by_theme = trends(projection, Granularity.MONTH, TrendDimension.THEME)
    assert [(p.key, p.label) for p in by_theme.points if p.period == "2026-06"] == [
        ("bildung", "Bildung"),
        ("energie", "Energie"),
        ("gesundheit", "Gesundheit"),
        ("ki", "Künstliche Intelligenz"),
        ("mobilitaet", "Mobilität"),
        (None, "Ohne Thema"),
    ]


# --- trends -----------------------------------------------------------------------------------------------------


def series(report, key: str | None) -> list[tuple]:
    """(period, value, previous, change, percent) of one series."""
    return [(p.period, p.value, p.previous, p.change, p.change_percent) for p in report.points if p.key == key]


def test_trends_per_centre_cover_empty_periods(projection: Projection) -> None:
    report = trends(projection, Granularity.MONTH, TrendDimension.SPACE)
    assert report.periods == ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")  # March too, though empty
    assert list(dict.fromkeys(p.key for p in report.points)) == [GREIFSWALD, NB, ROSTOCK, SCHWERIN, WISMAR, STRALSUND]
    assert series(report, SCHWERIN) == [
        ("2026-01", 0, None, None, None),
        ("2026-02", 1, 0, 1, None),  # no percentage growth from nothing
        ("2026-03", 0, 1, -1, -100.0),  # the drop to zero
        ("2026-04", 0, 0, 0, None),
        ("2026-05", 0, 0, 0, None),  # e7 was cancelled
    ]
    assert series(report, ROSTOCK) == [
        ("2026-01", 1, None, None, None),
        ("2026-02", 0, 1, -1, -100.0),
        ("2026-03", 0, 0, 0, None),
        ("2026-04", 1, 0, 1, None),
        ("2026-05", 0, 1, -1, -100.0),
    ]
    assert [p.value for p in report.points if p.key == STRALSUND] == [0, 0, 0, 0, 0], "a centre without events"
    assert {p.label for p in report.points if p.key == ROSTOCK} == {"DIZ Rostock"}


def test_trends_per_theme_with_a_window_and_another_metric(projection: Projection) -> None:
    half_year = TimeWindow(date(2026, 1, 1), date(2026, 7, 1))
    energy = ActivityFilter(half_year, theme_ids=frozenset({"energie"}))
    report = trends(projection, Granularity.MONTH, TrendDimension.THEME, TrendMetric.ACTORS, energy)
    assert report.periods == ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")  # the window's span
    assert series(report, "energie") == [
        ("2026-01", 2, None, None, None),
        ("2026-02", 3, 2, 1, 50.0),
        ("2026-03", 0, 3, -3, -100.0),
        ("2026-04", 0, 0, 0, None),
        ("2026-05", 0, 0, 0, None),
        ("2026-06", 0, 0, 0, None),
    ]
    assert {p.key for p in report.points} == {"energie"}
    new = trends(projection, Granularity.QUARTER, TrendDimension.SPACE, TrendMetric.NEW_ACTORS)
    assert series(new, WISMAR) == [("2026-Q1", 2, None, None, None), ("2026-Q2", 1, 2, -1, -50.0)]


def test_trends_without_data_are_empty_and_absurd_windows_are_refused(projection: Projection) -> None:
    march = ActivityFilter(TimeWindow(date(2026, 3, 1), date(2026, 4, 1)))
    assert trends(projection, Granularity.MONTH, TrendDimension.SPACE, activity_filter=march).points == ()
    millennia = ActivityFilter(TimeWindow(date(1000, 1, 1), date(3000, 1, 1)))
    with pytest.raises(ActivityInputError, match="more than 1200 periods"):
        trends(projection, Granularity.MONTH, TrendDimension.SPACE, activity_filter=millennia)
    two_centuries = ActivityFilter(TimeWindow(date(1900, 1, 1), date(2100, 1, 1)))
    years = trends(projection, Granularity.YEAR, TrendDimension.SPACE, activity_filter=two_centuries)
    assert len(years.periods) == 200 and series(years, ROSTOCK)[126] == ("2026", 2, 0, 2, None)


# --- cross-regional links ------------------------------------------------------------------------------------------


def test_cross_regional_actors_and_projects(projection: Projection) -> None:
    links = cross_regional(projection)
    assert [(a.actor_id, a.events, a.centres) for a in links.actors] == [
        (
            "medtech-start",
            3,
            (CentrePresence(GREIFSWALD, 1, True), CentrePresence(ROSTOCK, 1, False), CentrePresence(WISMAR, 1, False)),
        ),
        (
            "uni-rostock",
            3,
            (CentrePresence(GREIFSWALD, 1, False), CentrePresence(ROSTOCK, 2, True)),
        ),  # e4 in Greifswald
        # two centres and two events each: ordered by name, Landeshauptstadt before Solarwerk
        ("stadt-schwerin", 2, (CentrePresence(SCHWERIN, 1, True), CentrePresence(WISMAR, 1, False))),
        ("solarwerk", 2, (CentrePresence(ROSTOCK, 1, True), CentrePresence(SCHWERIN, 1, True))),  # e7 cancelled
    ]
    assert [(p.project_id, p.events, p.contributors, p.centres) for p in links.projects] == [
        ("p-health", 2, 2, (CentrePresence(GREIFSWALD, 1), CentrePresence(ROSTOCK, 1)))
    ]  # p-quartier has its only event in Schwerin
    assert [a.actor_id for a in cross_regional(projection, min_spaces=3).actors] == ["medtech-start"]


def test_cross_regional_in_a_window_keeps_active_in_centres(projection: Projection) -> None:
    january = cross_regional(projection, TimeWindow(date(2026, 1, 1), date(2026, 2, 1)))
    # Only e1 (Rostock) counts; solarwerk is also ACTIVE_IN Schwerin, which has no event of it in January.
    assert [(a.actor_id, a.events, a.centres) for a in january.actors] == [
        ("solarwerk", 1, (CentrePresence(ROSTOCK, 1, True), CentrePresence(SCHWERIN, 0, True)))
    ]
    assert january.projects == ()
    assert cross_regional(projection, TimeWindow(date(2026, 3, 1), date(2026, 4, 1))).actors == ()


def test_collaboration_between_centres(projection: Projection) -> None:
    pairs = collaboration(projection)
    assert pairs == (
        CentrePair(GREIFSWALD, ROSTOCK, ("medtech-start", "uni-rostock"), ("p-health",), ("e4", "e5")),
        CentrePair(ROSTOCK, SCHWERIN, ("solarwerk",), (), ("e1", "e2")),  # solarwerk is based in both
        CentrePair(GREIFSWALD, WISMAR, ("medtech-start",), (), ("e8",)),
        CentrePair(SCHWERIN, WISMAR, ("stadt-schwerin",), (), ("e3",)),
        CentrePair(ROSTOCK, WISMAR, ("medtech-start",), (), ()),  # no event of one has a guest from the other
    )
    assert [pair.weight for pair in pairs] == [5, 3, 2, 2, 1]
    april = collaboration(projection, APRIL)
    assert april == (
        CentrePair(GREIFSWALD, ROSTOCK, ("medtech-start", "uni-rostock"), ("p-health",), ("e4", "e5")),
        CentrePair(GREIFSWALD, WISMAR, ("medtech-start",), (), ("e8",)),
        CentrePair(ROSTOCK, WISMAR, ("medtech-start",), (), ()),
    )
    assert collaboration(projection, TimeWindow(date(2027, 1, 1))) == ()


# --- centre profiles ---------------------------------------------------------------------------------------------


def test_space_profile_of_rostock(projection: Projection) -> None:
    profile = space_profile(projection, ROSTOCK)
    assert (profile.events, profile.actors) == (2, 3)
    assert (profile.first_event, profile.last_event) == (date(2026, 1, 15), date(2026, 4, 20))
    assert profile.top_themes == (ThemeCount("energie", 1), ThemeCount("gesundheit", 1))
    assert profile.top_partners == (
        PartnerCount("uni-rostock", "Universität Rostock", 2),
        PartnerCount("medtech-start", "MedTech Start GmbH", 1),  # ties by name
        PartnerCount("solarwerk", "Solarwerk Nord GmbH", 1),
    )
    # Rostock's actors: uni-rostock and medtech-start are also in Greifswald, solarwerk in Schwerin,
    # medtech-start in Wismar; the same numbers as the shared actors of the collaboration pairs.
    assert profile.reach == (
        CentreReach(GREIFSWALD, 2),
        CentreReach(SCHWERIN, 1),
        CentreReach(WISMAR, 1),
        CentreReach(NB, 0),
        CentreReach(STRALSUND, 0),
    )
    assert [p.actor_id for p in space_profile(projection, ROSTOCK, top_partners=1).top_partners] == ["uni-rostock"]


def test_space_profile_of_schwerin_and_of_an_empty_window(projection: Projection) -> None:
    schwerin = space_profile(projection, SCHWERIN)
    first_and_last = (date(2026, 2, 10), date(2026, 2, 10))  # e7 (May) was cancelled
    assert (schwerin.events, schwerin.actors, schwerin.first_event, schwerin.last_event) == (1, 3, *first_and_last)
    assert [p.name for p in schwerin.top_partners] == [
        "Anna Schmidt",
        "Landeshauptstadt Schwerin",
        "Solarwerk Nord GmbH",
    ]
    assert schwerin.top_themes == (ThemeCount("energie", 1), ThemeCount("mobilitaet", 1))
    reach = [(r.space_id, r.actors) for r in schwerin.reach]
    assert reach == [(ROSTOCK, 1), (WISMAR, 1), (GREIFSWALD, 0), (NB, 0), (STRALSUND, 0)]
    quiet = space_profile(projection, STRALSUND, TimeWindow(date(2026, 1, 1), date(2026, 1, 1)))
    assert (quiet.events, quiet.actors, quiet.first_event, quiet.top_themes, quiet.top_partners) == (0, 0, None, (), ())
    assert {r.actors for r in quiet.reach} == {0}


# --- the real fixture feeds -------------------------------------------------------------------------------------------

#: Organisations and people that the sample feeds (../shared/feeds) show in two or more centres, with those centres:
#: e.g. Hafenlicht Robotics in the InnovationPort Wismar RSS and on DIZ Rostock's pages, Ackerwerk Digital in the
#: Neubrandenburg TEC JSON and the Schwerin calendar, Gründerwerft MV in Greifswald, Neubrandenburg, Schwerin, Wismar.
CROSS_REGIONAL_IN_THE_FEEDS: dict[str, set[str]] = {
    "ackerwerk-digital": {NB, SCHWERIN},
    "aylin-demirtas": {GREIFSWALD, NB, SCHWERIN, WISMAR},
    "boddenblick-software-consulting": {GREIFSWALD, NB, ROSTOCK},
    "ernst-moritz-arndt-universitaet-greifswald": {GREIFSWALD, NB, STRALSUND},  # Universität Greifswald
    "friederike-luedemann": {NB, ROSTOCK, SCHWERIN, WISMAR},
    "gruenderwerft-mecklenburg-vorpommern": {GREIFSWALD, NB, SCHWERIN, WISMAR},
    "hafenlicht-robotics": {ROSTOCK, WISMAR},
    "hochschule-neubrandenburg": {GREIFSWALD, NB, SCHWERIN},
    "hochschule-stralsund": {GREIFSWALD, NB, ROSTOCK, STRALSUND},
    "hochschule-wismar": {ROSTOCK, SCHWERIN, STRALSUND, WISMAR},
    "industrie-und-handelskammer-neubrandenburg": {GREIFSWALD, NB, STRALSUND},
    "jan-hendrik-wollenberg": {GREIFSWALD, ROSTOCK, STRALSUND},
    "katrin-behnke": {GREIFSWALD, NB, ROSTOCK},
    "kuestenstrom": {GREIFSWALD, ROSTOCK, STRALSUND},
    "medinord-telemedizin": {GREIFSWALD, NB, ROSTOCK},
    "mirela-stanciu": {ROSTOCK, SCHWERIN, STRALSUND, WISMAR},
    "nordlicht-3d": {NB, STRALSUND, WISMAR},
    "ole-petersen-krueger": {NB, STRALSUND, WISMAR},
    "sabine-kroll": {ROSTOCK, SCHWERIN, WISMAR},
    "stadtwerke-rostock": {ROSTOCK, SCHWERIN, WISMAR},
    "universitaet-rostock": {ROSTOCK, SCHWERIN, WISMAR},
}
#: Projects whose events the feeds show in several centres (Energiequartier Südstadt stays in Rostock).
CROSS_REGIONAL_PROJECTS_IN_THE_FEEDS: dict[str, set[str]] = {
    "ki-kompass": {GREIFSWALD, NB, ROSTOCK, SCHWERIN, STRALSUND},
    "landpuls": {GREIFSWALD, NB, ROSTOCK, WISMAR},
    "ostseeshuttle": {GREIFSWALD, ROSTOCK, STRALSUND},
    "telemed-vorpommern": {GREIFSWALD, NB, ROSTOCK, SCHWERIN},
}


async def test_cross_regional_actors_of_the_sample_feeds(store: GraphStore) -> None:
    await ensure_reference_data(store)
    with FeedServer() as server:
        await sync(store, fixture_sources(server), V1_TIME)
    projection = await load_projection(store)
    links = cross_regional(projection)
    found = {a.actor_id: {c.space_id for c in a.centres} for a in links.actors}
    assert found == CROSS_REGIONAL_IN_THE_FEEDS
    assert {
        p.project_id: {c.space_id for c in p.centres} for p in links.projects
    } == CROSS_REGIONAL_PROJECTS_IN_THE_FEEDS
    pairs = {(pair.a, pair.b): pair for pair in collaboration(projection)}
    assert "hafenlicht-robotics" in pairs[(ROSTOCK, WISMAR)].actor_ids
    assert "ackerwerk-digital" in pairs[(NB, SCHWERIN)].actor_ids
