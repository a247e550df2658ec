"""The app starts: it reads the insights projection and runs the common reads at once, and says when it is ready."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from hub.access.roles import Principal, Role
from hub.api import exports, warm_up
from hub.api.app import create_app
from hub.api.context import Context
from hub.api.schema import create_schema
from hub.config import Settings
from hub.insights import engine
from hub.insights.actor_network import NetworkFilter
from hub.insights.network import NetworkAnalysis, analyse_network
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


# --- the warm-up's common reads --------------------------------------------------------------------------------------


async def test_every_warm_up_operation_answers_for_every_role(store: GraphStore) -> None:
    """The operations are checked against the schema here, so a renamed field fails a test, not a start."""
    await build_insight_graph(store)
    app = create_app(Settings(env="development"), store=store)
    projection = await app.state.insights.projection()
    variables = warm_up.variables_for(projection)
    assert variables is not None
    schema = create_schema(app.state.settings)
    state = app.state

    def context_for(principal: Principal) -> Context:
        return Context(store, state.settings, principal, state.pseudonymise, state.insights)

    assert await warm_up.failures(schema, context_for, variables) == []
    # ... and a failure would show: one line naming the role, the operation and the error.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(warm_up, "OPERATIONS", {"broken": "query Broken { spaces { colour } }"})
        patch.setattr(warm_up, "ROLES", (Role.PUBLIC,))
        [failure] = await warm_up.failures(schema, context_for, variables)
    assert failure.startswith("public broken: ") and "colour" in failure


async def test_the_start_computes_the_insights_its_first_clients_ask_for(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await build_insight_graph(store)
    analysed: list[int] = []

    def counted(projection: Projection, network_filter: NetworkFilter) -> NetworkAnalysis:
        analysed.append(projection.version)
        return analyse_network(projection, network_filter=network_filter)

    monkeypatch.setattr(exports, "analyse_network", counted)
    caplog.set_level(logging.INFO, logger="hub.api.warm_up")
    app = create_app(Settings(env="development"), store=store)
    async with app.router.lifespan_context(app):
        await asyncio.wait_for(app.state.warm_up, timeout=60)
        assert analysed, "the warm-up computed the network"
        assert "warm-up: the common reads ran in" in caplog.text and "failed" not in caplog.text
        computed = len(analysed)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http:
            data = await data_of(http, "{ network(first: 5) { summary { nodes } } }")
        assert data["network"]["summary"]["nodes"] > 0
        assert len(analysed) == computed, "the first client's network was computed at start"


async def test_a_warm_up_read_that_fails_is_logged_and_the_server_gets_ready(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await build_insight_graph(store)
    monkeypatch.setitem(warm_up.OPERATIONS, "broken", "query Broken { noSuchField }")
    app = create_app(Settings(env="development"), store=store)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http,
    ):
        await asyncio.wait_for(app.state.warm_up, timeout=60)
        assert (await http.get("/ready")).json()["status"] == "ready"
    assert "warm-up: 3 of its reads failed" in caplog.text and "noSuchField" in caplog.text
