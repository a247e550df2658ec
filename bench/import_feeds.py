"""End-to-end import throughput: generated feeds of all six formats into each engine.

    make bench-import                               # 50,000 events, both engines
    python -m bench.import_feeds --events 10000 --engines ladybug

Writes demo feeds (``importers.demo_feeds``) for the six centres, then runs the real
sync (``importers.sync.Syncer``) over their registry into a fresh store of each
engine, each in its own process so that its peak memory is its own. Reports events/s
end to end, peak RSS, and the time per stage (fetch, parse, resolve, write); fetching
overlaps the other stages, so the stage times can add up to more than the total.
A second sync of the unchanged feeds shows the incremental path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import GraphStore
from importers.demo_feeds import write_demo_feeds
from importers.fetch import Fetcher
from importers.registry import load_registry
from importers.sync import Syncer


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
        first, stages, written = await _sync_once(store, registry, now)
        again, _, rewritten = await _sync_once(store, registry, now)
        counts = await store.counts()
    finally:
        if engine == "neo4j":
            await store.clear()
        await store.close()
    return {
        "engine": engine,
        "events": counts.nodes["Event"],
        "written": written,
        "seconds": first,
        "stages": stages,
        "resync_seconds": again,
        "resync_written": rewritten,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "nodes": counts.total_nodes,
        "relationships": counts.total_relationships,
    }


def _table(results: Sequence[dict[str, object]]) -> str:
    lines = [
        "| engine | events | first sync | events/s | fetch | parse | resolve | write | re-sync (unchanged) "
        "| peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        stages: dict[str, float] = r["stages"]  # type: ignore[assignment]
        seconds = float(r["seconds"])  # type: ignore[arg-type]
        share = {k: f"{v:.1f} s ({v / seconds:.0%})" for k, v in stages.items()}
        lines.append(
            f"| {r['engine']} | {r['events']:,} | {seconds:.1f} s | {int(r['events']) / seconds:,.0f} "  # type: ignore[call-overload]
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
    registry = feeds.write_registry(workdir / "feeds" / "sources.yaml")
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
    print(_table(results))


def _run_child(spec: dict[str, object]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_feeds", "--child", json.dumps(spec)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
