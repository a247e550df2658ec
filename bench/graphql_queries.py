"""GraphQL latency of the hub beside the floor: the same data fetched by hand-written Cypher.

    make bench-graphql                                   # 20,000 actors / 100,000 events on Neo4j
    python -m bench.graphql_queries --actors 2000 --events 10000 --requests 100
    python -m bench.graphql_queries --concurrency 1 --profile
    python -m bench.graphql_queries --neo4j-home /tmp/bench-neo4j   # keep the loaded graph for the next run
    python -m bench.graphql_queries --queries node --concurrency 1,8   # time only the node lookup

A generated graph (``hub.synthetic``) is loaded through the store port into a real
Neo4j 5.26 Community (``tools.neo4j_local``); loading 100,000 events takes several
minutes and prints its progress.  Then the hub runs as it does in production,
``hub serve`` in its own process (uvicorn, ``HUB_ENV=production``) on a free
loopback port, and one httpx client (keep-alive, loopback only) sends four
representative queries, with an admin key (the public role hides people, whom the floor
reads) and the rate limit off:

* ``list``: a list page, ``events(first: 20, filter: {spaces: [two centres]},
  orderBy: {field: START})`` with ``totalCount`` and a few fields;
* ``nested``: three levels, ``events(first: 20) { participants { actor { name
  events(first: 3) { … } } } themes { label } space { name } }``;
* ``search``: ``search(text: "stadtwerke", kinds: [ACTOR], first: 10)``;
* ``node``: ``node(id: <actor>) { ... on Actor { name kind } }`` over 50 actors.

The floor is the same data read by the simplest correct *single* Cypher query a
person would write, through the official async driver (``execute_query``, as the
hub's adapter uses it) in this process, records turned into Python values (see
``FLOOR`` below).  Before anything is timed, the hub's answer and the floor's are
compared (ids, titles, names, labels, roles, counts, scores) for every set of
variables; a difference stops the run.  Then each query runs ``--warmup`` times
per side unmeasured and ``--requests`` times per side measured, in alternating
blocks (hub, floor, floor, hub, …) so that machine noise hits both alike, at every
``--concurrency`` (requests in flight); ``--max-seconds`` bounds each side, so a
slow query ends with fewer requests (the table says how many).  Reported per
query: median, p95 and p99 latency and requests/s, for hub and floor, and the
ratio of the medians.  The target (issue #4) is a hub median within 2x of the
floor on Neo4j.

The node lookup is also timed through aiohttp (:class:`AiohttpClient`) and through wrk
(:class:`Wrk`, Debian's HTTP load generator in C, run as its own process), each its own
row: the Python clients' own time per request is about that of the floor's whole lookup,
which wrk's is not.  ``make bench-graphql`` installs wrk when it is missing.

Then, at 1 in flight, what bounds the node lookup: the floor's node lookup beside
the smallest requests the hub answers (``GET /health``, ``{ __typename }``) and the
node lookup itself, each through httpx, through aiohttp and through wrk, since the
client's own time counts too.

``--profile`` then runs each query in this process straight through the schema
(``schema.execute``, no HTTP) three ways: on the real store with every round trip
timed; with every round trip answered from memory (what remains is the hub's own
Python: GraphQL, resolvers, loaders, pydantic); and under cProfile (CPU time by
package: graphql-core, strawberry, pydantic, the neo4j driver, …).

Neo4j only: the issue states the target on Neo4j, and the embedded store can be
opened by one process at a time, so a ``hub serve`` and a floor could not read it
side by side.

This module holds hand-written Cypher on purpose: it *is* the floor the hub is
measured against.  Nothing in ``hub/`` imports it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import cProfile
import functools
import json
import math
import os
import pstats
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import neo4j

from bench.cli import add_measurement_arguments, bench_parser
from hub.api.types import Role
from hub.domain import PARTICIPATION_TYPES, Actor, ActorKind
from hub.store.neo4j_store import Neo4jStore
from hub.store.search import rank, search_terms
from hub.synthetic import SyntheticGraph, generate_graph
from tools.neo4j_local import free_port, running_neo4j

#: The centres of the list page's filter, and the word searched for (it starts many public bodies' names).
LIST_SPACES = ("diz-rostock", "diz-schwerin")
SEARCH_TEXT = "stadtwerke"
NODE_LOOKUPS = 50
#: The table's names for the node lookup sent through aiohttp and through wrk (the other rows go through httpx).
AIOHTTP_NODE = "node (aiohttp client)"
WRK_NODE = "node (wrk client)"

Json = dict[str, Any]


def global_id(label: str, node_id: str) -> str:
    """A Relay global id, as the hub hands them out: base64 of ``Label:id``."""
    return base64.b64encode(f"{label}:{node_id}".encode()).decode()


def raw_id(value: str) -> str:
    return base64.b64decode(value).decode().split(":", 1)[1]


# --- the queries -------------------------------------------------------------------------------------

PARTICIPATION = "|".join(t.value for t in PARTICIPATION_TYPES)
#: The hub lists an event's participants organisers first (the order of PARTICIPATION_TYPES), then by id.
ROLE_RANK = {t.value: i for i, t in enumerate(PARTICIPATION_TYPES)}
#: The relationship type of each GraphQL ``Role``.
ROLE_OF = {role.name: role.value for role in Role}

GRAPHQL = {
    "list": """
query ListPage($spaces: [ID!]) {
  events(first: 20, filter: {spaces: $spaces}, orderBy: {field: START}) {
    totalCount
    edges { node { id title start status } }
  }
}""",
    "nested": """
query Nested {
  events(first: 20) {
    edges { node {
      id title
      participants { role actor { id name events(first: 3) { edges { node { id title } } } } }
      themes { id label }
      space { id name }
    } }
  }
}""",
    "search": """
query Search($text: String!) {
  search(text: $text, kinds: [ACTOR], first: 10) { score node { ... on Actor { id name kind } } }
}""",
    "node": """
query Node($id: ID!) {
  node(id: $id) { ... on Actor { id name kind } }
}""",
}

#: The floor on Neo4j: one query per request, the simplest that returns the same data.
FLOOR = {
    # The count in a subquery, so that only the page is sorted (top 20 of ~40 % of the events).
    "list": """
CALL () {
  MATCH (s:Space)<-[:HOSTED_BY]-(e:Event) WHERE s.id IN $spaces
  RETURN count(e) AS total
}
MATCH (s:Space)<-[:HOSTED_BY]-(e:Event) WHERE s.id IN $spaces
RETURN total, e.id AS id, e.title AS title, e.start AS start, e.status AS status
ORDER BY e.start, e.id LIMIT 20""",
    # One query for all three levels: COLLECT subqueries per event, and per participant its first 3 events.
    "nested": f"""
MATCH (e:Event)
WITH e ORDER BY e.start, e.id LIMIT 20
RETURN e.id AS id, e.title AS title, e.start AS start,
  COLLECT {{ MATCH (e)-[:HOSTED_BY]->(s:Space) RETURN s {{.id, .name}} }} AS spaces,
  COLLECT {{ MATCH (e)-[:ABOUT]->(t:Theme) RETURN t {{.id, label: t.label_de}} ORDER BY t.id }} AS themes,
  COLLECT {{
    MATCH (a:Actor)-[r:{PARTICIPATION}]->(e)
    RETURN a {{.id, .name, role: type(r), events: COLLECT {{
      MATCH (a)-[:{PARTICIPATION}]->(x:Event)
      WITH DISTINCT x ORDER BY x.id LIMIT 3
      RETURN x {{.id, .title}}
    }}}}
    ORDER BY $rank[type(r)], a.id
  }} AS participants
ORDER BY start, id""",
    # The hub's candidates (the same Lucene query) ranked by the hub's own ranking function, in Python:
    # the API defines its order by that ranking, so any other order would be different data.
    "search": """
CALL db.index.fulltext.queryNodes('hub_search', $lucene) YIELD node
WHERE node:Actor
RETURN 'Actor' AS label, node.id AS id, node.name AS name, node.kind AS kind, node.search_text AS search_text
LIMIT 50""",
    "node": "MATCH (a:Actor {id: $id}) RETURN a.id AS id, a.name AS name, a.kind AS kind",
}


@dataclass
class Case:
    """One query of the benchmark: its variables (one set per request, in turn) for the hub and the floor."""

    name: str
    graphql_variables: list[Json]
    floor_params: list[Json]


def cases(graph: SyntheticGraph, seed: int = 7) -> list[Case]:
    actors = sorted(node.id for node in graph.nodes if isinstance(node, Actor))
    looked_up = random.Random(seed).sample(actors, min(NODE_LOOKUPS, len(actors)))
    lucene = " AND ".join(f"{term}*" for term in search_terms(SEARCH_TEXT))
    return [
        Case(
            "list",
            [{"spaces": [global_id("Space", s) for s in LIST_SPACES]}],
            [{"spaces": list(LIST_SPACES)}],
        ),
        Case("nested", [{}], [{"rank": ROLE_RANK}]),
        Case("search", [{"text": SEARCH_TEXT}], [{"lucene": lucene}]),
        Case("node", [{"id": global_id("Actor", a)} for a in looked_up], [{"id": a} for a in looked_up]),
    ]


# --- answers in one comparable shape ----------------------------------------------------------------


def hub_answer(name: str, data: Json) -> Any:
    """The hub's JSON ``data`` as plain tuples of ids, titles, names, labels, roles and counts."""
    if name == "list":
        page = data["events"]
        return page["totalCount"], [(raw_id(e["node"]["id"]), e["node"]["title"]) for e in page["edges"]]
    if name == "nested":
        events = []
        for edge in data["events"]["edges"]:
            e = edge["node"]
            participants = [
                (
                    ROLE_OF[p["role"]],
                    raw_id(p["actor"]["id"]),
                    p["actor"]["name"],
                    [(raw_id(x["node"]["id"]), x["node"]["title"]) for x in p["actor"]["events"]["edges"]],
                )
                for p in e["participants"]
            ]
            space = None if e["space"] is None else (raw_id(e["space"]["id"]), e["space"]["name"])
            themes = [(raw_id(t["id"]), t["label"]) for t in e["themes"]]
            events.append((raw_id(e["id"]), e["title"], space, themes, participants))
        return events
    if name == "search":
        return [(raw_id(h["node"]["id"]), h["node"]["name"], h["node"]["kind"], h["score"]) for h in data["search"]]
    node = data["node"]
    return None if node is None else (raw_id(node["id"]), node["name"], node["kind"])


def floor_answer(name: str, records: list[Json], search_text: str = SEARCH_TEXT) -> Any:
    """The floor's records in the shape of :func:`hub_answer` (this is part of the floor's timed work)."""
    if name == "list":
        return (records[0]["total"] if records else 0), [(r["id"], r["title"]) for r in records]
    if name == "nested":
        return [
            (
                r["id"],
                r["title"],
                (r["spaces"][0]["id"], r["spaces"][0]["name"]) if r["spaces"] else None,
                [(t["id"], t["label"]) for t in r["themes"]],
                [
                    (p["role"], p["id"], p["name"], [(x["id"], x["title"]) for x in p["events"]])
                    for p in r["participants"]
                ],
            )
            for r in records
        ]
    if name == "search":
        return [(r["id"], r["name"], ActorKind(r["kind"]).name, score) for score, r in rank(search_text, records)[:10]]
    return (records[0]["id"], records[0]["name"], ActorKind(records[0]["kind"]).name) if records else None


# --- the two sides ---------------------------------------------------------------------------------------


class RequestFailed(RuntimeError):
    """A server answered a request with an error (or not with 200)."""


class GraphQLClient:
    """POSTs GraphQL to one server over one keep-alive httpx client (the hub, or bench.peer_graphql's peer)."""

    def __init__(
        self,
        url: str,
        concurrency: int,
        queries: Mapping[str, str] = GRAPHQL,
        path: str = "/graphql",
        server: str = "hub",
        headers: Mapping[str, str] | None = None,
        timeout: float = 60.0,
    ) -> None:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        # trust_env=False: never a proxy from the environment, only loopback.
        self._client = httpx.AsyncClient(
            base_url=url, limits=limits, timeout=timeout, trust_env=False, headers=dict(headers or {})
        )
        self._queries, self._path, self._server = queries, path, server

    async def ask(self, name: str, variables: Json) -> Json:
        return await self.ask_document(self._queries[name], variables, name)

    async def ask_document(self, document: str, variables: Json | None = None, name: str = "a document") -> Json:
        response = await self._client.post(
            self._path,
            json={"query": document, "variables": variables or {}},
            headers={"accept": "application/graphql-response+json"},
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RequestFailed(f"{self._server} answered {response.status_code} to {name}: {body.get('errors')}")
        return body["data"]

    async def get(self, path: str) -> Json:
        response = await self._client.get(path)
        if response.status_code != 200:
            raise RequestFailed(f"{self._server} answered {response.status_code} to GET {path}")
        return response.json()

    async def close(self) -> None:
        await self._client.aclose()


class AiohttpClient:
    """The requests of :class:`GraphQLClient` through aiohttp: a lighter client than httpx, and as standard.

    httpx spends about as long on a request as the hub does on a small one, so the node
    lookup is also measured through this client (beside, never instead of, httpx).
    """

    def __init__(self, url: str, concurrency: int, headers: Mapping[str, str], queries: Mapping[str, str] = GRAPHQL):
        self._url, self._concurrency, self._headers, self._queries = url, concurrency, dict(headers), queries
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        # Made on first use: a session belongs to the running event loop.
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._concurrency)
            # trust_env=False: never a proxy from the environment, only loopback.
            self._session = aiohttp.ClientSession(
                self._url, connector=connector, headers=self._headers, trust_env=False
            )
        return self._session

    async def ask(self, name: str, variables: Json) -> Json:
        return await self.ask_document(self._queries[name], variables, name)

    async def ask_document(self, document: str, variables: Json | None = None, name: str = "a document") -> Json:
        payload = {"query": document, "variables": variables or {}}
        accept = {"accept": "application/graphql-response+json"}
        async with self._open().post("/graphql", json=payload, headers=accept) as response:
            body = await response.json(content_type=None)
        if response.status != 200 or body.get("errors"):
            raise RequestFailed(f"hub answered {response.status} to {name} (aiohttp): {body.get('errors')}")
        return body["data"]

    async def get(self, path: str) -> Json:
        async with self._open().get(path) as response:
            if response.status != 200:
                raise RequestFailed(f"hub answered {response.status} to GET {path} (aiohttp)")
            return await response.json()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


#: The hub's clients: httpx (the benchmark's) and aiohttp.
Client = GraphQLClient | AiohttpClient


class Wrk:
    """Requests sent by wrk, Debian's HTTP load generator (C), from its own process: a client that costs little.

    The Python clients (httpx, aiohttp) share this process with the floor and spend on
    each request a time of the order of the floor's whole node lookup (httpx about 1 ms
    of CPU, aiohttp 0.35 ms).  wrk shows what the server's answer takes, as a native
    client or a load balancer sees it.  Each call of :meth:`block` runs wrk once, with one
    keep-alive connection per request in flight, through ``bench/wrk_requests.lua``
    (which says why it times the requests itself): ``count`` requests, the bodies in turn
    from ``start``, every answer checked (200, no ``errors``).  ``make bench-graphql``
    installs wrk (Debian package ``wrk``).
    """

    SCRIPT = Path(__file__).with_name("wrk_requests.lua")

    def __init__(self, url: str, headers: Mapping[str, str], method: str, path: str, bodies: Sequence[Json] = ()):
        self._url, self._method = url + path, method
        self._headers = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
        self._bodies = tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix="wrk-bodies-")  # noqa: SIM115
        # One body per line: json.dumps never writes a raw newline.
        self._bodies.writelines(json.dumps(body) + "\n" for body in bodies)
        self._bodies.flush()

    async def block(self, count: int, concurrency: int, start: int, into: Sample, seconds: float) -> None:
        """At most ``count`` answers, ``concurrency`` in flight, within about ``seconds`` (as :func:`timed`)."""
        threads = min(count, concurrency)
        if threads <= 0:
            return
        command = ["wrk", f"-t{threads}", f"-c{threads}", f"-d{max(1, math.ceil(seconds))}s", "--timeout", "60s"]
        command += [*self._headers, "-s", str(self.SCRIPT), self._url, "--"]
        command += [self._method, self._bodies.name, str(count), str(start), str(threads)]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        assert process.stdout is not None
        lines, stopped = [], 0
        while line := await process.stdout.readline():
            stopped += line == b"stopped\n"
            if stopped == threads and line == b"stopped\n":
                with contextlib.suppress(ProcessLookupError):  # it may just have ended by itself (-d)
                    process.send_signal(signal.SIGINT)  # ends wrk's wait for -d (see the script)
            lines.append(line)
        _, stderr = await process.communicate()
        result = next((json.loads(line) for line in lines if line.startswith(b'{"seconds"')), None)
        if process.returncode != 0 or result is None:
            raise RequestFailed(f"wrk exited with {process.returncode}: {stderr.decode()[-2000:]}")
        if result["failed"] or result["socket_errors"]:
            failures = f"{result['failed']} failed answers, {result['socket_errors']} socket errors or timeouts"
            raise RequestFailed(f"{self._method} {self._url} through wrk: {failures}")
        into.latencies.extend(value / 1e6 for value in result["latencies_us"])
        into.seconds += result["seconds"]

    def close(self) -> None:
        self._bodies.close()


class Floor:
    """Runs the hand-written Cypher through the async driver, as an application would.

    ``answer`` turns a query's records into the comparable shape (part of the timed work).
    """

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        queries: Mapping[str, str] = FLOOR,
        answer: Callable[[str, list[Json]], Any] = floor_answer,
    ) -> None:
        self._driver = neo4j.AsyncGraphDatabase.driver(uri, auth=(user, password), notifications_min_severity="OFF")
        self._queries, self._answer = queries, answer

    async def ask(self, name: str, params: Json) -> Any:
        records, _, _ = await self._driver.execute_query(
            self._queries[name], params, database_="neo4j", routing_=neo4j.RoutingControl.READ
        )
        return self._answer(name, [record.data() for record in records])

    async def close(self) -> None:
        await self._driver.close()


# --- timing ---------------------------------------------------------------------------------------------


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)  # of the requests that succeeded
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # the failures ``timed`` was told to tolerate

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


async def timed(
    call: Callable[[int], Awaitable[Any]],
    count: int,
    concurrency: int,
    start: int,
    into: Sample,
    seconds: float,
    tolerate: tuple[type[Exception], ...] = (),
) -> None:
    """At most ``count`` calls, ``concurrency`` in flight, none started after ``seconds``.

    Call ``i`` gets ``start + i`` (which variables to use).  A call raising one of ``tolerate``
    counts as an error, not a latency; any other exception ends the run.
    """
    issued = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal issued
        while issued < count and (issued < concurrency or time.perf_counter() < deadline):
            index = start + issued
            issued += 1
            began = time.perf_counter()
            try:
                await call(index)
            except tolerate as error:
                into.errors.append(str(error))
                continue
            into.latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    into.seconds += time.perf_counter() - began


async def compare(case: Case, hub: Client, floor: Floor) -> None:
    """Stop the run unless the hub and the floor return the same data for every set of variables."""
    for variables, params in zip(case.graphql_variables, case.floor_params, strict=True):
        mine = hub_answer(case.name, await hub.ask(case.name, variables))
        floors = await floor.ask(case.name, params)
        if mine != floors:
            raise SystemExit(
                f"{case.name}: the hub and the floor disagree for {variables}\nhub:   {mine}\nfloor: {floors}"
            )
        if not mine or (case.name == "list" and not mine[1]):
            raise SystemExit(f"{case.name}: empty answer for {variables}; the graph is too small")


async def measure(
    case: Case, hub: Client | Wrk, floor: Floor, args: argparse.Namespace, concurrency: int
) -> list[Sample]:
    """Hub and floor timed side by side (:func:`alternate`); a :class:`Wrk` hub sends ``case``'s variables."""
    n = len(case.floor_params)

    async def on_hub(i: int) -> None:
        await hub.ask(case.name, case.graphql_variables[i % n])  # type: ignore[union-attr]

    async def on_floor(i: int) -> None:
        await floor.ask(case.name, case.floor_params[i % n])

    return await alternate([hub if isinstance(hub, Wrk) else on_hub, on_floor], args, concurrency)


#: One side of a measurement: a call per request (given the request's index), or wrk's blocks of requests.
Side = Callable[[int], Awaitable[Any]] | Wrk


def _block_runner(side: Side, tolerate: tuple[type[Exception], ...]) -> Callable[..., Awaitable[None]]:
    """``side`` as a runner of blocks: ``run(count, concurrency, start, into, seconds)``."""
    if isinstance(side, Wrk):
        return side.block
    return functools.partial(timed, side, tolerate=tolerate)


async def alternate(
    sides: Sequence[Side],
    args: argparse.Namespace,
    concurrency: int,
    tolerate: tuple[type[Exception], ...] = (),
) -> list[Sample]:
    """Warm-up, then ``--requests`` per side in ``--blocks`` alternating blocks (in the given order, then reversed, …).

    Each side has ``--max-seconds`` in all; a slow query stops early (the table gives the count).
    """
    budget = args.max_seconds / args.blocks
    runners = [_block_runner(side, tolerate) for side in sides]
    for run in runners:
        await run(args.warmup, 1, 0, Sample(), budget)
    samples = [Sample() for _ in sides]
    sizes = [args.requests // args.blocks + (1 if b < args.requests % args.blocks else 0) for b in range(args.blocks)]
    done = 0
    for block, size in enumerate(sizes):
        order = list(zip(runners, samples, strict=True))
        for run, sample in order if block % 2 == 0 else reversed(order):
            await run(size, concurrency, done, sample, budget)
        done += size
    return samples


def wrk_graphql(url: str, headers: Mapping[str, str], document: str, variables: Sequence[Json] = ({},)) -> Wrk:
    """The hub's GraphQL POSTs through :class:`Wrk`: ``document`` with each set of ``variables`` in turn."""
    graphql_headers = {**headers, "accept": "application/graphql-response+json", "content-type": "application/json"}
    return Wrk(url, graphql_headers, "POST", "/graphql", [{"query": document, "variables": v} for v in variables])


async def fixed_costs(
    url: str,
    headers: Mapping[str, str],
    hub: GraphQLClient,
    light: AiohttpClient,
    floor: Floor,
    node: Case,
    args: argparse.Namespace,
) -> list[tuple[str, Sample]]:
    """What bounds a node lookup: the smallest requests the hub answers, beside the floor's node lookup.

    At 1 in flight, alternating like :func:`measure`: the floor; ``GET /health`` (no key
    check, no GraphQL); the smallest GraphQL POST (``{ __typename }``, no store); the node
    lookup; the last three through the benchmark's httpx client, through aiohttp
    (:class:`AiohttpClient`) and through wrk (:class:`Wrk`).
    """
    n = len(node.floor_params)

    async def on_floor(i: int) -> None:
        await floor.ask(node.name, node.floor_params[i % n])

    through_wrk = {
        "wrk: GET /health": Wrk(url, headers, "GET", "/health"),
        "wrk: POST { __typename }": wrk_graphql(url, headers, "{ __typename }"),
        "wrk: POST node lookup": wrk_graphql(url, headers, GRAPHQL[node.name], node.graphql_variables),
    }
    sides: dict[str, Side] = {
        "floor: node lookup": on_floor,
        "httpx: GET /health": lambda i: hub.get("/health"),
        "httpx: POST { __typename }": lambda i: hub.ask_document("{ __typename }"),
        "httpx: POST node lookup": lambda i: hub.ask(node.name, node.graphql_variables[i % n]),
        "aiohttp: GET /health": lambda i: light.get("/health"),
        "aiohttp: POST { __typename }": lambda i: light.ask_document("{ __typename }"),
        "aiohttp: POST node lookup": lambda i: light.ask(node.name, node.graphql_variables[i % n]),
        **through_wrk,
    }
    try:
        samples = await alternate(list(sides.values()), args, 1)
    finally:
        for client in through_wrk.values():
            client.close()
    return list(zip(sides, samples, strict=True))


# --- the hub as a server ------------------------------------------------------------------------------------


@dataclass
class Served:
    """A server the benchmark started: its base URL and its process (whose memory can be read)."""

    url: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def served(
    name: str,
    command: Sequence[str],
    env: Mapping[str, str],
    cwd: Path,
    log_path: Path,
    url: str,
    ready: Callable[[httpx.Client], bool],
    timeout: float = 60.0,
) -> Iterator[Served]:
    """Run ``command`` as a server process until the block ends; yield it once ``ready(client)`` is true.

    Its output goes to ``log_path``, whose tail is shown if it exits or does not get ready in time.
    """
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=url, trust_env=False, timeout=5.0) as client:
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if ready(client):
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{name} did not get ready in {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.2)
        yield Served(url, process)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def hub_server(
    workdir: Path,
    neo4j_uri: str,
    password: str,
    ready_path: str = "/ready",
    timeout: float = 300.0,  # /ready waits for the insights projection: seconds on 100,000 events
    env: Mapping[str, str] | None = None,
) -> Iterator[Served]:
    """``hub serve`` on a free loopback port in its own process; yields it once ``ready_path`` answers 200.

    ``/health`` answers as soon as the app has started (store opened, reference data written);
    ``/ready`` once the store answers a query too.  ``env``: more settings (``HUB_…``) for the server.
    """
    port = free_port()
    hub = Path(sys.executable).with_name("hub")
    command = [str(hub)] if hub.exists() else [sys.executable, "-c", "from hub.cli import app; app()"]
    command += [
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--neo4j-uri",
        neo4j_uri,
        "--log-level",
        "warning",
        "--no-sync",
    ]
    # No rate limit: the benchmark sends far more requests per minute than one client of the API should.
    settings = {"HUB_NEO4J_PASSWORD": password, "HUB_ENV": "production", "HUB_RATE_LIMIT_PER_MINUTE": "0"}
    # cwd: a directory without a .env file, so only the settings given here apply.
    with served(
        "hub serve",
        command,
        {**os.environ, **settings, **(env or {})},
        workdir,
        workdir / "hub-serve.log",
        f"http://127.0.0.1:{port}",
        lambda client: client.get(ready_path).status_code == 200,
        timeout,
    ) as hub:
        yield hub


# --- loading -----------------------------------------------------------------------------------------------


def print_progress(label: str) -> Callable[[str, int, int], None]:
    started = time.perf_counter()
    shown: dict[str, int] = {}

    def report(phase: str, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if shown.get(phase) != tenth:
            shown[phase] = tenth
            elapsed = time.perf_counter() - started
            print(f"  {label}: {phase} {done:,}/{total:,} ({elapsed:.0f} s)", flush=True)

    return report


async def load(store: Neo4jStore, graph: SyntheticGraph) -> None:
    """Write the graph, unless the store already holds one of the same shape (a kept ``--neo4j-home``)."""
    counts = await store.counts()
    wanted = {label: n for label, n in graph.node_counts().items() if n}
    if {label: counts.nodes.get(label, 0) for label in wanted} == wanted and counts.total_relationships == len(
        graph.relationships
    ):
        print("  the store already holds this graph; not loading it again", flush=True)
        return
    if counts.total_nodes:
        await store.clear()
    started = time.perf_counter()
    await graph.write_to(store, progress=print_progress("neo4j"))
    print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)


async def admin_key(store: Neo4jStore) -> dict[str, str]:
    """Request headers with a new admin key: the floor reads people by name, which the public role may not.

    (The public role hides people, so the hub would answer less than the floor; an admin sees all.)
    """
    from hub.access.keys import ApiKeys
    from hub.access.roles import Role

    issued = await ApiKeys(store).issue("benchmark", Role.ADMIN)
    return {"authorization": f"Bearer {issued.token}"}


# --- profile ----------------------------------------------------------------------------------------------------


@dataclass
class Profile:
    name: str
    wall_ms: float  # median per request in process (schema.execute, no HTTP), real store
    store_ms: float  # median time per request with at least one store round trip in flight
    python_ms: float  # median per request with every round trip answered from memory: the hub's own Python
    round_trips: int
    rows: int  # rows the round trips of one request return
    cpu_by_package: dict[str, float]  # share of the profiled CPU time (real store)


class _RecordingReads:
    """Wraps a store's ``_read``: times every round trip, or answers it from what an earlier one returned."""

    def __init__(self, store: Neo4jStore) -> None:
        self._read = store._read
        self.intervals: list[tuple[float, float]] = []
        self.rows = 0
        self.replay = False
        self._answers: dict[str, list[Json]] = {}

    async def __call__(self, query: str, params: Json | None = None) -> list[Json]:
        key = query + repr(sorted((params or {}).items()))
        if self.replay:
            self.intervals.append((time.perf_counter(), time.perf_counter()))
            return [dict(row) for row in self._answers[key]]
        began = time.perf_counter()
        try:
            rows = await self._read(query, params)
        finally:
            self.intervals.append((began, time.perf_counter()))
        self.rows += len(rows)
        self._answers[key] = rows
        return rows


async def profile(
    uri: str, user: str, password: str, runs: int, all_cases: Sequence[Case], queries: Mapping[str, str] = GRAPHQL
) -> list[Profile]:
    """Each query straight through the schema (as the server runs it, minus HTTP), three ways.

    With the real store, timing every round trip; with every round trip answered from
    memory (what is left is GraphQL, the resolvers and pydantic); and under cProfile.
    Only the first set of variables of a query is used, so that replies can be replayed.
    """
    from hub.access.pseudonyms import Pseudonymiser
    from hub.access.roles import Principal, Role
    from hub.api.context import Context
    from hub.api.schema import create_schema
    from hub.config import Settings
    from hub.insights.engine import Insights

    settings = Settings(env="production", neo4j_uri=uri, _env_file=None)  # type: ignore[call-arg]
    schema = create_schema(settings)
    store = Neo4jStore(uri, user, password)
    await store.open()
    reads = _RecordingReads(store)
    store._read = reads  # type: ignore[method-assign]
    pseudonymise = Pseudonymiser(b"benchmark-pseudonyms")  # unused: an admin sees people by name
    insights = Insights(store, pseudonymise)  # none of the profiled queries reads it
    admin = Principal(Role.ADMIN, key_name="benchmark")  # as the measured requests (see admin_key)

    async def run(case: Case) -> float:
        reads.intervals.clear()
        reads.rows = 0
        began = time.perf_counter()
        result = await schema.execute(
            queries[case.name],
            variable_values=case.graphql_variables[0],
            context_value=Context(store, settings, admin, pseudonymise, insights),
        )
        if result.errors:
            raise SystemExit(f"{case.name}: {result.errors}")
        return time.perf_counter() - began

    results = []
    try:
        for case in all_cases:
            reads.replay = False
            for _ in range(5):
                await run(case)
            walls, waits = [], []
            for _ in range(runs):
                walls.append(await run(case))
                waits.append(_covered(reads.intervals))
            trips, rows = len(reads.intervals), reads.rows
            reads.replay = True
            python = statistics.median([await run(case) for _ in range(runs)])
            reads.replay = False
            profiler = cProfile.Profile()
            for _ in range(max(runs // 2, 1)):
                profiler.enable()
                await run(case)
                profiler.disable()
            results.append(
                Profile(
                    case.name,
                    statistics.median(walls) * 1000,
                    statistics.median(waits) * 1000,
                    python * 1000,
                    trips,
                    rows,
                    _cpu_by_package(profiler),
                )
            )
    finally:
        await store.close()
    return results


def _covered(intervals: list[tuple[float, float]]) -> float:
    """Total length of the union of intervals (overlapping round trips count once)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def _package(filename: str) -> str:
    """Where a profiled function lives: an installed package, the standard library, C built-ins, or the repo."""
    if filename.startswith("~") or filename.startswith("<"):
        return "C built-ins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0].removesuffix(".py")
    repo = Path(__file__).resolve().parent.parent
    if Path(filename).resolve().is_relative_to(repo):
        return Path(filename).resolve().relative_to(repo).parts[0]
    return "asyncio" if "asyncio" in parts else "stdlib"


def _cpu_by_package(profiler: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    seconds: dict[str, float] = {}
    for (filename, _, _), (_, _, own_time, _, _) in stats.items():
        package = _package(filename)
        seconds[package] = seconds.get(package, 0.0) + own_time
    total = sum(seconds.values()) or 1.0
    return {package: s / total for package, s in sorted(seconds.items(), key=lambda kv: -kv[1])}


# --- report -------------------------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _rate(per_second: float) -> str:
    return f"{per_second:,.0f}" if per_second >= 10 else f"{per_second:.1f}"


def table(rows: Sequence[tuple[str, str, int, Sample, Sample]]) -> str:
    lines = [
        "| engine | query | in flight | requests | hub median | hub p95 | hub p99 | hub req/s "
        "| floor median | floor p95 | floor p99 | floor req/s | hub/floor (medians) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for engine, name, concurrency, hub, floor in rows:
        lines.append(
            f"| {engine} | {name} | {concurrency} | {len(hub.latencies)} / {len(floor.latencies)} "
            f"| {_ms(hub.median)} | {_ms(hub.percentile(95))} | {_ms(hub.percentile(99))} | {_rate(hub.rate)} "
            f"| {_ms(floor.median)} | {_ms(floor.percentile(95))} | {_ms(floor.percentile(99))} | {_rate(floor.rate)} "
            f"| {hub.median / floor.median:.2f}x |"
        )
    return "\n".join(lines)


def fixed_cost_table(rows: Sequence[tuple[str, Sample]]) -> str:
    """The fixed-cost requests (:func:`fixed_costs`), each beside the first row (the floor's node lookup)."""
    floor = rows[0][1].median
    lines = ["| request (1 in flight) | median | p95 | median / floor's node lookup |", "|---|---|---|---|"]
    for name, sample in rows:
        lines.append(f"| {name} | {_ms(sample.median)} | {_ms(sample.percentile(95))} | {sample.median / floor:.2f}x |")
    return "\n".join(lines)


def profile_table(profiles: Sequence[Profile], http: dict[str, float]) -> str:
    lines = [
        "| query | hub over HTTP | in process (no HTTP) | store round trips in flight | round trips (rows) "
        "| hub Python, store answered from memory | CPU by package, in process |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in profiles:
        cpu = ", ".join(f"{package} {share:.0%}" for package, share in list(p.cpu_by_package.items())[:5])
        lines.append(
            f"| {p.name} | {http[p.name] * 1000:.1f} ms | {p.wall_ms:.1f} ms | {p.store_ms:.1f} ms "
            f"({p.store_ms / p.wall_ms:.0%}) | {p.round_trips} ({p.rows:,}) | {p.python_ms:.1f} ms | {cpu} |"
        )
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------------------------------


async def bench_neo4j(
    server: Any, graph: SyntheticGraph, args: argparse.Namespace, workdir: Path
) -> tuple[list[tuple[str, str, int, Sample, Sample]], list[tuple[str, Sample]], list[Profile]]:
    """Load the graph, serve it, compare and time every query at every level and the fixed costs, then profile."""
    store = Neo4jStore(server.uri, server.user, server.password)
    await store.open()
    try:
        await load(store, graph)
        headers = await admin_key(store)
    finally:
        await store.close()
    rows: list[tuple[str, str, int, Sample, Sample]] = []
    all_cases = cases(graph)
    with hub_server(workdir, server.uri, server.password) as served_hub:
        print(f"  hub serving on {served_hub.url}", flush=True)
        floor = Floor(server.uri, server.user, server.password)
        hub = GraphQLClient(served_hub.url, max(args.concurrency), headers=headers)
        light = AiohttpClient(served_hub.url, max(args.concurrency), headers)
        node = next(case for case in all_cases if case.name == "node")
        native = wrk_graphql(served_hub.url, headers, GRAPHQL[node.name], node.graphql_variables)
        try:
            for case in all_cases:
                await compare(case, hub, floor)
            await compare(node, light, floor)
            print("  hub and floor return the same data for every query", flush=True)
            # The node lookup also through aiohttp and wrk: the Python clients' own time is a large part of it.
            measured: list[tuple[Case, Client | Wrk, str]] = [
                (c, hub, c.name) for c in all_cases if c.name in args.queries
            ]
            if node.name in args.queries:
                measured += [(node, light, AIOHTTP_NODE), (node, native, WRK_NODE)]
            for concurrency in args.concurrency:
                for case, client, name in measured:
                    hub_sample, floor_sample = await measure(case, client, floor, args, concurrency)
                    rows.append(("neo4j", name, concurrency, hub_sample, floor_sample))
                    medians = f"hub {_ms(hub_sample.median)}, floor {_ms(floor_sample.median)}"
                    print(f"  {name} x{concurrency}: {medians}", flush=True)
            fixed = await fixed_costs(served_hub.url, headers, hub, light, floor, node, args)
        finally:
            await hub.close()
            await light.close()
            native.close()
            await floor.close()
    profiled = [case for case in all_cases if case.name in args.queries]
    profiles = await profile(server.uri, server.user, server.password, args.profile, profiled) if args.profile else []
    return rows, fixed, profiles


def query_names(text: str) -> list[str]:
    """``"node,search"`` as ``["node", "search"]``, each one of :data:`GRAPHQL`."""
    names = text.split(",")
    unknown = [name for name in names if name not in GRAPHQL]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown queries {unknown}; choose from {', '.join(GRAPHQL)}")
    return names


async def main(argv: Sequence[str] | None = None) -> None:
    parser = bench_parser(__doc__)
    add_measurement_arguments(
        parser,
        requests=200,
        warmup=20,
        concurrency="1,8",
        max_seconds=120,
        sides="hub/floor",
        profiled="each query (store waits vs Python)",
    )
    parser.add_argument(
        "--queries",
        type=query_names,
        default=list(GRAPHQL),
        help=f"The queries to time and profile, comma-separated (default {','.join(GRAPHQL)}).",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    graph = generate_graph(actors=args.actors, events=args.events)
    print(
        f"graph: {len(graph.nodes):,} nodes ({args.actors:,} actors, {args.events:,} events), "
        f"{len(graph.relationships):,} relationships, generated in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-graphql-"))  # the server's log; its tail is shown on failure
    try:
        with running_neo4j(args.neo4j_home) as server:
            print(f"neo4j: {server.uri}", flush=True)
            rows, fixed, profiles = await bench_neo4j(server, graph, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(table(rows))
    print()
    print(fixed_cost_table(fixed))
    if profiles:
        http = {name: hub.median for _, name, concurrency, hub, _ in rows if concurrency == args.concurrency[0]}
        print()
        print(profile_table(profiles, http))


if __name__ == "__main__":
    asyncio.run(main())
