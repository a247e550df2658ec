"""Downloads of the actor network for Gephi, networkx and spreadsheets.

``GET /exports/network.graphml``, ``/exports/network.gexf``, ``/exports/network.json``
(node-link), ``/exports/network.zip`` (``nodes.csv`` + ``edges.csv`` + ``meta.json``),
``/exports/nodes.csv`` and ``/exports/edges.csv``.  What each file holds and how it
stays byte-identical is :mod:`hub.insights.export`.

Query parameters (lists repeatable or comma-separated; none given: the whole network):

* ``from``, ``to``: ISO dates (``2026-03-01``), both days included, compared with the
  local date of each event;
* ``space``: centre ids; ``theme``: theme ids (events hosted by / about one of them);
* ``kind``: actor kinds (``company``, ``startup``, … ``person``).

A malformed or unknown parameter is a 400 naming it; a centre or theme id the
graph does not hold is a 404 naming it.  Results are computed through the app's
:class:`~hub.insights.engine.Insights`, so they are cached per graph version.

Every answer carries ``X-Hub-Snapshot``, ``X-Hub-Graph-Version`` and
``X-Hub-Content-Hash``, and a weak ETag of the content hash: the hash covers the
data, not the metadata in the file, so an unchanged network answers a conditional
request (``If-None-Match``) with 304 even after an unrelated part of the graph
changed, which is what "weak" promises.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hub.api.auth import principal_of
from hub.api.http import etag_matches
from hub.domain import ActorKind
from hub.insights.actor_network import NetworkFilter
from hub.insights.engine import InsightsView
from hub.insights.export import ExportFile, ExportFormat, NetworkTable, network_table, render_export
from hub.insights.network import NetworkAnalysis, analyse_network
from hub.insights.periods import TimeWindow
from hub.insights.projection import Projection
from hub.store.port import StoreError

log = logging.getLogger(__name__)

EXPORT_PREFIX = "/exports"
#: Clients may keep a download but must ask again before reusing it (a 304 is cheap).
CACHE_CONTROL = "no-cache"
_LIST_PARAMETERS = ("space", "theme", "kind")
_KNOWN_PARAMETERS = frozenset({"from", "to", *_LIST_PARAMETERS})
_KINDS = tuple(kind.value for kind in ActorKind)


class BadExportQueryError(ValueError):
    """A query parameter is malformed (400); the message names it."""


class UnknownExportIdError(LookupError):
    """A centre or theme id the graph does not hold (404); the message names it."""


# --- cached computations (shared with the GraphQL fields of hub.api.research) --------------------


async def cached_analysis(insights: InsightsView, network_filter: NetworkFilter) -> NetworkAnalysis:
    """The measured network for ``network_filter``, computed once per graph version."""
    return await insights.compute(
        "research.network", network_filter, functools.partial(analyse_network, network_filter=network_filter)
    )


def _current(analysis: NetworkAnalysis, projection: Projection) -> NetworkAnalysis:
    """``analysis`` if it describes ``projection``; recomputed if the graph changed in between."""
    if analysis.graph_version == projection.version:
        return analysis
    return analyse_network(projection, analysis.network_filter)


async def cached_table(insights: InsightsView, network_filter: NetworkFilter) -> NetworkTable:
    """The exported rows and their content hash, computed once per graph version."""
    analysis = await cached_analysis(insights, network_filter)
    return await insights.compute(
        "research.table", network_filter, lambda projection: network_table(_current(analysis, projection))
    )


async def cached_export(insights: InsightsView, network_filter: NetworkFilter, fmt: ExportFormat) -> ExportFile:
    """The export file ``fmt``, rendered once per graph version."""
    analysis = await cached_analysis(insights, network_filter)
    table = await cached_table(insights, network_filter)

    def render(projection: Projection) -> ExportFile:
        current = _current(analysis, projection)
        return render_export(current, fmt, table if current is analysis else None)

    return await insights.compute("research.export", (network_filter, fmt.name), render)


def export_url(fmt: ExportFormat, network_filter: NetworkFilter) -> str:
    """The download path of ``fmt`` for ``network_filter``, with its query string (relative to the hub's URL)."""
    params: list[tuple[str, str]] = []
    window = network_filter.window
    if window.start is not None:
        params.append(("from", window.start.isoformat()))
    if window.end is not None:
        params.append(("to", (window.end - timedelta(days=1)).isoformat()))
    for name, values in (
        ("space", network_filter.space_ids),
        ("theme", network_filter.theme_ids),
        ("kind", network_filter.kinds),
    ):
        params += [(name, value) for value in sorted(values or ())]
    query = urlencode(params)
    return f"{EXPORT_PREFIX}/{fmt.file_name}" + (f"?{query}" if query else "")


def check_known_ids(projection: Projection, network_filter: NetworkFilter, names: tuple[str, str]) -> None:
    """Raise :class:`UnknownExportIdError` for a centre or theme id the graph does not hold.

    ``names`` are what the caller calls the two lists (``space``/``theme`` here,
    ``filter.spaces``/``filter.themes`` in GraphQL), so the message names the argument.
    """
    for argument, ids, known, what in (
        (names[0], network_filter.space_ids, projection.spaces, "centre"),
        (names[1], network_filter.theme_ids, projection.themes, "theme"),
    ):
        for unknown in sorted(set(ids or ()) - set(known)):
            raise UnknownExportIdError(f"{argument}: there is no {what} with id {unknown!r}.")


# --- HTTP ------------------------------------------------------------------------------------------


def export_routes() -> list[Route]:
    """``GET`` (and ``HEAD``) of every export file under ``/exports/``."""
    return [Route(f"{EXPORT_PREFIX}/{fmt.file_name}", _endpoint(fmt), methods=["GET"]) for fmt in ExportFormat]


def _endpoint(fmt: ExportFormat) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await _serve(request, fmt)

    endpoint.__name__ = f"export_{fmt.name.lower()}"
    return endpoint


async def _serve(request: Request, fmt: ExportFormat) -> Response:
    # People appear in the file as the caller's role may see them (left out, or pseudonymised).
    insights = request.app.state.insights.view(principal_of(request).person_view)
    try:
        network_filter = filter_from_query(request.query_params)
        check_known_ids(await insights.projection(), network_filter, ("space", "theme"))
        export = await cached_export(insights, network_filter, fmt)
    except BadExportQueryError as error:
        return PlainTextResponse(f"{error}\n", status_code=400)
    except UnknownExportIdError as error:
        return PlainTextResponse(f"{error}\n", status_code=404)
    except StoreError as error:
        log.warning("export %s: store unavailable: %s", fmt.file_name, error)
        return PlainTextResponse("The store is not available; try again later.\n", status_code=503)
    etag = f'W/"{export.content_hash}"'
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "X-Hub-Snapshot": export.snapshot_id,
        "X-Hub-Graph-Version": str(export.graph_version),
        "X-Hub-Content-Hash": f"sha256:{export.content_hash}",
        "Vary": "Authorization, X-API-Key",
    }
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return Response(export.body, media_type=export.media_type, headers=headers)


def filter_from_query(params: QueryParams) -> NetworkFilter:
    """The network filter a query string asks for; :class:`BadExportQueryError` names what is wrong."""
    if unknown := sorted(set(params.keys()) - _KNOWN_PARAMETERS):
        known = ", ".join(sorted(_KNOWN_PARAMETERS))
        raise BadExportQueryError(f"Unknown query parameter {unknown[0]!r}; the exports take {known}.")
    first, last = _day(params, "from"), _day(params, "to")
    if first and last and last < first:
        raise BadExportQueryError(f"'to' ({last}) lies before 'from' ({first}).")
    kinds = _listed(params, "kind")
    if kinds is not None and (wrong := sorted(set(kinds) - set(_KINDS))):
        raise BadExportQueryError(f"'kind' must be one of {', '.join(_KINDS)}; got {wrong[0]!r}.")
    return NetworkFilter(
        window=TimeWindow(first, _day_after(last)),
        space_ids=_listed(params, "space"),
        theme_ids=_listed(params, "theme"),
        kinds=kinds,
    )


def _day(params: QueryParams, name: str) -> date | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadExportQueryError(f"'{name}' may be given once, not {len(values)} times.")
    text = values[0].strip() if values else ""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadExportQueryError(f"'{name}' must be an ISO date such as 2026-03-01, got {text!r}.") from None


def _day_after(day: date | None) -> date | None:
    """The exclusive end of a window whose last day is ``day``."""
    if day is None:
        return None
    try:
        return day + timedelta(days=1)
    except OverflowError:
        raise BadExportQueryError(f"'to' is out of range: {day.isoformat()!r}.") from None


def _listed(params: QueryParams, name: str) -> frozenset[str] | None:
    """Values from repeated and comma-separated parameters; none given means no restriction."""
    found = {part.strip() for value in params.getlist(name) for part in value.split(",")}
    found.discard("")
    return frozenset(found) or None
