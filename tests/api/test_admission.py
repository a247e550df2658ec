"""Admission: at most HUB_MAX_CONCURRENT_REQUESTS GraphQL operations run at once, the rest wait in order."""

from __future__ import annotations

import asyncio

import pytest

from hub.api.admission import Admission
from hub.config import Settings
from tests.api.support import Seeded, SlowLists, make_client

# --- the gate on its own ----------------------------------------------------------------------------------------


async def _hold(admission: Admission, name: str, entered: list[str], inside: list[int], release: asyncio.Event) -> None:
    async with admission.slot():
        entered.append(name)
        inside[0] += 1
        inside[1] = max(inside[1], inside[0])
        await release.wait()
        inside[0] -= 1


async def _run_six(admission: Admission) -> tuple[list[str], int]:
    """Six holders arriving one after another; returns the order they got in and the most inside at once."""
    entered: list[str] = []
    inside = [0, 0]  # now, most
    release = asyncio.Event()
    tasks = []
    for n in range(6):
        tasks.append(asyncio.create_task(_hold(admission, f"r{n}", entered, inside, release)))
        await asyncio.sleep(0)  # r0 arrives before r1, and so on
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(*tasks)
    return entered, inside[1]


async def test_at_most_limit_hold_a_slot_and_the_others_enter_in_arrival_order() -> None:
    entered, most = await _run_six(Admission(2))
    assert most == 2
    assert entered == [f"r{n}" for n in range(6)]


async def test_limit_zero_admits_everything_at_once() -> None:
    _, most = await _run_six(Admission(0))
    assert most == 6


async def test_a_request_cancelled_while_it_waits_takes_no_slot_with_it() -> None:
    admission = Admission(1)
    release = asyncio.Event()
    entered: list[str] = []
    inside = [0, 0]
    holder = asyncio.create_task(_hold(admission, "holder", entered, inside, release))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(_hold(admission, "waiter", entered, inside, release))
    await asyncio.sleep(0.01)
    waiter.cancel()  # what the time budget does to a request still waiting
    release.set()
    await holder
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert entered == ["holder"]
    async with asyncio.timeout(1):  # the one slot is free again
        async with admission.slot():
            pass


def test_a_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="admission limit"):
        Admission(-1)


# --- through HTTP ---------------------------------------------------------------------------------------------------


QUERY = {"query": "{ events(first: 1) { edges { node { id } } } }"}


async def test_requests_beyond_the_limit_wait_and_are_all_answered(seeded: Seeded) -> None:
    store = SlowLists(seeded.store, delay=0.05)
    settings = Settings(env="development", max_concurrent_requests=2)
    async with make_client(store, settings) as http:  # type: ignore[arg-type]
        responses = await asyncio.gather(*(http.post("/graphql", json=QUERY) for _ in range(6)))
    assert [r.status_code for r in responses] == [200] * 6
    assert all(r.json()["data"]["events"]["edges"] for r in responses)
    assert store.most_running == 2


async def test_without_a_limit_every_request_runs_at_once(seeded: Seeded) -> None:
    store = SlowLists(seeded.store, delay=0.05)
    async with make_client(store, Settings(env="development", max_concurrent_requests=0)) as http:  # type: ignore[arg-type]
        await asyncio.gather(*(http.post("/graphql", json=QUERY) for _ in range(6)))
    assert store.most_running == 6


async def test_the_wait_counts_against_the_time_budget(seeded: Seeded) -> None:
    store = SlowLists(seeded.store, delay=1.0)
    settings = Settings(env="development", max_concurrent_requests=1, request_timeout_s=1.8)
    async with make_client(store, settings) as http:  # type: ignore[arg-type]
        responses = await asyncio.gather(*(http.post("/graphql", json=QUERY) for _ in range(2)))
        # One is admitted and answered within its budget; the other waits at least 1 s for the
        # slot, then needs 1 s more: over its 1.8 s, whatever the machine's speed.
        codes = sorted(r.json()["errors"][0]["extensions"]["code"] if "errors" in r.json() else "OK" for r in responses)
        assert codes == ["OK", "TIMEOUT"]
        store.delay = 0
        again = await http.post("/graphql", json=QUERY)  # the slot was given back
        assert again.status_code == 200 and again.json()["data"]["events"]["edges"]
