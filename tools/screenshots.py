"""Screenshots of every dashboard view, and the browser and server helpers the dashboard's tests share.

    make screenshots                       # = .venv/bin/python -m tools.screenshots
    python -m tools.screenshots --out /tmp/shots --events 600

Imports the demo feeds into a temporary embedded store (as ``make run`` does: ``hub demo``, seed 7,
1,200 events), serves the hub on a free loopback port and photographs each view at 1366×768 in
headless Chromium, into ``docs/screenshots/``:

* ``uebersicht.png``: key figures, the map of the centres and the theme × centre heatmap;
* ``zeitverlauf.png``: the heatmap over time (quarters);
* ``netzwerk.png``: the cross-regional network with one actor's neighbourhood highlighted;
* ``partner.png``: partner suggestions for that actor, with their reasons;
* ``veranstaltungen.png``: the event list.

The browser is Debian's ``/usr/bin/chromium`` (``make setup`` installs it) driven by Playwright; Playwright's
own browser downloads are never used (``playwright install`` cannot download here, and need not).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import httpx
import uvicorn

from hub.api.app import create_app
from hub.config import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
#: Headless, sandbox-less (we may run as root), and nothing that calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless; a clear error if it is not installed."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make setup` installs it (apt-get install -y chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


class HubServer:
    """The hub's app (``create_app``) served by uvicorn on a free 127.0.0.1 port, in a background thread.

    The app opens its store in its own lifespan, inside the server's event loop, exactly as ``hub serve``.
    """

    def __init__(self, settings: Settings, *, start_timeout: float = 60.0) -> None:
        self.settings = settings
        self.start_timeout = start_timeout
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self) -> Self:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.settings), log_level="warning", access_log=False, lifespan="on", loop="asyncio"
        )
        self._server = uvicorn.Server(config)

        def serve() -> None:
            try:
                assert self._server is not None
                asyncio.run(self._server.serve(sockets=[sock]))
            except BaseException as error:  # reported by start()
                self._error = error

        self._thread = threading.Thread(target=serve, name=f"hub:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the hub did not start on {self.url()}: {self._error!r}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._server = self._thread = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def graphql(base_url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The API's ``data`` for a query (an error in the answer is an exception)."""
    response = httpx.post(
        f"{base_url.rstrip('/')}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"the hub answered {response.status_code}: {body.get('errors')}")
    return body["data"]


def import_demo(data_dir: Path, events: int = 1200, seed: int = 7) -> None:
    """The demo feeds of ``hub demo`` written under ``data_dir`` and synced into its embedded store."""
    from rich.console import Console

    from hub.store import create_store
    from importers.demo_feeds import write_demo_feeds
    from importers.registry import load_registry
    from importers.runner import run_sync

    settings = Settings(data_dir=data_dir)
    feeds = write_demo_feeds(data_dir / "demo-feeds", events=events, seed=seed)
    registry = feeds.write_registry(data_dir / "demo-feeds" / "sources.yaml")

    async def work() -> None:
        store = create_store(settings)
        await store.open()
        try:
            await run_sync(store, load_registry(registry), Console(stderr=True, quiet=True))
        finally:
            await store.close()

    asyncio.run(work())


def wait_ready(page: Page, view: str, timeout: float = 30_000) -> None:
    """Waits until a view shows its data (its section's data-state is "ready")."""
    page.wait_for_selector(f"#view-{view}[data-state=ready]", timeout=timeout)


# --- screenshots ---------------------------------------------------------------------------------------------------


def _busy_actor(base_url: str) -> dict[str, Any]:
    """A busy organisation active in two or three centres (partners come from the others), for two views."""
    data = graphql(
        base_url, "{ crossRegional { actors(first: 100) { name events centres { events } actor { id kind } } } }"
    )
    actors = [
        a
        for a in data["crossRegional"]["actors"]
        if a["actor"] and a["actor"]["kind"] != "PERSON" and len(a["centres"]) <= 3
    ]
    if not actors:
        raise RuntimeError("the demo data has no organisation active in two or three centres")
    return max(actors, key=lambda a: a["events"])


def take(base_url: str, out: Path, playwright: Playwright) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    actor = _busy_actor(base_url)
    browser = launch_chromium(playwright)
    shots: list[Path] = []
    try:
        page = browser.new_page(viewport=VIEWPORT)

        def shot(name: str) -> None:
            page.wait_for_timeout(250)  # let the last frame paint
            path = out / f"{name}.png"
            page.screenshot(path=str(path))
            shots.append(path)
            print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", flush=True)

        page.goto(base_url)
        wait_ready(page, "uebersicht")
        shot("uebersicht")

        page.click("label[for=heat-mode-time]")
        page.wait_for_selector("#h-heatmap:has-text('Zeitverlauf')")
        shot("zeitverlauf")
        page.click("label[for=heat-mode-space]")

        page.click("nav.tabs a[data-view=netzwerk]")
        wait_ready(page, "netzwerk")
        page.fill("#net-search", actor["name"])
        page.click(f"#net-search-list [role=option][data-id='{actor['actor']['id']}']")
        page.wait_for_selector("#net-details[data-state=ready] [data-field=spaces]")
        shot("netzwerk")

        page.click("#net-details button.primary")  # "Partner für diesen Akteur finden"
        wait_ready(page, "partner")
        page.wait_for_selector("#partner-list .suggestion")
        page.locator("#partner-list .suggestion details").first.evaluate("d => d.open = true")
        shot("partner")

        page.click("nav.tabs a[data-view=veranstaltungen]")
        wait_ready(page, "veranstaltungen")
        shot("veranstaltungen")
    finally:
        browser.close()
    return shots


@contextlib.contextmanager
def demo_hub(events: int) -> Iterator[HubServer]:
    """A hub serving freshly imported demo feeds from a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="hub-screenshots-") as tmp:
        data_dir = Path(tmp)
        print(f"importing the demo feeds ({events:,} events) …", flush=True)
        import_demo(data_dir, events=events)
        with HubServer(Settings(data_dir=data_dir, env="production")) as server:
            yield server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of every dashboard view.")
    parser.add_argument("--out", type=Path, default=SCREENSHOTS, help="target directory (default docs/screenshots)")
    parser.add_argument("--events", type=int, default=1200, help="demo events to import (default 1200, as make run)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with demo_hub(args.events) as server, sync_playwright() as playwright:
        print(f"photographing {server.url()} at {VIEWPORT['width']}×{VIEWPORT['height']} …", flush=True)
        take(server.url(), args.out, playwright)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
