"""Sync feeds into the graph: fetch -> parse -> extract -> resolve -> diff -> write.

One :class:`Syncer` syncs many sources with shared actor and project resolvers,
so the same organisation named by two centres becomes one actor. Each source is
synced on its own terms:

* **Incremental.** Documents are fetched with their stored HTTP validators; when
  every document of a source answers 304, nothing is parsed. Items whose content
  hash is unchanged are only *touched* (``last_seen``), not rewritten.
* **Idempotent.** Ids derive from the source and the item's own id, so a second
  run with the same feeds reports 0 new, 0 changed, 0 removed.
* **Safe.** A broken item is reported and skipped; a broken document or a failed
  fetch makes the run *incomplete*, and an incomplete run never marks anything
  removed. A source that fails does not stop the others.
* **Never a hard delete.** A future event that vanishes from a complete feed gets
  status ``removed`` and ``removed_at``; past events that drop out of a feed stay
  as they were (feeds routinely drop the past).

Every run leaves an :class:`~hub.domain.ImportRun` with counts, errors (naming
the source, the document and the item) and one line per change.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import hashlib
import heapq
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urljoin

from hub.curation import name_key
from hub.domain import (
    PARTICIPATION_TYPES,
    Actor,
    Erasure,
    Event,
    EventStatus,
    FeedDocument,
    ImportRun,
    Node,
    Project,
    Relationship,
    RelType,
    Space,
)
from hub.reference import ensure_reference_data, load_spaces
from hub.store.port import GraphStore, NodeQuery
from importers.extract import Extracted, ThemeMatcher, extract
from importers.fetch import Fetcher, FetchError, FetchResult, Validators
from importers.parsers.feeds import parse_rss_atom
from importers.parsers.ical import parse_ical
from importers.parsers.jsonld import parse_jsonld_html
from importers.parsers.tec_json import parse_tec_json
from importers.records import ActorMention, ParsedEvent, ParseResult
from importers.registry import Source
from importers.resolve import ActorResolver, ProjectResolver, names_centre

log = logging.getLogger(__name__)

#: ``progress(source_id, phase, done, total)`` for the CLI's progress display.
Progress = Callable[[str, str, int, int], None]
Clock = Callable[[], datetime]
R = TypeVar("R", Actor, Project)
T = TypeVar("T")

#: Nodes per write (relationships: twice as many). Each statement has a fixed cost: 2,000 took LadybugDB
#: a quarter longer to write an import than 5,000; a larger batch holds the write lock longer, though.
_WRITE_BATCH = 5_000
#: Documents this large are parsed in worker processes, beside the resolving and writing of the
#: sources before them; smaller ones in a thread (a worker costs about 1 s to start).
_PROCESS_PARSE_BYTES = 64 * 1024
_PARSE_WORKERS = max(1, (os.cpu_count() or 1) - 1)  # the main process resolves and writes on the last core
#: Resolving a source's items yields to the event loop this often, so that documents of the sources
#: after it keep being fetched and handed to the parsing workers meanwhile.
_ITEMS_BETWEEN_YIELDS = 50
_RUNS_CHECKED = 50  # the most recent runs of a source looked at for interrupted ones
#: The cyclic garbage collector's first threshold while a sync runs (the default is 700 allocations). An import
#: allocates millions of objects that are freed by reference counting (models, rows, parsed items), and at 700
#: the collector ran so often beside the parsed documents that it took over 40% of resolving an import (10,000
#: events: 0.49 ms/event, 0.28 ms with this). Cycles are still collected, only less often.
_GC_THRESHOLD = 50_000
#: The aspects of an event a curator can own (hub.curation), by the relationship that carries them.
_CURATED_ASPECTS = {RelType.ABOUT: "themes", RelType.PART_OF: "projects"}
_MAX_CHANGE_LINES = 500
_ROLE_RELATIONSHIPS: dict[str, RelType] = {
    "organiser": RelType.ORGANISES,
    "speaker": RelType.PRESENTS_AT,
    "partner": RelType.PARTNERS_IN,
    "sponsor": RelType.SPONSORS,
    "attendee": RelType.ATTENDS,
    "author": RelType.ORGANISES,  # the feed's own author, used only when no organiser is named
}
_EVENT_RELATIONSHIPS = (
    RelType.ORGANISES,
    RelType.PRESENTS_AT,
    RelType.SPONSORS,
    RelType.PARTNERS_IN,
    RelType.ATTENDS,
    RelType.HOSTED_BY,
    RelType.ABOUT,
    RelType.PART_OF,
)


#: What a feed item and a stored event have in common, copied as is (status and ids are decided here).
_SHARED_EVENT_FIELDS = (set(Event.model_fields) & set(ParsedEvent.model_fields)) - {"status", "source_id"}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def parse_document(source: Source, content: bytes, url: str, now: datetime) -> ParseResult:
    """The parser for the source's format, applied to one document."""
    match source.format:
        case "ical":
            return parse_ical(content, source=source.id, now=now)
        case "rss" | "atom":
            return parse_rss_atom(content, source=source.id, now=now)
        case "tec_json":
            return parse_tec_json(content, source=source.id)
        case "jsonld_html":
            return parse_jsonld_html(content, source=source.id, page_url=url)


#: The theme matcher of a parsing worker process (see Syncer._parse).
_worker_themes: ThemeMatcher | None = None


def _start_parser(themes: ThemeMatcher) -> None:
    global _worker_themes
    _worker_themes = themes
    gc.set_threshold(_GC_THRESHOLD, *gc.get_threshold()[1:])  # a process of its own: for as long as it lives
    if sys.platform == "linux":
        # End with the sync: a worker whose parent was killed would otherwise block for ever on a
        # full result pipe (it holds both ends itself). PR_SET_PDEATHSIG = 1.
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before that took effect
            os._exit(1)


def read_document(
    source: Source, content: bytes, url: str, now: datetime, known: frozenset[str], themes: ThemeMatcher | None = None
) -> tuple[ParseResult, dict[str, Extracted], list[str]]:
    """Parse a document, and extract what its items say unless their content hash is ``known`` (stored already).

    Runs where parsing runs (a thread or a worker process), so that extraction, the costliest
    step after parsing, uses other cores too. An item whose extraction fails is left out; the
    sync extracts it again and reports the error with the item. Also returns the content hash
    of every item, in order, which the sync needs too.
    """
    parsed = parse_document(source, content, url, now)
    matcher = themes or _worker_themes
    assert matcher is not None
    extracted: dict[str, Extracted] = {}
    hashes = [item_hash(item) for item in parsed.events]
    for item, digest in zip(parsed.events, hashes, strict=True):
        if digest in known:
            continue
        with contextlib.suppress(Exception):
            extracted[item.source_id] = extract(item, matcher)
    return parsed, extracted, hashes


def item_hash(item: ParsedEvent) -> str:
    """The change-detection hash of a feed item: everything the feed says about it."""
    return hashlib.sha256(item.model_dump_json().encode()).hexdigest()[:32]


def event_id(source: Source, item_id: str) -> str:
    return f"{source.id}:{item_id}"


class _FewerCollections:
    """Fewer collections while any sync of this process runs.

    * The collector's first threshold is raised to :data:`_GC_THRESHOLD`.
    * What exists when a source's processing starts is frozen (:meth:`settle`, ``gc.freeze``): the
      documents, items and actors held for the sources before it are no longer traversed by every
      collection of an older generation (at 10,000 events those took a quarter of the main thread's
      CPU). Frozen objects are still freed when nothing refers to them; only cycles among them wait
      for the end of the sync, when they are unfrozen.

    Syncs may overlap (``hub serve --sync``): the threshold found by the first one is restored, and what
    was frozen unfrozen, when the last one ends; a threshold changed meanwhile stays. A collector turned off
    stays off, and objects someone else froze before are left to them (nothing is frozen then).
    """

    def __init__(self) -> None:
        self._active = 0
        self._saved: tuple[int, int, int] | None = None  # the thresholds replaced, while raised
        self._freezing = False

    def __enter__(self) -> None:
        if self._active == 0:
            found = gc.get_threshold()
            if 0 < found[0] < _GC_THRESHOLD:
                self._saved = found
                gc.set_threshold(_GC_THRESHOLD, *found[1:])
            self._freezing = gc.get_freeze_count() == 0
        self._active += 1

    def settle(self) -> None:
        """Freeze every object that exists now (see the class doc)."""
        if self._freezing:
            gc.freeze()

    def __exit__(self, *exc: object) -> None:
        self._active -= 1
        if self._active == 0:
            if self._freezing:
                gc.unfreeze()
                self._freezing = False
            if self._saved is not None and gc.get_threshold()[0] == _GC_THRESHOLD:
                gc.set_threshold(*self._saved)
            self._saved = None


_fewer_collections = _FewerCollections()


class _ParseOrder:
    """Hands documents to the parsing workers in registry order.

    Sources are resolved in registry order, so a worker is best spent on the earliest source not
    yet fetched and parsed: the sync waits for it next. A pool takes jobs first come, first served,
    and a paginated feed, whose every page is fetched after the one before is parsed, queued each
    page behind whole later feeds while the sync waited. So a document of a later source only
    starts when a worker stays free for the earliest one (with one worker: when the earliest
    source is done); the cost is a worker idle while the earliest source's next page is fetched.
    """

    def __init__(self, source_ids: Sequence[str], workers: int):
        self._ranks = {source_id: rank for rank, source_id in enumerate(source_ids)}
        self._unfinished = set(self._ranks.values())
        self._workers = workers
        self._running = 0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []  # a heap of (rank, arrival, wake-up)
        self._arrivals = itertools.count()

    def finished(self, source_id: str) -> None:
        """Every document of the source is fetched and parsed: later sources may go ahead."""
        self._unfinished.discard(self._ranks[source_id])
        self._start_waiting()

    @contextlib.asynccontextmanager
    async def turn(self, source_id: str) -> AsyncIterator[None]:
        """Wait for a worker that may parse a document of ``source_id``, and hold it meanwhile."""
        wake_up: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (self._ranks[source_id], next(self._arrivals), wake_up))
        self._start_waiting()
        try:
            await wake_up
        except asyncio.CancelledError:
            if wake_up.done() and not wake_up.cancelled():  # started just before the cancellation
                self._stop_one()
            raise
        try:
            yield
        finally:
            self._stop_one()

    def _stop_one(self) -> None:
        self._running -= 1
        self._start_waiting()

    def _start_waiting(self) -> None:
        while self._waiting:
            rank, _arrival, wake_up = self._waiting[0]
            if wake_up.done():  # cancelled while waiting
                heapq.heappop(self._waiting)
                continue
            earliest = rank <= min(self._unfinished, default=rank)
            if self._running >= (self._workers if earliest else self._workers - 1):
                return
            heapq.heappop(self._waiting)
            self._running += 1
            wake_up.set_result(None)


@dataclass
class Document:
    """One fetched document of a source and, when it had a body, what its parser made of it."""

    url: str
    fetched: FetchResult
    parsed: ParseResult | None = None
    extracted: dict[str, Extracted] = field(default_factory=dict)  # by item id, for new and changed items
    hashes: list[str] = field(default_factory=list)  # the content hash of each parsed item, in order


@dataclass
class FetchedSource:
    """What fetching (and parsing) a source's documents produced."""

    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return bool(self.documents) and not self.errors and all(d.parsed is None for d in self.documents)


@dataclass
class _Parsed:
    """The items of all documents of a source, merged."""

    items: list[ParsedEvent]
    complete: bool  # False when items may be missing: then nothing is marked removed
    rejected: set[str]  # ids of items the parsers rejected (they are still in the feed)
    hashes: dict[str, str]  # by item id: its content hash
    extracted: dict[str, Extracted] = field(default_factory=dict)  # by item id (see read_document)

    def was_rejected(self, item_id: str | None) -> bool:
        item = item_id or ""
        return any(item == rejected or item.startswith(rejected + "#") for rejected in self.rejected)


@dataclass
class _Plan:
    """What one sync of one source will write."""

    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    unchanged_ids: list[str] = field(default_factory=list)
    rewritten_ids: list[str] = field(default_factory=list)  # existing events whose relationships are rebuilt
    repaired: int = 0  # unchanged events written again after an interrupted run


class Syncer:
    """Syncs sources into a store; one instance per ``hub sync`` invocation."""

    def __init__(
        self,
        store: GraphStore,
        fetcher: Fetcher,
        *,
        clock: Clock = _utcnow,
        themes: ThemeMatcher | None = None,
        concurrency: int = 4,
    ):
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.themes = themes or ThemeMatcher.from_reference()
        self._concurrency = concurrency
        self._parsers: ProcessPoolExecutor | None = None  # started for the first large document
        self._parse_order: _ParseOrder | None = None  # of the sources of the sync under way
        self._known: frozenset[str] = frozenset()  # content hashes of the stored events
        self._actors: ActorResolver | None = None
        self._erased: set[str] = set()  # name keys of people removed on request (hub forget)
        self._spaces: dict[str, Space] = {space.id: space for space in load_spaces()}
        self._projects: ProjectResolver | None = None
        #: Sources whose last run was interrupted: their next sync rewrites every item (see _begin).
        self._repairing: set[str] = set()
        #: Seconds spent per stage (fetch, parse, resolve, write), summed over sources; fetching
        #: overlaps the other stages, so the sum can exceed the wall-clock time.
        self.timings: dict[str, float] = defaultdict(float)

    @contextlib.contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] += time.perf_counter() - started

    # --- orchestration ----------------------------------------------------------------

    async def sync(self, sources: Sequence[Source], progress: Progress | None = None) -> list[ImportRun]:
        """Sync every source; each is fetched concurrently, then processed in registry order."""
        with _fewer_collections:
            return await self._sync(sources, progress)

    async def _sync(self, sources: Sequence[Source], progress: Progress | None) -> list[ImportRun]:
        await ensure_reference_data(self.store)
        await self._load_resolvers()
        rows = await self.store.read_fields(Event, ["content_hash"])
        self._known = frozenset(row["content_hash"] for row in rows if row["content_hash"])
        parse_order = self._parse_order = _ParseOrder([source.id for source in sources], _PARSE_WORKERS)
        gate = asyncio.Semaphore(self._concurrency)

        async def fetch(source: Source) -> FetchedSource:
            async with gate:
                try:
                    return await self._fetch(source)
                finally:
                    parse_order.finished(source.id)

        fetches = [asyncio.ensure_future(fetch(source)) for source in sources]
        runs = []
        try:
            for source, pending in zip(sources, fetches, strict=True):
                runs.append(await self._sync_fetched(source, pending, progress))
        finally:
            if self._parsers is not None:
                self._parsers.shutdown(cancel_futures=True)
                self._parsers = None
        return runs

    async def _sync_fetched(
        self, source: Source, pending: asyncio.Future[FetchedSource], progress: Progress | None
    ) -> ImportRun:
        """One source end to end; whatever goes wrong is recorded in its run, never raised."""
        started = self.clock()
        run = ImportRun(
            id=f"{source.id}@{started:%Y%m%dT%H%M%S.%fZ}",
            source_key=source.id,
            started_at=started,
            source=source.id,  # so that runs, like events, can be listed by source
            first_seen=started,
            last_seen=started,
        )
        try:
            await self._begin(source, run)
            fetched = await pending
            await self._process(source, fetched, run, progress)
        except Exception as error:
            log.exception("sync of %s failed", source.id)
            run.status = "failed"
            run.errors = [*run.errors, f"{source.id}: sync failed: {error}"]
        run.finished_at = self.clock()
        try:
            await self.store.upsert_nodes([run])
        except Exception:
            log.exception("could not record the import run of %s", source.id)
        return run

    async def _begin(self, source: Source, run: ImportRun) -> None:
        """Record ``run`` as running; runs of the source still "running" were cut off: mark them "interrupted".

        A killed process may have written a source's events but not their relationships;
        a later sync would take those events for unchanged and never write them.  So after
        an interruption every item of the source is rewritten, relationships included.
        """
        query = NodeQuery(sources=[source.id], order_by="started_at", descending=True, limit=_RUNS_CHECKED)
        stuck = [
            earlier.model_copy(
                update={
                    "status": "interrupted",
                    "errors": [*earlier.errors, f"{source.id}: interrupted before the end"],
                }
            )
            for earlier in (await self.store.list_nodes(ImportRun, query)).items
            if earlier.status == "running" and earlier.id != run.id
        ]
        await self.store.upsert_nodes([*stuck, run])
        if stuck:
            self._repairing.add(source.id)
            names = ", ".join(earlier.id for earlier in stuck)
            run.warnings = [*run.warnings, f"{source.id}: run {names} was interrupted; every item is written again"]

    async def _load_resolvers(self) -> None:
        self._erased = {
            key async for batch in self.store.iter_nodes(Erasure) for erasure in batch for key in erasure.name_keys
        }
        actors = [actor async for batch in self.store.iter_nodes(Actor) for actor in batch]
        actors = await self._detach_hosts_taken_for_actors(actors)
        projects = [project async for batch in self.store.iter_nodes(Project) for project in batch]
        self._actors = ActorResolver(actors)
        self._projects = ProjectResolver(projects)

    async def _detach_hosts_taken_for_actors(self, actors: list[Actor]) -> list[Actor]:
        """Repair graphs imported before :func:`names_centre`: the actors their feeds made of the centres.

        Such an actor loses its part in the events its own centre hosts, and its ACTIVE_IN
        there; left with nothing, it goes.  Its part in other centres' events stays (there it
        is a partner from elsewhere), and so does an actor a curator has edited.  Once
        repaired, the next sync finds nothing to do; the actors that remain are returned.
        """
        kept = []
        for actor in actors:
            hosts = {space_id for space_id, space in self._spaces.items() if names_centre(actor.name, space)}
            if actor.curated or not hosts or not await self._detach_from_hosts(actor, hosts):
                kept.append(actor)
        return kept

    async def _detach_from_hosts(self, actor: Actor, host_ids: set[str]) -> bool:
        """Drop ``actor``'s part in the events of ``host_ids``; True when it was deleted, having nothing left."""
        links = await self.store.neighbours(Actor, [actor.id], [*PARTICIPATION_TYPES, RelType.ACTIVE_IN], "out")
        event_ids = [link.other_id for link in links if link.rel_type is not RelType.ACTIVE_IN]
        hosted_by = {
            link.node_id: link.other_id
            for link in await self.store.neighbours(Event, event_ids, [RelType.HOSTED_BY], "out")
        }
        stale = [
            link.relationship()
            for link in links
            if (link.other_id if link.rel_type is RelType.ACTIVE_IN else hosted_by.get(link.other_id)) in host_ids
        ]
        if not stale:
            return False
        await self.store.delete_relationships(stale)
        log.info("%s is its feed's own centre, not an actor: %d relationships dropped", actor.name, len(stale))
        if len(stale) < len(links):
            return False
        await self.store.delete_nodes(Actor, [actor.id])
        return True

    # --- fetching ---------------------------------------------------------------------

    async def _fetch(self, source: Source) -> FetchedSource:
        """Every document of the source, conditionally, following pagination; all-304 = not modified."""
        stored = await self._feed_documents(source)
        fetched = FetchedSource()
        urls, seen = list(source.urls), set()
        while urls and len(seen) < source.max_pages:
            url = urls.pop(0)
            if url in seen:
                continue
            seen.add(url)
            document = await self._fetch_document(source, url, _validators(stored.get(url)), fetched)
            if document is None:
                continue
            fetched.documents.append(document)
            if document.parsed is not None and document.parsed.next_url:
                urls.append(urljoin(url, document.parsed.next_url))
            elif document.parsed is None and (remembered := stored.get(url)) and remembered.next_url:
                urls.append(remembered.next_url)  # a 304 page stands for the pages it led to last time
        if not fetched.not_modified:
            await self._refetch_unmodified(source, fetched)
        return fetched

    async def _fetch_document(
        self, source: Source, url: str, validators: Validators | None, fetched: FetchedSource
    ) -> Document | None:
        try:
            with self._timed("fetch"):
                result = await self.fetcher.fetch(url, validators)
        except FetchError as error:
            fetched.errors.append(f"{source.id}: {error}")
            return None
        if result.status == "not_modified":
            return Document(url, result)
        with self._timed("parse"):
            parsed, extracted, hashes = await self._parse(source, result.content, url)
        return Document(url, result, parsed, extracted, hashes)

    async def _parse(
        self, source: Source, content: bytes, url: str
    ) -> tuple[ParseResult, dict[str, Extracted], list[str]]:
        """Parse and extract off the event loop: large documents in worker processes, so that this uses other cores."""
        if len(content) < _PROCESS_PARSE_BYTES:
            return await asyncio.to_thread(read_document, source, content, url, self.clock(), self._known, self.themes)
        if self._parsers is None:
            # spawn: forking this process (with the store's threads running) is not safe.
            self._parsers = ProcessPoolExecutor(
                _PARSE_WORKERS,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_parser,
                initargs=(self.themes,),
            )
        assert self._parse_order is not None
        loop = asyncio.get_running_loop()
        async with self._parse_order.turn(source.id):
            return await loop.run_in_executor(
                self._parsers, read_document, source, content, url, self.clock(), self._known
            )

    async def _refetch_unmodified(self, source: Source, fetched: FetchedSource) -> None:
        """Some documents changed: the 304 ones are needed in full too, to know the whole feed."""
        for index, document in enumerate(fetched.documents):
            if document.parsed is None:
                refetched = await self._fetch_document(source, document.url, None, fetched)
                if refetched is not None:
                    fetched.documents[index] = refetched

    async def _feed_documents(self, source: Source) -> dict[str, FeedDocument]:
        page = await self.store.list_nodes(FeedDocument, NodeQuery(sources=[source.id], limit=source.max_pages * 2))
        return {document.url: document for document in page.items}

    # --- processing -----------------------------------------------------------------------

    async def _process(self, source: Source, fetched: FetchedSource, run: ImportRun, progress: Progress | None) -> None:
        _fewer_collections.settle()
        run.errors = list(fetched.errors)
        if fetched.not_modified:
            run.status = "not_modified"
            run.unchanged = await self._touch_source(source)
            return
        parsed = self._merge(source, fetched, run)
        if not fetched.documents or (not parsed.items and not parsed.complete):
            run.status = "failed"
            return
        now = self.clock()
        with self._timed("write"):
            existing = await self._stored_events(source)
        with self._timed("resolve"):
            plan = await self._plan(source, parsed, existing, run, now)
            plan.nodes.extend(self._removals(source, parsed, existing, run, now))
        with self._timed("write"):
            await self._write(source, plan, progress)
            await self._remember_documents(source, fetched, now)
        run.status = "ok" if parsed.complete and not run.errors else "partial"

    def _merge(self, source: Source, fetched: FetchedSource, run: ImportRun) -> _Parsed:
        """All documents' items, de-duplicated, with every error named by source, document and item."""
        complete = not fetched.errors
        items: dict[str, ParsedEvent] = {}
        hashes: dict[str, str] = {}
        extracted: dict[str, Extracted] = {}
        rejected: set[str] = set()
        for document in fetched.documents:
            result = document.parsed
            if result is None:  # refetching it failed; already an error
                complete = False
                continue
            name = document.url.rstrip("/").rsplit("/", 1)[-1] or document.url
            if result.fatal:
                run.errors.append(f"{source.id}: {name}: {result.fatal}")
            run.errors.extend(f"{source.id}: {name}: {error}" for error in result.errors)
            run.warnings.extend(f"{source.id}: {name}: {warning}" for warning in result.warnings)
            rejected.update(error.item for error in result.errors if error.item)
            complete = complete and result.complete
            for item, digest in zip(result.events, document.hashes, strict=True):
                if item.source_id in items and items[item.source_id] != item:
                    run.warnings.append(f"{source.id}: {name}: item {item.source_id} appears twice; first kept")
                if items.setdefault(item.source_id, item) is item:
                    hashes[item.source_id] = digest
            for item_id, extraction in document.extracted.items():
                if extraction.event is items[item_id]:  # of the item kept, not of a later duplicate
                    extracted.setdefault(item_id, extraction)
        run.failed = len({item for item in rejected if item not in items})
        return _Parsed(
            items=list(items.values()), complete=complete, rejected=rejected, hashes=hashes, extracted=extracted
        )

    async def _stored_events(self, source: Source) -> dict[str, Event]:
        events: dict[str, Event] = {}
        offset = 0
        while True:
            page = await self.store.list_nodes(Event, NodeQuery(sources=[source.id], offset=offset, limit=2_000))
            events.update((event.id, event) for event in page.items)
            offset += len(page.items)
            if not page.has_next:
                return events

    async def _plan(
        self, source: Source, parsed: _Parsed, existing: dict[str, Event], run: ImportRun, now: datetime
    ) -> _Plan:
        plan = _Plan()
        assert self._actors is not None and self._projects is not None
        for index, item in enumerate(parsed.items):
            if index % _ITEMS_BETWEEN_YIELDS == _ITEMS_BETWEEN_YIELDS - 1:
                await asyncio.sleep(0)
            node_id = event_id(source, item.source_id)
            digest = parsed.hashes[item.source_id]
            before = existing.get(node_id)
            unchanged = (
                before is not None and before.content_hash == digest and before.status is not EventStatus.REMOVED
            )
            if unchanged and source.id not in self._repairing:
                plan.unchanged_ids.append(node_id)
                continue
            try:
                event = self._event(source, item, digest, before, now)
                relationships = self._relationships(source, item, event, now, parsed.extracted.get(item.source_id))
            except Exception as error:
                log.exception("cannot map item %s of %s", item.source_id, source.id)
                run.errors = [*run.errors, f"{source.id}: item {item.source_id}: cannot be imported: {error}"]
                run.failed += 1
                if before is not None:
                    plan.unchanged_ids.append(node_id)  # keep what we had; never remove it for this
                continue
            plan.nodes.append(event)
            plan.relationships.extend(relationships)
            if unchanged:  # written again after an interruption (_begin); still unchanged
                plan.rewritten_ids.append(node_id)
                plan.repaired += 1
            elif before is None:
                run.new += 1
                if _room_for_change(run):  # describing an event costs more than the rest of its bookkeeping
                    self._change(run, f"new: {_describe(event)}")
            else:
                plan.rewritten_ids.append(node_id)
                run.changed += 1
                if event.status is EventStatus.CANCELLED and before.status is not EventStatus.CANCELLED:
                    run.cancelled += 1
                if _room_for_change(run):
                    self._change(run, f"changed: {_describe(event)}: {_difference(before, event)}")
        # ACTIVE_IN and CONTRIBUTES_TO come from many events: the first one is their provenance.
        plan.relationships = list({rel.key: rel for rel in plan.relationships}.values())
        plan.nodes.extend(self._touched_actors(source, now))
        plan.nodes.extend(self._touched_projects(source, now))
        run.unchanged = len(plan.unchanged_ids) + plan.repaired
        return plan

    def _event(self, source: Source, item: ParsedEvent, digest: str, before: Event | None, now: datetime) -> Event:
        status = item.status
        if before is not None and status is EventStatus.SCHEDULED:
            moved = (before.start, before.end) != (item.start, item.end)
            if moved or before.status is EventStatus.CHANGED:
                status = EventStatus.CHANGED
        return Event(
            id=event_id(source, item.source_id),
            **item.model_dump(include=_SHARED_EVENT_FIELDS),
            status=status,
            source=source.id,
            source_id=item.source_id,
            first_seen=before.first_seen if before and before.first_seen else now,
            last_seen=now,
            content_hash=digest,
            curated=before.curated if before else [],
        )

    def _relationships(
        self, source: Source, item: ParsedEvent, event: Event, now: datetime, extracted: Extracted | None
    ) -> list[Relationship]:
        assert self._actors is not None and self._projects is not None
        if extracted is None:  # extracted where it was parsed, unless its hash was known (see read_document)
            extracted = extract(item, self.themes)

        # By key, in the order first named; a repeat (an actor named in two roles: ACTIVE_IN and
        # CONTRIBUTES_TO again) would be the same relationship again, so it is not built again.
        rels: dict[tuple[RelType, str, str], Relationship] = {}

        def rel(rel_type: RelType, start_id: str, end_id: str) -> None:
            if (rel_type, start_id, end_id) in rels:
                return
            rels[rel_type, start_id, end_id] = Relationship(
                type=rel_type,
                start_id=start_id,
                end_id=end_id,
                source=source.id,
                source_id=item.source_id,
                sources=[source.id],  # what the model would make of it, without re-validating the assignment
                first_seen=now,
                last_seen=now,
            )

        rel(RelType.HOSTED_BY, event.id, source.space)
        # What a curator set for this event (hub.curation) is kept as it is: neither added to nor dropped.
        if "themes" not in event.curated:
            for theme_id in extracted.theme_ids:
                rel(RelType.ABOUT, event.id, theme_id)
        project_ids = [
            self._projects.resolve(name, space_id=source.space, source=source.id, item=item.source_id).project_id
            for name in extracted.project_names
            if "projects" not in event.curated
        ]
        for project_id in project_ids:
            rel(RelType.PART_OF, event.id, project_id)
        for mention in _participants(extracted.actors):
            if self._erased and name_key(mention.name) in self._erased:
                continue  # a person removed on request (hub forget) is not brought back
            host = self._spaces.get(source.space)
            if host is not None and names_centre(mention.name, host):
                continue  # the host itself, which HOSTED_BY names: no actor of its own
            actor_id = self._actors.resolve(
                mention, space_id=source.space, source=source.id, item=item.source_id
            ).actor_id
            rel(_ROLE_RELATIONSHIPS[mention.role], actor_id, event.id)
            rel(RelType.ACTIVE_IN, actor_id, source.space)
            for project_id in project_ids:
                rel(RelType.CONTRIBUTES_TO, actor_id, project_id)
        return list(rels.values())

    def _touched_actors(self, source: Source, now: datetime) -> list[Actor]:
        assert self._actors is not None
        return [_provenance(actor, source, now) for actor in self._actors.take_changed()]

    def _touched_projects(self, source: Source, now: datetime) -> list[Project]:
        assert self._projects is not None
        return [_provenance(project, source, now) for project in self._projects.take_changed()]

    def _removals(
        self, source: Source, parsed: _Parsed, existing: dict[str, Event], run: ImportRun, now: datetime
    ) -> list[Event]:
        """Future events that a complete feed no longer lists; never on an incomplete run."""
        if not parsed.complete:
            return []
        present = {event_id(source, item.source_id) for item in parsed.items}
        removed = []
        for event in existing.values():
            if event.id in present or event.status is EventStatus.REMOVED or event.start < now:
                continue
            if parsed.was_rejected(event.source_id):
                continue  # still in the feed, only broken this time
            removed.append(event.model_copy(update={"status": EventStatus.REMOVED, "removed_at": now}))
            if _room_for_change(run):
                self._change(run, f"removed: {_describe(event)}")
        run.removed = len(removed)
        return removed

    @staticmethod
    def _change(run: ImportRun, line: str) -> None:
        if _room_for_change(run):
            run.changes = [*run.changes, line]

    # --- writing ------------------------------------------------------------------------

    async def _write(self, source: Source, plan: _Plan, progress: Progress | None) -> None:
        total = len(plan.nodes) + len(plan.relationships)
        done = 0
        for batch in _chunks(plan.nodes, _WRITE_BATCH):
            await self.store.upsert_nodes(batch)
            done += len(batch)
            if progress:
                progress(source.id, "write", done, total)
        if plan.rewritten_ids:
            await self._drop_stale_relationships(plan)
        for batch in _chunks(plan.relationships, _WRITE_BATCH * 2):
            await self.store.upsert_relationships(batch)
            done += len(batch)
            if progress:
                progress(source.id, "write", done, total)
        if plan.unchanged_ids:
            await self.store.touch(Event, plan.unchanged_ids, self.clock())

    async def _drop_stale_relationships(self, plan: _Plan) -> None:
        """A changed event's relationships are rebuilt: those it no longer has go (unless a curator set them)."""
        wanted = {rel.key for rel in plan.relationships}
        curated = {node.id: node.curated for node in plan.nodes if isinstance(node, Event) and node.curated}
        stale = []
        for neighbour in await self.store.neighbours(Event, plan.rewritten_ids, _EVENT_RELATIONSHIPS):
            if _CURATED_ASPECTS.get(neighbour.rel_type) in curated.get(neighbour.node_id, ()):
                continue
            start, end = (
                (neighbour.node_id, neighbour.other_id)
                if neighbour.outgoing
                else (neighbour.other_id, neighbour.node_id)
            )
            rel = Relationship(type=neighbour.rel_type, start_id=start, end_id=end)
            if rel.key not in wanted:
                stale.append(rel)
        await self.store.delete_relationships(stale)

    async def _touch_source(self, source: Source) -> int:
        ids = list(await self._stored_events(source))
        await self.store.touch(Event, ids, self.clock())
        return len(ids)

    async def _remember_documents(self, source: Source, fetched: FetchedSource, now: datetime) -> None:
        documents = [
            FeedDocument(
                id=document.url,
                url=document.url,
                source_key=source.id,
                etag=document.fetched.etag,
                last_modified=document.fetched.last_modified,
                fetched_at=now,
                next_url=_next_url(document),
                source=source.id,
                source_id=document.url,
                first_seen=now,
                last_seen=now,
            )
            for document in fetched.documents
        ]
        await self.store.upsert_nodes(documents)


def _validators(document: FeedDocument | None) -> Validators | None:
    if document is None or not (document.etag or document.last_modified):
        return None
    return Validators(etag=document.etag, last_modified=document.last_modified)


def _next_url(document: Document) -> str | None:
    if document.parsed is None or not document.parsed.next_url:
        return None
    return urljoin(document.url, document.parsed.next_url)


def _participants(mentions: Sequence[ActorMention]) -> list[ActorMention]:
    """Mentions that become relationships: authors only stand in when nobody is named as organiser."""
    has_organiser = any(mention.role == "organiser" for mention in mentions)
    return [m for m in mentions if m.role != "author" or not has_organiser]


def _provenance(node: R, source: Source, now: datetime) -> R:
    return node.model_copy(
        update={
            "source": source.id,
            "sources": sorted({*node.sources, source.id}),
            "first_seen": node.first_seen or now,
            "last_seen": now,
        }
    )


def _room_for_change(run: ImportRun) -> bool:
    """Whether the run lists another change: only the first :data:`_MAX_CHANGE_LINES` are (an import has thousands)."""
    return len(run.changes) < _MAX_CHANGE_LINES


def _describe(event: Event) -> str:
    return f"{event.title} ({event.local_start():%Y-%m-%d %H:%M}) [{event.id}]"


def _difference(before: Event, after: Event) -> str:
    fields = ("title", "start", "end", "status", "location_name", "description", "url", "categories")
    changed = [name for name in fields if getattr(before, name) != getattr(after, name)]
    if "start" in changed:
        changed[changed.index("start")] = (
            f"start {before.local_start():%Y-%m-%d %H:%M} -> {after.local_start():%Y-%m-%d %H:%M}"
        )
    if "title" in changed:
        changed[changed.index("title")] = f"title {before.title!r} -> {after.title!r}"
    return ", ".join(changed) or "participants or themes"


def _chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    return (items[index : index + size] for index in range(0, len(items), size))
