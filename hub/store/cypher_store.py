"""What both adapters share: the Cypher they both understand, and the port logic on top.

LadybugDB and Neo4j speak nearly the same Cypher.  This base class writes every
query once; an adapter supplies only how to run statements (:meth:`_read`,
:meth:`_write`), how values cross the wire (:meth:`_encode`, :meth:`_decode`)
and the few dialect differences (label functions, list union, shortest path,
full-text search).  Adapters are the only modules that contain Cypher.

Labels, relationship types and property names in the generated Cypher come from
:mod:`hub.domain`, never from callers; every value is a parameter.
"""

from __future__ import annotations

import abc
import asyncio
import functools
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from hub.domain import (
    NODE_TYPES,
    PARTICIPATION_TYPES,
    REL_ENDPOINTS,
    Actor,
    Event,
    Node,
    Relationship,
    RelType,
)
from hub.store.port import (
    ChangeSet,
    Direction,
    DuplicateKeyError,
    GraphCounts,
    InvalidBatchError,
    InvalidQueryError,
    Neighbour,
    NeighbourPage,
    NodeQuery,
    Page,
    Related,
    SearchHit,
    Subgraph,
    UnknownNodeError,
    UpsertResult,
)
from hub.store.search import rank, search_terms

N = TypeVar("N", bound=Node)
Row = dict[str, Any]

SCHEMA_DIR = Path(__file__).resolve().parent.parent.parent / "schema"

_PROVENANCE_MERGED = ("first_seen", "sources")  # merged with the stored value, not overwritten
#: What a relationship row holds: every field but the type (a row is written to its type's table).
_REL_ROW_FIELDS = tuple(name for name in Relationship.model_fields if name != "type")
_SEARCHABLE_LABELS = ("Space", "Theme", "Actor", "Project", "Event")
#: The property that names a node of each searchable label.
NAME_FIELDS = {"Space": "name", "Theme": "label_de", "Actor": "name", "Project": "name", "Event": "title"}
#: The node that holds the graph version (see GraphStore.graph_version); it is no domain node.
VERSION_LABEL = "GraphMeta"
_BUMP_VERSION = (
    f"MERGE (m:{VERSION_LABEL} {{id: 'graph'}}) ON CREATE SET m.version = 1 ON MATCH SET m.version = m.version + 1"
)
#: Longest path a shortest-path query may search (both engines' planners slow down past it).
MAX_PATH_HOPS = 15


class Transaction(abc.ABC):
    """One open write transaction; statements run in order, all or nothing."""

    @abc.abstractmethod
    async def run(self, query: str, params: Row | None = None) -> list[Row]: ...


def _in_lock_order(relationships: Sequence[Relationship]) -> list[Relationship]:
    """Relationships by type, start and end: writing one locks both its ends (on Neo4j), and
    transactions that take their locks in one order cannot deadlock (two curators setting
    the same themes on their events, in different orders, did; Neo4j then retries one)."""
    return sorted(relationships, key=lambda rel: rel.key)


class _VersionBumpLast(Transaction):
    """A transaction whose raises of the graph version wait for its end, and happen once.

    Every content write locks the one version node.  Locked at the end, just before the
    commit, it is held shortest, and concurrent change sets cannot deadlock over it (on
    Neo4j each would hold it while waiting for a node the other one holds).
    """

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx
        self.bump_due = False

    async def run(self, query: str, params: Row | None = None) -> list[Row]:
        if query is _BUMP_VERSION:
            self.bump_due = True
            return []
        return await self._tx.run(query, params)


def load_schema_statements(filename: str) -> list[str]:
    """The statements of a schema file under ``schema/``, without comments."""
    text = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def _q(name: str) -> str:
    """A property name quoted for Cypher (``end`` is a keyword in both dialects)."""
    return f"`{name}`"


def rel_type_pattern(rel_types: Sequence[RelType] | None) -> str:
    """``:A|B`` for a relationship pattern, or nothing for "any type"."""
    return ":" + "|".join(t.value for t in rel_types) if rel_types else ""


def _directed_pattern(direction: Literal["out", "in"], rel_types: Sequence[RelType]) -> str:
    """``-[r:A|B]->`` or ``<-[r:A|B]-``: the relationship ``r`` seen from the node written before it."""
    types = rel_type_pattern(rel_types)
    return f"-[r{types}]->" if direction == "out" else f"<-[r{types}]-"


@functools.cache  # pydantic builds model_fields on every access (9 µs): once per node read adds up
def stored_fields(label: type[Node]) -> tuple[str, ...]:
    return tuple(label.model_fields)


@functools.cache
def instant_fields(label: type[Node]) -> frozenset[str]:
    """The fields of a label that hold a datetime."""
    return frozenset(
        name
        for name, info in label.model_fields.items()
        if datetime in (get_args(info.annotation) or (info.annotation,))
    )


def _ranked_fields(candidate: Row) -> Row:
    """A search candidate (label, node) with what hub.store.search ranks by: id, name and search text."""
    fields = candidate["node"]
    name = fields.get(NAME_FIELDS[candidate["label"]])
    return candidate | {"id": fields["id"], "name": name, "search_text": fields.get("search_text")}


class CypherGraphStore(abc.ABC):
    """The shared implementation of :class:`hub.store.port.GraphStore`."""

    engine: str = ""

    # --- what an adapter provides ------------------------------------------------------

    @abc.abstractmethod
    async def _read(self, query: str, params: Row | None = None) -> list[Row]:
        """Run one read-only statement; rows as dicts keyed by the RETURN aliases."""

    @abc.abstractmethod
    async def _write(self, work: Callable[[Transaction], Awaitable[Any]]) -> Any:
        """Run ``work`` in one write transaction; commit on success, roll back on error."""

    @abc.abstractmethod
    def _encode(self, value: Any) -> Any:
        """A Python value as the driver wants it (datetimes differ between engines)."""

    @abc.abstractmethod
    def _decode(self, value: Any) -> Any:
        """A driver value as plain Python (aware UTC datetimes, lists, scalars)."""

    @abc.abstractmethod
    def _list_union(self, stored: str, incoming: str) -> str:
        """A Cypher expression: the stored list plus the incoming items it lacks."""

    @abc.abstractmethod
    def _label_of(self, variable: str) -> str:
        """A Cypher expression for the (single) label of a node variable."""

    @abc.abstractmethod
    def _type_of(self, variable: str) -> str:
        """A Cypher expression for the type of a relationship variable."""

    @abc.abstractmethod
    async def shortest_path(
        self,
        start: tuple[type[Node], str],
        end: tuple[type[Node], str],
        max_hops: int = 6,
        rel_types: Sequence[RelType] | None = None,
    ) -> Subgraph | None: ...

    @abc.abstractmethod
    async def _search_candidates(self, terms: list[str], labels: list[str], limit: int) -> list[Row]:
        """At most ``limit`` rows (label, node) of the nodes whose search text has every term as a word prefix.

        ``node`` maps the node's properties (its search text included) to their values.
        """

    # --- writes ---------------------------------------------------------------------------

    async def upsert_nodes(self, nodes: Sequence[Node]) -> UpsertResult:
        work = self._upserting_nodes(nodes)
        return await self._write(work) if work else UpsertResult(0, 0)

    def _upserting_nodes(self, nodes: Sequence[Node]) -> Callable[[Transaction], Awaitable[UpsertResult]] | None:
        """The work of upserting ``nodes`` in a transaction (None: nothing to do); rows are checked now."""
        by_label: dict[type[Node], list[Node]] = defaultdict(list)
        for node in nodes:
            by_label[type(node)].append(node)
        batches = [(label, self._node_rows(label, items)) for label, items in by_label.items()]

        async def work(tx: Transaction) -> UpsertResult:
            created = updated = 0
            for label, rows in batches:
                result = await self._run_rows(tx, label.LABEL, self._merge_nodes_query(label), rows)
                updated += int(result[0]["updated"]) if result else 0
                created += len(rows) - (int(result[0]["updated"]) if result else 0)
            if any(label.IS_CONTENT for label, _ in batches):
                await tx.run(_BUMP_VERSION)
            return UpsertResult(created=created, updated=updated)

        return work if batches else None

    async def upsert_relationships(self, relationships: Sequence[Relationship]) -> UpsertResult:
        work = self._upserting_relationships(relationships)
        return await self._write(work) if work else UpsertResult(0, 0)

    def _upserting_relationships(
        self, relationships: Sequence[Relationship]
    ) -> Callable[[Transaction], Awaitable[UpsertResult]] | None:
        by_type: dict[RelType, list[Relationship]] = defaultdict(list)
        for rel in _in_lock_order(relationships):
            by_type[rel.type].append(rel)
        batches = [(rel_type, self._rel_rows(items)) for rel_type, items in by_type.items()]
        if not batches:
            return None

        async def work(tx: Transaction) -> UpsertResult:
            created = updated = 0
            for rel_type, rows in batches:
                written, existing = await self._merge_relationship_rows(tx, rel_type, rows)
                if written < len(rows):
                    # Rows whose endpoints do not MATCH were silently skipped; find and name
                    # them. Raising rolls back the whole transaction, so nothing stays written.
                    await self._require_endpoints(tx, relationships)
                updated += existing
                created += written - existing
            await tx.run(_BUMP_VERSION)
            return UpsertResult(created=created, updated=updated)

        return work

    async def touch(self, label: type[Node], ids: Sequence[str], seen_at: datetime) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        seen = self._typed("$seen", datetime)

        async def work(tx: Transaction) -> int:
            rows = await tx.run(
                f"MATCH (n:{label.LABEL}) WHERE n.id IN $ids SET n.last_seen = {seen} RETURN count(n) AS touched",
                {"ids": ids, "seen": self._encode(seen_at)},
            )
            return int(rows[0]["touched"]) if rows else 0

        return await self._write(work)

    async def delete_relationships(self, relationships: Sequence[Relationship]) -> int:
        work = self._deleting_relationships(relationships)
        return await self._write(work) if work else 0

    def _deleting_relationships(
        self, relationships: Sequence[Relationship]
    ) -> Callable[[Transaction], Awaitable[int]] | None:
        by_type: dict[RelType, list[Row]] = defaultdict(list)
        for rel in _in_lock_order(relationships):
            by_type[rel.type].append({"start_id": rel.start_id, "end_id": rel.end_id})
        if not by_type:
            return None

        async def work(tx: Transaction) -> int:
            deleted = 0
            for rel_type, rows in by_type.items():
                start, end = REL_ENDPOINTS[rel_type]
                result = await tx.run(
                    f"UNWIND $rows AS r MATCH (a:{start.LABEL} {{id: r.start_id}})-[x:{rel_type.value}]->"
                    f"(b:{end.LABEL} {{id: r.end_id}}) DELETE x RETURN count(*) AS deleted",
                    {"rows": rows},
                )
                deleted += int(result[0]["deleted"]) if result else 0
            if deleted:
                await tx.run(_BUMP_VERSION)
            return deleted

        return work

    async def delete_nodes(self, label: type[Node], ids: Sequence[str]) -> int:
        return await self._write(self._deleting_nodes(label, ids))

    def _deleting_nodes(self, label: type[Node], ids: Sequence[str]) -> Callable[[Transaction], Awaitable[int]]:
        ids = list(dict.fromkeys(ids))

        async def work(tx: Transaction) -> int:
            found = await tx.run(f"MATCH (n:{label.LABEL}) WHERE n.id IN $ids RETURN count(n) AS found", {"ids": ids})
            await tx.run(f"MATCH (n:{label.LABEL}) WHERE n.id IN $ids DETACH DELETE n", {"ids": ids})
            if label.IS_CONTENT and int(found[0]["found"]):
                await tx.run(_BUMP_VERSION)
            return int(found[0]["found"])

        return work

    async def apply(self, changes: ChangeSet) -> None:
        removed: dict[type[Node], list[str]] = defaultdict(list)
        for node in changes.removed_nodes:
            removed[type(node)].append(node.id)
        # Every row is built (and checked) before the transaction begins, as the single writes do.
        steps = [
            self._upserting_nodes(changes.nodes),
            self._upserting_relationships(changes.relationships),
            self._deleting_relationships(changes.removed_relationships),
            *(self._deleting_nodes(label, ids) for label, ids in removed.items()),
        ]

        async def work(tx: Transaction) -> None:
            deferring = _VersionBumpLast(tx)
            for step in steps:
                if step is not None:
                    await step(deferring)
            if deferring.bump_due:
                await tx.run(_BUMP_VERSION)

        await self._write(work)

    async def clear(self) -> None:
        async def work(tx: Transaction) -> None:
            for label in NODE_TYPES:
                await tx.run(f"MATCH (n:{label}) DETACH DELETE n")
            await tx.run(_BUMP_VERSION)  # never reset: a cache must not mistake new content for old

        await self._write(work)

    async def _bump_version(self) -> None:
        """Raise the graph version in a transaction of its own (for writes an adapter does apart)."""

        async def work(tx: Transaction) -> None:
            await tx.run(_BUMP_VERSION)

        await self._write(work)

    def _node_rows(self, label: type[Node], nodes: Sequence[Node]) -> list[Row]:
        seen: dict[str, Row] = {}
        for node in nodes:
            row = {name: self._encode(value) for name, value in node.properties().items()}
            row["search_text"] = " " + node.search_text()
            if node.id in seen and seen[node.id] != row:
                raise DuplicateKeyError(
                    f"{label.LABEL} id {node.id!r} appears twice in one batch with different content"
                )
            seen[node.id] = row
        return list(seen.values())

    def _rel_rows(self, relationships: Sequence[Relationship]) -> list[Row]:
        seen: dict[tuple[str, str, str], Row] = {}
        for rel in relationships:
            # The fields as they are: a relationship has no enum but its type, and the model dump of
            # properties() takes three times as long (an import of 50,000 events builds 400,000 rows).
            row = {name: self._encode(getattr(rel, name)) for name in _REL_ROW_FIELDS}
            if rel.key in seen and seen[rel.key] != row:
                raise DuplicateKeyError(
                    f"relationship {rel.type.value} {rel.start_id!r} -> {rel.end_id!r} appears twice "
                    "in one batch with different content"
                )
            seen[rel.key] = row
        return list(seen.values())

    def _typed(self, expression: str, annotation: Any) -> str:
        """``expression`` cast to the column type of a field, where the dialect needs it."""
        return expression

    async def _run_rows(self, tx: Transaction, table: str, query: str, rows: list[Row]) -> list[Row]:
        """Run a batch write ``query`` once per row of one table (a label or a relationship type).

        The query reads the row's fields through :meth:`_row_field`; here the rows are a
        parameter. An adapter may hand them over its own faster way.
        """
        return await tx.run(f"UNWIND $rows AS r {query}", {"rows": rows})

    def _row_field(self, name: str) -> str:
        """How a batch write query reads a field of the current row (see :meth:`_run_rows`)."""
        return f"r.{_q(name)}"

    def _row_value(self, model: type[BaseModel], name: str) -> str:
        """A field of the current row of a batch write, typed as the dialect needs."""
        annotation = model.model_fields[name].annotation if name in model.model_fields else str
        return self._typed(self._row_field(name), annotation)

    def _merge_set_clauses(self, variable: str, model: type[BaseModel], fields: Sequence[str]) -> tuple[str, str]:
        """The ON CREATE and ON MATCH SET lists; provenance is merged, the rest overwritten."""

        def param(name: str) -> str:
            return self._row_value(model, name)

        plain = [f"{variable}.{_q(f)} = {param(f)}" for f in fields if f not in _PROVENANCE_MERGED]
        first_seen, sources = param("first_seen"), param("sources")
        on_create = [*plain, f"{variable}.first_seen = {first_seen}", f"{variable}.sources = {sources}"]
        on_match = [
            *plain,
            f"{variable}.first_seen = coalesce({variable}.first_seen, {first_seen})",
            f"{variable}.sources = {self._list_union(f'{variable}.sources', sources)}",
        ]
        return ", ".join(on_create), ", ".join(on_match)

    def _merge_nodes_query(self, label: type[Node]) -> str:
        fields = [f for f in stored_fields(label) if f != "id"] + ["search_text"]
        on_create, on_match = self._merge_set_clauses("n", label, fields)
        row_id = self._row_field("id")
        # OPTIONAL MATCH before MERGE tells us which rows already existed.
        return (
            f"OPTIONAL MATCH (old:{label.LABEL} {{id: {row_id}}}) "
            "WITH * "
            f"MERGE (n:{label.LABEL} {{id: {row_id}}}) "
            f"ON CREATE SET {on_create} "
            f"ON MATCH SET {on_match} "
            "RETURN count(old) AS updated"
        )

    async def _merge_relationship_rows(self, tx: Transaction, rel_type: RelType, rows: list[Row]) -> tuple[int, int]:
        """MERGE a batch of relationships of one type: (how many were written, how many of them existed)."""
        result = await self._run_rows(tx, rel_type.value, self._merge_relationships_query(rel_type), rows)
        return (int(result[0]["written"]), int(result[0]["updated"])) if result else (0, 0)

    def _merge_relationships_query(self, rel_type: RelType) -> str:
        start, end = REL_ENDPOINTS[rel_type]
        fields = [f for f in Relationship.model_fields if f not in ("type", "start_id", "end_id")]
        on_create, on_match = self._merge_set_clauses("x", Relationship, fields)
        # Two MATCH clauses, not one with a comma: LadybugDB plans the comma form as a cross
        # product when the rows come from a file (see LadybugStore._run_rows).
        return (
            f"MATCH (a:{start.LABEL} {{id: {self._row_field('start_id')}}}) "
            f"MATCH (b:{end.LABEL} {{id: {self._row_field('end_id')}}}) "
            f"OPTIONAL MATCH (a)-[old:{rel_type.value}]->(b) "
            "WITH * "
            f"MERGE (a)-[x:{rel_type.value}]->(b) "
            f"ON CREATE SET {on_create} "
            f"ON MATCH SET {on_match} "
            "RETURN count(*) AS written, count(old) AS updated"
        )

    async def _require_endpoints(self, tx: Transaction, relationships: Sequence[Relationship]) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        for rel in relationships:
            wanted[rel.start_label].add(rel.start_id)
            wanted[rel.end_label].add(rel.end_id)
        missing: list[tuple[str, str]] = []
        for label, ids in wanted.items():
            rows = await tx.run(f"MATCH (n:{label}) WHERE n.id IN $ids RETURN n.id AS id", {"ids": sorted(ids)})
            missing.extend((label, node_id) for node_id in sorted(ids - {row["id"] for row in rows}))
        if missing:
            shown = ", ".join(f"{label} {node_id!r}" for label, node_id in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise UnknownNodeError(f"relationships refer to nodes that do not exist: {shown}{more}", missing)

    # --- reads -----------------------------------------------------------------------------

    def _read_instant(self, expression: str) -> str:
        """A Cypher expression reading a datetime property, in the form :meth:`_decode_instant` takes."""
        return expression

    def _decode_instant(self, value: Any) -> Any:
        return self._decode(value)

    def _field(self, label: type[Node], name: str) -> str:
        """A Cypher expression reading one stored field of a node ``n``."""
        expression = f"n.{_q(name)}"
        return self._read_instant(expression) if name in instant_fields(label) else expression

    def _return_fields(self, label: type[Node]) -> str:
        """RETURN items for every stored field of a node ``n`` (made once per label: every node read needs them)."""
        items = self._return_items.get(label)
        if items is None:
            items = ", ".join(f"{self._field(label, name)} AS {_q(name)}" for name in stored_fields(label))
            self._return_items[label] = items
        return items

    @functools.cached_property
    def _return_items(self) -> dict[type[Node], str]:
        return {}

    def _to_node(self, label: type[N], row: Row) -> N:
        instants = instant_fields(label)
        # .get: a node's property map (see _search_candidates) leaves out what Neo4j does not store, nulls.
        values = {
            name: (self._decode_instant if name in instants else self._decode)(row.get(name))
            for name in stored_fields(label)
        }
        cleaned = {name: value for name, value in values.items() if value is not None}
        try:
            return label.model_validate(cleaned)
        except ValidationError as error:  # stored data no longer fits the model: say which node
            raise InvalidBatchError(f"stored {label.LABEL} {row.get('id')!r} is invalid: {error}") from error

    async def get_nodes(self, label: type[N], ids: Sequence[str]) -> dict[str, N]:
        if not ids:
            return {}
        rows = await self._read(
            f"MATCH (n:{label.LABEL}) WHERE n.id IN $ids RETURN {self._return_fields(label)}",
            {"ids": list(dict.fromkeys(ids))},
        )
        return {row["id"]: self._to_node(label, row) for row in rows}

    async def list_nodes(self, label: type[N], query: NodeQuery) -> Page[N]:
        where, params = self._where(label, query)
        order = self._order_by(label, query)
        if query.limit < 0 or query.offset < 0:
            raise InvalidQueryError("offset and limit must not be negative")
        match = f"{self._anchor(label, query)} {where}"
        # One row past the page tells whether another page follows when the total is not counted.
        read_page = self._read(
            f"{self._page_match(label, query, where)} "
            f"RETURN {self._return_fields(label)} ORDER BY {order} SKIP $offset LIMIT $limit",
            params | {"offset": query.offset, "limit": query.limit + (0 if query.count_total else 1)},
        )
        if query.count_total:
            # Count and page are independent reads: run them side by side, not one after the other.
            total_rows, rows = await asyncio.gather(self._read(f"{match} RETURN count(n) AS total", params), read_page)
            total: int | None = int(total_rows[0]["total"])
            has_next = query.offset + len(rows) < total
        else:
            rows, total = await read_page, None
            has_next = len(rows) > query.limit
        items = [self._to_node(label, row) for row in rows[: query.limit]]
        return Page(items=items, total=total, offset=query.offset, limit=query.limit, has_next=has_next)

    def _order_by(self, label: type[Node], query: NodeQuery) -> str:
        sortable = {
            name
            for name, info in label.model_fields.items()
            if info.annotation in _SORTABLE_TYPES
            or (isinstance(info.annotation, type) and issubclass(info.annotation, Enum))
        }
        if query.order_by not in sortable:
            raise InvalidQueryError(
                f"cannot sort {label.LABEL} by {query.order_by!r}; sortable fields: {', '.join(sorted(sortable))}"
            )
        direction = " DESC" if query.descending else ""
        tie_break = "" if query.order_by == "id" else f", n.id{direction}"
        return f"n.{_q(query.order_by)}{direction}{tie_break}"

    def _page_match(self, label: type[Node], query: NodeQuery, where: str) -> str:
        """The MATCH of a list page: the list's anchor and filters, with the index-order hint where it helps.

        The hint (:meth:`_index_order_condition`) goes into the anchor's own WHERE when the
        list starts from centres: placed after ``WITH DISTINCT n`` it stood between the sort
        and the limit, and Neo4j sorted every event of the centres (41,863 for two centres of
        100,000 events: 169 ms); placed before it, Neo4j reads events in start order, checks
        their centre and stops after the page (42 ms).
        """
        condition = self._index_order_condition(label, query)
        if not condition:
            return f"{self._anchor(label, query)} {where}"
        if self._anchored_at_spaces(label, query):
            return f"{self._space_anchor(label, condition)} {where}"
        return f"{self._anchor(label, query)} {where} {'AND' if where else 'WHERE'} {condition}"

    @staticmethod
    def _index_order_condition(label: type[Node], query: NodeQuery) -> str:
        """``n.<sort field> IS NOT NULL`` when the sort field is required, so always true.

        Neo4j then reads a page in the order of the field's index and stops after it
        (a partial top-k), where it otherwise sorts every node of the label: the first
        page of 100,000 events by start took 190 ms, with the hint 19 ms.  It is not
        given for optional fields, whose nodes without a value it would leave out.
        """
        if not label.model_fields[query.order_by].is_required():
            return ""
        return f"n.{_q(query.order_by)} IS NOT NULL"

    @staticmethod
    def _anchored_at_spaces(label: type[Node], query: NodeQuery) -> bool:
        return query.space_ids is not None and label in _SPACE_ANCHORS

    def _anchor(self, label: type[Node], query: NodeQuery) -> str:
        """Where a list starts: from the few named centres when it is filtered by them, else from the label.

        Expanding from two indexed spaces visits their events only; testing every event
        for a HOSTED_BY relationship visits all of them (about 20x the work on 100,000
        events, measured on Neo4j).
        """
        if self._anchored_at_spaces(label, query):
            return self._space_anchor(label)
        return f"MATCH (n:{label.LABEL})"

    @staticmethod
    def _space_anchor(label: type[Node], condition: str = "") -> str:
        """The nodes of ``label`` in the centres ``$space_ids``, each once; ``condition`` joins the centres' test."""
        also = f" AND {condition}" if condition else ""
        via = _SPACE_ANCHORS[label].value
        return f"MATCH (s:Space)<-[:{via}]-(n:{label.LABEL}) WHERE s.id IN $space_ids{also} WITH DISTINCT n"

    def _where(self, label: type[Node], query: NodeQuery) -> tuple[str, Row]:
        conditions: list[str] = []
        params: Row = {}

        def reject(filter_name: str) -> None:
            raise InvalidQueryError(f"filter {filter_name!r} does not apply to {label.LABEL}")

        participation = "|".join(t.value for t in PARTICIPATION_TYPES)
        if query.space_ids is not None:
            if label not in (Event, Actor):  # for these, the space filter is the list's anchor (see _anchor)
                reject("space_ids")
            params["space_ids"] = list(query.space_ids)
        if query.theme_ids is not None:
            if label is Event:
                conditions.append("EXISTS { MATCH (n)-[:ABOUT]->(t:Theme) WHERE t.id IN $theme_ids }")
            elif label is Actor:
                conditions.append(
                    f"EXISTS {{ MATCH (n)-[:{participation}]->(:Event)-[:ABOUT]->(t:Theme) WHERE t.id IN $theme_ids }}"
                )
            else:
                reject("theme_ids")
            params["theme_ids"] = list(query.theme_ids)
        if query.project_ids is not None:
            if label is Event:
                conditions.append("EXISTS { MATCH (n)-[:PART_OF]->(p:Project) WHERE p.id IN $project_ids }")
            elif label is Actor:
                conditions.append("EXISTS { MATCH (n)-[:CONTRIBUTES_TO]->(p:Project) WHERE p.id IN $project_ids }")
            else:
                reject("project_ids")
            params["project_ids"] = list(query.project_ids)
        if query.kinds is not None:
            if label is not Actor:
                reject("kinds")
            conditions.append("n.kind IN $kinds")
            params["kinds"] = list(query.kinds)
        if query.statuses is not None:
            if label is not Event:
                reject("statuses")
            conditions.append("n.status IN $statuses")
            params["statuses"] = list(query.statuses)
        for name, op in (("starts_from", ">="), ("starts_before", "<")):
            value = getattr(query, name)
            if value is not None:
                if label is not Event:
                    reject(name)
                conditions.append(f"n.start {op} ${name}")
                params[name] = self._encode(value)
        if query.sources is not None:
            conditions.append("n.source IN $sources")
            params["sources"] = list(query.sources)
        if query.text:
            if label.LABEL not in _SEARCHABLE_LABELS:
                reject("text")
            for index, term in enumerate(search_terms(query.text)):
                conditions.append(f"n.search_text CONTAINS $term{index}")
                params[f"term{index}"] = " " + term
        return ("WHERE " + " AND ".join(conditions)) if conditions else "", params

    async def search(self, text: str, labels: Sequence[type[Node]], limit: int = 20) -> list[SearchHit]:
        terms = search_terms(text)
        names = [label.LABEL for label in labels if label.LABEL in _SEARCHABLE_LABELS]
        if not terms or not names or limit <= 0:
            return []
        # One round trip: the candidates come with their nodes, the hits need no second read.
        # Only the first candidates in the engine's order are ranked (5x the hits, at least 50): the
        # ranking needs the folded name (hub.text.fold), which neither engine can compute, and Lucene
        # scores prefix queries alike, so no engine can pick the best ones. Ranking every match would
        # read every match (a one-letter word matches most of the graph); ordering in the database would
        # need the folded name stored beside the search text.
        rows = await self._search_candidates(terms, names, max(limit * 5, 50))
        ranked = rank(text, [_ranked_fields(row) for row in rows])[:limit]
        # Only the hits become domain nodes (validating one costs more than ranking it).
        return [SearchHit(self._to_node(NODE_TYPES[row["label"]], row["node"]), value) for value, row in ranked]

    async def neighbours(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Direction = "both",
    ) -> list[Neighbour]:
        if not ids:
            return []
        outgoing = [t for t in rel_types if REL_ENDPOINTS[t][0] is label]
        incoming = [t for t in rel_types if REL_ENDPOINTS[t][1] is label]
        parts: list[str] = []
        if direction in ("out", "both") and outgoing:
            parts.append(self._neighbour_query(label, outgoing, "out"))
        if direction in ("in", "both") and incoming:
            parts.append(self._neighbour_query(label, incoming, "in"))
        if not parts:
            return []
        rows = await self._read(" UNION ALL ".join(parts), {"ids": list(dict.fromkeys(ids))})
        return [
            Neighbour(
                node_id=row["node_id"],
                other_id=row["other_id"],
                other_label=row["other_label"],
                rel_type=RelType(row["rel_type"]),
                outgoing=bool(row["outgoing"]),
            )
            for row in rows
        ]

    async def related_nodes(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Literal["out", "in"],
        target: type[N],
    ) -> list[Related[N]]:
        sides = (label, target) if direction == "out" else (target, label)
        types = [t for t in rel_types if REL_ENDPOINTS[t] == sides]
        if not ids or not types:
            return []
        pattern = _directed_pattern(direction, types)
        # One row per related node ``n`` (as _return_fields expects), with every relationship that leads to it:
        # a theme of many events crosses the wire and becomes a model once.  The backquoted name cannot clash.
        rows = await self._read(
            f"MATCH (a:{label.LABEL}){pattern}(n:{target.LABEL}) WHERE a.id IN $ids "
            f"WITH n, collect([a.id, {self._type_of('r')}]) AS links "
            f"RETURN links AS `:links`, {self._return_fields(target)}",
            {"ids": list(dict.fromkeys(ids))},
        )
        related: list[Related[N]] = []
        for row in rows:
            node = self._to_node(target, row)
            related.extend(Related(of_id=of_id, rel_type=RelType(rel), node=node) for of_id, rel in row[":links"])
        return related

    async def neighbour_pages(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Literal["out", "in"],
        offset: int,
        limit: int,
    ) -> dict[str, NeighbourPage]:
        if offset < 0 or limit < 0:
            raise InvalidQueryError("offset and limit must not be negative")
        side = 0 if direction == "out" else 1  # where ``label`` sits in the relationship
        types = [t for t in rel_types if REL_ENDPOINTS[t][side] is label]
        if not ids or not types:
            return {}
        pattern = _directed_pattern(direction, types)
        # An empty page is a question for the totals only: count, without sorting and collecting ids.
        tail = (
            "RETURN n.id AS node_id, count(DISTINCT o.id) AS total, [] AS page"
            if limit == 0
            else self._paged_ids_per_node()
        )
        rows = await self._read(
            f"MATCH (n:{label.LABEL}){pattern}(o) WHERE n.id IN $ids {tail}",
            {"ids": list(dict.fromkeys(ids)), "offset": offset, "limit": limit},
        )
        return {row["node_id"]: NeighbourPage(total=int(row["total"]), other_ids=list(row["page"])) for row in rows}

    @abc.abstractmethod
    def _paged_ids_per_node(self) -> str:
        """The clauses after ``MATCH (n)…(o)`` returning ``node_id``, ``total`` (distinct ``o.id``) and
        ``page`` (those ids in order, ``$offset`` to ``$offset + $limit``)."""

    def _neighbour_query(self, label: type[Node], types: list[RelType], direction: Literal["out", "in"]) -> str:
        outgoing = "true" if direction == "out" else "false"
        return (
            f"MATCH (n:{label.LABEL}){_directed_pattern(direction, types)}(o) WHERE n.id IN $ids "
            f"RETURN n.id AS node_id, o.id AS other_id, {self._label_of('o')} AS other_label, "
            f"{self._type_of('r')} AS rel_type, {outgoing} AS outgoing"
        )

    async def neighbourhood(self, label: type[Node], node_id: str, depth: int = 1, limit: int = 500) -> Subgraph:
        """Breadth-first, one round trip per hop, so depth (not size) bounds the queries."""
        if depth < 0:
            raise InvalidQueryError("depth must not be negative")
        origin = await self.get_nodes(label, [node_id])
        if not origin:
            return Subgraph()
        seen: dict[tuple[str, str], None] = {(label.LABEL, node_id): None}
        frontier: dict[str, set[str]] = {label.LABEL: {node_id}}
        rels: dict[tuple[str, str, str], Relationship] = {}
        for _ in range(depth):
            next_frontier: dict[str, set[str]] = defaultdict(set)
            for frontier_label, ids in frontier.items():
                node_type = NODE_TYPES[frontier_label]
                types = [t for t, ends in REL_ENDPOINTS.items() if node_type in ends]
                for nb in await self.neighbours(node_type, sorted(ids), types):
                    rel = nb.relationship()
                    rels.setdefault(rel.key, rel)
                    key = (nb.other_label, nb.other_id)
                    if key not in seen and len(seen) < limit:
                        seen[key] = None
                        next_frontier[nb.other_label].add(nb.other_id)
            frontier = next_frontier
            if not frontier:
                break
        subgraph = Subgraph(nodes=await self._load_nodes(list(seen)))
        subgraph.relationships = [
            rel
            for rel in rels.values()
            if f"{rel.start_label}:{rel.start_id}" in subgraph.nodes
            and f"{rel.end_label}:{rel.end_id}" in subgraph.nodes
        ]
        return subgraph

    async def _load_nodes(self, keys: Sequence[tuple[str, str]]) -> dict[str, Node]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, node_id in keys:
            by_label[label].append(node_id)
        loaded: dict[str, Node] = {}
        for label, ids in by_label.items():
            for node_id, node in (await self.get_nodes(NODE_TYPES[label], ids)).items():
                loaded[f"{label}:{node_id}"] = node
        return {
            f"{label}:{node_id}": loaded[f"{label}:{node_id}"]
            for label, node_id in keys
            if f"{label}:{node_id}" in loaded
        }

    async def counts(self) -> GraphCounts:
        nodes = {}
        for label in NODE_TYPES:
            rows = await self._read(f"MATCH (n:{label}) RETURN count(n) AS c")
            nodes[label] = int(rows[0]["c"])
        relationships = {}
        for rel_type, (start, end) in REL_ENDPOINTS.items():
            rows = await self._read(f"MATCH (:{start.LABEL})-[r:{rel_type.value}]->(:{end.LABEL}) RETURN count(r) AS c")
            relationships[rel_type.value] = int(rows[0]["c"])
        return GraphCounts(nodes=nodes, relationships=relationships)

    async def graph_version(self) -> int:
        rows = await self._read(f"MATCH (m:{VERSION_LABEL}) WHERE m.id = 'graph' RETURN m.version AS version")
        return int(rows[0]["version"]) if rows else 0

    async def read_fields(self, label: type[Node], fields: Sequence[str]) -> list[Row]:
        unknown = [name for name in fields if name not in label.model_fields]
        if unknown:
            raise InvalidQueryError(f"{label.LABEL} has no field {', '.join(map(repr, unknown))}")
        names = ["id", *(name for name in dict.fromkeys(fields) if name != "id")]
        columns = [(name, self._field(label, name)) for name in names]
        rows = [
            dict(zip(names, values, strict=True))
            for values in await self._read_table(f"MATCH (n:{label.LABEL})", columns, "id")
        ]
        # Only instants need decoding; skipping the rest matters at 100,000 rows.
        instants = [name for name in names if name in instant_fields(label)]
        for row in rows:
            for name in instants:
                row[name] = self._decode_instant(row[name])
        return rows

    async def relationship_pairs(self, rel_type: RelType) -> list[tuple[str, str]]:
        start, end = REL_ENDPOINTS[rel_type]
        match = f"MATCH (a:{start.LABEL})-[:{rel_type.value}]->(b:{end.LABEL})"
        rows = await self._read_table(match, [("start_id", "a.id"), ("end_id", "b.id")], "start_id, end_id")
        return [(start_id, end_id) for start_id, end_id in rows]

    async def _read_table(self, match: str, columns: Sequence[tuple[str, str]], order: str) -> list[Sequence[Any]]:
        """Every row of ``match`` as a sequence of the ``(alias, expression)`` columns, sorted by ``order`` (aliases).

        For reads of a whole label or relationship type (the insights' projection).
        """
        returned = ", ".join(f"{expression} AS {_q(alias)}" for alias, expression in columns)
        rows = await self._read(f"{match} RETURN {returned} ORDER BY {order}")
        return [[row[alias] for alias, _ in columns] for row in rows]

    async def iter_nodes(self, label: type[N], batch_size: int = 1000) -> AsyncIterator[list[N]]:
        after = ""
        while True:
            rows = await self._read(
                f"MATCH (n:{label.LABEL}) WHERE n.id > $after RETURN {self._return_fields(label)} "
                "ORDER BY n.id LIMIT $limit",
                {"after": after, "limit": batch_size},
            )
            if not rows:
                return
            yield [self._to_node(label, row) for row in rows]
            after = rows[-1]["id"]

    async def iter_relationships(self, rel_type: RelType, batch_size: int = 1000) -> AsyncIterator[list[Relationship]]:
        start, end = REL_ENDPOINTS[rel_type]
        fields = [f for f in Relationship.model_fields if f not in ("type", "start_id", "end_id")]
        returned = ", ".join(f"x.{_q(f)} AS {_q(f)}" for f in fields)
        after_start, after_end = "", ""
        while True:
            rows = await self._read(
                f"MATCH (a:{start.LABEL})-[x:{rel_type.value}]->(b:{end.LABEL}) "
                "WHERE a.id > $after_start OR (a.id = $after_start AND b.id > $after_end) "
                f"RETURN a.id AS start_id, b.id AS end_id, {returned} ORDER BY a.id, b.id LIMIT $limit",
                {"after_start": after_start, "after_end": after_end, "limit": batch_size},
            )
            if not rows:
                return
            yield [self._to_relationship(rel_type, row) for row in rows]
            after_start, after_end = rows[-1]["start_id"], rows[-1]["end_id"]

    def _to_relationship(self, rel_type: RelType, row: Row) -> Relationship:
        values = {name: self._decode(value) for name, value in row.items()}
        return Relationship(type=rel_type, **{k: v for k, v in values.items() if v is not None})


#: Lists of these labels filtered by centres start from the centres, over this relationship (see _anchor).
_SPACE_ANCHORS = {Event: RelType.HOSTED_BY, Actor: RelType.ACTIVE_IN}
_SORTABLE_TYPES = (str, int, float, bool, datetime, datetime | None, str | None, float | None)
