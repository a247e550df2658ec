"""Insight queries on a large graph: cold and cached latency, through the real app.

    make bench-insights                                  # 20,000 actors / 100,000 events, embedded store
    python -m bench.insights --actors 2000 --events 10000 --runs 20
    python -m bench.insights --data-dir /tmp/bench-insights   # keep the loaded graph for the next run
    python -m bench.insights --engine neo4j              # a local Neo4j started by tools/neo4j_local.py

A generated graph (``hub.synthetic``) is written through the store port (several
minutes for 100,000 events; progress is printed).  Then every insight query goes
through the real ASGI app (``hub.api.app.create_app``, production settings) with an
in-process httpx transport, so GraphQL parsing, validation, resolvers and the cache
are all in the measurement, and only the socket is not.

For each query:

* *projection*: reading the analytics projection from the store (what the first
  insight query after a sync pays once, shared by all queries);
* *cold*: the first request with the projection in memory but nothing cached (the
  computation itself);
* *cold + projection*: the two together, the worst case a user meets;
* *cached*: ``--runs`` further identical requests, median and p95.

Targets (issue #5): every cached query under 50 ms median, every cold one under 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.graphql_queries import print_progress
from hub.api.app import create_app
from hub.api.ids import global_id
from hub.config import Settings
from hub.domain import Actor, Node
from hub.insights.engine import Insights
from hub.insights.projection import load_projection
from hub.reference import ensure_reference_data
from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore
from hub.synthetic import SyntheticGraph, generate_graph

COLD_TARGET_S = 5.0
CACHED_TARGET_MS = 50.0


@dataclass(frozen=True)
class InsightQuery:
    name: str
    text: str
    variables: dict[str, Any]


def queries(graph: SyntheticGraph) -> list[InsightQuery]:
    """The representative insight queries, with arguments taken from the generated graph."""
    busy = _busiest_actors(graph, 2)
    actor, other = (global_id(a) for a in busy)
    space = next(n for n in graph.nodes if n.LABEL == "Space")
    return [
        InsightQuery("activity (quarter)", ACTIVITY, {}),
        InsightQuery("trends (month, by centre)", TRENDS, {}),
        InsightQuery("cross-regional actors", CROSS_REGIONAL, {}),
        InsightQuery("collaboration graph", COLLABORATION, {}),
        InsightQuery("centre profile", PROFILE, {"space": global_id(space)}),
        InsightQuery("partners for an actor", PARTNERS, {"actor": actor}),
        InsightQuery("network (top 50)", NETWORK, {}),
        InsightQuery("actor path", PATH, {"a": actor, "b": other}),
        InsightQuery("network over time (quarter)", OVER_TIME, {}),
    ]


def _busiest_actors(graph: SyntheticGraph, count: int) -> list[Node]:
    events: dict[str, int] = {}
    for rel in graph.relationships:
        if rel.start_label == Actor.LABEL and rel.end_label == "Event":
            events[rel.start_id] = events.get(rel.start_id, 0) + 1
    actors = {n.id: n for n in graph.nodes if isinstance(n, Actor) and not n.is_person}
    ranked = sorted((a for a in events if a in actors), key=lambda a: (-events[a], a))
    return [actors[a] for a in ranked[:count]]


ACTIVITY = "query { activity(granularity: QUARTER) { cells { period events actors newActors } } }"
TRENDS = "query { trends(granularity: MONTH, by: SPACE) { key period value change changePercent } }"
CROSS_REGIONAL = (
    "query { crossRegional { actorCount projectCount actors(first: 50) { name events spaces { name } } "
    "projects(first: 50) { name events } } }"
)
COLLABORATION = "query { collaboration { a { name } b { name } sharedActors sharedProjects sharedEvents weight } }"
PROFILE = (
    "query($space: ID!) { spaceProfile(space: $space) { events actors topThemes { label events } "
    "topPartners { name events } reach { label actors } } }"
)
PARTNERS = "query($actor: ID!) { partners(actor: $actor, first: 10) { score reasons actor { name } } }"
NETWORK = (
    "query { network(first: 50) { summary { nodes edges communities betweennessMethod } "
    "nodes { actor { name } degree betweenness pagerank community } } }"
)
PATH = "query($a: ID!, $b: ID!) { actorPath(from: $a, to: $b) { length reason hops { from { name } to { name } } } }"
OVER_TIME = "query { networkOverTime(granularity: QUARTER) { period nodes edges communities } }"


# --- measuring ---------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    cold_s: float
    projection_s: float
    cached_ms: list[float]

    @property
    def cached_median_ms(self) -> float:
        return statistics.median(self.cached_ms)

    @property
    def cached_p95_ms(self) -> float:
        ordered = sorted(self.cached_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _post(client: httpx.AsyncClient, query: InsightQuery) -> float:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query.text, "variables": query.variables})
    elapsed = time.perf_counter() - started
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"{query.name}: the hub answered {response.status_code}: {body.get('errors')}")
    return elapsed


async def measure(store: GraphStore, all_queries: Sequence[InsightQuery], runs: int) -> list[Timing]:
    app = create_app(Settings(env="production"), store=store)
    timings: list[Timing] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        for query in all_queries:
            app.state.insights = Insights(store)  # nothing cached
            started = time.perf_counter()
            await app.state.insights.projection()
            projection_s = time.perf_counter() - started
            cold_s = await _post(client, query)
            cached = [await _post(client, query) * 1000 for _ in range(runs)]
            timing = Timing(query.name, cold_s, projection_s, cached)
            print(f"  {query.name}: cold {cold_s:.2f} s, cached median {timing.cached_median_ms:.1f} ms", flush=True)
            timings.append(timing)
    return timings


def table(timings: Sequence[Timing], projection_s: float) -> str:
    lines = [
        f"Projection read from the store: {projection_s:.2f} s (median of 3), paid once per graph version.",
        "",
        "| query | cold | cold + projection | cached median | cached p95 | targets |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for t in timings:
        met = t.cold_s + projection_s < COLD_TARGET_S and t.cached_median_ms < CACHED_TARGET_MS
        lines.append(
            f"| {t.name} | {t.cold_s * 1000:,.0f} ms | {(t.cold_s + projection_s) * 1000:,.0f} ms "
            f"| {t.cached_median_ms:.1f} ms | {t.cached_p95_ms:.1f} ms | {'met' if met else 'MISSED'} |"
        )
    return "\n".join(lines)


# --- the graph -----------------------------------------------------------------------------------------------------


async def load(store: GraphStore, graph: SyntheticGraph) -> None:
    """Write the graph, unless the store already holds one of the same shape (a kept ``--data-dir``)."""
    counts = await store.counts()
    wanted = {label: n for label, n in graph.node_counts().items() if n}
    same_nodes = {label: counts.nodes.get(label, 0) for label in wanted} == wanted
    if same_nodes and counts.total_relationships == len(graph.relationships):
        print("  the store already holds this graph; not loading it again", flush=True)
        return
    if counts.total_nodes:
        await store.clear()
    started = time.perf_counter()
    await ensure_reference_data(store)
    await graph.write_to(store, progress=print_progress(store.engine))
    print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)


@contextlib.asynccontextmanager
async def opened_store(args: argparse.Namespace) -> AsyncIterator[GraphStore]:
    store: GraphStore
    if args.engine == "neo4j":
        from tools.neo4j_local import running_neo4j

        with running_neo4j() as server:
            store = Neo4jStore(server.uri, server.user, server.password)
            await store.open()
            try:
                yield store
            finally:
                await store.close()
        return
    with contextlib.ExitStack() as stack:
        data_dir = Path(args.data_dir) if args.data_dir else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        store = LadybugStore(data_dir / "graph.lbdb", buffer_pool_mb=2048)
        await store.open()
        try:
            yield store
        finally:
            await store.close()


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--actors", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="cached requests per query (default 30)")
    parser.add_argument("--engine", choices=["ladybug", "neo4j"], default="ladybug")
    parser.add_argument("--data-dir", help="embedded store directory to keep (and reuse) between runs")
    args = parser.parse_args(argv)
    print(f"generating {args.actors:,} actors / {args.events:,} events …", flush=True)
    graph = generate_graph(actors=args.actors, events=args.events)
    async with opened_store(args) as store:
        await load(store, graph)
        projection_times = []
        for _ in range(3):
            started = time.perf_counter()
            await load_projection(store)
            projection_times.append(time.perf_counter() - started)
        projection_s = statistics.median(projection_times)
        print(f"  projection: {projection_s:.2f} s", flush=True)
        timings = await measure(store, queries(graph), args.runs)
    print()
    print(f"{args.engine}, {args.actors:,} actors / {args.events:,} events")
    print(table(timings, projection_s))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
