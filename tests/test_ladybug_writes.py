"""The embedded store's one writer connection survives callers that stop waiting mid-write."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from hub.domain import Actor
from hub.store.ladybug_store import LadybugStore


class SlowBegin:
    """The writer connection, with a BEGIN that takes a while (as on a busy machine)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if query == "BEGIN TRANSACTION":
            time.sleep(0.3)
        return self._connection.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


async def test_a_write_whose_caller_is_cancelled_completes_and_the_next_write_works(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "graph.lbdb", buffer_pool_mb=128)
    await store.open()
    try:
        real = store._writer
        store._writer = SlowBegin(real)  # type: ignore[assignment]
        try:
            await asyncio.wait_for(store.upsert_nodes([Actor(id="a", name="Erste")]), 0.05)
        except TimeoutError:
            pass
        else:
            raise AssertionError("the write should have outlived its caller's time budget")
        store._writer = real
        # Before: "Connection already has an active transaction" on every later write.
        await store.upsert_nodes([Actor(id="b", name="Zweite")])
        found = await store.get_nodes(Actor, ["a", "b"])
        assert sorted(found) == ["a", "b"], "the abandoned write completed, whole"
    finally:
        await store.close()
