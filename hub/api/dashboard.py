"""The dashboard at ``/``: static files (``hub/web``) that read the hub's own GraphQL API.

The page is plain HTML, CSS and ES modules with no build step and no third-party front-end code, so
nothing is fetched from outside at run time (no CDN, no web fonts, no map tiles): the map of
Mecklenburg-Vorpommern is an SVG outline drawn from coordinates in ``hub/web/js/mv.js``.  The
Content-Security-Policy of the page says so to the browser too: it may load only from this hub.

Files are served with ``Cache-Control: no-cache`` and an ETag, so a browser revalidates (a cheap 304)
and never runs a stale module after an upgrade.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

#: Everything the page loads comes from this origin; scripts only as files (no inline code).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


class _WebFiles(StaticFiles):
    """StaticFiles that asks browsers to revalidate, and serves ES modules as JavaScript."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(_HEADERS)
        if response.status_code == 200 and str(full_path).endswith(".js"):
            response.headers["Content-Type"] = "text/javascript; charset=utf-8"
        return response


#: Warm-up tasks still running (asyncio keeps only weak references to tasks).
_warming: set[asyncio.Task[object]] = set()


def _warm_insights(request: Request) -> None:
    """Starts reading the insights projection while the browser fetches the page's modules.

    The page's first questions (activity, links) all need it; after a start or a sync, reading it is the
    slowest part of the first visit, and it is read once however many requests wait for it.
    """
    insights = getattr(request.app.state, "insights", None)
    if insights is None:
        return
    task = asyncio.ensure_future(insights.projection())
    _warming.add(task)

    def done(finished: asyncio.Task[object]) -> None:
        _warming.discard(finished)
        with contextlib.suppress(asyncio.CancelledError):
            finished.exception()  # a store error is reported by the page's own requests, not here

    task.add_done_callback(done)


async def index(request: Request) -> Response:
    """The dashboard page (and, in the background, the insights it will ask for)."""
    _warm_insights(request)
    headers = {**_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY, "Referrer-Policy": "same-origin"}
    return FileResponse(WEB_DIR / "index.html", headers=headers, media_type="text/html; charset=utf-8")


def dashboard_routes() -> list[BaseRoute]:
    """``/`` (the page) and ``/static/…`` (its modules and style sheet)."""
    return [
        Route("/", index, methods=["GET", "HEAD"], name="dashboard"),
        Mount("/static", app=_WebFiles(directory=WEB_DIR), name="static"),
    ]
