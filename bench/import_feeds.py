"""End-to-end import throughput: generated feeds of all six formats into each engine.

    make bench-import                               # 50,000 events, both engines
    python -m bench.import_feeds --events 10000 --engines ladybug

Writes demo feeds (``importers.demo_feeds``) for the six centres, then runs the real
sync (``importers.sync.Syncer``) over their registry into a fresh store of each
engine, each in its own process so that its peak memory is its own. Reports events/s
end to end, peak RSS, and the time per stage (fetch, parse, resolve, write); fetching
overlaps the other stages, so the stage times can add up to more than the total.
A second sync of the unchanged feeds shows the incremental path.

Large documents are parsed in worker processes, so peak RSS is that of the engine's
process and its workers together (sampled), and the CPU seconds of the first sync are
those of all of them: on a machine shared with other work, CPU time says more about
the import's cost than the wall clock does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import yaml

from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore
from importers.demo_feeds import write_demo_feeds
from importers.fetch import Fetcher
from importers.registry import load_registry
from importers.sync import Syncer


class _Processes:
    """This process and its descendants (the parsing workers): peak RSS of all together, and their CPU time.

    Sampled every 0.2 s from /proc, since the workers come and go within a sync.
    """

    def __init__(self) -> None:
        self.peak_rss = 0
        self._cpu: dict[int, float] = {}  # per descendant, as last seen
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._tick = os.sysconf("SC_CLK_TCK")
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> _Processes:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def descendants_cpu(self) -> float:
        return sum(self._cpu.values())

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            children: dict[int, list[int]] = {}
            usage: dict[int, tuple[int, int]] = {}  # pid -> (utime + stime in ticks, rss in pages)
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry.name}/stat") as stat:
                        fields = stat.read().rsplit(")", 1)[1].split()  # fields from the 3rd on (state, ppid, …)
                except OSError:
                    continue
                pid = int(entry.name)
                children.setdefault(int(fields[1]), []).append(pid)
                usage[pid] = (int(fields[11]) + int(fields[12]), int(fields[21]))
            family, rss = [os.getpid()], 0
            for pid in family:  # grows while walked: breadth first over the descendants
                family.extend(children.get(pid, []))
                ticks, pages = usage.get(pid, (0, 0))
                rss += pages * self._page
                if pid != os.getpid():
                    self._cpu[pid] = ticks / self._tick
            self.peak_rss = max(self.peak_rss, rss)


def _uncapped(registry: Path) -> Path:
    """The registry with every page followed: at 50,000 events the paginated centres have over
    100 pages, and the default cap (``max_pages``, 50) would leave 14,000 events unimported."""
    sources = yaml.safe_load(registry.read_text(encoding="utf-8"))
    for source in sources:
        source["max_pages"] = 1000
    registry.write_text(yaml.safe_dump(sources, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return registry


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _sync_once(store: GraphStore, registry: Path, now: datetime) -> tuple[float, dict[str, float], int]:
    async with Fetcher() as fetcher:
        syncer = Syncer(store, fetcher, clock=lambda: now)
        started = time.perf_counter()
        runs = await syncer.sync(load_registry(registry))
        elapsed = time.perf_counter() - started
    failed = [run for run in runs if run.status == "failed"]
    if failed:
        raise SystemExit(f"sync failed: {[run.errors[:3] for run in failed]}")
    return elapsed, dict(syncer.timings), sum(run.new + run.changed for run in runs)


async def child(engine: str, registry: Path, now: datetime, workdir: Path, neo4j: dict[str, str]) -> dict[str, object]:
    """One engine, measured in this process."""
    store: GraphStore
    if engine == "neo4j":
        store = Neo4jStore(neo4j["uri"], neo4j["user"], neo4j["password"])
    else:
        store = LadybugStore(workdir / "graph.lbdb")
    await store.open()
    try:
        with _Processes() as processes:
            cpu_before = _cpu_seconds()
            first, stages, written = await _sync_once(store, registry, now)
            cpu = _cpu_seconds() - cpu_before + processes.descendants_cpu()
            again, _, rewritten = await _sync_once(store, registry, now)
        counts = await store.counts()
    finally:
        # No clear() of Neo4j: the server is a throwaway one, and clearing 400,000 relationships
        # in one transaction exceeds its memory pool.
        await store.close()
    return {
        "engine": engine,
        "events": counts.nodes["Event"],
        "written": written,
        "seconds": first,
        "stages": stages,
        "resync_seconds": again,
        "resync_written": rewritten,
        "cpu_seconds": cpu,
        "peak_rss_mb": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, processes.peak_rss) / 2**20,
        "nodes": counts.total_nodes,
        "relationships": counts.total_relationships,
    }


def _table(results: Sequence[dict[str, object]]) -> str:
    lines = [
        "| engine | events | first sync | events/s | CPU (first sync) | CPU per event "
        "| fetch | parse | resolve | write | re-sync (unchanged) | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        stages: dict[str, float] = r["stages"]  # type: ignore[assignment]
        seconds = float(r["seconds"])  # type: ignore[arg-type]
        share = {k: f"{v:.1f} s ({v / seconds:.0%})" for k, v in stages.items()}
        lines.append(
            f"| {r['engine']} | {r['events']:,} | {seconds:.1f} s | {int(r['events']) / seconds:,.0f} "  # type: ignore[call-overload]
            f"| {float(r['cpu_seconds']):.1f} s "  # type: ignore[arg-type]
            f"| {float(r['cpu_seconds']) * 1000 / max(1, int(r['events'])):.2f} ms "  # type: ignore[arg-type, call-overload]
            f"| {share.get('fetch', '-')} | {share.get('parse', '-')} | {share.get('resolve', '-')} "
            f"| {share.get('write', '-')} | {float(r['resync_seconds']):.1f} s | {float(r['peak_rss_mb']):,.0f} MB |"  # type: ignore[arg-type]
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--engines", default="ladybug,neo4j")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: run one engine, print JSON
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        result = asyncio.run(
            child(
                spec["engine"],
                Path(spec["registry"]),
                datetime.fromisoformat(spec["now"]),
                Path(spec["workdir"]),
                spec.get("neo4j", {}),
            )
        )
        print(json.dumps(result))
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    started = time.perf_counter()
    feeds = write_demo_feeds(workdir / "feeds", events=args.events)
    registry = _uncapped(feeds.write_registry(workdir / "feeds" / "sources.yaml"))
    now = feeds.generated_at.astimezone(UTC)
    print(f"generated {feeds.total:,} events in {time.perf_counter() - started:.1f} s")
    results = []
    for engine in args.engines.split(","):
        spec: dict[str, object] = {
            "engine": engine,
            "registry": str(registry),
            "now": now.isoformat(),
            "workdir": str(workdir / engine),
        }
        if engine == "neo4j":
            from tools.neo4j_local import running_neo4j

            with running_neo4j() as server:
                spec["neo4j"] = {"uri": server.uri, "user": server.user, "password": server.password}
                results.append(_run_child(spec))
        else:
            results.append(_run_child(spec))
        print(f"{engine}: {json.dumps(results[-1])}", flush=True)  # kept should a later engine fail
    print(_table(results))


def _run_child(spec: dict[str, object]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_feeds", "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"the {spec['engine']} run failed:\n{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
