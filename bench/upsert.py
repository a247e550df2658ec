"""Upsert throughput of each adapter beside the floor: plain hand-written UNWIND Cypher.

    make bench-upsert                      # both engines, default size
    python -m bench.upsert --actors 4000 --events 20000 --rounds 3 --engines ladybug

For each engine and round, the same generated graph is written twice into a fresh
database: once through the store port (validation, provenance merge, counts,
endpoint checks, one transaction per batch) and once by the simplest Cypher that
stores the same rows (``UNWIND … MERGE … SET``) through the raw driver.  The two
runs alternate inside each round, so machine noise hits both alike; the figure
that matters is the ratio, not the absolute rate.

This module holds hand-written Cypher on purpose: it *is* the floor the adapters
are measured against.  Nothing in ``hub/`` imports it.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ladybug
import neo4j

from hub.domain import REL_ENDPOINTS, Node, Relationship
from hub.store.cypher_store import CypherGraphStore, stored_fields
from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore
from hub.synthetic import generate_graph

BATCH = 2_000
Typed = Callable[[str, Any], str]


@dataclass
class Timing:
    nodes_s: float
    rels_s: float


def _batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _by_type(items: Sequence[Any], key: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    return grouped


async def through_port(store: GraphStore, nodes: list[Node], rels: list[Relationship]) -> Timing:
    started = time.perf_counter()
    for batch in _batches(nodes, BATCH):
        await store.upsert_nodes(batch)
    middle = time.perf_counter()
    for batch in _batches(rels, BATCH):
        await store.upsert_relationships(batch)
    return Timing(middle - started, time.perf_counter() - middle)


def _floor_node_query(label: type[Node], typed: Typed) -> str:
    fields = [f for f in stored_fields(label) if f != "id"]
    sets = ", ".join(f"n.`{f}` = {typed(f'r.`{f}`', label.model_fields[f].annotation)}" for f in fields)
    sets += ", n.search_text = r.search_text"
    return f"UNWIND $rows AS r MERGE (n:{label.LABEL} {{id: r.id}}) SET {sets}"


def _floor_rel_query(rel: Relationship, typed: Typed) -> str:
    start, end = REL_ENDPOINTS[rel.type]
    fields = [f for f in Relationship.model_fields if f not in ("type", "start_id", "end_id")]
    sets = ", ".join(f"x.`{f}` = {typed(f'r.`{f}`', Relationship.model_fields[f].annotation)}" for f in fields)
    return (
        f"UNWIND $rows AS r MATCH (a:{start.LABEL} {{id: r.start_id}}), (b:{end.LABEL} {{id: r.end_id}}) "
        f"MERGE (a)-[x:{rel.type.value}]->(b) SET {sets}"
    )


def _rows(items: Sequence[Node | Relationship], encode: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """The stored properties; a node's search text is stored data too, so the floor writes it."""
    rows = []
    for item in items:
        row = {k: encode(v) for k, v in item.properties().items() if k != "type"}
        if isinstance(item, Node):
            row["search_text"] = " " + item.search_text()
        rows.append(row)
    return rows


async def floor(
    run: Callable[[str, list[dict[str, Any]]], Awaitable[None]],
    store: CypherGraphStore,
    nodes: list[Node],
    rels: list[Relationship],
) -> Timing:
    """The same rows, in the same batches, by the plainest Cypher; encoding is timed too.

    Only the adapter's value encoding and (on LadybugDB) its column casts are borrowed:
    a hand-written query needs them just the same.
    """
    encode, typed = store._encode, store._typed
    started = time.perf_counter()
    for batch in _batches(nodes, BATCH):
        for label, items in _by_type(batch, type).items():
            await run(_floor_node_query(label, typed), _rows(items, encode))
    middle = time.perf_counter()
    for batch in _batches(rels, BATCH):
        for _, items in _by_type(batch, lambda r: r.type).items():
            await run(_floor_rel_query(items[0], typed), _rows(items, encode))
    return Timing(middle - started, time.perf_counter() - middle)


def _warm_up_slice(nodes: list[Node], rels: list[Relationship]) -> tuple[list[Node], list[Relationship]]:
    """A small, self-consistent part of the graph: every relationship's endpoints are in it."""
    head = nodes[: len(nodes) // 10]
    keys = {(type(n).LABEL, n.id) for n in head}
    return head, [r for r in rels if (r.start_label, r.start_id) in keys and (r.end_label, r.end_id) in keys]


async def _in_order(
    first: Callable[[], Awaitable[Timing]], second: Callable[[], Awaitable[Timing]], floor_first: bool
) -> tuple[Timing, Timing]:
    """Run port and floor in the given order; return (port, floor)."""
    if floor_first:
        floor_timing = await second()
        return await first(), floor_timing
    port = await first()
    return port, await second()


async def ladybug_round(
    workdir: Path, nodes: list[Node], rels: list[Relationship], floor_first: bool = False
) -> tuple[Timing, Timing]:
    store = LadybugStore(workdir / "port" / "graph.lbdb")

    async def port() -> Timing:
        await store.open()
        try:
            return await through_port(store, nodes, rels)
        finally:
            await store.close()

    async def raw() -> Timing:
        # The floor gets the same schema (the adapter's DDL) but none of the adapter's logic.
        schema = LadybugStore(workdir / "floor" / "graph.lbdb")
        await schema.open()
        await schema.close()
        database = ladybug.Database(str(workdir / "floor" / "graph.lbdb"), buffer_pool_size=512 * 1024 * 1024)
        connection = ladybug.Connection(database)

        async def run(query: str, rows: list[dict[str, Any]]) -> None:
            await asyncio.to_thread(connection.execute, query, {"rows": rows})

        try:
            return await floor(run, store, nodes, rels)
        finally:
            connection.close()
            database.close()

    try:
        return await _in_order(port, raw, floor_first)
    finally:
        shutil.rmtree(workdir)


async def neo4j_round(
    server: Any, nodes: list[Node], rels: list[Relationship], floor_first: bool = False
) -> tuple[Timing, Timing]:
    store = Neo4jStore(server.uri, server.user, server.password)
    await store.open()
    driver = neo4j.AsyncGraphDatabase.driver(server.uri, auth=(server.user, server.password))

    async def run(query: str, rows: list[dict[str, Any]]) -> None:
        await driver.execute_query(query, {"rows": rows}, database_="neo4j")

    async def port() -> Timing:
        await store.clear()
        return await through_port(store, nodes, rels)

    async def raw() -> Timing:
        await store.clear()
        return await floor(run, store, nodes, rels)

    try:
        return await _in_order(port, raw, floor_first)
    finally:
        await store.clear()
        await driver.close()
        await store.close()


def _report(engine: str, results: list[tuple[Timing, Timing]], node_count: int, rel_count: int) -> str:
    port_nodes = statistics.median(p.nodes_s for p, _ in results)
    port_rels = statistics.median(p.rels_s for p, _ in results)
    floor_nodes = statistics.median(f.nodes_s for _, f in results)
    floor_rels = statistics.median(f.rels_s for _, f in results)
    return (
        f"| {engine} | nodes | {node_count / port_nodes:,.0f}/s | {node_count / floor_nodes:,.0f}/s "
        f"| {port_nodes / floor_nodes:.2f}x |\n"
        f"| {engine} | relationships | {rel_count / port_rels:,.0f}/s | {rel_count / floor_rels:,.0f}/s "
        f"| {port_rels / floor_rels:.2f}x |"
    )


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="Alternating port/floor rounds; medians are reported.")
    parser.add_argument("--engines", default="ladybug,neo4j")
    args = parser.parse_args(argv)

    graph = generate_graph(actors=args.actors, events=args.events)
    nodes, rels = list(graph.nodes), list(graph.relationships)
    print(f"graph: {len(nodes):,} nodes, {len(rels):,} relationships, batches of {BATCH:,}, {args.rounds} rounds")
    lines = ["| engine | what | adapter | floor (raw UNWIND) | adapter time / floor time |", "|---|---|---|---|---|"]
    engines = args.engines.split(",")
    if "ladybug" in engines:
        await ladybug_round(Path(tempfile.mkdtemp(prefix="bench-upsert-")), *_warm_up_slice(nodes, rels))
        results = []
        for round_no in range(args.rounds):
            workdir = Path(tempfile.mkdtemp(prefix="bench-upsert-"))
            results.append(await ladybug_round(workdir, nodes, rels, floor_first=round_no % 2 == 1))
        lines.append(_report("ladybug", results, len(nodes), len(rels)))
    if "neo4j" in engines:
        from tools.neo4j_local import running_neo4j

        with running_neo4j() as server:
            await neo4j_round(server, *_warm_up_slice(nodes, rels))  # JIT and page cache, not measured
            results = [
                await neo4j_round(server, nodes, rels, floor_first=round_no % 2 == 1) for round_no in range(args.rounds)
            ]
        lines.append(_report("neo4j", results, len(nodes), len(rels)))
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
