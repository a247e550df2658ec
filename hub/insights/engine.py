"""Insight computations, cached per graph version.

One :class:`Insights` lives as long as the app.  It keeps the current
:class:`~hub.insights.projection.Projection` and the results computed from it.
Every request first asks the store for its graph version (one small read); while
that number stays the same, the projection and every result computed from it stay
valid, so a repeated question is answered from memory.  When it changes (a sync
wrote something, in this process or another), the projection is read again.

While the graph keeps changing (curators at work, a sync), reloads are at least
``min_reload_interval`` seconds apart: each one reads the whole graph and makes every
cached result stale, which costs seconds of CPU, so reloading after every write would
leave no CPU for answering requests.  Meanwhile requests are answered from the
current projection; results name the graph version they were computed from.  After a
reload, a result not computed again within ``STALE_AFTER_S`` is answered from the
previous graph, and its computation goes on for the requests after it.

Computations are CPU-bound Python (networkx, igraph); they run in a worker thread
so the server keeps answering other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import gc
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from hub.access.pseudonyms import Pseudonym
from hub.access.roles import PersonView
from hub.insights.privacy import restrict
from hub.insights.projection import Projection, load_projection
from hub.store.port import GraphStore

T = TypeVar("T")

#: How long a request waits for a newer projection, or a result of it, before it is answered from the previous one.
STALE_AFTER_S = 2.0
#: Results kept per graph version; the oldest are dropped first.
DEFAULT_MAX_RESULTS = 512


class Insights:
    """The projection and the results computed from it, for the current graph version.

    Each :class:`~hub.access.roles.PersonView` has its own restricted projection and its
    own results (see :mod:`hub.insights.privacy`); :meth:`view` binds one for a request.
    """

    def __init__(
        self,
        store: GraphStore,
        pseudonymise: Callable[[str], Pseudonym] | None = None,
        max_results: int = DEFAULT_MAX_RESULTS,
        min_reload_interval: float = 0.0,
    ) -> None:
        self.store = store
        self.max_results = max_results
        self.min_reload_interval = min_reload_interval
        self._last_reload_at = -math.inf  # event-loop time the newest reload began
        self._next_reload_at = -math.inf  # ... and when the pending one begins (later, if throttled)
        self._pseudonymise = pseudonymise or _no_pseudonyms
        self._projection: Projection | None = None
        self._reload: asyncio.Future[Projection] | None = None
        # Computations get their own threads, so they never hold up the store's calls (which may use threads too).
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hub-insights")
        self._results: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()
        # The result of each computation on the newest graph it was computed from, with that graph's
        # version: the answer while one for a newer graph is computed.
        self._latest: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()

    def view(self, persons: PersonView) -> InsightsView:
        return InsightsView(self, persons)

    async def projection(self, persons: PersonView = PersonView.NAMED) -> Projection:
        """The projection of the graph as it is now (as ``persons`` shows people), read again only when it changed."""
        full = await self._full_projection()
        if persons is PersonView.NAMED:
            return full
        return await self._cached(
            (full.version, "projection", persons), lambda: restrict(full, persons, self._pseudonymise)
        )

    async def _full_projection(self) -> Projection:
        version = await self.store.graph_version()
        current = self._projection
        if current is not None and current.version == version:
            return current
        reload = self._pending_reload()
        # Shielded: a request cancelled meanwhile (its time budget ran out) leaves the read running
        # for the requests after it, instead of every slow request starting it over.
        if current is None:
            return await asyncio.shield(reload)
        if self._next_reload_at > asyncio.get_running_loop().time():
            return current  # throttled: the graph changed again soon after the last reload
        try:
            return await asyncio.wait_for(asyncio.shield(reload), STALE_AFTER_S)
        except TimeoutError:
            # A reload can take longer than a request may wait: answer from the previous
            # projection, whose version and snapshot the results carry, rather than time out.
            return current

    def _pending_reload(self) -> asyncio.Future[Projection]:
        """The reload under way, or a new one: at once, or ``min_reload_interval`` after the last one began."""
        if self._reload is None or self._reload.done():  # one reload, however many requests notice the change
            now = asyncio.get_running_loop().time()
            self._next_reload_at = max(now, self._last_reload_at + self.min_reload_interval)
            self._reload = asyncio.ensure_future(self._load(delay=self._next_reload_at - now))
        return self._reload

    async def _load(self, delay: float = 0.0) -> Projection:
        if delay > 0:
            await asyncio.sleep(delay)
        self._last_reload_at = asyncio.get_running_loop().time()
        projection = await load_projection(self.store)
        if self._projection is None or projection.version >= self._projection.version:
            self._projection = projection
            self._results.clear()
            # A projection is a million long-lived objects; moved out of the collector's
            # generations, full collections stop re-scanning them (about a quarter of a
            # cold computation's time, measured).  Refcounting still frees old ones.
            gc.freeze()
        return self._projection

    async def compute(
        self, name: str, params: Hashable, function: Callable[[Projection], T], persons: PersonView = PersonView.NAMED
    ) -> T:
        """``function(projection)``, computed once per graph version for the same ``name`` and ``params``.

        ``params`` must capture everything ``function`` depends on besides the projection.
        Concurrent requests for the same result share one computation.
        """
        current = asyncio.ensure_future(self._compute_now(name, params, function, persons))
        previous = self._latest.get((persons, name, params))
        if previous is None:
            return await current
        self._latest.move_to_end((persons, name, params))
        try:
            # Shielded: answered from an older graph, the computation still finishes for the requests after it.
            return await asyncio.wait_for(asyncio.shield(current), STALE_AFTER_S)
        except TimeoutError:
            # After a reload every result is computed again, and many at once queue for the threads:
            # an answer from the previous graph, whose version it carries, rather than a timeout.
            current.add_done_callback(_retrieve_failure)  # a failure shows on the next request, not in the log
            return previous[1]  # type: ignore[no-any-return]

    async def _compute_now(
        self, name: str, params: Hashable, function: Callable[[Projection], T], persons: PersonView
    ) -> T:
        projection = await self.projection(persons)
        result = await self._cached((projection.version, persons, name, params), lambda: function(projection))
        key = (persons, name, params)
        kept = self._latest.get(key)
        if kept is None or kept[0] <= projection.version:  # one for an older graph may finish last
            self._latest[key] = (projection.version, result)
        while len(self._latest) > self.max_results:
            self._latest.popitem(last=False)
        return result

    async def _cached(self, key: Hashable, work: Callable[[], T]) -> T:
        """``work()`` in a worker thread, once per key while the key stays among the recent results."""
        future = self._results.get(key)
        if future is None:
            future = asyncio.get_running_loop().run_in_executor(self._threads, work)
            self._results[key] = future
            while len(self._results) > self.max_results:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(key)
        try:
            return await asyncio.shield(future)
        except Exception:
            # A failed computation (bad input, say) is not cached: the next request tries again.
            if self._results.get(key) is future:
                del self._results[key]
            raise


@dataclass(frozen=True)
class InsightsView:
    """The insights as one request's role may see them (what resolvers get as ``info.context.insights``)."""

    engine: Insights
    persons: PersonView

    async def projection(self) -> Projection:
        return await self.engine.projection(self.persons)

    async def compute(self, name: str, params: Hashable, function: Callable[[Projection], T]) -> T:
        return await self.engine.compute(name, params, function, self.persons)


def _retrieve_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _no_pseudonyms(actor_id: str) -> Pseudonym:
    raise RuntimeError("this Insights was made without a pseudonymiser")
