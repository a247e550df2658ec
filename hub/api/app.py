"""The Starlette application: opens the store for its lifetime and serves the API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry import Schema

from hub import __version__
from hub.access.keys import ApiKeys
from hub.access.pseudonyms import Pseudonymiser
from hub.access.roles import Principal
from hub.api.auth import AccessMiddleware
from hub.api.context import Context
from hub.api.dashboard import dashboard_routes
from hub.api.exports import export_routes
from hub.api.feeds import feed_routes
from hub.api.view import HubGraphQL
from hub.api.warm_up import warm_up
from hub.config import Settings
from hub.insights.engine import Insights
from hub.reference import ensure_reference_data
from hub.store import create_store
from hub.store.port import GraphStore, StoreError

log = logging.getLogger(__name__)


def _store(request: Request) -> GraphStore:
    return request.app.state.store


async def health(request: Request) -> JSONResponse:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok", "version": __version__})


async def ready(request: Request) -> JSONResponse:
    """Readiness: the start's warm-up is done (:func:`_warm_up`), and the store answers a query.

    Until the projection is read and the common reads have run once, the first queries
    would wait for that work and share the CPU with it, so traffic is better sent elsewhere.
    Then one small read (the graph version), cheap enough for a probe every few seconds
    under load; counting every label and relationship type took 19 queries and seconds.
    """
    store = _store(request)
    warm_up: asyncio.Task[None] | None = getattr(request.app.state, "warm_up", None)
    if warm_up is not None and not warm_up.done():
        return JSONResponse({"status": "warming up", "engine": store.engine}, status_code=503)
    try:
        version = await store.graph_version()
    except StoreError as error:
        return JSONResponse({"status": "unavailable", "engine": store.engine, "error": str(error)}, status_code=503)
    return JSONResponse({"status": "ready", "engine": store.engine, "graph_version": version})


def _start_importer(settings: Settings, store: GraphStore) -> asyncio.Task[None]:
    """Sync the feeds on their schedules inside this process.

    The embedded store can be opened by one process only, so with it the importer has
    to live in the server (``hub serve --sync``); with Neo4j it may run apart.
    """
    from rich.console import Console

    from importers.registry import load_registry
    from importers.runner import watch_sync

    sources = load_registry(settings.sources_file)
    log.info("syncing %d sources inside the server", len(sources))
    return asyncio.create_task(watch_sync(store, sources, Console(stderr=True)), name="hub-importer")


async def _warm_up(app: Starlette, schema: Schema) -> None:
    """Read the insights projection and run the API's common reads while the server starts.

    On 20,000 actors the projection read takes seconds, and on a fresh Neo4j every
    statement's first run is many times slower than the next (:mod:`hub.api.warm_up`);
    done here, before ``/ready``, the first clients do not wait for it.  A failure only
    means the first queries do the work instead.
    """
    state = app.state
    try:
        projection = await state.insights.projection()
    except StoreError as error:
        log.warning("could not prepare the insights at start (%s); the first insight query will", error)
        return

    def context_for(principal: Principal) -> Context:
        return Context(state.store, state.settings, principal, state.pseudonymise, state.insights)

    await warm_up(schema, context_for, projection)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> Starlette:
    """The app; pass ``store`` to serve an already opened store (tests), else it opens its own."""
    settings = settings or Settings()

    pseudonymise = Pseudonymiser.from_settings(settings.pseudonym_secret.get_secret_value(), settings.data_dir)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = store is None
        _attach(app, store or create_store(settings), pseudonymise)
        if owned:
            await app.state.store.open()
        await ensure_reference_data(app.state.store)
        log.info("hub %s serving the %s store", __version__, app.state.store.engine)
        importer = _start_importer(settings, app.state.store) if settings.serve_sync else None
        warming = asyncio.create_task(_warm_up(app, graphql.schema), name="hub-warm-up")
        app.state.warm_up = warming
        try:
            yield
        finally:
            for task in (importer, warming):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if owned:
                await app.state.store.close()

    graphql = HubGraphQL(settings)
    routes = [
        Route("/health", health),
        Route("/ready", ready),
        Route("/graphql", graphql),
        *feed_routes(),
        *export_routes(),
        *dashboard_routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    if store is not None:
        # Serve a passed store from the start, so the app also works where no lifespan runs (test transports).
        _attach(app, store, pseudonymise)
    keys = _StoreKeys(app)
    app.add_middleware(AccessMiddleware, keys=keys, per_minute=settings.rate_limit_per_minute)
    return app


def _attach(app: Starlette, store: GraphStore, pseudonymise: Pseudonymiser) -> None:
    app.state.store = store
    app.state.pseudonymise = pseudonymise
    refresh = app.state.settings.insights_refresh_s
    app.state.insights = Insights(store, pseudonymise, min_reload_interval=refresh)
    app.state.keys = ApiKeys(store)


class _StoreKeys:
    """The API keys of whichever store the app holds (it is attached when the lifespan starts)."""

    def __init__(self, app: Starlette) -> None:
        self._app = app

    async def authenticate(self, token: str) -> Principal:
        return await self._app.state.keys.authenticate(token)
