"""Load test: concurrent clients mixing reads and curation against ``hub serve``, on each engine.

    make load-test                                            # both engines, 50 clients, 2 minutes each
    python -m bench.load_test --seconds 15 --clients 10       # a quick smoke
    python -m bench.load_test --engines neo4j --max-requests 5000 --actors 2000
    python -m bench.load_test --reads-only                    # the same clients, without mutations
    python -m bench.load_test --server-setting HUB_MAX_CONCURRENT_REQUESTS=0   # the server without admission limit

Per engine, a generated graph (``hub.synthetic``, 3,000 actors / 10,000 events by
default) is written into a fresh store, and API keys are issued on that store with
:class:`hub.access.keys.ApiKeys` before the server opens it (the embedded store
belongs to one process at a time, so this process closes it first): one key per
client that is not public, and one admin key for the verification.  Neo4j is our own
throwaway 5.26 server from ``tools.neo4j_local`` on a free loopback port.

Then ``hub serve`` runs as deployed (its own process, uvicorn, ``HUB_ENV=production``)
on a free 127.0.0.1 port with the rate limit **off** (``HUB_RATE_LIMIT_PER_MINUTE=0``;
``--rate-limit N`` turns it on, and 429s are counted apart).  ``--clients`` (50)
closed-loop async httpx clients, each with its own keep-alive connection and no think
time, send requests for ``--seconds`` (120), at most ``--max-requests`` in all, each
answered within ``--request-timeout`` or counted as a transport failure:

* 30 % write: coordinators (keys for every centre, round robin) and admins (a fifth
  of the writers).  About 40 % of their requests are mutations: ``updateActor`` (name
  and alias carrying the client and a sequence number) on actors the client alone
  owns (active in its coordinator's centre), ``setEventThemes`` on events it alone
  owns (hosted by that centre), ``createProject`` with a name unique per client and
  request, ``updateProject`` (admins, on their own projects), and coordinators' updates
  of actors outside their centre, which must not be acknowledged (but refused,
  FORBIDDEN);
* the others read: public clients (lists, three-level nesting, search, node lookups,
  projects, partners, centre profiles), researchers (network, actor paths,
  collaboration), ministry (activity, trends, collaboration, centre profiles).

Every mutation is journalled as acknowledged (HTTP 200, no errors), refused (a client
error: nothing may have changed) or unknown (5xx, timeout, transport error).
Afterwards, while the server still runs, the admin key reads back every owned actor
and event, every project and the whole audit log (paged, newest first); then the
server stops, the store is reopened, and the same is read straight from the store (so
acknowledged writes must also survive a restart).  Checked, both times: each owned
actor and event holds exactly its last acknowledged write (or, where a later write's
outcome is unknown, that write's value: never a mix, never an older one); every
acknowledged ``createProject`` exists exactly once, none refused exists; the audit log
holds exactly one entry per acknowledged mutation (by action, target and key), and one
for each unacknowledged change that took effect; actors outside a coordinator's
centre are unchanged.  In the reopened store, every node no client owned is as
generated (no write strayed).  Checked on the traffic: no 5xx, no
``INTERNAL_SERVER_ERROR``, no transport failures, no unexpected GraphQL errors, no
429 with the limit off, no errors in the server's log.

Reported per engine: requests and requests/s, HTTP statuses, p50/p95/p99 latency of
reads and of writes (and per operation, and per 15 s of sending, where a cold start
shows), peak resident memory of ``hub serve`` (and of the Neo4j JVM): the kernel's
high-water mark ``VmHWM``, with ``VmRSS`` sampled meanwhile.  The exit status is 1
when any check fails.  The load generator shares the machine with the server, so
latencies include its own CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

import httpx

from bench.cli import bench_parser
from bench.graphql_queries import Served, print_progress, served
from hub.access.keys import ApiKeys
from hub.access.roles import Role
from hub.domain import Actor, AuditEntry, Event, Project, RelType, Space, Theme
from hub.reference import ensure_reference_data
from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore, NodeQuery
from hub.synthetic import SyntheticGraph, generate_graph
from tools.neo4j_local import Neo4jServer, free_port, running_neo4j

Json = dict[str, Any]
ACKED, REFUSED, UNKNOWN = "acknowledged", "refused", "unknown"
#: Codes of errors that happen before a mutation changes anything: the client's mistake or its rights.
REFUSAL_CODES = frozenset({"FORBIDDEN", "BAD_USER_INPUT", "RATE_LIMITED", "UNAUTHENTICATED"})
MEDIA_TYPE = "application/graphql-response+json"
WRITER_SHARE = 0.3
PROJECT_PREFIX = "Lasttest"
ELSEWHERE = "updateActor (other centre)"  # the operation whose FORBIDDEN answers are expected
FOREIGN_ACTORS = 5  # per coordinator: actors of other centres it tries (and must fail) to change
TIMELINE_WINDOW_S = 15.0  # the report's rows over time


def cursor(offset: int) -> str:
    """The API's cursor of the item at ``offset`` (its cursors are offsets, see hub.api.pagination)."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def gid(label: str, node_id: str) -> str:
    return base64.b64encode(f"{label}:{node_id}".encode()).decode()


def raw(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the plan: who the clients are and what each one owns ----------------------------------------------


@dataclass
class Catalogue:
    """What clients pick from, taken from the generated graph (organisations only)."""

    spaces: list[str]
    themes: list[str]
    actors: dict[str, tuple[str, tuple[str, ...]]]  # organisation id -> (name, aliases) as generated
    everyone: dict[str, tuple[str, tuple[str, ...]]]  # the same for every actor, people too
    actor_spaces: dict[str, set[str]]  # organisation id -> centres it belongs to (active in, or home)
    event_space: dict[str, str]
    event_themes: dict[str, frozenset[str]]
    words: list[str]

    @classmethod
    def of(cls, graph: SyntheticGraph) -> Catalogue:
        organisations = [n for n in graph.nodes if isinstance(n, Actor) and not n.is_person]
        actor_spaces = {a.id: {a.home_space_id} - {None} for a in organisations}
        event_space: dict[str, str] = {}
        event_themes: dict[str, set[str]] = {n.id: set() for n in graph.nodes if isinstance(n, Event)}
        for rel in graph.relationships:
            if rel.type is RelType.ACTIVE_IN and rel.start_id in actor_spaces:
                actor_spaces[rel.start_id].add(rel.end_id)
            elif rel.type is RelType.HOSTED_BY:
                event_space[rel.start_id] = rel.end_id
            elif rel.type is RelType.ABOUT:
                event_themes[rel.start_id].add(rel.end_id)
        words = Counter(w.lower() for a in organisations for w in a.name.split() if len(w) >= 5 and w.isalpha())
        return cls(
            spaces=sorted(n.id for n in graph.nodes if isinstance(n, Space)),
            themes=sorted(n.id for n in graph.nodes if isinstance(n, Theme)),
            actors={a.id: (a.name, tuple(a.aliases)) for a in organisations},
            everyone={a.id: (a.name, tuple(a.aliases)) for a in graph.nodes if isinstance(a, Actor)},
            actor_spaces=actor_spaces,  # type: ignore[arg-type]
            event_space=event_space,
            event_themes={e: frozenset(t) for e, t in event_themes.items()},
            words=[w for w, _ in words.most_common(40)],
        )


@dataclass
class Client:
    index: int
    role: Role
    space: str | None = None  # a coordinator's centre
    token: str | None = None
    key_id: str | None = None
    actors: list[str] = field(default_factory=list)  # owned: only this client changes them
    events: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # outside its centre: its updates must be refused

    @property
    def name(self) -> str:
        return f"load test {self.role.value} {self.index}"


def client_roles(count: int) -> list[Role]:
    """A fifth of the writers admins, the rest coordinators; readers a quarter each researchers and ministry."""
    writers = max(2, round(count * WRITER_SHARE))
    admins = max(1, writers // 5)
    readers = count - writers
    roles = [Role.ADMIN] * admins + [Role.COORDINATOR] * (writers - admins)
    roles += [Role.RESEARCHER] * (readers // 4) + [Role.MINISTRY] * (readers // 4)
    return roles + [Role.PUBLIC] * (count - len(roles))


def plan_clients(count: int, catalogue: Catalogue, owned: int, seed: int) -> list[Client]:
    rng = Random(seed)
    clients = [Client(i, role) for i, role in enumerate(client_roles(count))]
    coordinators = [c for c in clients if c.role is Role.COORDINATOR]
    for n, client in enumerate(coordinators):
        client.space = catalogue.spaces[n % len(catalogue.spaces)]
    taken: set[str] = set()

    def take(candidates: Iterable[str], n: int) -> list[str]:
        pool = sorted(set(candidates) - taken)
        chosen = rng.sample(pool, min(n, len(pool)))
        taken.update(chosen)
        return chosen

    for client in coordinators:
        client.actors = take((a for a, s in catalogue.actor_spaces.items() if client.space in s), owned)
        client.events = take((e for e, s in catalogue.event_space.items() if s == client.space), owned)
    for client in (c for c in clients if c.role is Role.ADMIN):
        client.actors, client.events = take(catalogue.actors, owned), take(catalogue.event_space, owned)
    for client in coordinators:
        elsewhere = (a for a, s in catalogue.actor_spaces.items() if client.space not in s)
        client.foreign = take(elsewhere, FOREIGN_ACTORS)
    if any(c.role in (Role.COORDINATOR, Role.ADMIN) and not (c.actors and c.events) for c in clients):
        raise SystemExit("the graph is too small: a writing client owns no actor or no event (more --actors)")
    return clients


async def issue_keys(store: GraphStore, clients: Sequence[Client]) -> str:
    """A key per client that is not public; returns the verifier's admin key."""
    keys = ApiKeys(store)
    for client in clients:
        if client.role is not Role.PUBLIC:
            issued = await keys.issue(client.name, client.role, client.space)
            client.token, client.key_id = issued.token, issued.key.id
    return (await keys.issue("load test verifier", Role.ADMIN)).token


# --- the requests -------------------------------------------------------------------------------------------

READS = {
    "events": """query Events($spaces: [ID!], $after: String) {
  events(first: 20, after: $after, filter: {spaces: $spaces}, orderBy: {field: START}) {
    totalCount edges { node { id title start status space { name } } } } }""",
    "nested": """query Nested($after: String) {
  events(first: 10, after: $after) { edges { node { id title
    participants { role actor { id name events(first: 3) { edges { node { id title } } } } }
    themes { id label } space { id name } } } } }""",
    "search": """query Search($text: String!) {
  search(text: $text, first: 10) { score node { __typename
    ... on Actor { id name kind } ... on Event { id title } ... on Project { id name } } } }""",
    "actor": """query Actor($id: ID!) {
  node(id: $id) { ... on Actor { id name kind aliases
    events(first: 5) { totalCount edges { node { id title } } } } } }""",
    "event": """query Event($id: ID!) {
  node(id: $id) { ... on Event { id title localStart themes { label } participants { role actor { name } } } } }""",
    "actors": """query Actors($spaces: [ID!]) {
  actors(first: 20, filter: {spaces: $spaces}, orderBy: {field: NAME}) {
    totalCount edges { node { id name kind } } } }""",
    "projects": """query Projects {
  projects(first: 20) { totalCount edges { node { id name events(first: 3) { totalCount } } } } }""",
    "partners": """query Partners($actor: ID!) {
  partners(actor: $actor, first: 5) { score reasons actor { id name } spaces { name } } }""",
    "spaceProfile": """query Profile($space: ID!) {
  spaceProfile(space: $space) { events actors firstEvent lastEvent topThemes { events } topPartners { events } } }""",
    "network": """query Network {
  network(first: 20) { summary { nodes edges communities modularity } nodes { name degree pagerank community } } }""",
    "actorPath": """query Path($from: ID!, $to: ID!) {
  actorPath(from: $from, to: $to) { length reason hops { from { name } to { name } } } }""",
    "activity": """query Activity($spaces: [ID!]) {
  activity(granularity: QUARTER, filter: {spaces: $spaces}) {
    periods spaceTotals { period events actors newActors } } }""",
    "trends": """query Trends {
  trends(granularity: MONTH, by: THEME) { key period value change } }""",
    "collaboration": """query Collaboration {
  collaboration { label sharedActors sharedProjects sharedEvents weight } }""",
    "viewer": "query Viewer { viewer { role keyId centre { name } } }",
    "auditLog": "query Audit { auditLog(first: 20) { totalCount edges { node { at who action target } } } }",
}
UPDATE_ACTOR = """mutation Update($id: ID!, $name: String!, $aliases: [String!]!) {
  updateActor(id: $id, name: $name, aliases: $aliases) { id name aliases } }"""
SET_THEMES = """mutation Themes($id: ID!, $themes: [ID!]!) {
  setEventThemes(id: $id, themes: $themes) { id themes { id } } }"""
CREATE_PROJECT = """mutation Create($name: String!, $description: String!) {
  createProject(name: $name, description: $description) { id name } }"""
UPDATE_PROJECT = """mutation UpdateProject($id: ID!, $description: String!) {
  updateProject(id: $id, description: $description) { id description } }"""


@dataclass(frozen=True)
class Call:
    op: str
    write: bool
    status: int  # 0: no HTTP answer (transport error or client timeout)
    seconds: float
    codes: tuple[str, ...]
    began: float = 0.0  # time.perf_counter() when it was sent


@dataclass(frozen=True)
class Write:
    """One mutation sent, with what it sets and how it ended; ``target`` is ``Label:id`` as the audit log names it."""

    action: str
    target: str | None
    value: Any
    outcome: str
    key_id: str | None
    codes: tuple[str, ...] = ()


@dataclass
class Journal:
    calls: list[Call] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    overran: bool = False


class Budget:
    """How many more requests may start, and until when."""

    def __init__(self, seconds: float, requests: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.left = requests

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


def codes_of(body: Any) -> tuple[str, ...]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return tuple(str((e.get("extensions") or {}).get("code")) for e in errors or [] if isinstance(e, dict))


def outcome_of(status: int, body: Any, field_name: str) -> str:
    codes = codes_of(body)
    data = body.get("data") if isinstance(body, dict) else None
    if status == 200 and not codes and isinstance(data, dict) and data.get(field_name) is not None:
        return ACKED
    if status == 429 or (0 < status < 500 and codes and set(codes) <= REFUSAL_CODES):
        return REFUSED
    return UNKNOWN


@dataclass
class Session:
    """One client's connection, its random choices and its sequence of requests."""

    http: httpx.AsyncClient
    client: Client
    catalogue: Catalogue
    journal: Journal
    rng: Random
    engine: str
    seq: int = 0
    projects: list[str] = field(default_factory=list)  # projects this client created (acknowledged)

    def next(self) -> int:
        self.seq += 1
        return self.seq

    async def send(self, op: str, write: bool, query: str, variables: Json) -> tuple[int, Any]:
        began = time.perf_counter()
        try:
            response = await self.http.post(
                "/graphql", json={"query": query, "variables": variables}, headers={"accept": MEDIA_TYPE}
            )
            status, body = response.status_code, _json(response)
        except httpx.HTTPError:
            status, body = 0, None
        self.journal.calls.append(Call(op, write, status, time.perf_counter() - began, codes_of(body), began))
        return status, body

    def record(self, action: str, target: str | None, value: Any, status: int, body: Any, field_name: str) -> str:
        outcome = outcome_of(status, body, field_name)
        self.journal.writes.append(Write(action, target, value, outcome, self.client.key_id, codes_of(body)))
        return outcome

    # what reads pick

    def some_spaces(self) -> list[str]:
        if self.client.space:
            return [gid("Space", self.client.space)]
        return [gid("Space", s) for s in self.rng.sample(self.catalogue.spaces, self.rng.randint(1, 2))]

    def some_actor(self) -> str:
        if self.client.actors and self.rng.random() < 0.5:
            return gid("Actor", self.rng.choice(self.client.actors))
        return gid("Actor", self.rng.choice(list(self.catalogue.actors)))


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def read_variables(name: str, s: Session) -> Json:
    page = {"after": cursor(s.rng.randrange(0, 200)) if s.rng.random() < 0.5 else None}
    match name:
        case "events":
            return {"spaces": s.some_spaces(), **page}
        case "nested":
            return page
        case "search":
            return {"text": s.rng.choice(s.catalogue.words)}
        case "actor" | "partners":
            return {"id": s.some_actor()} if name == "actor" else {"actor": s.some_actor()}
        case "event":
            return {"id": gid("Event", s.rng.choice(list(s.catalogue.event_space)))}
        case "actors" | "activity":
            return {"spaces": s.some_spaces()}
        case "spaceProfile":
            return {"space": s.some_spaces()[0]}
        case "actorPath":
            return {"from": s.some_actor(), "to": s.some_actor()}
    return {}


async def read(s: Session, name: str) -> None:
    await s.send(name, False, READS[name], read_variables(name, s))


async def update_actor(s: Session) -> None:
    actor, seq = s.rng.choice(s.client.actors), s.next()
    value = (f"{s.catalogue.actors[actor][0]} [lt {s.client.index}.{seq}]", (f"lt-{s.client.index}-{seq}",))
    variables = {"id": gid("Actor", actor), "name": value[0], "aliases": list(value[1])}
    status, body = await s.send("updateActor", True, UPDATE_ACTOR, variables)
    s.record("update_actor", f"Actor:{actor}", value, status, body, "updateActor")


async def update_elsewhere(s: Session) -> None:
    actor, seq = s.rng.choice(s.client.foreign), s.next()
    value = (f"{s.catalogue.actors[actor][0]} [refused {s.client.index}.{seq}]", (f"refused-{seq}",))
    variables = {"id": gid("Actor", actor), "name": value[0], "aliases": list(value[1])}
    status, body = await s.send(ELSEWHERE, True, UPDATE_ACTOR, variables)
    s.record("update_actor", f"Actor:{actor}", value, status, body, "updateActor")


async def set_event_themes(s: Session) -> None:
    event = s.rng.choice(s.client.events)
    themes = frozenset(s.rng.sample(s.catalogue.themes, s.rng.randint(1, 3)))
    variables = {"id": gid("Event", event), "themes": [gid("Theme", t) for t in sorted(themes)]}
    status, body = await s.send("setEventThemes", True, SET_THEMES, variables)
    s.record("set_event_themes", f"Event:{event}", themes, status, body, "setEventThemes")


async def create_project(s: Session) -> None:
    seq = s.next()
    name = f"{PROJECT_PREFIX} {s.engine} c{s.client.index} n{seq}"
    description = f"created by load test client {s.client.index}, request {seq}"
    status, body = await s.send("createProject", True, CREATE_PROJECT, {"name": name, "description": description})
    target = None
    if outcome_of(status, body, "createProject") == ACKED:
        project = raw(body["data"]["createProject"]["id"])
        s.projects.append(project)
        target = f"Project:{project}"
    s.record("create_project", target, (name, description), status, body, "createProject")


async def update_project(s: Session) -> None:
    if not s.projects:
        await create_project(s)
        return
    project, seq = s.rng.choice(s.projects), s.next()
    description = f"updated by load test client {s.client.index}, request {seq}"
    variables = {"id": gid("Project", project), "description": description}
    status, body = await s.send("updateProject", True, UPDATE_PROJECT, variables)
    s.record("update_project", f"Project:{project}", description, status, body, "updateProject")


Operation = Callable[[Session], Awaitable[None]]


def reads(weights: dict[str, int]) -> list[tuple[int, Operation]]:
    return [(w, lambda s, name=name: read(s, name)) for name, w in weights.items()]


#: What each role does, with weights (per 100 requests).
MIX: dict[Role, list[tuple[int, Operation]]] = {
    Role.PUBLIC: reads(
        {"events": 20, "nested": 10, "search": 20, "actor": 15, "event": 10, "actors": 10, "projects": 5}
        | {"partners": 5, "spaceProfile": 5}
    ),
    Role.RESEARCHER: reads(
        {"search": 15, "actor": 15, "network": 10, "actorPath": 10, "nested": 15, "events": 20, "collaboration": 15}
    ),
    Role.MINISTRY: reads(
        {"activity": 25, "trends": 15, "collaboration": 15, "spaceProfile": 15, "events": 15, "search": 15}
    ),
    Role.COORDINATOR: [
        *reads({"events": 12, "actors": 10, "actor": 14, "partners": 8, "viewer": 4, "search": 12}),
        *[(14, update_actor), (12, set_event_themes), (10, create_project), (4, update_elsewhere)],
    ],
    Role.ADMIN: [
        *reads({"auditLog": 12, "events": 12, "nested": 10, "actor": 12, "search": 14}),
        *[(12, update_actor), (12, set_event_themes), (8, create_project), (8, update_project)],
    ],
}


WRITE_OPERATIONS = frozenset({update_actor, update_elsewhere, set_event_themes, create_project, update_project})


@dataclass
class Load:
    """What all clients of one engine's run share."""

    url: str
    engine: str
    catalogue: Catalogue
    budget: Budget
    journal: Journal
    timeout: float
    seed: int
    reads_only: bool = False


async def client_loop(client: Client, load: Load) -> None:
    """One client: its own keep-alive connection, requests one after another, no think time."""
    headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(
        base_url=load.url, headers=headers, limits=limits, timeout=load.timeout, trust_env=False
    ) as http:
        rng = Random(load.seed * 1000 + client.index)
        session = Session(http, client, load.catalogue, load.journal, rng, load.engine)
        mix = [(w, op) for w, op in MIX[client.role] if not (load.reads_only and op in WRITE_OPERATIONS)]
        weights, operations = zip(*mix, strict=True)
        while load.budget.take():
            await rng.choices(operations, weights)[0](session)


async def report_progress(journal: Journal, began: float, every: float = 15.0) -> None:
    while True:
        await asyncio.sleep(every)
        elapsed = time.perf_counter() - began
        statuses = Counter(c.status for c in journal.calls)
        shown = ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items()))
        print(f"  {elapsed:.0f} s: {len(journal.calls):,} requests ({len(journal.calls) / elapsed:.0f}/s; {shown})")


async def run_load(
    url: str, clients: Sequence[Client], catalogue: Catalogue, args: argparse.Namespace, engine: str
) -> tuple[Journal, float]:
    """All clients until the time or the request budget is spent; a hard bound cancels stragglers."""
    journal, budget = Journal(), Budget(args.seconds, args.max_requests)
    load = Load(url, engine, catalogue, budget, journal, args.request_timeout, args.seed, args.reads_only)
    began = time.perf_counter()
    progress = asyncio.create_task(report_progress(journal, began))
    try:
        async with asyncio.timeout(args.seconds + args.request_timeout + 30):
            await asyncio.gather(*(client_loop(c, load) for c in clients))
    except TimeoutError:
        journal.overran = True
    finally:
        progress.cancel()
    return journal, time.perf_counter() - began


# --- reading back what the graph holds ------------------------------------------------------------------------


@dataclass
class Observed:
    actors: dict[str, tuple[str, tuple[str, ...]] | None]
    themes: dict[str, frozenset[str]]
    projects: list[tuple[str, str, str]]  # id, name, description
    audit: list[tuple[str, str, str | None]]  # action, target, key id
    audit_total: int


NODES = """query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Actor { id name aliases } ... on Event { id themes { id } } } }"""
ALL_PROJECTS = """query Projects($after: String) {
  projects(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name description } } } }"""
ALL_AUDIT = """query Audit($after: String) {
  auditLog(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { action target who } } } }"""
_KEY = re.compile(r"^key ([0-9a-f]{12}) ")


def key_of(who: str) -> str | None:
    match = _KEY.match(who)
    return match.group(1) if match else None


async def ask(http: httpx.AsyncClient, query: str, variables: Json) -> Json:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    body = _json(response)
    if response.status_code != 200 or not isinstance(body, dict) or body.get("errors"):
        raise RuntimeError(f"HTTP {response.status_code}: {body}")
    return body["data"]


async def all_pages(http: httpx.AsyncClient, query: str, field_name: str) -> tuple[list[Json], int]:
    nodes, after, total = [], None, 0
    while True:
        page = (await ask(http, query, {"after": after}))[field_name]
        nodes += [edge["node"] for edge in page["edges"]]
        total = page.get("totalCount", len(nodes))
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = page["pageInfo"]["endCursor"]


async def observe_api(url: str, token: str, actor_ids: Sequence[str], event_ids: Sequence[str]) -> Observed:
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120.0, trust_env=False) as http:
        ids = [gid("Actor", a) for a in actor_ids] + [gid("Event", e) for e in event_ids]
        found: list[Json] = []
        for part in chunks(ids, 100):
            found += [n for n in (await ask(http, NODES, {"ids": list(part)}))["nodes"] if n]
        projects, _ = await all_pages(http, ALL_PROJECTS, "projects")
        audit, total = await all_pages(http, ALL_AUDIT, "auditLog")
    actors = dict.fromkeys(actor_ids) | {raw(n["id"]): (n["name"], tuple(n["aliases"])) for n in found if "name" in n}
    themes = {raw(n["id"]): frozenset(raw(t["id"]) for t in n["themes"]) for n in found if "themes" in n}
    return Observed(
        actors,
        dict.fromkeys(event_ids, frozenset()) | themes,
        [(raw(p["id"]), p["name"], p["description"]) for p in projects],
        [(e["action"], e["target"], key_of(e["who"])) for e in audit],
        total,
    )


async def stored_actors(store: GraphStore, actor_ids: Sequence[str]) -> dict[str, Any]:
    found = await store.get_nodes(Actor, actor_ids)
    return {a: (found[a].name, tuple(found[a].aliases)) if a in found else None for a in actor_ids}


async def stored_themes(store: GraphStore, event_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    themes: dict[str, set[str]] = defaultdict(set)
    for part in chunks(event_ids, 500):
        for n in await store.neighbours(Event, list(part), [RelType.ABOUT], "out"):
            themes[n.node_id].add(n.other_id)
    return {e: frozenset(themes.get(e, ())) for e in event_ids}


async def observe_store(store: GraphStore, actor_ids: Sequence[str], event_ids: Sequence[str]) -> Observed:
    projects = await store.list_nodes(Project, NodeQuery(limit=1_000_000))
    audit = await store.list_nodes(AuditEntry, NodeQuery(order_by="at", descending=True, limit=1_000_000))
    return Observed(
        await stored_actors(store, actor_ids),
        await stored_themes(store, event_ids),
        [(p.id, p.name, p.description) for p in projects.items],
        [(e.action, e.target, key_of(e.who)) for e in audit.items],
        audit.total,
    )


# --- the checks ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def possible_states(writes: Iterable[Write], original: Any) -> tuple[Any, set[Any]]:
    """The state after the last acknowledged write, and every state an unknown outcome since then may have left."""
    state, possible = original, {original}
    for write in writes:
        if write.outcome == ACKED:
            state, possible = write.value, {write.value}
        elif write.outcome == UNKNOWN:
            possible.add(write.value)
    return state, possible


def _by_target(writes: Iterable[Write]) -> dict[str, list[Write]]:
    by_target: dict[str, list[Write]] = defaultdict(list)
    for write in writes:
        by_target[write.target or ""].append(write)
    return by_target


def took_effect(
    writes: Sequence[Write], originals: dict[str, Any], observed: dict[str, Any], label: str
) -> list[Write]:
    """Writes of unknown outcome whose value a node holds now, instead of its last acknowledged state."""
    by_target, found = _by_target(writes), []
    for node_id, original in originals.items():
        mine = by_target.get(f"{label}:{node_id}", [])
        held = observed.get(node_id)
        if held != possible_states(mine, original)[0]:
            found += [w for w in mine if w.outcome == UNKNOWN and w.value == held][-1:]
    return found


def compare_states(
    what: str, writes: Sequence[Write], originals: dict[str, Any], observed: dict[str, Any], label: str
) -> Check:
    by_target = _by_target(writes)
    wrong, uncertain = [], 0
    for node_id, original in originals.items():
        state, possible = possible_states(by_target.get(f"{label}:{node_id}", []), original)
        if observed.get(node_id) != state:
            if observed.get(node_id) in possible:
                uncertain += 1
            else:
                wrong.append(f"{node_id}: holds {observed.get(node_id)!r}, last acknowledged {state!r}")
    detail = f"{len(originals) - len(wrong) - uncertain}/{len(originals)} as last acknowledged"
    detail += f", {uncertain} as left by a write of unknown outcome" if uncertain else ""
    return Check(what, not wrong, "; ".join([detail, *wrong[:3]]))


def of_action(journal: Journal, action: str) -> list[Write]:
    return [w for w in journal.writes if w.action == action]


def state_checks(journal: Journal, clients: Sequence[Client], catalogue: Catalogue, seen: Observed) -> list[Check]:
    owned_actors = {a: catalogue.actors[a] for c in clients for a in c.actors}
    foreign = {a: catalogue.actors[a] for c in clients for a in c.foreign}
    events = {e: catalogue.event_themes[e] for c in clients for e in c.events}
    updates, themes = of_action(journal, "update_actor"), of_action(journal, "set_event_themes")
    elsewhere = [w for w in updates if w.target and w.target.removeprefix("Actor:") in foreign]
    # Refused outright, or never answered (then counted among the 5xx); never acknowledged.
    wrongly = [w for w in elsewhere if w.outcome == ACKED or (w.outcome == REFUSED and w.codes != ("FORBIDDEN",))]
    unanswered = sum(w.outcome == UNKNOWN for w in elsewhere)
    applied = took_effect(updates, owned_actors, seen.actors, "Actor") + took_effect(
        themes, events, seen.themes, "Event"
    )
    return [
        compare_states("owned actors hold their last acknowledged update", updates, owned_actors, seen.actors, "Actor"),
        compare_states("owned events hold their last acknowledged themes", themes, events, seen.themes, "Event"),
        compare_states("actors of other centres unchanged", elsewhere, foreign, seen.actors, "Actor"),
        Check(
            "updates outside the coordinator's centre refused (FORBIDDEN)",
            not wrongly,
            f"{len(elsewhere) - len(wrongly) - unanswered}/{len(elsewhere)} refused, {unanswered} unanswered"
            + (f"; e.g. {wrongly[0]}" if wrongly else ""),
        ),
        *project_checks(journal, seen, applied),
    ]


def project_checks(journal: Journal, seen: Observed, applied: list[Write]) -> list[Check]:
    """Created projects, updated descriptions, and the audit log (given the other writes that took effect unasked)."""
    creates = of_action(journal, "create_project")
    stored = Counter(name for _, name, _ in seen.projects if name.startswith(PROJECT_PREFIX))
    ids = {project_id for project_id, _, _ in seen.projects}
    outcome = {w.value[0]: w.outcome for w in creates}
    lost = [w.value[0] for w in creates if w.outcome == ACKED and (not stored[w.value[0]] or _id(w) not in ids)]
    duplicated = [name for name, n in stored.items() if n > 1]
    stray = [n for n in stored if outcome.get(n) not in (ACKED, UNKNOWN)]
    acked = sum(w.outcome == ACKED for w in creates)
    problems = [f"{label}: {names[:3]}" for label, names in (("lost", lost), ("duplicated", duplicated)) if names]
    problems += [f"refused or never sent but stored: {stray[:3]}"] if stray else []
    descriptions = {_id(w): w.value[1] for w in creates if w.outcome == ACKED}
    updates = of_action(journal, "update_project")
    held = {project_id: description for project_id, _, description in seen.projects}
    stored_ids = {name: project_id for project_id, name, _ in seen.projects}
    applied = applied + took_effect(updates, descriptions, held, "Project")
    applied += [
        Write(w.action, f"Project:{stored_ids[w.value[0]]}", w.value, w.outcome, w.key_id)
        for w in creates
        if w.outcome == UNKNOWN and w.value[0] in stored_ids
    ]
    return [
        Check(
            "acknowledged createProject stored exactly once, no duplicates",
            not problems,
            "; ".join([f"{acked} acknowledged, {sum(stored.values())} stored", *problems]),
        ),
        compare_states("projects hold their last acknowledged description", updates, descriptions, held, "Project"),
        audit_check(journal, seen, applied),
    ]


def _id(write: Write) -> str:
    return (write.target or "").split(":", 1)[-1]


def audit_check(journal: Journal, seen: Observed, applied: Sequence[Write]) -> Check:
    """Exactly one entry per acknowledged mutation (action, target, key); extras only for unknown outcomes.

    ``applied``: writes of unknown outcome that took effect; each of them must have its entry too.
    """
    expected = Counter((w.action, w.target, w.key_id) for w in journal.writes if w.outcome == ACKED)
    found = Counter(seen.audit)
    missing, extra = expected - found, found - expected
    unknown = Counter((w.action, w.key_id) for w in journal.writes if w.outcome == UNKNOWN)
    unexplained = Counter((action, key) for action, _, key in extra.elements()) - unknown
    per_action = Counter(action for action, _, _ in expected.elements())
    found_per_action = Counter(action for action, _, _ in found.elements())
    actions = sorted(set(per_action) | set(found_per_action))
    detail = ", ".join(f"{a} {found_per_action[a]}/{per_action[a]}" for a in actions)
    if seen.audit_total != len(seen.audit):
        detail += f"; totalCount {seen.audit_total} but {len(seen.audit)} entries paged"
    if missing:
        detail += f"; missing {sum(missing.values())}, e.g. {next(iter(missing))}"
    if extra:
        detail += f"; {sum(extra.values())} more than acknowledged, e.g. {next(iter(extra))}"
    unaudited = [
        w for w in applied if found[(w.action, w.target, w.key_id)] <= expected[(w.action, w.target, w.key_id)]
    ]
    if unaudited:
        detail += f"; {len(unaudited)} unacknowledged changes took effect without an entry, e.g. {unaudited[0].target}"
    ok = not missing and not unexplained and not unaudited and seen.audit_total == len(seen.audit)
    return Check("audit log: one entry per acknowledged mutation", ok, f"entries/acknowledged: {detail}")


def traffic_checks(journal: Journal, args: argparse.Namespace, server_log: Path) -> list[Check]:
    statuses = Counter(c.status for c in journal.calls)
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    internal = sum(c.codes.count("INTERNAL_SERVER_ERROR") for c in journal.calls)
    unexpected = Counter(
        (c.op, code) for c in journal.calls for code in c.codes if not (c.op == ELSEWHERE and code == "FORBIDDEN")
    )
    log_errors = [line for line in server_log.read_text(errors="replace").splitlines() if _is_error(line)]
    checks = [
        Check("no 5xx responses", not server_errors, f"{server_errors} responses >= 500"),
        Check("no INTERNAL_SERVER_ERROR", not internal, f"{internal} errors with that code"),
        Check("every request answered (no transport error or client timeout)", not statuses[0], f"{statuses[0]}"),
        Check("no unexpected GraphQL errors", not unexpected, _counts(unexpected)),
        Check("bounded: stopped in time", not journal.overran and len(journal.calls) <= args.max_requests, ""),
        Check("server log without errors", not log_errors, f"{len(log_errors)}" + "".join(log_errors[:1])),
    ]
    if args.rate_limit == 0:
        checks.append(Check("no 429 (rate limit off)", not statuses[429], f"{statuses[429]} answers 429"))
    return checks


def _is_error(line: str) -> bool:
    return " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")


def _counts(counter: Counter[Any]) -> str:
    return ", ".join(f"{key}: {n}" for key, n in counter.most_common(5)) or "none"


# --- memory ---------------------------------------------------------------------------------------------------------


def memory_of(pid: int) -> tuple[int, int]:
    """A process's resident set now and its peak (``VmRSS``, ``VmHWM``) in bytes; zeros once it is gone."""
    values = {"VmRSS": 0, "VmHWM": 0}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in values:
                values[key] = int(value.split()[0]) * 1024
    return values["VmRSS"], values["VmHWM"]


class PeakMemory:
    """Samples processes' resident sets in a thread; the peak is the larger of samples and the kernel's VmHWM."""

    def __init__(self, pids: dict[str, int], interval: float = 0.25) -> None:
        self.pids = pids
        self.peaks = dict.fromkeys(pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)

    def _sample(self, interval: float) -> None:
        while not self._stop.wait(interval):
            for name, pid in self.pids.items():
                self.peaks[name] = max(self.peaks[name], *memory_of(pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for name, pid in self.pids.items():
            self.peaks[name] = max(self.peaks[name], *memory_of(pid))


# --- one engine -------------------------------------------------------------------------------------------------------


@dataclass
class Backend:
    engine: str
    data_dir: Path
    neo4j: Neo4jServer | None = None

    def store(self) -> GraphStore:
        if self.neo4j is not None:
            return Neo4jStore(self.neo4j.uri, self.neo4j.user, self.neo4j.password)
        return LadybugStore(self.data_dir / "graph.lbdb")


@contextlib.contextmanager
def backend_for(engine: str, workdir: Path) -> Iterator[Backend]:
    data_dir = workdir / engine
    data_dir.mkdir(parents=True, exist_ok=True)
    if engine == "ladybug":
        yield Backend(engine, data_dir)
        return
    with running_neo4j() as server:
        print(f"  neo4j: {server.uri}", flush=True)
        yield Backend(engine, data_dir, server)


async def prepare(backend: Backend, graph: SyntheticGraph, clients: Sequence[Client]) -> str:
    """Write the graph and issue the keys, then close the store; returns the verifier's admin key."""
    store = backend.store()
    await store.open()
    try:
        started = time.perf_counter()
        await ensure_reference_data(store)
        await graph.write_to(store, progress=print_progress(backend.engine))
        print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
        return await issue_keys(store, clients)
    finally:
        await store.close()


@contextlib.contextmanager
def hub_serving(backend: Backend, workdir: Path, rate_limit: int, settings: dict[str, str]) -> Iterator[Served]:
    """``hub serve`` on a free loopback port in its own process, configured by nothing but what is given here."""
    port = free_port()
    hub = Path(sys.executable).with_name("hub")
    command = [str(hub)] if hub.exists() else [sys.executable, "-c", "from hub.cli import app; app()"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-sync"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env |= {
        "HUB_ENV": "production",
        "HUB_RATE_LIMIT_PER_MINUTE": str(rate_limit),
        "HUB_DATA_DIR": str(backend.data_dir),
    } | settings
    if backend.neo4j is not None:
        command += ["--neo4j-uri", backend.neo4j.uri]
        env["HUB_NEO4J_PASSWORD"] = backend.neo4j.password
    log = workdir / f"hub-serve-{backend.engine}.log"
    # cwd: a directory without a .env file.
    with served("hub serve", command, env, workdir, log, f"http://127.0.0.1:{port}", _ready, timeout=300) as server:
        yield server


def _ready(client: httpx.Client) -> bool:
    return client.get("/ready").status_code == 200


@dataclass
class Result:
    engine: str
    journal: Journal
    seconds: float
    memory: dict[str, int]
    checks: list[Check]


@dataclass
class Verification:
    """What the read-back compares: the journal of one run and what the clients owned."""

    journal: Journal
    clients: Sequence[Client]
    catalogue: Catalogue

    @property
    def actor_ids(self) -> list[str]:
        return sorted({a for c in self.clients for a in [*c.actors, *c.foreign]})

    @property
    def event_ids(self) -> list[str]:
        return sorted({e for c in self.clients for e in c.events})

    async def checks(self, where: str, observe: Awaitable[Observed]) -> list[Check]:
        try:
            seen = await observe
        except Exception as error:  # a failed read-back is a failed check, not a crash
            return [Check(f"read back ({where})", False, f"{type(error).__name__}: {error}"[:300])]
        checks = state_checks(self.journal, self.clients, self.catalogue, seen)
        return [Check(f"{c.name} ({where})", c.ok, c.detail) for c in checks]

    async def from_store(self, backend: Backend) -> list[Check]:
        """The same read-back straight from the store, after the server has stopped (acknowledged = durable)."""
        store = backend.store()
        await store.open()
        try:
            checks = await self.checks("store, reopened", observe_store(store, self.actor_ids, self.event_ids))
            return [*checks, await self.untouched(store)]
        finally:
            await store.close()

    async def untouched(self, store: GraphStore) -> Check:
        """No write strayed: every actor and event no client owned is as generated (names, aliases, themes)."""
        actors = sorted(set(self.catalogue.everyone) - {a for c in self.clients for a in c.actors})
        events = sorted(set(self.catalogue.event_themes) - set(self.event_ids))
        held = await stored_actors(store, actors) | await stored_themes(store, events)
        wanted = {a: self.catalogue.everyone[a] for a in actors} | {e: self.catalogue.event_themes[e] for e in events}
        changed = [
            f"{node}: {held[node]!r}, generated {wanted[node]!r}" for node in wanted if held[node] != wanted[node]
        ]
        detail = f"{len(wanted) - len(changed):,}/{len(wanted):,} as generated"
        return Check(
            "nodes no client owned unchanged (store, reopened)", not changed, "; ".join([detail, *changed[:3]])
        )


async def run_engine(engine: str, graph: SyntheticGraph, catalogue: Catalogue, args: argparse.Namespace) -> Result:
    clients = plan_clients(args.clients, catalogue, args.owned, args.seed)
    with backend_for(engine, args.workdir) as backend:
        admin = await prepare(backend, graph, clients)
        with hub_serving(backend, args.workdir, args.rate_limit, args.server_settings) as hub:
            print(f"  hub serving on {hub.url}; {len(clients)} clients for {args.seconds:g} s", flush=True)
            pids = {"hub serve": hub.process.pid} | ({"neo4j": backend.neo4j.process.pid} if backend.neo4j else {})
            with PeakMemory(pids) as memory:
                journal, seconds = await run_load(hub.url, clients, catalogue, args, engine)
                print(f"  {len(journal.calls):,} requests in {seconds:.0f} s; reading back", flush=True)
                verification = Verification(journal, clients, catalogue)
                ids = verification.actor_ids, verification.event_ids
                checks = await verification.checks("API", observe_api(hub.url, admin, *ids))
        checks = traffic_checks(journal, args, args.workdir / f"hub-serve-{engine}.log") + checks
        checks += await verification.from_store(backend)
    return Result(engine, journal, seconds, memory.peaks, checks)


# --- report -----------------------------------------------------------------------------------------------------------


def percentiles(seconds: Sequence[float]) -> str:
    if len(seconds) < 2:
        return f"{seconds[0] * 1000:.0f} ms" if seconds else "–"
    q = statistics.quantiles(seconds, n=100, method="inclusive")
    return f"{q[49] * 1000:,.0f} / {q[94] * 1000:,.0f} / {q[98] * 1000:,.0f} ms"


def summary_rows(result: Result) -> dict[str, str]:
    calls, writes = result.journal.calls, result.journal.writes
    statuses = Counter(c.status for c in calls)
    outcomes = Counter(w.outcome for w in writes)
    read_calls, write_calls = [c for c in calls if not c.write], [c for c in calls if c.write]
    mb = {name: f"{peak / 2**20:,.0f} MB" for name, peak in result.memory.items()}
    failed = [c.name for c in result.checks if not c.ok]
    return {
        "requests (reads + writes)": f"{len(calls):,} ({len(read_calls):,} + {len(write_calls):,})",
        "duration, requests/s": f"{result.seconds:.0f} s, {len(calls) / result.seconds:,.1f}/s",
        "HTTP statuses": ", ".join(f"{s or 'none'}: {n:,}" for s, n in sorted(statuses.items())),
        "429 (rate limited)": f"{statuses[429]}",
        "read latency p50 / p95 / p99": percentiles([c.seconds for c in read_calls]),
        "write latency p50 / p95 / p99": percentiles([c.seconds for c in write_calls]),
        "mutations acknowledged / refused / unknown": " / ".join(f"{outcomes[o]:,}" for o in (ACKED, REFUSED, UNKNOWN)),
        "peak RSS hub serve (VmHWM)": mb["hub serve"],
        "peak RSS Neo4j JVM": mb.get("neo4j", "–"),
        "checks": f"{len(result.checks) - len(failed)}/{len(result.checks)} passed",
    }


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def report(results: Sequence[Result]) -> str:
    summaries = [summary_rows(r) for r in results]
    parts = [
        markdown_table(["", *(r.engine for r in results)], ([k, *(s[k] for s in summaries)] for k in summaries[0]))
    ]
    ops = sorted({c.op for r in results for c in r.journal.calls})
    parts.append(
        markdown_table(
            ["operation", *(f"{r.engine}: n, p50 / p95 / p99" for r in results)],
            ([op, *(_op_cell([c.seconds for c in r.journal.calls if c.op == op]) for r in results)] for op in ops),
        )
    )
    for result in results:
        header = ["sent at", "requests", "5xx or no answer", "read p99", "write p99"]
        parts.append(f"Over time, {result.engine}:\n\n" + markdown_table(header, timeline(result.journal.calls)))
    for result in results:
        rows = (["pass" if c.ok else "**FAIL**", c.name, c.detail.replace("|", "/")] for c in result.checks)
        parts.append(f"Checks, {result.engine}:\n\n" + markdown_table(["", "check", "detail"], rows))
    return "\n\n".join(parts)


def timeline(calls: Sequence[Call], window: float = TIMELINE_WINDOW_S) -> list[list[str]]:
    """Rows per ``window`` seconds of sending: requests, 5xx (by operation), read and write p99.

    A cold start shows here: the first window's latencies against the later ones.
    """
    if not calls:
        return []
    first = min(c.began for c in calls)
    windows: dict[int, list[Call]] = defaultdict(list)
    for call in calls:
        windows[int((call.began - first) // window)].append(call)
    rows = []
    for index in sorted(windows):
        sent = windows[index]
        failed = Counter(c.op for c in sent if c.status >= 500 or c.status == 0)
        p99 = [_p99([c.seconds for c in sent if c.write is write]) for write in (False, True)]
        span = f"{index * window:.0f}–{(index + 1) * window:.0f} s"
        rows.append([span, f"{len(sent):,}", _counts(failed) if failed else "0", *p99])
    return rows


def _p99(seconds: list[float]) -> str:
    if len(seconds) < 2:
        return percentiles(seconds)
    return f"{statistics.quantiles(seconds, n=100, method='inclusive')[98] * 1000:,.0f} ms"


def _op_cell(seconds: list[float]) -> str:
    return f"{len(seconds):,}, {percentiles(seconds)}" if seconds else "–"


# --- main -------------------------------------------------------------------------------------------------------------


def server_setting(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not (name.startswith("HUB_") and equals):
        raise argparse.ArgumentTypeError(f"expected HUB_NAME=VALUE, got {text!r}")
    return name, value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = bench_parser(__doc__)
    parser.add_argument("--engines", default="ladybug,neo4j", help="Comma-separated: ladybug, neo4j (default both).")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients (default 50).")
    parser.add_argument("--seconds", type=float, default=120.0, help="How long clients send requests (default 120).")
    parser.add_argument("--max-requests", type=int, default=200_000, help="At most this many requests per engine.")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="Client-side timeout per request (s).")
    parser.add_argument("--actors", type=int, default=3_000, help="Actors in the generated graph (default 3,000).")
    parser.add_argument("--events", type=int, default=10_000, help="Events in the generated graph (default 10,000).")
    parser.add_argument("--owned", type=int, default=20, help="Actors and events each writing client owns.")
    parser.add_argument("--rate-limit", type=int, default=0, help="HUB_RATE_LIMIT_PER_MINUTE of the server (0: off).")
    parser.add_argument("--reads-only", action="store_true", help="Writers read too, but send no mutations.")
    parser.add_argument("--seed", type=int, default=7, help="Seed of the graph and of the clients' choices.")
    parser.add_argument("--workdir", type=Path, help="Keep stores and server logs here (default: a temporary dir).")
    parser.add_argument(
        "--server-setting",
        dest="server_settings",
        type=server_setting,
        action="append",
        default=[],
        metavar="HUB_NAME=VALUE",
        help="A setting of hub serve (repeatable), e.g. HUB_MAX_CONCURRENT_REQUESTS=0 to compare without a limit.",
    )
    args = parser.parse_args(argv)
    args.server_settings = dict(args.server_settings)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not set(args.engines) <= {"ladybug", "neo4j"} or args.clients < 2:
        parser.error("--engines takes ladybug and/or neo4j; --clients at least 2")
    return args


async def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    graph = generate_graph(actors=args.actors, events=args.events, seed=args.seed)
    catalogue = Catalogue.of(graph)
    print(
        f"graph: {len(graph.nodes):,} nodes, {len(graph.relationships):,} relationships "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    results = []
    with contextlib.ExitStack() as stack:
        if args.workdir is None:
            args.workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="load-test-")))
        args.workdir.mkdir(parents=True, exist_ok=True)
        for engine in args.engines:
            print(f"{engine}:", flush=True)
            results.append(await run_engine(engine, graph, catalogue, args))
    print()
    print(report(results))
    return 0 if all(c.ok for r in results for c in r.checks) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
