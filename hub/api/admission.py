"""Admission: at most so many GraphQL operations execute at once; the others wait their turn.

Without a bound, every request that arrives starts at once and they all share the CPU
and the store: with 50 clients each request runs at a fiftieth of the speed, so a
request that needs ten times the work of a small one also waits ten times as long, and
a cold or busy moment pushes the heavy ones past their time budget. With a bound, the
requests beyond it wait in arrival order and then run at nearly full speed: the mean
latency stays (the work is the same), the tail shrinks, and heavy requests are no
longer the ones that time out. A few operations at once keep the CPU and the store
busy, because each one alternates between them; the default (16) leaves room for the
ones that only wait on a lock, such as writes queued for the embedded store's one writer
(in load tests on a busy machine, LadybugDB served a fifth fewer requests with 8).

The wait counts against the request's time budget (the client waits either way).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Admission:
    """A first-come, first-served gate of ``limit`` slots; ``limit`` 0 admits everything at once."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"the admission limit must be 0 (none) or more, not {limit}")
        self.limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._semaphore: asyncio.Semaphore | None = None  # made in the loop that first waits

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one slot for the body; waiting for it may be cancelled (the time budget) at no cost."""
        if not self.limit:
            yield
            return
        gate = self._gate()
        await gate.acquire()  # asyncio's semaphore wakes its waiters in the order they came
        try:
            yield
        finally:
            gate.release()

    def _gate(self) -> asyncio.Semaphore:
        # A semaphore per event loop: an asyncio primitive belongs to the loop that first
        # waited on it, and tests run one app on several loops one after another.  Only
        # the current loop's is kept.
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self._loop, self._semaphore = loop, asyncio.Semaphore(self.limit)
        return self._semaphore
