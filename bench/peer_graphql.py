"""The hub beside the Neo4j GraphQL Library: the same Neo4j, the same data, the same queries (issue #8).

    make bench-peer                                      # 20,000 actors / 100,000 events; 1, 8 and 32 in flight
    python -m bench.peer_graphql --actors 2000 --events 10000 --requests 40 --concurrency 1,8   # quick check
    python -m bench.peer_graphql --neo4j-home /tmp/bench-peer-neo4j   # keep the loaded graph for the next run
    python -m bench.peer_graphql --concurrency 1 --profile 20         # also: where the hub's time goes

The peer is the Neo4j GraphQL Library (``@neo4j/graphql``, JavaScript) as its guide sets it up:
``Neo4jGraphQL`` over type definitions of the hub's graph on Apollo Server's standalone
server, one Node.js process (``bench/neo4j_graphql_peer/``: pinned ``package.json`` and
``package-lock.json``, ``typeDefs.graphql``, ``server.mjs``).  The harness installs it with
``npm ci`` when ``node_modules`` is missing or stale, so Node.js 20+ and npm are needed.
The library requires the APOC core plugin in Neo4j (it formats ``DateTime`` values with
``apoc.date.convertFormat``), so Neo4j runs here with APOC core on its class path, fetched
from Maven Central once (the hub does not use it).

Everything else is ``bench.graphql_queries``' machinery: a generated graph (``hub.synthetic``)
loaded through the store port into Neo4j 5.26 Community (``tools.neo4j_local``; several
minutes for 100,000 events; ``--neo4j-home`` keeps it), ``hub serve`` in its own process
(``HUB_ENV=production``), one httpx client class (keep-alive, loopback only) for both
servers, and the raw-Cypher floor through the official async driver.  The hub is read with
an admin key (its public role hides people; the peer and the floor show everybody), without
its rate limit, and with its time limits (10 s a request, 30 s a store query) raised to
600 s, because the peer has none: both finish every request, so requests/s compares
finished work.  Five queries, each written for both APIs so that they return the same data:

* ``list``: the first page of all events by start, with the total count;
* ``filtered``: the same page of the events of two centres (``bench.graphql_queries``' list);
* ``nested``: three levels, 20 events, their participants (by role), each participant's
  first 3 events, the events' themes and centre (``bench.graphql_queries``' nested);
* ``search``: actors whose text has a word starting with ``ministerium`` (full-text
  index ``hub_search`` on both sides: the hub's own query, the peer's ``@fulltext``);
* ``aggregate``: every centre with its number of events.

Before anything is timed, every query's answers are compared: hub against floor exactly
(as ``bench.graphql_queries`` does, search scores included), peer against floor in the
same shape; search hits as sets (the hub ranks with its own function, the peer by Lucene
score), which is exact only because fewer than ``first`` actors match (checked).  A
difference stops the run.  Then each query runs ``--warmup`` times per side unmeasured and
``--requests`` times per side measured, in ``--blocks`` alternating blocks (hub, peer,
floor, then floor, peer, hub, …), at every ``--concurrency``; ``--max-seconds`` bounds each
side; a request a server fails under load is counted apart (requests/s counts successes).
Memory: the peak resident set (``VmHWM``) of each server process during each measurement
(the peak is reset before it through ``/proc/<pid>/clear_refs``).

The targets (issue #8): the hub's requests/s at least the peer's at 8 and 32 in flight on
every query, and its median within 2x of the floor's.  ``--profile`` then runs the hub's
queries in process as ``bench.graphql_queries --profile`` does.

The hub reads the insights projection while it starts; the harness waits until the hub and
Neo4j are idle before it measures, so that read is in the hub's memory but not in its
timings.  Results and the reasons for the misses: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bench.cli import add_measurement_arguments, bench_parser
from bench.graphql_queries import (
    FLOOR,
    GRAPHQL,
    LIST_SPACES,
    ROLE_RANK,
    Case,
    Floor,
    GraphQLClient,
    Json,
    RequestFailed,
    Sample,
    Served,
    admin_key,
    alternate,
    floor_answer,
    global_id,
    hub_answer,
    hub_server,
    load,
    profile,
    profile_table,
    raw_id,
    served,
)
from hub.domain import PARTICIPATION_TYPES, ActorKind
from hub.store.neo4j_store import Neo4jStore
from hub.store.search import search_terms
from hub.synthetic import SyntheticGraph, generate_graph
from tools import neo4j_local
from tools.neo4j_local import Neo4jServer, free_port

PEER_DIR = Path(__file__).resolve().parent / "neo4j_graphql_peer"
MIN_NODE_MAJOR = 20  # @neo4j/graphql 7 and Apollo Server 5 need Node.js 20
#: APOC core for Neo4j 5.26 (from Maven Central); the library calls apoc.date.convertFormat.
APOC_ARTIFACT = "org.neo4j.procedure:apoc-core:5.26.0:jar:core"
#: A word fewer than SEARCH_FIRST actors' names start with at 2,000 and at 20,000 actors, so both
#: servers return every match and the sets compare exactly (there are 108 "Stadtwerke" at 20,000).
SEARCH_TEXT = "ministerium"
SEARCH_FIRST = 10
#: The peer's participant fields, in the order the hub lists roles (PARTICIPATION_TYPES).
ROLE_FIELDS = (
    ("organisers", "ORGANISES"),
    ("presenters", "PRESENTS_AT"),
    ("sponsors", "SPONSORS"),
    ("partners", "PARTNERS_IN"),
    ("attendees", "ATTENDS"),
)
assert [rel for _, rel in ROLE_FIELDS] == [t.value for t in PARTICIPATION_TYPES]

# --- the queries: the hub's, the peer's, the floor's ------------------------------------------------

HUB = {
    "list": """
query ListPage {
  events(first: 20, orderBy: {field: START}) {
    totalCount
    edges { node { id title start status } }
  }
}""",
    "filtered": GRAPHQL["list"],
    "nested": GRAPHQL["nested"],
    "search": GRAPHQL["search"].replace("first: 10", f"first: {SEARCH_FIRST}"),
    # first: 1, not 0: Space.events(first: 0) answers totalCount 0 (the store is not asked for an empty page).
    "aggregate": """
query EventsPerCentre {
  spaces(first: 10) { edges { node { id name events(first: 1) { totalCount } } } }
}""",
}

_PARTICIPANTS = "\n".join(f"      {field}(sort: [{{id: ASC}}]) {{ ...Participant }}" for field, _ in ROLE_FIELDS)
PEER = {
    "list": """
query ListPage {
  eventsConnection(first: 20, sort: [{start: ASC}, {id: ASC}]) {
    totalCount
    edges { node { id title start status } }
  }
}""",
    "filtered": """
query Filtered($spaces: [ID!]) {
  eventsConnection(first: 20, where: {space: {some: {id: {in: $spaces}}}}, sort: [{start: ASC}, {id: ASC}]) {
    totalCount
    edges { node { id title start status } }
  }
}""",
    "nested": f"""
query Nested {{
  events(limit: 20, sort: [{{start: ASC}}, {{id: ASC}}]) {{
    id title
{_PARTICIPANTS}
    themes(sort: [{{id: ASC}}]) {{ id label: label_de }}
    space {{ id name }}
  }}
}}
fragment Participant on Actor {{ id name events(first: 3) {{ id title }} }}""",
    "search": f"""
query Search($phrase: String!) {{
  actorSearch(phrase: $phrase, first: {SEARCH_FIRST}) {{ edges {{ score node {{ id name kind }} }} }}
}}""",
    "aggregate": """
query EventsPerCentre {
  spaces(limit: 10, sort: [{name: ASC}, {id: ASC}]) { id name eventsConnection { aggregate { count { nodes } } } }
}""",
}

FLOOR_QUERIES = {
    "list": """
CALL () { MATCH (e:Event) RETURN count(e) AS total }
MATCH (e:Event)
RETURN total, e.id AS id, e.title AS title, e.start AS start, e.status AS status
ORDER BY e.start, e.id LIMIT 20""",
    "filtered": FLOOR["list"],
    "nested": FLOOR["nested"],
    "search": FLOOR["search"],
    "aggregate": """
MATCH (s:Space)
RETURN s.id AS id, s.name AS name, COUNT { (s)<-[:HOSTED_BY]-(:Event) } AS events
ORDER BY name, id""",
}

#: The queries of bench.graphql_queries whose answer shapes these reuse.
_SHAPE = {"list": "list", "filtered": "list", "nested": "nested", "search": "search"}


@dataclass
class PeerCase(Case):
    """A :class:`Case` with the peer's variables too (one set per request, in turn)."""

    peer_variables: list[Json]


def cases() -> list[PeerCase]:
    lucene = " AND ".join(f"{term}*" for term in search_terms(SEARCH_TEXT))
    spaces = list(LIST_SPACES)
    return [
        PeerCase("list", [{}], [{}], [{}]),
        PeerCase(
            "filtered",
            [{"spaces": [global_id("Space", s) for s in spaces]}],
            [{"spaces": spaces}],
            [{"spaces": spaces}],
        ),
        PeerCase("nested", [{}], [{"rank": ROLE_RANK}], [{}]),
        # The peer is given the Lucene query the hub builds from the text (every word as a prefix).
        PeerCase("search", [{"text": SEARCH_TEXT}], [{"lucene": lucene}], [{"phrase": lucene}]),
        PeerCase("aggregate", [{}], [{}], [{}]),
    ]


# --- answers in one comparable shape ----------------------------------------------------------------


def hub_view(name: str, data: Json) -> Any:
    if name == "aggregate":
        return [
            (raw_id(e["node"]["id"]), e["node"]["name"], e["node"]["events"]["totalCount"])
            for e in data["spaces"]["edges"]
        ]
    return hub_answer(_SHAPE[name], data)


def floor_view(name: str, records: list[Json]) -> Any:
    """The floor's records in the hub's shape (part of the floor's timed work)."""
    if name == "aggregate":
        return [(r["id"], r["name"], r["events"]) for r in records]
    return floor_answer(_SHAPE[name], records, search_text=SEARCH_TEXT)


def peer_view(name: str, data: Json) -> Any:
    """The peer's JSON ``data`` in the hub's shape (search: a set, without scores)."""
    if name in ("list", "filtered"):
        page = data["eventsConnection"]
        return page["totalCount"], [(e["node"]["id"], e["node"]["title"]) for e in page["edges"]]
    if name == "nested":
        events = []
        for e in data["events"]:
            participants = [
                (role, a["id"], a["name"], [(x["id"], x["title"]) for x in a["events"]])
                for field, role in ROLE_FIELDS
                for a in e[field]
            ]
            space = (e["space"][0]["id"], e["space"][0]["name"]) if e["space"] else None
            events.append((e["id"], e["title"], space, [(t["id"], t["label"]) for t in e["themes"]], participants))
        return events
    if name == "search":
        return frozenset(
            (h["node"]["id"], h["node"]["name"], ActorKind(h["node"]["kind"]).name)
            for h in data["actorSearch"]["edges"]
        )
    return [(s["id"], s["name"], s["eventsConnection"]["aggregate"]["count"]["nodes"]) for s in data["spaces"]]


def as_peer_sees(name: str, answer: Any) -> Any:
    """A hub-shaped answer as the peer can give it: search hits as a set of (id, name, kind)."""
    return frozenset(hit[:3] for hit in answer) if name == "search" else answer


async def compare(case: PeerCase, hub: GraphQLClient, peer: GraphQLClient, floor: Floor) -> None:
    """Stop the run unless hub, peer and floor return the same data for every set of variables."""
    for hub_vars, floor_params, peer_vars in zip(
        case.graphql_variables, case.floor_params, case.peer_variables, strict=True
    ):
        floors = await floor.ask(case.name, floor_params)
        mine = hub_view(case.name, await hub.ask(case.name, hub_vars))
        theirs = peer_view(case.name, await peer.ask(case.name, peer_vars))
        if mine != floors:
            raise SystemExit(f"{case.name}: the hub and the floor disagree\nhub:   {mine}\nfloor: {floors}")
        if theirs != as_peer_sees(case.name, floors):
            raise SystemExit(f"{case.name}: the peer and the floor disagree\npeer:  {theirs}\nfloor: {floors}")
        if not floors or (case.name in ("list", "filtered") and not floors[1]):
            raise SystemExit(f"{case.name}: empty answer; the graph is too small")
        if case.name == "search" and len(floors) >= SEARCH_FIRST:
            raise SystemExit(
                f"search: {SEARCH_TEXT!r} matches {SEARCH_FIRST} actors or more, so which {SEARCH_FIRST} each server "
                "returns depends on its ranking; choose a rarer word (SEARCH_TEXT)"
            )


# --- Neo4j with APOC, the peer server, memory --------------------------------------------------------


def _run(command: Sequence[str], what: str, cwd: Path | None = None, timeout: float = 900) -> None:
    done = subprocess.run(
        command, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise SystemExit(
            f"{what} failed ({done.returncode}): {' '.join(command)}\n{(done.stdout + done.stderr)[-3000:]}"
        )


def _tool(name: str, why: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"'{name}' is not on PATH: {why}")
    return path


def ensure_peer_installed() -> str:
    """``node``, after ``npm ci`` if the packages are not installed as ``package.json`` pins them."""
    node = _tool("node", f"the peer needs Node.js >= {MIN_NODE_MAJOR} and npm")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < MIN_NODE_MAJOR:
        raise SystemExit(f"Node.js {version} is too old for the peer; it needs >= {MIN_NODE_MAJOR}")
    pinned: dict[str, str] = json.loads((PEER_DIR / "package.json").read_text())["dependencies"]

    def installed(package: str) -> str | None:
        manifest = PEER_DIR / "node_modules" / package / "package.json"
        return json.loads(manifest.read_text())["version"] if manifest.exists() else None

    if any(installed(package) != version for package, version in pinned.items()):
        print("  installing the peer (npm ci)", flush=True)
        npm = _tool("npm", "the peer is installed with npm ci")
        _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], "npm ci", cwd=PEER_DIR)
    return node


def ensure_apoc() -> Path:
    """The APOC core jar, copied once from Maven Central into the cache (as tools.neo4j_local does the server)."""
    _, artifact, version, _, classifier = APOC_ARTIFACT.split(":")
    target = neo4j_local.cache_dir() / f"{artifact}-{version}"
    jar = target / f"{artifact}-{version}-{classifier}.jar"
    if not jar.is_file():
        mvn = _tool("mvn", "Maven fetches the APOC plugin the peer needs")
        _run(
            [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={APOC_ARTIFACT}", f"-DoutputDirectory={target}"],
            "fetching APOC core with Maven",
        )
    return jar


@contextlib.contextmanager
def running_neo4j_with_apoc(home: Path | None, apoc: Path) -> Iterator[Neo4jServer]:
    """``tools.neo4j_local``'s server, but with ``<home>/plugins`` (APOC core) on the class path.

    APOC registers kernel extensions, which Neo4j only finds on its class path (the official
    launcher puts ``plugins/`` there); ``tools.neo4j_local.launch`` uses the server jars
    alone, so this starts the JVM itself, with the same options, after the server jars (APOC
    bundles older copies of libraries the server has).  A given ``home`` is kept, without the
    plugin (a server that ``tools.neo4j_local`` starts would not start with it in ``plugins/``).
    """
    temporary = home is None
    home = Path(tempfile.mkdtemp(prefix="bench-peer-neo4j-")) if home is None else home.resolve()
    try:
        lib = neo4j_local.ensure_neo4j_jars()
        plugins = home / "plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        shutil.copy2(apoc, plugins / apoc.name)
        port = free_port()
        neo4j_local.prepare_home(lib, home, port, neo4j_local.DEFAULT_PASSWORD)
        command = [
            neo4j_local._find_java(),
            *neo4j_local.JVM_OPTIONS,
            "-cp",
            f"{lib}{os.sep}*{os.pathsep}{plugins}{os.sep}*",
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={home}",
            f"--config-dir={home / 'conf'}",
        ]
        with open(home / neo4j_local.CONSOLE_LOG, "wb") as log:
            process = subprocess.Popen(
                command,
                env=neo4j_local._neo4j_env(home),
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Neo4jServer(
            f"bolt://127.0.0.1:{port}", neo4j_local.DEFAULT_USER, neo4j_local.DEFAULT_PASSWORD, home, process
        )
        try:
            neo4j_local.wait_for_bolt(server, neo4j_local.DEFAULT_START_TIMEOUT)
            yield server
        finally:
            neo4j_local.stop_neo4j(server)
            (plugins / apoc.name).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                plugins.rmdir()  # only if empty
    finally:
        if temporary:
            shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def peer_server(workdir: Path, node: str, neo4j: Neo4jServer) -> Iterator[Served]:
    """``node server.mjs`` on a free loopback port; yields it once it answers GraphQL."""
    port = free_port()
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "NEO4J_URI": neo4j.uri,
        "NEO4J_USER": neo4j.user,
        "NEO4J_PASSWORD": neo4j.password,
        "PORT": str(port),
    }
    with served(
        "the peer (node server.mjs)",
        [node, "server.mjs"],
        env,
        PEER_DIR,
        workdir / "peer.log",
        f"http://127.0.0.1:{port}",
        lambda client: client.post("/", json={"query": "{ __typename }"}).status_code == 200,
    ) as peer:
        yield peer


def wait_until_idle(pids: Sequence[int], timeout: float = 1800, quiet: float = 3.0) -> float:
    """Wait until the processes together used under 5 % of a core for ``quiet`` seconds; the seconds waited.

    The hub reads its insights projection in the background as it starts (minutes on 100,000
    events in Neo4j, with the hub idle while Neo4j works); measuring meanwhile would time that.
    """
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds() -> float:
        total = 0.0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return total

    began = time.monotonic()
    used, since = cpu_seconds(), time.monotonic()
    while time.monotonic() - began < timeout:
        time.sleep(0.5)
        now_used, now = cpu_seconds(), time.monotonic()
        if now - since >= quiet:
            if (now_used - used) / (now - since) < 0.05:
                return now - began
            used, since = now_used, now
    raise SystemExit(f"processes {list(pids)} were still busy after {timeout:.0f} s")


def reset_peak(pid: int) -> bool:
    """Reset the process's peak resident set to its current one (Linux 4.0+); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def memory(pid: int) -> tuple[int, int]:
    """The process's resident set now and its peak (``VmRSS``, ``VmHWM``), in bytes."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0]) * 1024
    return values["VmRSS"], values["VmHWM"]


# --- measuring -----------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    concurrency: int
    hub: Sample
    peer: Sample
    floor: Sample
    hub_peak: int  # bytes
    peer_peak: int


async def measure(
    case: PeerCase,
    hub: GraphQLClient,
    peer: GraphQLClient,
    floor: Floor,
    servers: tuple[Served, Served],
    args: argparse.Namespace,
    concurrency: int,
) -> Row:
    n = len(case.floor_params)

    async def on_hub(i: int) -> None:
        await hub.ask(case.name, case.graphql_variables[i % n])

    async def on_peer(i: int) -> None:
        await peer.ask(case.name, case.peer_variables[i % n])

    async def on_floor(i: int) -> None:
        await floor.ask(case.name, case.floor_params[i % n])

    for server in servers:
        reset_peak(server.process.pid)
    # A server that refuses a request under load (an error, the client's 600 s timeout) is counted, not fatal.
    hub_sample, peer_sample, floor_sample = await alternate(
        [on_hub, on_peer, on_floor], args, concurrency, tolerate=(RequestFailed, httpx.TimeoutException)
    )
    (_, hub_peak), (_, peer_peak) = (memory(server.process.pid) for server in servers)
    return Row(case.name, concurrency, hub_sample, peer_sample, floor_sample, hub_peak, peer_peak)


async def bench(
    neo4j: Neo4jServer, graph: SyntheticGraph, args: argparse.Namespace, workdir: Path, node: str
) -> tuple[list[Row], list[Any], str]:
    store = Neo4jStore(neo4j.uri, neo4j.user, neo4j.password)
    await store.open()
    try:
        await load(store, graph)
        headers = await admin_key(store)  # the peer shows everybody by name; so does an admin
    finally:
        await store.close()
    all_cases = cases()
    rows: list[Row] = []
    # /health: the app has started (store opened, reference data written) when it answers.
    # The peer has no time limits; the hub's (10 s a request, 30 s a store query) are raised to match, so that
    # both finish every request and requests/s compares finished work.
    limits = {"HUB_REQUEST_TIMEOUT_S": "600", "HUB_STORE_TIMEOUT_S": "600"}
    hub_started = hub_server(workdir, neo4j.uri, neo4j.password, ready_path="/health", timeout=600, env=limits)
    with hub_started as served_hub, peer_server(workdir, node, neo4j) as served_peer:
        print(f"  hub on {served_hub.url}, peer on {served_peer.url}", flush=True)
        waited = wait_until_idle([served_hub.process.pid, neo4j.process.pid])
        print(f"  hub and Neo4j were idle (the hub's start-up insights read over) {waited:.0f} s later", flush=True)
        hub = GraphQLClient(served_hub.url, max(args.concurrency), HUB, headers=headers, timeout=600)
        peer = GraphQLClient(served_peer.url, max(args.concurrency), PEER, path="/", server="peer", timeout=600)
        floor = Floor(neo4j.uri, neo4j.user, neo4j.password, FLOOR_QUERIES, floor_view)
        try:
            for case in all_cases:
                await compare(case, hub, peer, floor)
            print("  hub, peer and floor return the same data for every query", flush=True)
            (hub_rss, _), (peer_rss, _) = (memory(s.process.pid) for s in (served_hub, served_peer))
            started = f"resident set after start and the comparison: hub {_mb(hub_rss)}, peer {_mb(peer_rss)}"
            if not all(reset_peak(s.process.pid) for s in (served_hub, served_peer)):
                started += " (the peak could not be reset: peaks are since each server started)"
            print(f"  {started}", flush=True)
            for concurrency in args.concurrency:
                for case in all_cases:
                    row = await measure(case, hub, peer, floor, (served_hub, served_peer), args, concurrency)
                    rows.append(row)
                    print(
                        f"  {case.name} x{concurrency}: hub {_ms(row.hub.median)} {_rate(row.hub.rate)}/s, "
                        f"peer {_ms(row.peer.median)} {_rate(row.peer.rate)}/s, floor {_ms(row.floor.median)}",
                        flush=True,
                    )
        finally:
            await hub.close()
            await peer.close()
            await floor.close()
    warnings = [line for line in (workdir / "hub-serve.log").read_text().splitlines() if " WARNING " in line]
    if warnings:
        print("  the hub logged:\n    " + "\n    ".join(warnings[:10]), flush=True)
    profiles = (
        await profile(neo4j.uri, neo4j.user, neo4j.password, args.profile, all_cases, HUB) if args.profile else []
    )
    return rows, profiles, started


# --- report -------------------------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 1 else f"{seconds * 1000:,.0f}"


def _rate(per_second: float) -> str:
    return f"{per_second:,.0f}" if per_second >= 10 else f"{per_second:.1f}"


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def _p99(sample: Sample) -> float:
    return sample.percentile(99) if len(sample.latencies) > 1 else sample.latencies[0]


def _each(samples: Sequence[Sample], show: Callable[[Sample], str]) -> str:
    return " / ".join(show(s) if s.latencies else "–" for s in samples)


def _ratio(mine: Sample, theirs: Sample, value: Callable[[Sample], float]) -> str:
    return f"{value(mine) / value(theirs):.2f}x" if mine.latencies and theirs.latencies else "–"


def _rate_ratio(mine: Sample, theirs: Sample) -> str:
    return f"{mine.rate / theirs.rate:.2f}x" if theirs.rate else "∞"


def _requests(sample: Sample) -> str:
    return f"{len(sample.latencies)}" + (f" ({len(sample.errors)} failed)" if sample.errors else "")


def table(rows: Sequence[Row]) -> str:
    """One line per query and level: each side's figures, and the ratios hub/peer and hub/floor."""
    lines = [
        "| query | in flight | requests hub / peer / floor | median ms hub / peer / floor | p99 ms hub / peer / floor "
        "| req/s hub / peer / floor | hub/peer req/s | hub/peer median | hub/peer p99 | hub/floor median "
        "| peak RSS hub / peer | hub/peer RSS |",
        "|---|---:|---|---|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        samples = (r.hub, r.peer, r.floor)
        lines.append(
            f"| {r.name} | {r.concurrency} | {' / '.join(_requests(s) for s in samples)} "
            f"| {_each(samples, lambda s: _ms(s.median))} "
            f"| {_each(samples, lambda s: _ms(_p99(s)))} "
            f"| {' / '.join(_rate(s.rate) for s in samples)} "
            f"| {_rate_ratio(r.hub, r.peer)} | {_ratio(r.hub, r.peer, lambda s: s.median)} "
            f"| {_ratio(r.hub, r.peer, _p99)} | {_ratio(r.hub, r.floor, lambda s: s.median)} "
            f"| {_mb(r.hub_peak)} / {_mb(r.peer_peak)} | {r.hub_peak / r.peer_peak:.2f}x |"
        )
    return "\n".join(lines)


def failures(rows: Sequence[Row]) -> str:
    """What the failed requests answered, once per query, level and side."""
    lines = []
    for r in rows:
        for side, sample in (("hub", r.hub), ("peer", r.peer), ("floor", r.floor)):
            if sample.errors:
                example = sample.errors[0]
                lines.append(f"* {r.name} x{r.concurrency}, {side}: {len(sample.errors)} failed, e.g. {example}")
    return "\n".join(lines)


def verdict(rows: Sequence[Row]) -> str:
    """The issue's two targets, query by query (requests/s counts the requests that succeeded)."""
    lines = []
    for name in dict.fromkeys(r.name for r in rows):
        mine = [r for r in rows if r.name == name]
        loaded = [r for r in mine if r.concurrency >= 8]
        rates = [f"x{r.concurrency} {_rate_ratio(r.hub, r.peer)}" for r in loaded]
        rate_met = all(r.hub.rate >= r.peer.rate for r in loaded)
        floors = [f"x{r.concurrency} {_ratio(r.hub, r.floor, lambda s: s.median)}" for r in mine]
        floor_met = all(r.hub.latencies and r.hub.median <= 2 * r.floor.median for r in mine)
        lines.append(
            f"* {name}: requests/s at least the peer's at 8 and 32 in flight: "
            f"{'met' if rate_met else 'MISSED'} ({', '.join(rates) or 'not measured'}); "
            f"median within 2x of the floor: {'met' if floor_met else 'MISSED'} ({', '.join(floors)})"
        )
    return "\n".join(lines)


async def main(argv: Sequence[str] | None = None) -> None:
    parser = bench_parser(__doc__)
    add_measurement_arguments(
        parser,
        requests=100,
        warmup=10,
        concurrency="1,8,32",
        max_seconds=60,
        sides="hub/peer/floor",
        profiled="the hub's queries, as bench.graphql_queries does,",
    )
    args = parser.parse_args(argv)

    node = ensure_peer_installed()
    apoc = ensure_apoc()
    started = time.perf_counter()
    graph = generate_graph(actors=args.actors, events=args.events)
    print(
        f"graph: {len(graph.nodes):,} nodes ({args.actors:,} actors, {args.events:,} events), "
        f"{len(graph.relationships):,} relationships, generated in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-peer-"))  # the servers' logs; their tails are shown on failure
    try:
        with running_neo4j_with_apoc(args.neo4j_home, apoc) as neo4j:
            print(f"neo4j: {neo4j.uri} (with {apoc.name})", flush=True)
            rows, profiles, started_note = await bench(neo4j, graph, args, workdir, node)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{date.today().isoformat()}, {os.cpu_count()} cores; {started_note}\n")
    print(table(rows))
    if failed := failures(rows):
        print(f"\nFailed requests (not in the latencies; requests/s counts successes only):\n{failed}")
    print()
    print(verdict(rows))
    if profiles:
        http = {r.name: r.hub.median for r in rows if r.concurrency == args.concurrency[0]}
        print()
        print(profile_table(profiles, http))


if __name__ == "__main__":
    asyncio.run(main())
