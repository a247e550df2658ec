"""Concurrent curation: operations on the same node take turns, on different nodes run side by side.

And an operation whose request is cancelled after it began still completes, with its
audit entry.  On both engines, through a store whose writes are slowed down so that
operations overlap for certain.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hub.access.roles import Principal, Role
from hub.curation import ActorChanges, Curator, _Claims
from hub.domain import Actor, AuditEntry
from hub.store.port import ChangeSet, GraphStore, NodeQuery

ADMIN = Principal(Role.ADMIN, key_name="tests")
WRITE_TIME = 0.05


class SlowWrites:
    """The store, with every change set taking ``WRITE_TIME`` longer; counts change sets in flight."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.in_flight = 0
        self.most_in_flight = 0
        self.writing = asyncio.Event()
        self.written = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def apply(self, changes: ChangeSet) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.writing.set()
        try:
            await asyncio.sleep(WRITE_TIME)
            await self._store.apply(changes)
            self.written.set()
        finally:
            self.in_flight -= 1


async def two_actors(store: GraphStore) -> None:
    await store.upsert_nodes([Actor(id="a", name="Alpha GmbH"), Actor(id="b", name="Beta e.V.")])


def curator(store: Any) -> Curator:
    return Curator(store, ADMIN)


async def test_updates_of_different_actors_run_side_by_side(store: GraphStore) -> None:
    await two_actors(store)
    slow = SlowWrites(store)
    await asyncio.gather(
        curator(slow).update_actor("a", ActorChanges(name="Alpha AG")),
        curator(slow).update_actor("b", ActorChanges(name="Beta Verein")),
    )
    assert slow.most_in_flight == 2
    names = {a.id: a.name for a in (await store.get_nodes(Actor, ["a", "b"])).values()}
    assert names == {"a": "Alpha AG", "b": "Beta Verein"}


async def test_operations_on_the_same_actor_take_turns(store: GraphStore) -> None:
    await two_actors(store)
    slow = SlowWrites(store)
    await asyncio.gather(
        curator(slow).update_actor("a", ActorChanges(aliases=["Alpha"])),
        curator(slow).merge_actors("a", "b"),
        curator(slow).update_actor("a", ActorChanges(name="Alpha Beta AG")),
    )
    assert slow.most_in_flight == 1
    merged = await store.get_nodes(Actor, ["a", "b"])
    assert list(merged) == ["a"] and merged["a"].name == "Alpha Beta AG"
    assert {"Alpha", "Beta e.V."} <= set(merged["a"].aliases), "no operation overwrote another's change"
    entries = (await store.list_nodes(AuditEntry, NodeQuery(limit=10))).items
    assert sorted(e.action for e in entries) == ["merge_actors", "update_actor", "update_actor"]


async def test_a_cancelled_operation_that_has_begun_completes_with_its_audit_entry(store: GraphStore) -> None:
    await two_actors(store)
    slow = SlowWrites(store)
    request = asyncio.create_task(curator(slow).update_actor("a", ActorChanges(name="Alpha AG")))
    await slow.writing.wait()
    request.cancel()
    async with asyncio.timeout(10):
        (outcome,) = await asyncio.gather(request, return_exceptions=True)
    assert isinstance(outcome, asyncio.CancelledError) and slow.written.is_set()
    assert (await store.get_nodes(Actor, ["a"]))["a"].name == "Alpha AG"
    entries = (await store.list_nodes(AuditEntry, NodeQuery(limit=10))).items
    assert [(e.action, e.target) for e in entries] == [("update_actor", "Actor:a")]


# --- the claims themselves (no store) -----------------------------------------------------------------


async def test_a_claim_waits_only_for_claims_that_share_a_node() -> None:
    claims = _Claims()
    order: list[str] = []

    async def hold(name: str, nodes: frozenset[str] | None, seconds: float) -> None:
        async with claims.claim(nodes):
            order.append(f"{name} in")
            await asyncio.sleep(seconds)
            order.append(f"{name} out")

    first = asyncio.create_task(hold("a", frozenset({"Actor:a"}), 0.1))
    await asyncio.sleep(0)
    await asyncio.gather(first, hold("a again", frozenset({"Actor:a"}), 0), hold("b", frozenset({"Actor:b"}), 0))
    assert order == ["a in", "b in", "b out", "a out", "a again in", "a again out"]


async def test_a_claim_of_everything_waits_for_all_and_goes_before_later_claims() -> None:
    claims = _Claims()
    order: list[str] = []

    async def hold(name: str, nodes: frozenset[str] | None, seconds: float) -> None:
        async with claims.claim(nodes):
            order.append(name)
            await asyncio.sleep(seconds)

    first = asyncio.create_task(hold("a", frozenset({"Actor:a"}), 0.1))
    await asyncio.sleep(0)
    everything = asyncio.create_task(hold("everything", None, 0.05))
    await asyncio.sleep(0)
    later = asyncio.create_task(hold("b", frozenset({"Actor:b"}), 0))
    await asyncio.gather(first, everything, later)
    assert order == ["a", "everything", "b"]


async def test_a_claim_cancelled_while_waiting_holds_nothing() -> None:
    claims = _Claims()
    async with claims.claim(frozenset({"Actor:a"})):
        waiting = asyncio.create_task(claims.claim(frozenset({"Actor:a", "Actor:b"})).__aenter__())
        await asyncio.sleep(0.01)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
    async with asyncio.timeout(1), claims.claim(None):
        pass  # nothing is held, nobody waits: even a claim of everything gets its turn at once
