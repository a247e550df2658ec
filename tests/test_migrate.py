"""Migration between stores: embedded -> Neo4j -> embedded keeps every node, relationship and property."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.domain import NODE_TYPES, REL_ENDPOINTS, Actor, Node, Relationship
from hub.migrate import (
    MigrationError,
    MigrationVerificationError,
    TargetNotEmptyError,
    migrate,
)
from hub.store.ladybug_store import LadybugStore
from hub.store.port import GraphStore
from hub.synthetic import SyntheticGraph, generate_graph
from tests.conftest import make_store


@pytest.fixture(scope="module")
def graph() -> SyntheticGraph:
    return generate_graph(actors=150, events=600, seed=5)


async def embedded(path: Path, graph: SyntheticGraph | None = None) -> LadybugStore:
    store = LadybugStore(path, buffer_pool_mb=128)
    await store.open()
    if graph is not None:
        await graph.write_to(store, batch_size=1000)
    return store


async def dump(store: GraphStore) -> tuple[list[Node], list[Relationship]]:
    """Everything in a store, read through the port, in a canonical order."""
    nodes = [node for label in NODE_TYPES.values() async for batch in store.iter_nodes(label, 300) for node in batch]
    rels = [rel for t in REL_ENDPOINTS async for batch in store.iter_relationships(t, 700) for rel in batch]
    return sorted(nodes, key=lambda n: (n.LABEL, n.id)), sorted(rels, key=lambda r: r.key)


def canonical(graph: SyntheticGraph) -> tuple[list[Node], list[Relationship]]:
    return sorted(graph.nodes, key=lambda n: (n.LABEL, n.id)), sorted(graph.relationships, key=lambda r: r.key)


@pytest.mark.neo4j
async def test_embedded_to_neo4j_to_embedded_keeps_everything(
    graph: SyntheticGraph, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    source = await embedded(tmp_path / "source.lbdb", graph)
    neo4j = await make_store("neo4j", request, tmp_path)
    target = await embedded(tmp_path / "target.lbdb")
    calls: list[tuple[str, int, int]] = []
    try:
        assert await dump(source) == canonical(graph)

        there = await migrate(source, neo4j, batch_size=250, progress=lambda *call: calls.append(call))
        back = await migrate(neo4j, target, batch_size=400)

        expected_nodes, expected_rels = graph.node_counts(), graph.relationship_counts()
        for report in (there, back):
            assert report.nodes == expected_nodes
            assert report.relationships == expected_rels
            assert report.elapsed_s > 0
        assert (there.source_engine, there.target_engine) == ("ladybug", "neo4j")
        assert (back.source_engine, back.target_engine) == ("neo4j", "ladybug")
        for store in (neo4j, target):
            counts = await store.counts()
            assert (counts.nodes, counts.relationships) == (expected_nodes, expected_rels)

        # Every property of every node and relationship, provenance included, survives both hops.
        assert await dump(neo4j) == canonical(graph)
        assert await dump(target) == canonical(graph)

        # Progress: each phase starts at 0 and ends at its total.
        for phase, total in (("nodes", len(graph.nodes)), ("relationships", len(graph.relationships)), ("verify", 1)):
            seen = [(done, of) for name, done, of in calls if name == phase]
            assert seen[0] == (0, total) and seen[-1] == (total, total), phase
            assert [done for done, _ in seen] == sorted(done for done, _ in seen)
        assert len([c for c in calls if c[0] == "relationships"]) > len(REL_ENDPOINTS)  # batch by batch
    finally:
        for store in (source, neo4j, target):
            await store.close()


async def test_a_non_empty_target_is_refused_unless_it_may_be_cleared(graph: SyntheticGraph, tmp_path: Path) -> None:
    source = await embedded(tmp_path / "source.lbdb", graph)
    target = await embedded(tmp_path / "target.lbdb")
    try:
        stray = Actor(id="a-stray", name="Übrig Gebliebene GmbH")
        await target.upsert_nodes([stray])

        with pytest.raises(TargetNotEmptyError, match=r"not empty.*clear_target"):
            await migrate(source, target)
        assert (await target.counts()).total_nodes == 1  # nothing was touched

        report = await migrate(source, target, clear_target=True, batch_size=500)
        assert report.total_nodes == len(graph.nodes)
        assert report.total_relationships == len(graph.relationships)
        assert await target.get_nodes(Actor, ["a-stray"]) == {}
        assert await dump(target) == canonical(graph)
    finally:
        await source.close()
        await target.close()


async def test_migrating_a_store_into_itself_is_refused(tmp_path: Path) -> None:
    store = await embedded(tmp_path / "graph.lbdb")
    try:
        with pytest.raises(MigrationError, match="same store"):
            await migrate(store, store, clear_target=True)
    finally:
        await store.close()


class DropsOneBatch:
    """A target that silently loses its second relationship batch, as a faulty adapter might."""

    def __init__(self, inner: GraphStore):
        self._inner = inner
        self.relationship_batches = 0
        self.dropped: list[Relationship] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def upsert_relationships(self, relationships: Any) -> Any:
        self.relationship_batches += 1
        if self.relationship_batches == 2:
            self.dropped = list(relationships)
            return None
        return await self._inner.upsert_relationships(relationships)


async def test_verification_names_what_went_missing(graph: SyntheticGraph, tmp_path: Path) -> None:
    source = await embedded(tmp_path / "source.lbdb", graph)
    inner = await embedded(tmp_path / "target.lbdb")
    target = DropsOneBatch(inner)
    try:
        with pytest.raises(MigrationVerificationError) as caught:
            await migrate(source, target, batch_size=100)  # type: ignore[arg-type]
        lost_type = target.dropped[0].type.value
        expected = graph.relationship_counts()[lost_type]
        assert caught.value.mismatches == [
            f"{lost_type} relationships: source {expected}, target {expected - len(target.dropped)}"
        ]
        assert lost_type in str(caught.value)
    finally:
        await source.close()
        await inner.close()
