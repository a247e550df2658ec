"""The app reads the insights projection while it starts, so the first visitor does not wait for it."""

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
