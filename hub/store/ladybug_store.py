"""The embedded adapter: LadybugDB on disk, the zero-setup default.

LadybugDB is an embedded, columnar graph database (PyPI ``ladybug``) with a
Cypher dialect.  It runs in this process, so calls are blocking: they run in
worker threads to keep the event loop free.  The engine allows one write
transaction at a time, so writes go through one connection under a lock; reads
use a small pool of connections.

Two quirks shape this module: TIMESTAMP columns hold UTC without an offset (an
aware datetime passed in would be stored as its wall-clock time, so we convert
to naive UTC first), and the full-text extension is downloaded at run time,
which these machines cannot do, so text search is a prefix match on the
pre-folded ``search_text`` column.

Batch writes read their rows from a Parquet file (``LOAD FROM '…' MERGE …``), not
from a list parameter (``UNWIND $rows``): the Python driver inspects and converts a
parameter value by value, which made a MERGE cost about 300 µs per row; from a file
it costs 15–35 µs. Nodes take the same MERGE; relationships a CREATE of those that
do not exist and, unless it created every row, an update of the others, which writes
the same for less (see ``_merge_relationship_rows``). Not ``COPY FROM``, though faster per row: it forces
a checkpoint at every commit (whose cost grows with the graph), and it cannot MERGE.
Not an Arrow table passed as a
parameter either: the driver keeps a prepared statement, and with it the table, for
every table it was given (memory grows with every batch). Should a batch fail to be
read from its file, it is written again with its rows as a parameter.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import ladybug
import pyarrow as pa
import pyarrow.parquet as pq

from hub.domain import REL_ENDPOINTS, Node, Relationship, RelType
from hub.store.cypher_store import (
    _REL_ROW_FIELDS,
    MAX_PATH_HOPS,
    CypherGraphStore,
    Row,
    Transaction,
    _q,
    load_schema_statements,
    rel_type_pattern,
)
from hub.store.port import (
    ChangeSet,
    InvalidQueryError,
    StoreError,
    StoreUnavailableError,
    Subgraph,
    UpsertResult,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
A = TypeVar("A")

_TABLE_DDL = re.compile(r"CREATE (?:NODE|REL) TABLE IF NOT EXISTS (\w+)\((.*)\)\s*$", re.DOTALL)
_COLUMN_TYPES: dict[Any, str] = {
    datetime: "TIMESTAMP",
    datetime | None: "TIMESTAMP",
    float | None: "DOUBLE",
    float: "DOUBLE",
    list[str]: "STRING[]",
    int: "INT64",
}
#: Column types as ``table_info`` names them, as Arrow types (for the Parquet files of batch writes).
_ARROW_TYPES: dict[str, pa.DataType] = {
    "STRING": pa.string(),
    "DOUBLE": pa.float64(),
    "INT64": pa.int64(),
    "BOOL": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "STRING[]": pa.list_(pa.string()),
}
#: A relationship row names its ends; they are no columns of its table.
_END_COLUMNS = {"start_id": pa.string(), "end_id": pa.string()}
#: Set (within one port call) after a batch could not be read from a file: its retry passes parameters.
_ROWS_AS_PARAMETERS: ContextVar[bool] = ContextVar("rows_as_parameters", default=False)


class _FileLoadFailed(Exception):
    """A batch write from a file failed; the engine has rolled the transaction back."""


def _literal(text: str) -> str:
    """``text`` for a single-quoted Cypher string literal."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _write_parquet(path: Path, rows: Sequence[Row], columns: dict[str, pa.DataType]) -> None:
    """Rows (dicts with the same keys) as a Parquet file, each column typed as in its table."""
    types = columns | _END_COLUMNS
    data = {name: pa.array([row[name] for row in rows], type=types[name]) for name in rows[0]}
    pq.write_table(pa.table(data), path, compression="none")


def _count(rows: list[Row], column: str) -> int:
    """The count a write statement returns (no row: none)."""
    return int(rows[0][column]) if rows else 0


def _repeats(values: Sequence[Any]) -> bool:
    """Whether a value occurs twice in ``values``."""
    return len(values) > 1 and len(set(values)) < len(values)


def _rows(result: Any) -> list[Row]:
    """All rows as dicts; the result is closed at once, since an open one pins buffer-pool pages."""
    try:
        columns = result.get_column_names()
        return [dict(zip(columns, values, strict=True)) for values in result.get_all()]
    finally:
        result.close()


class _WriterSide(threading.local):
    """On the writer's thread: the event loop its transactions' statements run in."""

    loop: asyncio.AbstractEventLoop | None = None

    def close(self) -> None:
        if self.loop is not None:
            self.loop.close()
            self.loop = None


_writer_side = _WriterSide()


class _LadybugTransaction(Transaction):
    def __init__(self, connection: ladybug.Connection, store: LadybugStore):
        self._connection = connection
        self._store = store

    async def run(self, query: str, params: Row | None = None) -> list[Row]:
        return await self._store._on_writer(self._store._execute, self._connection, query, params)


class LadybugStore(CypherGraphStore):
    """:class:`hub.store.port.GraphStore` on an embedded LadybugDB database."""

    engine = "ladybug"

    def __init__(self, path: Path | str, *, buffer_pool_mb: int = 512, read_connections: int = 4):
        self.path = Path(path)
        self._buffer_pool_mb = buffer_pool_mb
        self._read_connections = read_connections
        self._database: ladybug.Database | None = None
        self._writer: ladybug.Connection | None = None
        self._readers: queue.SimpleQueue[ladybug.Connection] = queue.SimpleQueue()
        self._write_lock = asyncio.Lock()
        # Own threads: the writer's statements never queue behind reads (or anything else using
        # asyncio's shared default pool), and there is a reader thread for every read connection.
        self._writer_thread: ThreadPoolExecutor | None = None
        self._reader_threads: ThreadPoolExecutor | None = None
        self._columns: dict[str, dict[str, pa.DataType]] = {}  # per table: column name -> type
        self._scratch: Path | None = None  # the folder of the file batch writes read

    # --- lifecycle ---------------------------------------------------------------------

    async def open(self) -> None:
        self._writer_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ladybug-writer")
        self._reader_threads = ThreadPoolExecutor(
            max_workers=self._read_connections, thread_name_prefix="ladybug-reader"
        )
        await asyncio.to_thread(self._open_blocking)

    def _open_blocking(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._database = ladybug.Database(str(self.path), buffer_pool_size=self._buffer_pool_mb * 1024 * 1024)
        except RuntimeError as error:
            if "lock" in str(error).lower():
                raise StoreUnavailableError(
                    f"the embedded store at {self.path} is in use by another process "
                    "(only one hub process may open it; stop the other one, or use Neo4j)"
                ) from error
            raise StoreUnavailableError(f"cannot open the embedded store at {self.path}: {error}") from error
        self._writer = ladybug.Connection(self._database)
        self._scratch = Path(tempfile.mkdtemp(prefix="hub-rows-"))
        # LadybugDB checkpoints whenever its write-ahead log passes 16 MB, and every checkpoint
        # rewrites the adjacency of busy nodes (a centre, a theme): importing 10,000 events spent
        # 12 s of its 29 s of writing in commits; with a quarter of the page cache, 2 s of 19.
        threshold = max(self._buffer_pool_mb // 4, 16) * 1024 * 1024
        self._execute(self._writer, f"CALL checkpoint_threshold={threshold}", None)
        for _ in range(self._read_connections):
            self._readers.put(ladybug.Connection(self._database))
        for statement in load_schema_statements("graph.ladybug.cypher"):
            self._execute(self._writer, statement, None)
            self._add_missing_columns(statement)
        self._columns = self._table_columns()

    def _add_missing_columns(self, statement: str) -> None:
        """Bring a table created by an older version up to the DDL: add the columns it lacks.

        ``CREATE … IF NOT EXISTS`` leaves an existing table as it is, so a data directory
        from before a new field would otherwise fail on the first write.
        """
        match = _TABLE_DDL.match(statement)
        if match is None or self._writer is None:
            return
        table, body = match.group(1), match.group(2)
        wanted = [part.strip().split(None, 1) for part in body.split(",")]
        columns = {name.strip("`"): kind for name, kind in (w for w in wanted if len(w) == 2) if name != "FROM"}
        present = {row["name"] for row in self._execute(self._writer, f"CALL table_info('{table}') RETURN *", None)}
        for name, kind in columns.items():
            if name not in present and "PRIMARY KEY" not in kind:
                self._execute(self._writer, f"ALTER TABLE {table} ADD `{name}` {kind}", None)

    def _table_columns(self) -> dict[str, dict[str, pa.DataType]]:
        """Every table's column types, for the files batch writes read."""
        assert self._writer is not None
        columns = {}
        for table in self._execute(self._writer, "CALL show_tables() RETURN name", None):
            info = self._execute(self._writer, f"CALL table_info('{table['name']}') RETURN name, type", None)
            columns[table["name"]] = {row["name"]: _ARROW_TYPES[row["type"]] for row in info}
        return columns

    async def close(self) -> None:
        if self._database is None:
            return
        async with self._write_lock:
            while not self._readers.empty():
                self._readers.get_nowait().close()
            if self._writer is not None:
                self._writer.close()
            await self._on_writer(_writer_side.close)
            self._database.close()
            self._database = self._writer = None
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)
                self._scratch = None
        for threads in (self._writer_thread, self._reader_threads):
            if threads is not None:
                threads.shutdown(wait=False)
        self._writer_thread = self._reader_threads = None

    # --- plumbing ----------------------------------------------------------------------

    def _execute(self, connection: ladybug.Connection, query: str, params: Row | None) -> list[Row]:
        try:
            return _rows(connection.execute(query, params or {}))
        except RuntimeError as error:
            raise StoreError(f"LadybugDB rejected a query: {error}") from error

    def _read_blocking(self, query: str, params: Row | None) -> list[Row]:
        if self._database is None:
            raise StoreUnavailableError("the embedded store is not open")
        connection = self._readers.get()
        try:
            return self._execute(connection, query, params)
        finally:
            self._readers.put(connection)

    async def _read(self, query: str, params: Row | None = None) -> list[Row]:
        return await asyncio.get_running_loop().run_in_executor(
            self._reader_threads, functools.partial(self._read_blocking, query, params)
        )

    async def _write(self, work: Callable[[Transaction], Awaitable[Any]]) -> Any:
        if self._writer is None:
            raise StoreUnavailableError("the embedded store is not open")
        # A caller may be cancelled (its request ran out of time) while a statement of its transaction
        # runs in a worker thread.  Cancelling there would leave the one writer connection inside an
        # open transaction, or roll back from a second thread while the statement still runs; so the
        # transaction runs as its own task, to its commit or rollback, whatever happens to the caller.
        transaction = asyncio.ensure_future(self._transaction(work))
        transaction.add_done_callback(_log_abandoned_failure)
        return await asyncio.shield(transaction)

    async def _on_writer(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` on the writer's own thread (at once, if this is that thread)."""
        if _writer_side.loop is not None:
            return function(*args)
        return await asyncio.get_running_loop().run_in_executor(self._writer_thread, functools.partial(function, *args))

    async def _transaction(self, work: Callable[[Transaction], Awaitable[Any]]) -> Any:
        async with self._write_lock:
            # The whole transaction goes to the writer's thread at once: handing each statement
            # over and back costs a turn of the event loop, which under load (50 clients) made a
            # transaction hold the write lock for 0.6 s, of which its statements took 0.3.
            in_context = contextvars.copy_context().run  # the batch write's fallback flag goes along
            return await asyncio.get_running_loop().run_in_executor(
                self._writer_thread, in_context, self._transaction_on_writer, work
            )

    def _transaction_on_writer(self, work: Callable[[Transaction], Awaitable[Any]]) -> Any:
        """Run ``work`` on the writer's thread, in an event loop of that thread (its statements run inline)."""
        writer = self._writer
        assert writer is not None
        if _writer_side.loop is None:
            _writer_side.loop = asyncio.new_event_loop()  # one per writer thread, for its lifetime
        writer.execute("BEGIN TRANSACTION")
        try:
            result = _writer_side.loop.run_until_complete(work(_LadybugTransaction(writer, self)))
        except BaseException:
            self._rollback(writer)
            raise
        writer.execute("COMMIT")
        return result

    @staticmethod
    def _rollback(connection: ladybug.Connection) -> None:
        try:
            connection.execute("ROLLBACK")
        except RuntimeError as error:
            # A failed statement already rolled the transaction back on its own.
            if "no active transaction" not in str(error).lower():
                raise

    # --- batch writes from files ---------------------------------------------------------

    async def upsert_nodes(self, nodes: Sequence[Node]) -> UpsertResult:
        return await self._falling_back(super().upsert_nodes, nodes)

    async def upsert_relationships(self, relationships: Sequence[Relationship]) -> UpsertResult:
        return await self._falling_back(super().upsert_relationships, relationships)

    async def apply(self, changes: ChangeSet) -> None:
        await self._falling_back(super().apply, changes)

    @staticmethod
    async def _falling_back(write: Callable[[A], Awaitable[T]], items: A) -> T:
        """``write(items)``; if a batch could not be read from its file, once more with the rows as parameters."""
        try:
            return await write(items)
        except _FileLoadFailed as failure:
            log.warning("LadybugDB could not read a batch from its file (%s); writing it as parameters", failure)
        token = _ROWS_AS_PARAMETERS.set(True)
        try:
            return await write(items)
        finally:
            _ROWS_AS_PARAMETERS.reset(token)

    async def _run_rows(self, tx: Transaction, table: str, query: str, rows: list[Row]) -> list[Row]:
        """The rows go to a Parquet file that the query reads with LOAD FROM (see the module doc)."""
        if _ROWS_AS_PARAMETERS.get():
            return await super()._run_rows(tx, table, query, rows)
        run = await self._load_rows(tx, table, rows)
        return await run(query)

    async def _load_rows(self, tx: Transaction, table: str, rows: list[Row]) -> Callable[[str], Awaitable[list[Row]]]:
        """Write the rows to the batch file; what it returns runs a query on them (``LOAD FROM`` the file)."""
        # One file, written again for every batch: statements run one at a time, on the writer's
        # thread, and making and removing a folder per batch cost more than writing its file.
        assert self._scratch is not None
        path = self._scratch / "rows.parquet"
        try:
            await self._on_writer(_write_parquet, path, rows, self._columns[table])
        except (OSError, KeyError, pa.ArrowException) as error:
            raise _FileLoadFailed(f"{table}: {error}") from error

        async def run(query: str) -> list[Row]:
            try:
                return await tx.run(f"LOAD FROM '{_literal(str(path))}' {query}")
            except StoreError as error:
                raise _FileLoadFailed(f"{table}: {error}") from error

        return run

    async def _merge_relationship_rows(self, tx: Transaction, rel_type: RelType, rows: list[Row]) -> tuple[int, int]:
        """The MERGE of the base class in two steps: create the relationships that do not exist, update the others.

        LadybugDB writes each property a MERGE sets on a relationship as an update of it, which
        costs about as much again as creating it; CREATE writes the properties with it. Importing
        10,000 events took 40 % less time to write its relationships.

        The update is a traversal per row whose cost grows with the busiest ends' relationships (a
        centre's, a theme's), and an import mostly creates: so the CREATE goes first, and when it
        made every row the update is not run (31 % of LadybugDB's CPU in importing 50,000 events). Else
        the update also sets the relationships just created, to the values they were created
        with; ``sources`` is merged as a list without repeats, so rows whose ``sources`` repeat a
        source are updated first, as the MERGE would leave them.
        """
        if _ROWS_AS_PARAMETERS.get():
            return await super()._merge_relationship_rows(tx, rel_type, rows)
        start, end = REL_ENDPOINTS[rel_type]
        a = f"(a:{start.LABEL} {{id: {self._row_field('start_id')}}})"
        b = f"(b:{end.LABEL} {{id: {self._row_field('end_id')}}})"
        fields = [name for name in _REL_ROW_FIELDS if name not in _END_COLUMNS]
        _on_create, on_match = self._merge_set_clauses("x", Relationship, fields)
        properties = ", ".join(f"{_q(name)}: {self._row_value(Relationship, name)}" for name in fields)
        update = f"MATCH {a}-[x:{rel_type.value}]->{b} SET {on_match} RETURN count(*) AS updated"
        create = (
            f"MATCH {a} MATCH {b} WHERE NOT EXISTS {{ MATCH (a)-[:{rel_type.value}]->(b) }} "
            f"CREATE (a)-[:{rel_type.value} {{{properties}}}]->(b) RETURN count(*) AS created"
        )
        run = await self._load_rows(tx, rel_type.value, rows)
        if any(_repeats(row["sources"]) for row in rows):
            existing = _count(await run(update), "updated")
            return existing + _count(await run(create), "created"), existing
        created = _count(await run(create), "created")
        if created == len(rows):
            return created, 0
        updated = _count(await run(update), "updated")  # those that existed, and those just created
        return updated, updated - created

    def _row_field(self, name: str) -> str:
        # LOAD FROM binds every column of the file to a variable of its name.
        return super()._row_field(name) if _ROWS_AS_PARAMETERS.get() else _q(name)

    # --- dialect -----------------------------------------------------------------------

    def _encode(self, value: Any) -> Any:
        if isinstance(value, datetime):
            # LadybugDB drops the offset of an aware datetime without converting it.
            return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return value

    def _decode(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def _typed(self, expression: str, annotation: Any) -> str:
        # A parameter whose values are all null or empty lists arrives untyped
        # (as STRING), so every value gets the column's type explicitly.
        column_type = _COLUMN_TYPES.get(annotation)
        return f"CAST({expression} AS {column_type})" if column_type else expression

    def _list_union(self, stored: str, incoming: str) -> str:
        return f"list_distinct(list_concat(coalesce({stored}, {incoming}), {incoming}))"

    def _paged_ids_per_node(self) -> str:
        # LadybugDB allows ORDER BY in WITH only before SKIP/LIMIT, so the collected list is
        # sorted instead; list_slice counts from 1 and includes both ends.
        return (
            "WITH n.id AS node_id, collect(DISTINCT o.id) AS others "
            "RETURN node_id, size(others) AS total, "
            "list_slice(list_sort(others), $offset + 1, $offset + $limit) AS page"
        )

    def _label_of(self, variable: str) -> str:
        return f"label({variable})"

    def _type_of(self, variable: str) -> str:
        return f"label({variable})"

    async def _search_candidates(self, terms: list[str], labels: list[str], limit: int) -> list[Row]:
        condition = " AND ".join(f"n.search_text CONTAINS $t{i}" for i in range(len(terms)))
        params: Row = {f"t{i}": " " + term for i, term in enumerate(terms)} | {"limit": limit}
        # One statement per label (nodes of different tables cannot be UNIONed), each with its own
        # limit, so that many matching events leave room for the themes; all in one hop to a reader.
        queries = [
            f"MATCH (n:{label}) WHERE {condition} RETURN '{label}' AS label, n AS node LIMIT $limit" for label in labels
        ]
        return await self._read_each(queries, params)

    async def _read_each(self, queries: Sequence[str], params: Row) -> list[Row]:
        """The rows of several read statements, one after the other, in one hop to a reader thread."""

        def read() -> list[Row]:
            return [row for query in queries for row in self._read_blocking(query, params)]

        return await asyncio.get_running_loop().run_in_executor(self._reader_threads, read)

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
        pattern = f"[{rel_type_pattern(rel_types)}* SHORTEST 1..{int(max_hops)}]"
        rows = await self._read(
            f"MATCH p = (a:{start_label.LABEL} {{id: $a}})-{pattern}-"
            f"(b:{end_label.LABEL} {{id: $b}}) RETURN nodes(p) AS nodes, rels(p) AS rels LIMIT 1",
            {"a": start_id, "b": end_id},
        )
        if not rows:
            return None
        internal = {self._internal_id(n["_ID"]): (n["_LABEL"], n["id"]) for n in rows[0]["nodes"]}
        subgraph = Subgraph(nodes=await self._load_nodes([(n["_LABEL"], n["id"]) for n in rows[0]["nodes"]]))
        for rel in rows[0]["rels"]:
            (_, source_id), (_, target_id) = (
                internal[self._internal_id(rel["_SRC"])],
                internal[self._internal_id(rel["_DST"])],
            )
            subgraph.relationships.append(
                Relationship(type=RelType(rel["_LABEL"]), start_id=source_id, end_id=target_id)
            )
        return subgraph

    @staticmethod
    def _internal_id(value: dict[str, int]) -> tuple[int, int]:
        return (value["table"], value["offset"])


def _log_abandoned_failure(transaction: asyncio.Future[Any]) -> None:
    """Log a failed write (at debug level): if its caller was cancelled, nobody else sees the error."""
    if not transaction.cancelled() and transaction.exception() is not None:
        log.debug("a LadybugDB write failed and was rolled back: %s", transaction.exception())
