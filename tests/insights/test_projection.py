"""The projection reads the graph the same way on both engines; the cache follows the graph version."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date

import pytest

from hub.domain import Actor, RelType
from hub.insights import actor_network, engine
from hub.insights.actor_network import Hop, NetworkFilter, build_actor_network, shortest_actor_path
from hub.insights.engine import Insights
from hub.insights.periods import TimeWindow
from hub.insights.projection import Participation, Projection, load_projection
from hub.store.port import GraphStore
from tests.insights.support import build_insight_graph


async def test_projection_holds_the_hand_built_graph(store: GraphStore) -> None:
    await build_insight_graph(store)
    projection = await load_projection(store)
    assert len(projection.spaces) == 6 and len(projection.actors) == 8 and len(projection.events) == 8
    e4 = projection.events["e4"]
    assert e4.spaces == ("diz-greifswald",) and e4.themes == ("gesundheit", "ki") and e4.projects == ("p-health",)
    assert e4.participants == (
        Participation("klinik-greifswald", RelType.ORGANISES),
        Participation("medtech-start", RelType.PRESENTS_AT),
        Participation("uni-rostock", RelType.PARTNERS_IN),
    )
    assert projection.events["e8"].local_day == date(2026, 4, 1), "bucketed by the local, not the UTC, date"
    assert not projection.events["e7"].takes_place
    assert projection.actors["solarwerk"].spaces == ("diz-rostock", "diz-schwerin")
    assert projection.contributors_by_project["p-health"] == ("klinik-greifswald", "medtech-start")
    assert projection.events_by_actor["hs-wismar"] == ("e3", "e7", "e8")
    assert [e.id for e in projection.events_in(TimeWindow(date(2026, 4, 1), date(2026, 5, 1)))] == ["e4", "e5", "e8"]


async def test_same_content_gives_the_same_snapshot_id(store: GraphStore) -> None:
    await build_insight_graph(store)
    first = await load_projection(store)
    assert (await load_projection(store)).snapshot_id == first.snapshot_id
    await store.upsert_nodes([Actor(id="verein-nb", name="Digitalverein NB e.V.", kind="association")])
    changed = await load_projection(store)
    assert changed.snapshot_id != first.snapshot_id and changed.version > first.version


async def test_actor_network_links_co_participants_and_co_contributors(store: GraphStore) -> None:
    await build_insight_graph(store)
    graph = build_actor_network(await load_projection(store))
    assert sorted(graph.nodes) == sorted(
        ["uni-rostock", "solarwerk", "stadt-schwerin", "hs-wismar", "klinik-greifswald", "medtech-start",
         "anna-schmidt", "verein-nb"]
    )  # fmt: skip
    # medtech-start and uni-rostock share e4 and e5; medtech-start and klinik share e4 and project p-health.
    assert graph.edges["medtech-start", "uni-rostock"] == {"weight": 2, "events": 2, "projects": 0}
    assert graph.edges["klinik-greifswald", "medtech-start"] == {"weight": 2, "events": 1, "projects": 1}
    assert not graph.has_edge("solarwerk", "hs-wismar"), "their only shared event (e7) was cancelled"
    assert graph.degree("verein-nb") == 0
    assert graph.nodes["uni-rostock"]["spaces"] == "diz-greifswald;diz-rostock"
    spring = build_actor_network(await load_projection(store), NetworkFilter(window=TimeWindow(end=date(2026, 3, 1))))
    assert sorted(spring.nodes) == ["anna-schmidt", "hs-wismar", "solarwerk", "stadt-schwerin", "uni-rostock"]


async def test_insights_cache_results_until_the_graph_changes(store: GraphStore) -> None:
    await build_insight_graph(store)
    insights = Insights(store)
    calls: list[int] = []

    def count_events(projection) -> int:
        calls.append(projection.version)
        return len(projection.events)

    assert await insights.compute("events", (), count_events) == 8
    assert await insights.compute("events", (), count_events) == 8
    assert len(calls) == 1, "the second answer came from the cache"
    await store.upsert_nodes([Actor(id="neu", name="Neu GmbH")])
    assert await insights.compute("events", (), count_events) == 8
    assert len(calls) == 2 and calls[1] > calls[0], "a write invalidated the cache"


async def test_a_slow_reload_is_answered_from_the_previous_projection(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_insight_graph(store)
    insights = Insights(store)
    before = await insights.projection()
    read = engine.load_projection

    async def slow_read(store: GraphStore) -> Projection:
        await asyncio.sleep(0.5)  # writes keep coming while a large graph is read
        return await read(store)

    monkeypatch.setattr(engine, "load_projection", slow_read)
    monkeypatch.setattr(engine, "STALE_AFTER_S", 0.05)
    await store.upsert_nodes([Actor(id="neu", name="Neu GmbH")])
    assert await insights.projection() is before, "no waiting past STALE_AFTER_S: the previous projection answers"
    await asyncio.sleep(0.6)
    after = await insights.projection()
    assert after.version > before.version and "neu" in after.actors, "the reload went on meanwhile"


async def test_reloads_while_the_graph_keeps_changing_are_at_least_the_interval_apart(store: GraphStore) -> None:
    await build_insight_graph(store)
    interval = 1.0
    insights = Insights(store, min_reload_interval=interval)
    first = await insights.projection()
    await asyncio.sleep(interval)  # a quiet spell: the next change is read at once
    await store.upsert_nodes([Actor(id="neu", name="Neu GmbH")])
    fresh = await insights.projection()
    assert "neu" in fresh.actors and fresh.version > first.version
    reloaded_at = asyncio.get_running_loop().time()

    await store.upsert_nodes([Actor(id="neuer", name="Neuer e.V.")])
    waited = asyncio.get_running_loop().time()
    assert await insights.projection() is fresh, "too soon after the last reload: the current projection answers"
    assert asyncio.get_running_loop().time() - waited < interval / 2, "... without waiting for the next reload"

    await asyncio.sleep(max(0.0, reloaded_at + interval - asyncio.get_running_loop().time()) + 0.3)
    later = await insights.projection()
    assert "neuer" in later.actors, "the deferred reload ran once the interval was over"


async def test_shortest_actor_path_explains_every_hop(store: GraphStore) -> None:
    await build_insight_graph(store)
    projection = await load_projection(store)
    graph = build_actor_network(projection)
    path = shortest_actor_path(projection, graph, "anna-schmidt", "hs-wismar")
    assert path == [
        Hop("anna-schmidt", "stadt-schwerin", ("e2",), ()),
        Hop("stadt-schwerin", "hs-wismar", ("e3",), ()),
    ]
    assert shortest_actor_path(projection, graph, "anna-schmidt", "verein-nb") is None, "verein-nb is isolated"
    assert shortest_actor_path(projection, graph, "anna-schmidt", "nobody") is None


async def test_a_project_larger_than_a_team_links_its_contributors_only_through_events(
    store: GraphStore, monkeypatch
) -> None:
    await build_insight_graph(store)
    projection = await load_projection(store)
    monkeypatch.setattr(actor_network, "MAX_PROJECT_TEAM", 1)  # p-health's two contributors are now "too many"
    graph = build_actor_network(projection)
    assert graph.edges["klinik-greifswald", "medtech-start"] == {"weight": 1, "events": 1, "projects": 0}


async def test_the_fallback_is_the_newest_graph_s_result_even_when_an_older_one_finishes_last(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_insight_graph(store)
    insights = Insights(store)
    slow_versions: set[int] = set()
    release = threading.Event()

    def version_of(projection: Projection) -> int:
        if projection.version in slow_versions:
            release.wait(5)
        return projection.version

    first = (await insights.projection()).version
    slow_versions.add(first)
    on_first = asyncio.create_task(insights.compute("version", (), version_of))
    await asyncio.sleep(0.2)  # it is computing on the first graph
    await store.upsert_nodes([Actor(id="neu", name="Neu GmbH")])
    second = (await insights.projection()).version
    assert await insights.compute("version", (), version_of) == second > first
    release.set()
    assert await on_first == first  # the first graph's result came last
    await store.upsert_nodes([Actor(id="neuer", name="Neuer GmbH")])
    slow_versions.add((await insights.projection()).version)
    release.clear()
    monkeypatch.setattr(engine, "STALE_AFTER_S", 0.05)
    try:
        assert await insights.compute("version", (), version_of) == second, "the newest result answers meanwhile"
    finally:
        release.set()


async def test_a_result_slow_to_compute_after_a_reload_is_answered_from_the_previous_graph(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_insight_graph(store)
    insights = Insights(store)
    monkeypatch.setattr(engine, "STALE_AFTER_S", 0.05)
    release = threading.Event()

    def count_actors(projection: Projection) -> tuple[int, int]:
        if "neu" in projection.actors:
            release.wait(5)  # the computation on the new graph is slow (many queue after a reload)
        return projection.version, len(projection.actors)

    old_version, old_count = await insights.compute("actors", (), count_actors)
    await store.upsert_nodes([Actor(id="neu", name="Neu GmbH")])
    stale = await insights.compute("actors", (), count_actors)
    assert stale == (old_version, old_count), "no waiting past STALE_AFTER_S: the previous graph's result answers"
    release.set()
    await asyncio.sleep(0.2)
    new_version, new_count = await insights.compute("actors", (), count_actors)
    assert new_version > old_version and new_count == old_count + 1, "the computation went on meanwhile"

    def slow_count(projection: Projection) -> int:
        time.sleep(0.2)
        return len(projection.actors)

    # A computation never answered before has nothing older to fall back on: it waits for its result.
    assert await insights.compute("first time", (), slow_count) == new_count
