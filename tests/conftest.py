"""Shared fixtures: a store per engine, and one real Neo4j server for the whole run.

Every test that takes the ``store`` fixture runs once per engine.  The Neo4j
server is a real Neo4j 5.26 Community started by ``tools/neo4j_local.py``; if it
cannot start, those tests fail (they are never skipped), because CI must prove
both engines.  ``HUB_TEST_ENGINES=ladybug`` narrows a local run to the embedded
engine; ``HUB_TEST_NEO4J_URI`` (+ ``_USER``/``_PASSWORD``) reuses a running server.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore

ENGINES = [e.strip() for e in os.environ.get("HUB_TEST_ENGINES", "ladybug,neo4j").split(",") if e.strip()]
FEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "feeds"


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Settings() made by tests point at a throwaway data directory, never at the repository's ./data."""
    previous = os.environ.get("HUB_DATA_DIR")
    os.environ["HUB_DATA_DIR"] = str(tmp_path_factory.mktemp("hub-data"))
    yield
    if previous is None:
        os.environ.pop("HUB_DATA_DIR", None)
    else:
        os.environ["HUB_DATA_DIR"] = previous


@dataclass(frozen=True)
class Neo4jEndpoint:
    uri: str
    user: str
    password: str


@pytest.fixture(scope="session")
def neo4j_endpoint() -> Iterator[Neo4jEndpoint]:
    """A real Neo4j for the session: an external one if configured, else one we start."""
    if uri := os.environ.get("HUB_TEST_NEO4J_URI"):
        yield Neo4jEndpoint(uri, os.environ.get("HUB_TEST_NEO4J_USER", "neo4j"), os.environ["HUB_TEST_NEO4J_PASSWORD"])
        return
    from tools.neo4j_local import running_neo4j

    with running_neo4j() as server:
        yield Neo4jEndpoint(server.uri, server.user, server.password)


def engine_params() -> list[object]:
    return [pytest.param(engine, marks=[pytest.mark.neo4j] if engine == "neo4j" else []) for engine in ENGINES]


@pytest.fixture(params=engine_params())
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def make_store(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    """An opened, empty store of the given engine."""
    store: GraphStore
    if engine == "neo4j":
        endpoint: Neo4jEndpoint = request.getfixturevalue("neo4j_endpoint")
        store = Neo4jStore(endpoint.uri, endpoint.user, endpoint.password)
        await store.open()
        await store.clear()
    else:
        store = LadybugStore(tmp_path / "graph.lbdb", buffer_pool_mb=512)
        await store.open()
    return store


@pytest_asyncio.fixture
async def store(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[GraphStore]:
    """An empty store of each engine in turn."""
    opened = await make_store(engine, request, tmp_path)
    try:
        yield opened
    finally:
        await opened.close()
