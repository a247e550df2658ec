"""The merged regional calendar over HTTP: ``/calendar.ics``, ``/calendar.rss`` and ``/calendar.atom``.

Subscribed calendars and feed readers poll, usually every hour, so every answer
carries a strong ETag (a hash of the body, which depends only on the data, see
:mod:`hub.insights.calendar`) and a poll with a matching ``If-None-Match`` gets a
304 without a body.  Errors are short plain-text messages: the clients here are
calendar apps and feed readers, and the person reading an error is the one who
typed the subscription URL.

Query parameters (ids as in ``schema/spaces.yaml``, ``schema/themes.yaml`` and the
store; each repeatable or comma-separated):

* ``space``, ``theme``, ``project``: only events of these centres / themes / projects;
* ``from``: ISO date (local midnight in Europe/Berlin) or date-time; default 30 days ago;
* ``to``: ISO date, inclusive (or date-time, exclusive); default open.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hub.api.http import etag_matches
from hub.insights.calendar import (
    BERLIN,
    CalendarFilter,
    MergedCalendar,
    UnknownFilterIdError,
    build_calendar,
    render_atom,
    render_ical,
    render_rss,
)
from hub.store.port import GraphStore, StoreError
from hub.text import slugify

log = logging.getLogger(__name__)

#: Subscribers may reuse an answer this long without asking; after that, a 304 costs them little.
CACHE_CONTROL = "public, max-age=900"
FILE_STEM = "regionalkalender-mv"
_ID_PARAMETERS = {"space": "space_ids", "theme": "theme_ids", "project": "project_ids"}
_KNOWN_PARAMETERS = {*_ID_PARAMETERS, "from", "to"}
_EARLIEST, _LATEST = 1900, 2200


@dataclass(frozen=True)
class _Format:
    suffix: str
    media_type: str
    render: Callable[[MergedCalendar, str, str], bytes]  # (calendar, link, self URL) -> body


def _ical(calendar: MergedCalendar, link: str, self_url: str) -> bytes:
    return render_ical(calendar.entries, calendar.title)


def _rss(calendar: MergedCalendar, link: str, self_url: str) -> bytes:
    return render_rss(calendar.entries, calendar.title, link, self_url)


def _atom(calendar: MergedCalendar, link: str, self_url: str) -> bytes:
    return render_atom(calendar.entries, calendar.title, link, self_url)


_FORMATS = (
    _Format("ics", "text/calendar; charset=utf-8", _ical),
    _Format("rss", "application/rss+xml; charset=utf-8", _rss),
    _Format("atom", "application/atom+xml; charset=utf-8", _atom),
)


class BadQueryError(ValueError):
    """A query parameter is malformed; the message says which and how to write it."""


def feed_routes() -> list[Route]:
    """``GET /calendar.ics``, ``/calendar.rss`` and ``/calendar.atom`` (HEAD too)."""
    return [Route(f"/calendar.{fmt.suffix}", _endpoint(fmt), methods=["GET"]) for fmt in _FORMATS]


def _endpoint(fmt: _Format) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await _serve(request, fmt)

    endpoint.__name__ = f"calendar_{fmt.suffix}"
    return endpoint


async def _serve(request: Request, fmt: _Format) -> Response:
    store: GraphStore = request.app.state.store
    try:
        query = filter_from_query(request.query_params)
        calendar = await build_calendar(store, query)
    except BadQueryError as error:
        return PlainTextResponse(f"{error}\n", status_code=400)
    except UnknownFilterIdError as error:
        return PlainTextResponse(f"{error}\n", status_code=404)
    except StoreError as error:
        log.warning("calendar %s: store unavailable: %s", fmt.suffix, error)
        return PlainTextResponse("The store is not available; try again later.\n", status_code=503)
    # The same calendar as iCalendar is what a feed's link points at (the hub has no HTML page).
    link = str(request.url.replace(path="/calendar.ics"))
    # Rendering a thousand events takes a good fraction of a second: off the event loop.
    body = await run_in_threadpool(fmt.render, calendar, link, str(request.url))
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{_filename(query, fmt.suffix)}"'
    return Response(body, media_type=fmt.media_type, headers=headers)


def filter_from_query(params: QueryParams) -> CalendarFilter:
    """The calendar filter a query string asks for; :class:`BadQueryError` names what is wrong."""
    if unknown := sorted(set(params.keys()) - _KNOWN_PARAMETERS):
        known = ", ".join(sorted(_KNOWN_PARAMETERS))
        raise BadQueryError(f"Unknown query parameter {unknown[0]!r}; this endpoint takes {known}.")
    ids = {field: _ids(params.getlist(name)) for name, field in _ID_PARAMETERS.items()}
    starts_from = _instant(params, "from", inclusive_day=False)
    starts_before = _instant(params, "to", inclusive_day=True)
    if starts_from and starts_before and starts_before <= starts_from:
        raise BadQueryError("'to' must not lie before 'from'.")
    return CalendarFilter(**ids, starts_from=starts_from, starts_before=starts_before)


def _ids(values: list[str]) -> tuple[str, ...]:
    """Ids from repeated and comma-separated values, in order, without repeats."""
    found = [part.strip() for value in values for part in value.split(",")]
    return tuple(dict.fromkeys(part for part in found if part))


def _instant(params: QueryParams, name: str, *, inclusive_day: bool) -> datetime | None:
    """A window bound: an ISO date means local midnight in Europe/Berlin (of the next day for ``to``)."""
    value = params.get(name)
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    moment = _date_time(name, text) if day is None else datetime.combine(day, time(0), tzinfo=BERLIN)
    if not _EARLIEST <= moment.year <= _LATEST:
        # Also keeps date arithmetic and the conversion to UTC from overflowing at year 1 or 9999.
        raise BadQueryError(f"'{name}' must lie between the years {_EARLIEST} and {_LATEST}, got {text!r}.")
    return moment + timedelta(days=1) if day is not None and inclusive_day else moment


def _date_time(name: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise BadQueryError(
            f"'{name}' must be an ISO date such as 2026-03-01 (or a date-time such as 2026-03-01T18:00), got {text!r}."
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=BERLIN)


def _filename(query: CalendarFilter, suffix: str) -> str:
    """``regionalkalender-mv.ics``, or with what it is narrowed to: ``regionalkalender-mv-diz-rostock.ics``."""
    narrowed = [*query.space_ids, *query.theme_ids, *query.project_ids]
    stem = slugify(" ".join([FILE_STEM, *narrowed]), max_length=100)
    return f"{stem}.{suffix}"
