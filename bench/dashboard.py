"""How fast the dashboard at ``/`` loads and becomes interactive, in headless Chromium, on real data sizes.

    make bench-dashboard                                  # the demo data, then 20,000 actors / 20,000 events
    python -m bench.dashboard --demo-only                 # only the demo data (as make run imports it)
    python -m bench.dashboard --actors 5000 --events 5000 --skip-demo
    python -m bench.dashboard --data-dir /tmp/bench-dashboard   # keep the generated graph for the next run

Targets (issue #7): interactive within 2 s on the demo data, within 5 s on a graph of 20,000 actors.

Each data set is served by the real hub (``create_app``, production settings, uvicorn on a loopback port)
from an embedded store: the demo feeds imported as ``hub demo`` does (1,200 events), or a generated graph
(``hub.synthetic``; writing 20,000 actors takes many minutes, so ``--data-dir`` keeps it).  Debian's
Chromium (``/usr/bin/chromium``, via Playwright) loads the page at 1366×768; times are read from the
page's own performance timeline, from the start of navigation:

* *interactive*: the period selection and the views work (the page's ``dashboard-interactive`` mark);
* *overview*: map, heatmap and key figures show the API's numbers (``dashboard-overview-ready``);
* *cold*: the first load after the hub started, so every insight is computed and the projection read from
  the store; *warm*: the median of ``--runs`` further loads (what every later visitor meets);
* for information: switching to the network view, and one partner search, until they show their data.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hub.config import Settings
from hub.store.ladybug_store import LadybugStore
from hub.synthetic import generate_graph
from tools.screenshots import VIEWPORT, HubServer, graphql, import_demo, launch_chromium, wait_ready

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS_S = {"demo": 2.0, "large": 5.0}
MARKS = """() => Object.fromEntries(["dashboard-interactive", "dashboard-overview-ready"]
  .map((name) => [name, (performance.getEntriesByName(name)[0] || {}).startTime ?? null]))"""


@dataclass
class Loads:
    name: str
    target_s: float
    interactive_s: list[float] = field(default_factory=list)
    overview_s: list[float] = field(default_factory=list)
    network_s: float | None = None
    partners_s: float | None = None

    def row(self) -> str:
        cold_i, cold_o = self.interactive_s[0], self.overview_s[0]
        warm_i, warm_o = statistics.median(self.interactive_s[1:]), statistics.median(self.overview_s[1:])
        met = max(cold_o, warm_o) <= self.target_s
        extra = f"{self.network_s:.2f} s / {self.partners_s:.2f} s" if self.network_s and self.partners_s else "–"
        return (
            f"| {self.name} | {cold_i:.2f} s | {cold_o:.2f} s | {warm_i:.2f} s | {warm_o:.2f} s | {extra} "
            f"| {self.target_s:.0f} s: {'met' if met else 'MISSED'} |"
        )


def measure(name: str, target_s: float, data_dir: Path, runs: int) -> Loads:
    """Loads the page ``runs + 1`` times from a freshly started hub (the first load is the cold one)."""
    from playwright.sync_api import sync_playwright

    loads = Loads(name, target_s)
    with HubServer(Settings(data_dir=data_dir, env="production")) as hub, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for run in range(runs + 1):
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                page.goto(hub.url(), wait_until="commit")
                page.wait_for_selector("html[data-state=ready]", timeout=120_000)
                wait_ready(page, "uebersicht", timeout=120_000)
                marks = page.evaluate(MARKS)
                loads.interactive_s.append(marks["dashboard-interactive"] / 1000)
                loads.overview_s.append(marks["dashboard-overview-ready"] / 1000)
                print(
                    f"  {name} load {run + 1}{' (cold)' if run == 0 else ''}: interactive "
                    f"{loads.interactive_s[-1]:.2f} s, overview {loads.overview_s[-1]:.2f} s",
                    flush=True,
                )
                if run == 0:
                    loads.network_s, loads.partners_s = _views(page, hub.url())
                context.close()
        finally:
            browser.close()
    return loads


def _views(page: Any, url: str) -> tuple[float, float]:
    """Seconds from a click until the network view, and until partner suggestions, show their data."""
    started = time.perf_counter()
    page.click("nav.tabs a[data-view=netzwerk]")
    wait_ready(page, "netzwerk", timeout=120_000)
    network_s = time.perf_counter() - started
    actors = graphql(url, "{ crossRegional { actors(first: 10) { name actor { id kind } } } }")
    actor = next(a for a in actors["crossRegional"]["actors"] if a["actor"]["kind"] != "PERSON")
    page.click("nav.tabs a[data-view=partner]")
    wait_ready(page, "partner")
    page.fill("#partner-actor", actor["name"])
    page.locator(f"#partner-actor-list [role=option][data-id='{actor['actor']['id']}']").click()
    started = time.perf_counter()
    page.click("#partner-submit")
    wait_ready(page, "partner", timeout=120_000)
    return network_s, time.perf_counter() - started


async def _load_graph(data_dir: Path, actors: int, events: int) -> None:
    from bench.insights import load  # writes the graph unless the store holds one of the same shape

    print(f"generating {actors:,} actors / {events:,} events …", flush=True)
    graph = generate_graph(actors=actors, events=events)
    store = LadybugStore(Settings(data_dir=data_dir).ladybug_path, buffer_pool_mb=2048)
    await store.open()
    try:
        await load(store, graph)
    finally:
        await store.close()


@contextlib.contextmanager
def _directory(kept: str | None, name: str) -> Iterator[Path]:
    if kept:
        path = Path(kept) / name
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=f"bench-dashboard-{name}-") as tmp:
        yield Path(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--actors", type=int, default=20_000, help="actors of the generated graph (default 20,000)")
    parser.add_argument("--events", type=int, default=20_000, help="events of the generated graph (default 20,000)")
    parser.add_argument("--runs", type=int, default=5, help="warm loads after the cold one (default 5)")
    parser.add_argument("--data-dir", help="keep (and reuse) the data sets under this directory")
    parser.add_argument("--demo-only", action="store_true", help="only the demo data")
    parser.add_argument("--skip-demo", action="store_true", help="only the generated graph")
    args = parser.parse_args(argv)
    results: list[Loads] = []
    if not args.skip_demo:
        with _directory(args.data_dir, "demo") as data_dir:
            if not (data_dir / "graph.lbdb").exists():
                print("importing the demo feeds (1,200 events, as make run) …", flush=True)
                import_demo(data_dir)
            results.append(measure("demo data (1,200 events)", TARGETS_S["demo"], data_dir, args.runs))
    if not args.demo_only:
        name = f"{args.actors:,} actors / {args.events:,} events"
        with _directory(args.data_dir, f"synthetic-{args.actors}-{args.events}") as data_dir:
            asyncio.run(_load_graph(data_dir, args.actors, args.events))
            results.append(measure(name, TARGETS_S["large"], data_dir, args.runs))
    print()
    print(
        "| data | interactive, cold | overview, cold | interactive, warm | overview, warm "
        "| network / partners (cold) | target |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for loads in results:
        print(loads.row())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dashboard.json").write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
    return 0 if all(max(r.overview_s[0], statistics.median(r.overview_s[1:])) <= r.target_s for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
