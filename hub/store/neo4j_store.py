"""The Neo4j adapter: the official async driver over Bolt, for production and scale-out.

Constraints and indexes come from ``schema/graph.neo4j.cypher`` and are applied
idempotently on :meth:`Neo4jStore.open`.  Writes use managed transactions, so the
driver retries transient failures (leader switch, deadlock) and a batch is
committed whole or not at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.time import DateTime as Neo4jDateTime

from hub.domain import NODE_TYPES, Node, Relationship, RelType, utc
from hub.store.cypher_store import (
    MAX_PATH_HOPS,
    VERSION_LABEL,
    CypherGraphStore,
    Row,
    Transaction,
    _q,
    instant_fields,
    load_schema_statements,
    rel_type_pattern,
)
from hub.store.port import (
    InvalidQueryError,
    StoreAuthError,
    StoreError,
    StoreTimeoutError,
    StoreUnavailableError,
    Subgraph,
)

_FULLTEXT_INDEX = "hub_search"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _Neo4jTransaction(Transaction):
    def __init__(self, tx: AsyncManagedTransaction):
        self._tx = tx

    async def run(self, query: str, params: Row | None = None) -> list[Row]:
        result = await self._tx.run(query, params or {})
        return [dict(record.items()) async for record in result]


class Neo4jStore(CypherGraphStore):
    """:class:`hub.store.port.GraphStore` on a Neo4j 5 server."""

    engine = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        *,
        database: str = "neo4j",
        query_timeout_s: float = 30.0,
        connection_timeout_s: float = 10.0,
    ):
        self.uri = uri
        self.user = user
        self.database = database
        self._password = password
        self._query_timeout = query_timeout_s
        self._connection_timeout = connection_timeout_s
        self._driver: neo4j.AsyncDriver | None = None

    # --- lifecycle ---------------------------------------------------------------------

    async def open(self) -> None:
        self._driver = AsyncGraphDatabase.driver(
            self.uri,
            auth=(self.user, self._password),
            connection_timeout=self._connection_timeout,
            max_transaction_retry_time=15.0,
            user_agent="mv-innovation-hub",
            # Queries name properties that may not exist yet (an empty graph has no
            # `phone`); Neo4j would log a warning for each. They are expected here.
            notifications_min_severity="OFF",
        )
        try:
            await self._driver.verify_connectivity()
            for statement in load_schema_statements("graph.neo4j.cypher"):
                await self._driver.execute_query(statement, database_=self.database)
        except BaseException as error:
            await self._driver.close()
            self._driver = None
            raise self._translate(error) from error

    async def close(self) -> None:
        if self._driver is not None:
            await self._driver.close()
            self._driver = None

    def _translate(self, error: BaseException) -> BaseException:
        """Driver exceptions as the port's errors, naming what was wrong."""
        if isinstance(error, neo4j_errors.AuthError):
            return StoreAuthError(f"Neo4j at {self.uri} rejected the credentials for user {self.user!r}")
        if isinstance(error, (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError)):
            return StoreUnavailableError(f"cannot reach Neo4j at {self.uri}: {error}")
        if isinstance(error, neo4j_errors.ConfigurationError):
            return StoreUnavailableError(f"Neo4j configuration for {self.uri} is invalid: {error}")
        # Neo.ClientError.Transaction.TransactionTimedOut…, …LockClientStopped after a timeout, and the like.
        if isinstance(error, neo4j_errors.Neo4jError) and any(m in (error.code or "") for m in ("Timeout", "TimedOut")):
            return StoreTimeoutError(f"a Neo4j query took longer than its limit of {self._query_timeout:.0f} s")
        if isinstance(error, neo4j_errors.Neo4jError):
            return StoreError(f"Neo4j rejected a query: {error.message or error}")
        return error

    # --- plumbing ----------------------------------------------------------------------

    def _require_driver(self) -> neo4j.AsyncDriver:
        if self._driver is None:
            raise StoreUnavailableError("the Neo4j store is not open")
        return self._driver

    async def _read(self, query: str, params: Row | None = None) -> list[Row]:
        driver = self._require_driver()
        try:
            records, _, _ = await driver.execute_query(
                neo4j.Query(query, timeout=self._query_timeout),
                params or {},
                database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )
        except neo4j_errors.Neo4jError as error:
            raise self._translate(error) from error
        except (neo4j_errors.DriverError, OSError) as error:
            raise self._translate(error) from error
        if not records:
            return []
        keys = records[0].keys()  # every record of a result has the same keys; zip is 2.5x Record.items
        return [dict(zip(keys, record, strict=True)) for record in records]

    async def _write(self, work: Callable[[Transaction], Awaitable[Any]]) -> Any:
        driver = self._require_driver()

        async def unit(tx: AsyncManagedTransaction) -> Any:
            return await work(_Neo4jTransaction(tx))

        try:
            async with driver.session(database=self.database) as session:
                return await session.execute_write(unit)
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as error:
            raise self._translate(error) from error

    async def clear(self) -> None:
        """Delete everything in chunks: one transaction for a large graph would exhaust Neo4j's memory."""
        driver = self._require_driver()
        try:
            async with driver.session(database=self.database) as session:
                # CALL … IN TRANSACTIONS must run in an auto-commit transaction.
                result = await session.run(
                    f"MATCH (n) WHERE NOT n:{VERSION_LABEL} "
                    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                )
                await result.consume()
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError) as error:
            raise self._translate(error) from error
        await self._bump_version()

    # --- dialect -----------------------------------------------------------------------

    def _encode(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return utc(value)
        return value

    def _decode(self, value: Any) -> Any:
        if isinstance(value, Neo4jDateTime):
            return utc(value.to_native())
        return value

    def _read_instant(self, expression: str) -> str:
        # The driver turns a DATETIME into a Python datetime in pure Python, about 45 µs each (profiled):
        # most of the time of reading 50 search candidates.  Microseconds since the epoch, an integer,
        # cost next to nothing and hold exactly what a Python datetime does.
        return f"{expression}.epochSeconds * 1000000 + {expression}.nanosecond / 1000"

    def _decode_instant(self, value: Any) -> Any:
        return None if value is None else _EPOCH + timedelta(microseconds=value)

    async def _read_table(self, match: str, columns: Sequence[tuple[str, str]], order: str) -> list[Sequence[Any]]:
        # The async driver spends about 50 µs of Python on receiving each record: reading the
        # projection of 13,000 nodes and 65,000 relationships cost 4.3 s of the server's CPU,
        # while it serves requests.  One record holding every row as a list costs a tenth.
        carried = ", ".join(f"{expression} AS {_q(alias)}" for alias, expression in columns)
        listed = ", ".join(_q(alias) for alias, _ in columns)
        rows = await self._read(f"{match} WITH {carried} ORDER BY {order} RETURN collect([{listed}]) AS rows")
        return rows[0]["rows"] if rows else []

    def _list_union(self, stored: str, incoming: str) -> str:
        return f"coalesce({stored}, []) + [item IN {incoming} WHERE NOT item IN coalesce({stored}, [])]"

    def _paged_ids_per_node(self) -> str:
        # collect() keeps the order the ORDER BY before it gave.
        return (
            "WITH n.id AS node_id, o.id AS other_id ORDER BY other_id "
            "WITH node_id, collect(DISTINCT other_id) AS others "
            "RETURN node_id, size(others) AS total, others[$offset..$offset + $limit] AS page"
        )

    def _label_of(self, variable: str) -> str:
        return f"labels({variable})[0]"

    def _type_of(self, variable: str) -> str:
        return f"type({variable})"

    async def _search_candidates(self, terms: list[str], labels: list[str], limit: int) -> list[Row]:
        # Terms are folded to [0-9a-z] by search_terms, so they carry no Lucene syntax.
        lucene = " AND ".join(f"{term}*" for term in terms)
        # Every property, the datetimes read as _read_instant says.
        instants = sorted({name for label in labels for name in instant_fields(NODE_TYPES[label])})
        node = ", ".join([".*", *(f"{_q(name)}: {self._read_instant(f'n.{_q(name)}')}" for name in instants)])
        return await self._read(
            f"CALL db.index.fulltext.queryNodes('{_FULLTEXT_INDEX}', $query) YIELD node AS n "
            "WITH n, labels(n)[0] AS label WHERE label IN $labels "
            f"RETURN label, n {{{node}}} AS node LIMIT $limit",
            {"query": lucene, "labels": labels, "limit": limit},
        )

    async def shortest_path(
        self,
        start: tuple[type[Node], str],
        end: tuple[type[Node], str],
        max_hops: int = 6,
        rel_types: Sequence[RelType] | None = None,
    ) -> Subgraph | None:
        if not 1 <= max_hops <= MAX_PATH_HOPS:
            raise InvalidQueryError(f"max_hops must be between 1 and {MAX_PATH_HOPS}")
        (start_label, start_id), (end_label, end_id) = start, end
        if (start_label, start_id) == (end_label, end_id):
            nodes = await self._load_nodes([(start_label.LABEL, start_id)])
            return Subgraph(nodes=nodes) if nodes else None
        rows = await self._read(
            f"MATCH (a:{start_label.LABEL} {{id: $a}}), (b:{end_label.LABEL} {{id: $b}}) "
            f"MATCH p = shortestPath((a)-[{rel_type_pattern(rel_types)}*..{int(max_hops)}]-(b)) "
            "RETURN [n IN nodes(p) | [labels(n)[0], n.id]] AS nodes, "
            "[r IN relationships(p) | [type(r), startNode(r).id, endNode(r).id]] AS rels LIMIT 1",
            {"a": start_id, "b": end_id},
        )
        if not rows:
            return None
        subgraph = Subgraph(nodes=await self._load_nodes([(label, node_id) for label, node_id in rows[0]["nodes"]]))
        subgraph.relationships = [
            Relationship(type=RelType(rel_type), start_id=source_id, end_id=target_id)
            for rel_type, source_id, target_id in rows[0]["rels"]
        ]
        return subgraph
