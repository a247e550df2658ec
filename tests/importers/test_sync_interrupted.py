"""A sync killed mid-run and re-run ends with exactly the same graph as an uninterrupted sync.

The real ``hub sync`` command runs in a subprocess over demo feeds of all six formats,
once per engine (the embedded store in a data directory, Neo4j at the test server):

1. an uninterrupted sync into an empty store: the reference graph;
2. into another empty store, a sync that is SIGKILLed while it writes: right after
   a source's events were written, before their relationships (the process reports
   each committed store write on stdout, see ``PROBE``);
3. the graph after the kill is partial (checked);
4. ``hub sync`` again, to completion: every node of every content label and every
   relationship, with all their fields except the provenance timestamps, equals the
   reference.  Bookkeeping is checked on its own: no import run is left "running";
   the killed one is marked "interrupted" by the re-run.

The embedded store admits one process at a time, so the test opens it only while no
``hub`` process runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hub.domain import NODE_TYPES, Event, FeedDocument, ImportRun, Node, RelType
from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore
from importers.demo_feeds import write_demo_feeds
from tests.conftest import Neo4jEndpoint, engine_params

#: Fields that say when something was seen, not what it is: they differ between any two syncs.
TIMESTAMPS = {"first_seen", "last_seen"}
#: Which source's events the kill follows (registry order): two sources done, four to go.
KILL_AFTER_EVENT_WRITES = 3
REPO = Path(__file__).resolve().parent.parent.parent

#: ``hub sync`` itself, reporting each committed store write on stdout ("wrote nodes Event,Actor").
PROBE = """
import sys
from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore

def announce(kind, write):
    async def wrapped(self, items, *args, **kwargs):
        result = await write(self, items, *args, **kwargs)
        labels = sorted({getattr(item, "LABEL", "") or type(item).__name__ for item in items})
        print(f"wrote {kind} {','.join(labels)}", flush=True)
        return result
    return wrapped

for store in (LadybugStore, Neo4jStore):
    store.upsert_nodes = announce("nodes", store.upsert_nodes)
    store.upsert_relationships = announce("relationships", store.upsert_relationships)

from hub.cli import app
sys.argv[0] = "hub"
app()
"""


# --- where the graph lives, per engine --------------------------------------------------------------------


@dataclass
class Place:
    """A store the ``hub`` command and the test take turns to open."""

    engine: str
    data_dir: Path
    neo4j: Neo4jEndpoint | None = None

    def cli_args(self) -> list[str]:
        if self.neo4j is not None:
            return ["--neo4j-uri", self.neo4j.uri]
        return ["--data-dir", str(self.data_dir)]

    def env(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("HUB_")}
        if self.neo4j is not None:
            env |= {"HUB_NEO4J_USER": self.neo4j.user, "HUB_NEO4J_PASSWORD": self.neo4j.password}
        return env

    def store(self) -> GraphStore:
        if self.neo4j is not None:
            return Neo4jStore(self.neo4j.uri, self.neo4j.user, self.neo4j.password)
        return LadybugStore(self.data_dir / "graph.lbdb", buffer_pool_mb=256)

    def read(self, work: Any) -> Any:
        """Open the store, run ``await work(store)``, close it."""

        async def run() -> Any:
            store = self.store()
            await store.open()
            try:
                return await work(store)
            finally:
                await store.close()

        return asyncio.run(run())


@pytest.fixture(params=engine_params())
def places(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Place, Place]]:
    """Two empty stores of one engine: for the reference sync and for the interrupted one.

    Neo4j Community has one database, so both are the test server, emptied before each use.
    """
    engine = str(request.param)
    endpoint = request.getfixturevalue("neo4j_endpoint") if engine == "neo4j" else None
    yield Place(engine, tmp_path / "reference", endpoint), Place(engine, tmp_path / "interrupted", endpoint)


def empty(place: Place) -> None:
    async def clear(store: GraphStore) -> None:
        await store.clear()

    if place.neo4j is not None:
        place.read(clear)


# --- the graph, comparable ---------------------------------------------------------------------------------


@dataclass
class Snapshot:
    nodes: dict[str, dict[str, dict[str, Any]]]  # label -> id -> fields (without timestamps)
    relationships: dict[tuple[str, str, str], dict[str, Any]]
    runs: list[ImportRun]
    documents: dict[str, dict[str, Any]]  # FeedDocument id -> fields but the fetch time

    def events(self) -> int:
        return len(self.nodes.get(Event.LABEL, {}))


def _fields(record: Any) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=TIMESTAMPS)


async def snapshot(store: GraphStore) -> Snapshot:
    nodes: dict[str, dict[str, dict[str, Any]]] = {}
    for label in _content_labels():
        nodes[label.LABEL] = {node.id: _fields(node) async for batch in store.iter_nodes(label) for node in batch}
    relationships = {
        rel.key: _fields(rel)
        for rel_type in RelType
        async for batch in store.iter_relationships(rel_type)
        for rel in batch
    }
    runs = [run async for batch in store.iter_nodes(ImportRun) for run in batch]
    documents = {
        document.id: document.model_dump(mode="json", exclude={*TIMESTAMPS, "fetched_at"})
        async for batch in store.iter_nodes(FeedDocument)
        for document in batch
    }
    return Snapshot(nodes, relationships, runs, documents)


def _content_labels() -> list[type[Node]]:
    return [label for label in NODE_TYPES.values() if label.IS_CONTENT]


# --- running hub sync -------------------------------------------------------------------------------------


def hub_sync(place: Place, registry: Path, log: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "hub.cli", "sync", "--registry", str(registry), *place.cli_args()]
    with log.open("a") as stderr:
        done = subprocess.run(command, cwd=REPO, env=place.env(), stdout=subprocess.PIPE, stderr=stderr, text=True)
    assert done.returncode == 0, f"hub sync exited with {done.returncode}; see {log}:\n{log.read_text()[-3000:]}"
    return done


def killed_hub_sync(place: Place, registry: Path, log: Path) -> list[str]:
    """``hub sync`` SIGKILLed right after its KILL_AFTER_EVENT_WRITES-th write of events; the writes it reported."""
    command = [sys.executable, "-c", PROBE, "sync", "--registry", str(registry), *place.cli_args()]
    writes: list[str] = []
    with log.open("a") as stderr:
        process = subprocess.Popen(command, cwd=REPO, env=place.env(), stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            assert process.stdout is not None
            event_writes = 0
            for line in process.stdout:
                writes.append(line.strip())
                kind, labels = line.split()[1:3] if len(line.split()) >= 3 else ("", "")
                event_writes += kind == "nodes" and Event.LABEL in labels.split(",")
                if event_writes >= KILL_AFTER_EVENT_WRITES:
                    process.send_signal(signal.SIGKILL)
                    break
        finally:
            process.kill()
            process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"hub sync ended on its own ({process.returncode}); see {log}"
    return writes


# --- the test ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo feeds of all six formats (1,000 events): a sync of a few seconds, with several writes per source."""
    directory = tmp_path_factory.mktemp("feeds")
    return write_demo_feeds(directory, events=1_000, seed=11).write_registry(directory / "sources.yaml")


def test_a_killed_sync_rerun_gives_the_graph_of_an_uninterrupted_one(
    places: tuple[Place, Place], registry: Path, tmp_path: Path
) -> None:
    reference_place, place = places
    log = tmp_path / "hub-sync.log"

    empty(reference_place)
    hub_sync(reference_place, registry, log)
    reference = reference_place.read(snapshot)
    assert reference.events() >= 1_000
    assert {run.status for run in reference.runs} == {"ok"}

    empty(place)
    writes = killed_hub_sync(place, registry, log)
    partial = place.read(snapshot)
    # Killed mid-write: some sources' events are in, not all; the last source's relationships are missing.
    assert 0 < partial.events() < reference.events(), writes
    assert len(partial.relationships) < len(reference.relationships)

    hub_sync(place, registry, log)
    rerun = place.read(snapshot)

    for label, nodes in reference.nodes.items():
        assert rerun.nodes[label].keys() == nodes.keys(), label
        different = [node_id for node_id in nodes if rerun.nodes[label][node_id] != nodes[node_id]]
        assert not different, f"{label}: {len(different)} differ, e.g. {_diff(nodes, rerun.nodes[label], different)}"
    missing = reference.relationships.keys() - rerun.relationships.keys()
    extra = rerun.relationships.keys() - reference.relationships.keys()
    assert not missing and not extra, f"{len(missing)} missing, e.g. {sorted(missing)[:3]}; {len(extra)} extra"
    different = [key for key in reference.relationships if rerun.relationships[key] != reference.relationships[key]]
    assert not different, (
        f"{len(different)} differ, e.g. {_diff(reference.relationships, rerun.relationships, different)}"
    )

    # Bookkeeping: the same documents remembered; nothing is left running; the killed run says it was interrupted.
    assert rerun.documents == reference.documents
    statuses = [run.status for run in rerun.runs]
    assert "running" not in statuses, sorted((run.source_key, run.status) for run in rerun.runs)
    assert statuses.count("interrupted") == 1, sorted((run.source_key, run.status) for run in rerun.runs)
    latest = {}
    for run in sorted(rerun.runs, key=lambda run: run.started_at):
        latest[run.source_key] = run
    assert {run.status for run in latest.values()} <= {"ok", "not_modified"}


def _diff(before: dict[Any, dict[str, Any]], after: dict[Any, dict[str, Any]], keys: list[Any]) -> str:
    key = keys[0]
    changed = {
        name: (before[key].get(name), after[key].get(name))
        for name in before[key]
        if before[key].get(name) != after[key].get(name)
    }
    return f"{key}: {changed}"
