"""Fixtures of the dashboard's end-to-end tests: a seeded hub on a real HTTP port, the API, and Chromium.

The hub is the real app (``create_app``) served by uvicorn in a background thread (Playwright needs a real
server); it opens its embedded store itself, in the server's event loop, as ``hub serve`` does.  One hub
and one browser serve the whole module; every test gets a fresh page.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.config import Settings
from hub.reference import ensure_reference_data
from hub.store.ladybug_store import LadybugStore
from hub.synthetic import generate_graph
from tools.screenshots import VIEWPORT, HubServer, graphql, launch_chromium

Api = Callable[..., dict[str, Any]]


async def _seed(data_dir: Path) -> None:
    """A generated graph (150 actors, 300 events over 18 months from September 2025) plus the centres and themes."""
    store = LadybugStore(Settings(data_dir=data_dir).ladybug_path, buffer_pool_mb=256)
    await store.open()
    try:
        await ensure_reference_data(store)
        await generate_graph(actors=150, events=300, seed=5).write_to(store)
    finally:
        await store.close()


@pytest.fixture(scope="module")
def hub_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("dashboard")
    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _seed(data_dir)).result()
    with HubServer(Settings(data_dir=data_dir)) as server:
        yield server.url()


@pytest.fixture(scope="module")
def api(hub_url: str) -> Api:
    """The API's answer to a query (``data``), asked with httpx as any client would."""
    return lambda query, **variables: graphql(hub_url, query, variables)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


class PageWatch:
    """What a page did: uncaught errors, console errors and every URL it requested."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.console_errors_expected = False
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("request", lambda request: self.requests.append(request.url))


@pytest.fixture
def watched(browser: Any, hub_url: str) -> Iterator[PageWatch]:
    """A fresh page at 1366×768 (a laptop screen); after the test: no script or console error (unless the test
    expects them), and nothing fetched from anywhere but the hub."""
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(20_000)
    page = context.new_page()
    watch = PageWatch(page)
    try:
        yield watch
        assert watch.errors == [], f"script errors on the page: {watch.errors}"
        if not watch.console_errors_expected:
            assert watch.console_errors == [], f"errors in the browser's console: {watch.console_errors}"
        outside = [url for url in watch.requests if not url.startswith(hub_url) and not url.startswith("data:")]
        assert outside == [], f"the page loaded something from elsewhere: {outside}"
    finally:
        context.close()
