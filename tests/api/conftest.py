"""API fixtures: one seeded store per engine and test module, and an HTTP client of the real ASGI app.

Seeding a graph takes seconds per engine, and the API only reads, so each
module seeds once (the root ``store`` fixture is per test and starts empty).
Stores come from ``tests.conftest.make_store``, so both engines run exactly as
in the contract suite, Neo4j included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from hub.reference import ensure_reference_data
from hub.store.port import GraphStore
from hub.synthetic import generate_graph
from tests.api.support import Seeded, hand_built, make_client
from tests.conftest import engine_params, make_store
from tests.insights.support import build_insight_graph


@pytest_asyncio.fixture(scope="module", params=engine_params())
async def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Seeded]:
    """A store of each engine in turn, holding a generated graph plus the hand-built nodes."""
    store = await make_store(str(request.param), request, tmp_path_factory.mktemp("api"))
    graph = generate_graph(actors=150, events=300, seed=5)
    nodes, rels = hand_built()
    try:
        await ensure_reference_data(store)
        await graph.write_to(store)
        await store.upsert_nodes(nodes)
        await store.upsert_relationships(rels)
        yield Seeded(store, graph, nodes, rels)
    finally:
        await store.close()


@pytest_asyncio.fixture
async def client(seeded: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(seeded.store) as http:
        yield http


@pytest_asyncio.fixture(scope="module", params=engine_params())
async def insight_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[GraphStore]:
    """The hand-built insight graph (tests/insights/support.py) in each engine in turn, written once per module."""
    store = await make_store(str(request.param), request, tmp_path_factory.mktemp("insights"))
    try:
        await build_insight_graph(store)
        yield store
    finally:
        await store.close()
