"""Copy a whole graph from one store to another (embedded -> Neo4j, or back), through the port.

:func:`migrate` reads every label of :data:`~hub.domain.NODE_TYPES`, then every
relationship type of :data:`~hub.domain.REL_ENDPOINTS`, batch by batch with the
port's ``iter_nodes``/``iter_relationships``, and writes each batch with
``upsert_nodes``/``upsert_relationships`` (one transaction per batch), so
nodes exist before the relationships that need them.  Provenance is copied as
stored: an upsert into an empty target keeps ``first_seen``, ``last_seen``,
``sources`` and ``content_hash`` exactly.  Afterwards the counts per label and
per relationship type must be identical in both stores, or
:class:`MigrationVerificationError` names the differences.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hub.domain import NODE_TYPES, REL_ENDPOINTS
from hub.store.port import GraphCounts, GraphStore, StoreError

#: ``progress(phase, done, total)``; phase is "nodes", "relationships" or "verify".
Progress = Callable[[str, int, int], None]


class MigrationError(StoreError):
    """A migration could not be done as asked."""


class TargetNotEmptyError(MigrationError):
    """The target already holds data and ``clear_target`` was not given."""


class MigrationVerificationError(MigrationError):
    """After copying, the target's counts differ from the source's."""

    def __init__(self, message: str, mismatches: Sequence[str]):
        super().__init__(message)
        self.mismatches = list(mismatches)


@dataclass(frozen=True)
class MigrationReport:
    source_engine: str
    target_engine: str
    nodes: dict[str, int]  # per label, as verified in both stores
    relationships: dict[str, int]  # per relationship type
    elapsed_s: float

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        return sum(self.relationships.values())


async def migrate(
    source: GraphStore,
    target: GraphStore,
    *,
    batch_size: int = 2000,
    clear_target: bool = False,
    progress: Progress | None = None,
) -> MigrationReport:
    """Copy every node and relationship of ``source`` into ``target``; both stores must be open.

    Raises :class:`TargetNotEmptyError` if the target holds anything and
    ``clear_target`` is false (with ``clear_target`` it is emptied first), and
    :class:`MigrationVerificationError` if the counts differ afterwards.  The
    source should not be written to while it is copied.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if source is target:
        raise MigrationError("source and target are the same store")
    began = time.perf_counter()
    before = await target.counts()
    if before.total_nodes or before.total_relationships:
        if not clear_target:
            raise TargetNotEmptyError(
                f"the target {target.engine} store is not empty ({before.total_nodes} nodes, "
                f"{before.total_relationships} relationships); clear it first or pass clear_target=True "
                "to delete everything in it"
            )
        await target.clear()
    expected = await source.counts()
    report = progress or (lambda phase, done, total: None)

    done, total = 0, expected.total_nodes
    report("nodes", done, total)
    for label in NODE_TYPES.values():
        async for batch in source.iter_nodes(label, batch_size):
            await target.upsert_nodes(batch)
            done += len(batch)
            report("nodes", done, total)

    done, total = 0, expected.total_relationships
    report("relationships", done, total)
    for rel_type in REL_ENDPOINTS:
        async for rels in source.iter_relationships(rel_type, batch_size):
            await target.upsert_relationships(rels)
            done += len(rels)
            report("relationships", done, total)

    report("verify", 0, 1)
    actual = await target.counts()
    mismatches = _differences(expected, actual)
    if mismatches:
        raise MigrationVerificationError(
            f"the migrated graph differs from the source: {'; '.join(mismatches)}", mismatches
        )
    report("verify", 1, 1)
    return MigrationReport(
        source_engine=source.engine,
        target_engine=target.engine,
        nodes=dict(actual.nodes),
        relationships=dict(actual.relationships),
        elapsed_s=time.perf_counter() - began,
    )


def _differences(expected: GraphCounts, actual: GraphCounts) -> list[str]:
    mismatches = []
    for kind, want, got in (
        ("nodes", expected.nodes, actual.nodes),
        ("relationships", expected.relationships, actual.relationships),
    ):
        for name in sorted(want.keys() | got.keys()):
            if want.get(name, 0) != got.get(name, 0):
                mismatches.append(f"{name} {kind}: source {want.get(name, 0)}, target {got.get(name, 0)}")
    return mismatches
