"""The app starts: it reads the insights projection at once, and says when it is ready."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from hub.api.app import create_app
from hub.config import Settings
from hub.insights import engine
from hub.insights.projection import Projection
from hub.store.port import GraphStore
from tests.api.support import data_of
from tests.insights.support import build_insight_graph


async def test_the_projection_is_read_at_start_and_not_again_for_the_first_query(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_insight_graph(store)
    loads: list[int] = []
    loaded = asyncio.Event()
    real_load = engine.load_projection

    async def counted_load(opened: GraphStore) -> Projection:
        projection = await real_load(opened)
        loads.append(projection.version)
        loaded.set()
        return projection

    monkeypatch.setattr(engine, "load_projection", counted_load)
    app = create_app(Settings(env="development"), store=store)
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(loaded.wait(), timeout=30)  # no request has been made yet
        assert len(loads) == 1
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http:
            data = await data_of(http, "{ crossRegional { actorCount } }")
        assert data["crossRegional"]["actorCount"] > 0
        assert len(loads) == 1, "the first insight query used the projection read at start"


async def test_ready_answers_with_one_small_read_and_503_without_a_store(store: GraphStore) -> None:
    await build_insight_graph(store)
    app = create_app(Settings(env="development"), store=store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http:
        assert (await http.get("/health")).json()["status"] == "ok"
        answer = await http.get("/ready")
        assert answer.status_code == 200
        version = await store.graph_version()
        assert answer.json() == {"status": "ready", "engine": store.engine, "graph_version": version}
        await store.close()  # the store goes away: no longer ready, with the reason
        answer = await http.get("/ready")
        assert answer.status_code == 503
        assert answer.json()["status"] == "unavailable" and "not open" in answer.json()["error"]


async def test_not_ready_until_the_projection_is_read(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    await build_insight_graph(store)
    release = asyncio.Event()
    real_load = engine.load_projection

    async def slow_load(opened: GraphStore) -> Projection:
        await release.wait()  # a large graph takes seconds to read
        return await real_load(opened)

    monkeypatch.setattr(engine, "load_projection", slow_load)
    app = create_app(Settings(env="development"), store=store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http,
    ):
        answer = await http.get("/ready")
        assert answer.status_code == 503 and answer.json() == {"status": "warming up", "engine": store.engine}
        assert (await http.get("/health")).status_code == 200, "alive meanwhile"
        release.set()
        await asyncio.wait_for(app.state.warm_up, timeout=30)
        assert (await http.get("/ready")).json()["status"] == "ready"
