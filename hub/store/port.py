"""The store port: the one interface between the hub and a graph database.

Everything above this module (importers, API, insights, CLI) talks to a
:class:`GraphStore` and never builds a query string.  Two adapters implement it,
:mod:`hub.store.ladybug_store` (embedded, the default) and
:mod:`hub.store.neo4j_store`; ``tests/contract`` holds the single suite both must
pass.

Semantics every adapter guarantees:

* Upserts are keyed by node id (per label) and by (type, start, end) for
  relationships.  One call is one transaction: it is written whole or not at all.
* Re-upserting the same content changes nothing but ``last_seen``;
  ``first_seen`` is kept from the first write and ``sources`` accumulates.
* Reads by id return only what exists; missing ids are simply absent.
* All values reach the database as query parameters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

from hub.domain import Node, Relationship, RelType

N = TypeVar("N", bound=Node)

Direction = Literal["out", "in", "both"]


# --- errors -------------------------------------------------------------------


class StoreError(Exception):
    """Base of every error the store port raises."""


class StoreUnavailableError(StoreError):
    """The database cannot be reached (down, wrong address, timed out)."""


class StoreTimeoutError(StoreUnavailableError):
    """A query ran longer than the store's time limit (``HUB_STORE_TIMEOUT_S``) and was stopped."""


class StoreAuthError(StoreError):
    """The database refused the configured credentials."""


class InvalidBatchError(StoreError):
    """A batch was rejected before anything was written; the message names the offending items."""


class DuplicateKeyError(InvalidBatchError):
    """The same key appears twice in one batch with different content."""


class UnknownNodeError(InvalidBatchError):
    """A relationship refers to a node that does not exist."""

    def __init__(self, message: str, missing: Sequence[tuple[str, str]]):
        super().__init__(message)
        self.missing = list(missing)


class InvalidQueryError(StoreError):
    """A read asked for something impossible (unknown sort field, filter that does not apply, …)."""


class NodeNotFoundError(StoreError):
    """A single read asked for a node that does not exist."""


# --- query and result shapes ----------------------------------------------------


@dataclass(frozen=True)
class NodeQuery:
    """A filtered, sorted, paginated list of one label.

    Filters that do not apply to the label (``kinds`` on events, say) are an
    error, not silently ignored, so a caller's mistake surfaces.
    """

    space_ids: Sequence[str] | None = None  # events hosted by / actors active in these spaces
    theme_ids: Sequence[str] | None = None  # events about / actors taking part in events about
    project_ids: Sequence[str] | None = None  # events part of / actors contributing to
    kinds: Sequence[str] | None = None  # actor kinds
    statuses: Sequence[str] | None = None  # event statuses
    starts_from: datetime | None = None  # events starting at or after
    starts_before: datetime | None = None  # events starting before
    text: str | None = None  # every word must start a word of the node's search text
    sources: Sequence[str] | None = None  # nodes last written by one of these sources
    order_by: str = "id"
    descending: bool = False
    offset: int = 0
    limit: int = 50
    # Counting the whole list is a second read that scans every match; callers that only page skip it.
    count_total: bool = True


@dataclass(frozen=True)
class Page(Generic[N]):
    items: list[N]
    total: int | None  # None when the query did not ask for it (NodeQuery.count_total)
    offset: int
    limit: int
    has_next: bool  # whether items follow this page, known with or without the total


@dataclass(frozen=True)
class SearchHit:
    """A node that matches a search, read with the candidates (no second round trip for the hits)."""

    node: Node
    score: float

    @property
    def label(self) -> str:
        return self.node.LABEL

    @property
    def id(self) -> str:
        return self.node.id


@dataclass(frozen=True)
class Neighbour:
    """One relationship seen from one of its ends."""

    node_id: str  # the node we asked about
    other_id: str  # the node at the other end
    other_label: str
    rel_type: RelType
    outgoing: bool  # True when node_id is the relationship's start

    def relationship(self) -> Relationship:
        """The relationship itself, keyed as stored (start -> end), without provenance."""
        start, end = (self.node_id, self.other_id) if self.outgoing else (self.other_id, self.node_id)
        return Relationship(type=self.rel_type, start_id=start, end_id=end)


@dataclass(frozen=True)
class Related(Generic[N]):
    """A node at the other end of one relationship of a node we asked about (``GraphStore.related_nodes``)."""

    of_id: str  # the node we asked about
    rel_type: RelType
    node: N  # the node at the other end


@dataclass(frozen=True)
class NeighbourPage:
    """One page of the distinct nodes related to a node, in id order, and how many there are in all."""

    total: int
    other_ids: list[str]


@dataclass
class Subgraph:
    nodes: dict[str, Node] = field(default_factory=dict)  # keyed by "Label:id"
    relationships: list[Relationship] = field(default_factory=list)


@dataclass(frozen=True)
class GraphCounts:
    nodes: dict[str, int]
    relationships: dict[str, int]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        return sum(self.relationships.values())


@dataclass(frozen=True)
class UpsertResult:
    created: int
    updated: int


@dataclass(frozen=True)
class ChangeSet:
    """Writes that belong together (one curation operation, say): applied in one transaction, in this order."""

    nodes: Sequence[Node] = ()  # created or updated, as upsert_nodes
    relationships: Sequence[Relationship] = ()  # created or updated, as upsert_relationships
    removed_relationships: Sequence[Relationship] = ()  # by key, as delete_relationships
    removed_nodes: Sequence[Node] = ()  # with their relationships, as delete_nodes


# --- the port ------------------------------------------------------------------------


@runtime_checkable
class GraphStore(Protocol):
    """What the hub needs from a graph database."""

    engine: str  # "ladybug" or "neo4j"

    async def open(self) -> None:
        """Connect and create constraints/indexes idempotently; raise StoreUnavailable/StoreAuth."""

    async def close(self) -> None: ...

    async def upsert_nodes(self, nodes: Sequence[Node]) -> UpsertResult:
        """Create or update nodes (any labels) in one transaction."""

    async def upsert_relationships(self, relationships: Sequence[Relationship]) -> UpsertResult:
        """Create or update relationships in one transaction; every endpoint must exist."""

    async def get_nodes(self, label: type[N], ids: Sequence[str]) -> dict[str, N]:
        """The nodes of ``label`` with these ids; unknown ids are absent from the result."""

    async def list_nodes(self, label: type[N], query: NodeQuery) -> Page[N]: ...

    async def search(self, text: str, labels: Sequence[type[Node]], limit: int = 20) -> list[SearchHit]:
        """Full-text search across labels, best hit first (``hub.store.search``), the nodes in one round trip."""

    async def neighbours(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Direction = "both",
    ) -> list[Neighbour]:
        """Every relationship of these types touching these nodes, in one round trip."""

    async def related_nodes(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Literal["out", "in"],
        target: type[N],
    ) -> list[Related[N]]:
        """The ``target`` nodes related to these nodes over ``rel_types``, with each relationship.

        One round trip for relationships and nodes together (``neighbours`` and then
        ``get_nodes`` would be two).  A node related in several ways comes once per
        relationship.  Types that do not lead from ``label`` to ``target`` in this
        direction are ignored.
        """

    async def neighbour_pages(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Literal["out", "in"],
        offset: int,
        limit: int,
    ) -> dict[str, NeighbourPage]:
        """Per node: the distinct related nodes (over ``rel_types``), paged in id order, with their total.

        Cut in the database, in one round trip: a busy actor's thousands of events
        never cross the wire when a page of three is asked for.  Nodes without any
        such relationship are absent.
        """

    async def neighbourhood(self, label: type[Node], node_id: str, depth: int = 1, limit: int = 500) -> Subgraph:
        """Nodes and relationships within ``depth`` hops (capped at ``limit`` nodes)."""

    async def shortest_path(
        self,
        start: tuple[type[Node], str],
        end: tuple[type[Node], str],
        max_hops: int = 6,
        rel_types: Sequence[RelType] | None = None,
    ) -> Subgraph | None:
        """One shortest path between two nodes (ignoring direction, over ``rel_types`` or all), or None."""

    async def counts(self) -> GraphCounts: ...

    async def graph_version(self) -> int:
        """A number that grows with every write of graph content, 0 for a store never written.

        Upserts and deletes of content (every label except bookkeeping ones such as
        ImportRun, every relationship) and ``clear`` raise it in the same transaction;
        ``touch`` does not.  The same number therefore means the same content, so results
        derived from the whole graph can be cached by it, across processes.
        """

    async def read_fields(self, label: type[Node], fields: Sequence[str]) -> list[dict[str, Any]]:
        """The ``id`` and the named fields of every node of a label, in id order, in one read.

        The lean read behind analytics and exports: a projection of 100,000 events needs
        a few fields each, not their descriptions.  Unknown fields are an InvalidQueryError.
        """

    async def relationship_pairs(self, rel_type: RelType) -> list[tuple[str, str]]:
        """(start id, end id) of every relationship of one type, sorted, in one read."""

    def iter_nodes(self, label: type[N], batch_size: int = 1000) -> AsyncIterator[list[N]]:
        """Every node of a label, in id order, batch by batch (for migration and export)."""

    def iter_relationships(self, rel_type: RelType, batch_size: int = 1000) -> AsyncIterator[list[Relationship]]: ...

    async def touch(self, label: type[Node], ids: Sequence[str], seen_at: datetime) -> int:
        """Set ``last_seen`` of these nodes (seen again, unchanged) without rewriting them; returns how many."""

    async def delete_relationships(self, relationships: Sequence[Relationship]) -> int:
        """Delete these relationships (by key) if they exist; returns how many did."""

    async def delete_nodes(self, label: type[Node], ids: Sequence[str]) -> int:
        """Delete nodes and their relationships; returns how many existed."""

    async def apply(self, changes: ChangeSet) -> None:
        """All of ``changes`` or, if any part fails (an endpoint missing, say), none of them."""

    async def clear(self) -> None:
        """Delete everything (for tests and a migration target)."""
