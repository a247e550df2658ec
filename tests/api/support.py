"""Helpers of the API tests: the hand-built part of the test graph, the app's HTTP client, requests."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from hub.access.keys import ApiKeys
from hub.access.roles import Role
from hub.api.app import create_app
from hub.config import Settings
from hub.domain import (
    Actor,
    ActorKind,
    Event,
    ImportRun,
    Node,
    Project,
    Relationship,
    RelType,
)
from hub.store.port import GraphStore
from hub.synthetic import SyntheticGraph

#: A word no generated name contains, so search tests see only the hand-built nodes.
SEARCH_WORD = "Zebrafunk"

N = TypeVar("N", bound=Node)


def gid(label: str, node_id: str) -> str:
    """The Relay global id of a node (any text, even lone surrogates, as the injection tests send)."""
    return base64.b64encode(f"{label}:{node_id}".encode("utf-8", "surrogatepass")).decode()


@dataclass
class Seeded:
    """A seeded store and the graph that was written to it (the expected answers come from here)."""

    store: GraphStore
    graph: SyntheticGraph
    extra_nodes: list[Any]
    extra_relationships: list[Relationship]

    @property
    def engine(self) -> str:
        return self.store.engine

    def nodes(self, label: type[N]) -> list[N]:
        """Every node of ``label`` in the store (the generated graph includes the reference data)."""
        return [node for node in [*self.graph.nodes, *self.extra_nodes] if isinstance(node, label)]

    def relationships(self, *types: RelType) -> list[Relationship]:
        return [rel for rel in [*self.graph.relationships, *self.extra_relationships] if rel.type in types]


class SlowLists:
    """A store whose list reads first wait ``delay`` seconds; it counts how many of them overlap."""

    def __init__(self, inner: GraphStore, delay: float = 0.0) -> None:
        self._inner = inner
        self.delay = delay
        self.engine = inner.engine
        self.running = 0
        self.most_running = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def list_nodes(self, *args: Any, **kwargs: Any) -> Any:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await asyncio.sleep(self.delay)
            return await self._inner.list_nodes(*args, **kwargs)
        finally:
            self.running -= 1


def hand_built() -> tuple[list[Any], list[Relationship]]:
    """Nodes the generator does not make: contact details, a winter event, search targets, import runs."""
    person = Actor(
        id="t-person",
        name=f"Erika {SEARCH_WORD}-Muster",
        kind=ActorKind.PERSON,
        email="erika@example.org",
        phone="+49 381 000000",
    )
    company = Actor(
        id="t-company",
        name=SEARCH_WORD,
        kind=ActorKind.COMPANY,
        email="info@zebrafunk.example",
        phone="+49 381 111111",
        home_space_id="diz-rostock",
    )
    project = Project(id="t-project", name=f"{SEARCH_WORD} Nord", description="Funknetz für Häfen")
    winter = Event(
        id="t-winter",
        title=f"Workshop {SEARCH_WORD}",
        start=datetime(2026, 1, 15, 9, 0, tzinfo=UTC),
        end=datetime(2026, 1, 15, 11, 0, tzinfo=UTC),
        timezone="Europe/Berlin",
        location_name="Hafenhaus",
        address="Am Strande 1, Rostock",
    )
    mention = Event(
        id="t-mention",
        title="Netzwerktreffen Hafen",
        keywords=[SEARCH_WORD],
        start=datetime(2026, 7, 1, 16, 0, tzinfo=UTC),
        timezone="+02:00",
    )
    runs = [
        ImportRun(id=f"t-run-{day}", source_key="test-feed", started_at=datetime(2026, 2, day, tzinfo=UTC), status="ok")
        for day in (1, 2, 3)
    ]
    rels = [
        Relationship(type=RelType.HOSTED_BY, start_id="t-winter", end_id="diz-rostock"),
        Relationship(type=RelType.ABOUT, start_id="t-winter", end_id="maritime-wirtschaft"),
        Relationship(type=RelType.ABOUT, start_id="t-winter", end_id="daten"),
        Relationship(type=RelType.PART_OF, start_id="t-winter", end_id="t-project"),
        Relationship(type=RelType.ORGANISES, start_id="t-company", end_id="t-winter"),
        Relationship(type=RelType.PRESENTS_AT, start_id="t-company", end_id="t-winter"),
        Relationship(type=RelType.PRESENTS_AT, start_id="t-person", end_id="t-winter"),
        Relationship(type=RelType.ATTENDS, start_id="t-person", end_id="t-mention"),
        Relationship(type=RelType.HOSTED_BY, start_id="t-mention", end_id="diz-greifswald"),
        Relationship(type=RelType.CONTRIBUTES_TO, start_id="t-company", end_id="t-project"),
        Relationship(type=RelType.ACTIVE_IN, start_id="t-company", end_id="diz-rostock"),
        Relationship(type=RelType.ACTIVE_IN, start_id="t-company", end_id="innovationport-wismar"),
    ]
    return [person, company, project, winter, mention, *runs], rels


@contextlib.asynccontextmanager
async def make_client(
    store: GraphStore, settings: Settings | None = None, role: Role = Role.ADMIN, space_id: str | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the real ASGI app, acting with a real API key of ``role`` (none for public).

    Tests of the graph's content run as admin, who sees everything; what the other roles
    see is tested in tests/api/test_access.py.
    """
    app = create_app(settings or Settings(env="development"), store=store)
    headers = {}
    if role is not Role.PUBLIC:
        issued = await ApiKeys(store).issue(f"tests ({role.value})", role, space_id)
        headers["authorization"] = f"Bearer {issued.token}"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test", headers=headers) as client:
        yield client


async def post_query(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST a GraphQL request and return the JSON body (whatever the status)."""
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.headers["content-type"].startswith("application/"), response.text
    return response.json()


async def data_of(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The data of a request that must succeed."""
    body = await post_query(http, query, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]
