"""Round-trip a generated graph embedded -> Neo4j -> embedded and prove nothing changed.

    make migrate-check                                 # 2,000 actors, 10,000 events
    python -m bench.migrate_roundtrip --actors 4000 --events 20000

The default size gives about 12,000 nodes and 64,000 relationships (the issue asks
for at least 10,000 and 50,000). Counts are verified by ``hub.migrate`` itself;
this script also compares every node and relationship, property by property, between
the first and the last store. A Neo4j 5.26 is started on loopback for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TypeVar

from hub.domain import NODE_TYPES, REL_ENDPOINTS
from hub.migrate import migrate
from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore
from hub.synthetic import generate_graph
from tools.neo4j_local import running_neo4j

T = TypeVar("T")


async def snapshot(store: GraphStore) -> tuple[list[object], list[object]]:
    """Every node and relationship, in a stable order, as plain data."""
    nodes: list[object] = []
    for label in NODE_TYPES.values():
        nodes.extend([node.model_dump() async for node in _flat(store.iter_nodes(label))])
    rels: list[object] = []
    for rel_type in REL_ENDPOINTS:
        rels.extend([rel.model_dump() async for rel in _flat(store.iter_relationships(rel_type))])
    return nodes, rels


async def _flat(batches: AsyncIterator[list[T]]) -> AsyncIterator[T]:
    async for batch in batches:
        for item in batch:
            yield item


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="migrate-check-"))
    graph = generate_graph(actors=args.actors, events=args.events)
    first = LadybugStore(workdir / "first" / "graph.lbdb")
    last = LadybugStore(workdir / "last" / "graph.lbdb")
    await first.open()
    started = time.perf_counter()
    await graph.write_to(first)
    print(
        f"generated {len(graph.nodes):,} nodes, {len(graph.relationships):,} relationships "
        f"into the embedded store in {time.perf_counter() - started:.1f} s"
    )
    with running_neo4j() as server:
        neo4j = Neo4jStore(server.uri, server.user, server.password)
        await neo4j.open()
        await last.open()
        there = await migrate(first, neo4j)
        print(
            f"embedded -> Neo4j: {there.total_nodes:,} nodes, {there.total_relationships:,} relationships "
            f"in {there.elapsed_s:.1f} s"
        )
        back = await migrate(neo4j, last)
        print(
            f"Neo4j -> embedded: {back.total_nodes:,} nodes, {back.total_relationships:,} relationships "
            f"in {back.elapsed_s:.1f} s"
        )
        await neo4j.close()
    identical = await snapshot(first) == await snapshot(last)
    await first.close()
    await last.close()
    print("every node and relationship identical after the round trip:", "yes" if identical else "NO")
    if not identical:
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
