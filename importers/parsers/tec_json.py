"""The Events Calendar (WordPress) REST API: one page of ``/wp-json/tribe/events/v1/events``.

One call parses one page. The sync layer follows :attr:`ParseResult.next_url` (taken from the
page's ``next_rest_url``) until a page has none. What the API does that a naive reader trips on:

* Titles, venue and organiser names carry HTML entities (``&#8211;``, ``&#038;``), descriptions
  are HTML.
* Organiser e-mails may be obfuscated by WordPress ``antispambot()``: every character randomly
  left as is, written as a decimal or hex entity, or (with hex encoding on) ``%XX``.
* ``venue`` is an object, or ``[]`` when the event has none (PHP's empty array), e.g. online events.
* ``start_date``/``end_date`` are wall-clock times in ``timezone``; the ``utc_*`` twins give the
  instant. All-day events run ``00:00:00``-``23:59:59`` on their last day.
* ``status`` is the WordPress *post* status (``publish``); an event status, when a site has one,
  comes as ``event_status`` (TEC event-status feature, or the Events Control extension).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple
from urllib.parse import unquote
from zoneinfo import ZoneInfoNotFoundError

from hub.domain import Attendance, EventStatus, zone_of
from importers.parsers.text import html_to_text, limit_description
from importers.records import ActorMention, ItemError, ParsedEvent, ParseResult

# Zone abbreviations TEC may give instead of an IANA name (``timezone_abbr``). Only the ones a
# centre in Mecklenburg-Vorpommern can have; anything else falls back to the ``utc_*`` fields.
_ABBREVIATIONS = {
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "MEZ": "Europe/Berlin",
    "MESZ": "Europe/Berlin",
    "UTC": "UTC",
    "GMT": "UTC",
}
# TEC writes manual offsets as "UTC+2" or "UTC-5:30"; zone_of() wants "+02:00".
_UTC_OFFSET = re.compile(r"^UTC([+-])(\d{1,2})(?::?(\d{2}))?$")
# Words that say an event without a venue takes place online. Deliberately no bare "Teams"
# or "Meet": German prose uses both as ordinary words ("Teams aus Landwirtschaft ...").
_ONLINE = re.compile(
    r"\bonline|\bwebinar|\blive-?stream|\bstream\b|\bzoom\b|\bwebex\b|\bjitsi\b|big ?blue ?button"
    r"|microsoft teams|\bms teams|google meet|videokonferenz|\bvirtuell",
    re.IGNORECASE,
)
# TEC event states (``event_status``); WordPress post states like "publish" mean scheduled.
_STATUSES = {
    "canceled": EventStatus.CANCELLED,
    "cancelled": EventStatus.CANCELLED,
    "postponed": EventStatus.TENTATIVE,  # no new date yet: the given date is not to be trusted
    "rescheduled": EventStatus.CHANGED,
    "moved-online": EventStatus.CHANGED,
    "tentative": EventStatus.TENTATIVE,
}
_LAST_SECOND = time(23, 59, 59)
_SNIPPET = 40


class _Rejected(Exception):
    """An item that cannot become an event; caught per item, never leaves this module."""


class _Times(NamedTuple):
    start: datetime
    end: datetime | None
    zone: str
    all_day: bool


def parse_tec_json(content: bytes, *, source: str) -> ParseResult:
    """Parse one TEC REST page into events; bad items become errors, a bad page is fatal.

    ``source`` is the feed's id, the same keyword every parser takes; errors carry no file
    name because the sync layer adds it.
    """
    page = _load_page(content)
    if isinstance(page, str):
        return ParseResult.failed(page)
    result = ParseResult()
    result.next_url = _next_url(page, result.warnings)
    for index, raw in enumerate(page["events"], start=1):
        _add_event(result, raw, index)
    return result


# --- the page -------------------------------------------------------------------------------


def _load_page(content: bytes) -> dict[str, Any] | str:
    """The decoded page, or the fatal message saying why there is none."""
    text = content.decode("utf-8-sig", errors="replace")
    stripped = text.strip()
    if not stripped:
        return "empty response"
    if stripped[0] not in "{[":
        # A maintenance page, a login wall or a PHP notice served with status 200.
        first_line = stripped.splitlines()[0][:_SNIPPET]
        return f"not JSON (starts with {first_line!r})"
    try:
        page = json.loads(text)  # unstripped, so line/column are those of the file
    except json.JSONDecodeError as error:
        # Columns count characters, not bytes: what an editor shows for TEC's one-line pages.
        return f"JSON syntax error at line {error.lineno}, column {error.colno}: {error.msg}"
    return _check_page(page)


def _check_page(page: Any) -> dict[str, Any] | str:
    if isinstance(page, dict) and isinstance(page.get("events"), list):
        return page
    if isinstance(page, dict) and "code" in page and "message" in page:
        # WordPress REST errors look like {"code": "rest_no_route", "message": "...", "data": {...}}
        return f"not an Events Calendar page: WordPress error {page['code']}: {page['message']}"
    return "not an Events Calendar page (no 'events' list)"


def _next_url(page: Mapping[str, Any], warnings: list[str]) -> str | None:
    next_url = page.get("next_rest_url")
    if not isinstance(next_url, str) or not next_url.strip():
        return None
    if next_url == page.get("rest_url"):
        warnings.append("next_rest_url points to this page itself; not following it")
        return None
    return next_url


# --- one event ------------------------------------------------------------------------------


def _add_event(result: ParseResult, raw: Any, index: int) -> None:
    """Append the event built from ``raw``, or an ItemError naming it."""
    item = str(raw.get("id") or f"#{index}") if isinstance(raw, dict) else f"#{index}"
    try:
        if not isinstance(raw, dict):
            raise _Rejected("event is not a JSON object")
        result.events.append(_event(raw, item, result.warnings))
    except _Rejected as problem:
        result.errors.append(ItemError(str(problem), item=item))
    except ValueError as problem:  # pydantic's ValidationError is a ValueError
        result.errors.append(ItemError(f"invalid event: {problem}", item=item))


def _event(raw: dict[str, Any], item: str, warnings: list[str]) -> ParsedEvent:
    if raw.get("id") in (None, ""):
        raise _Rejected("event has no id")
    title = _one_line(_text(raw.get("title")))
    if not title:
        raise _Rejected("title is empty")
    times = _times(raw, item, warnings)
    venue: Mapping[str, Any] = raw["venue"] if isinstance(raw.get("venue"), dict) else {}  # [] = no venue
    description, warning = limit_description(_description(raw), item)
    if warning:
        warnings.append(warning)
    return ParsedEvent(
        source_id=item,
        title=title,
        description=description,
        start=times.start,
        end=times.end,
        timezone=times.zone,
        all_day=times.all_day,
        status=_status(raw),
        attendance=_attendance(raw, venue, title, description),
        **_place(venue),
        url=_string(raw.get("url")),
        categories=_term_names(raw.get("categories")),
        keywords=_term_names(raw.get("tags")),
        cost=_one_line(_text(raw.get("cost"))),
        actors=_organisers(raw.get("organizer"), item, warnings),
        modified=_modified(raw),
    )


def _description(raw: Mapping[str, Any]) -> str:
    return html_to_text(_string(raw.get("description"))) or html_to_text(_string(raw.get("excerpt")))


def _status(raw: Mapping[str, Any]) -> EventStatus:
    for key in ("event_status", "status"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip().lower() in _STATUSES:
            return _STATUSES[value.strip().lower()]
    return EventStatus.SCHEDULED


# --- times ----------------------------------------------------------------------------------


def _times(raw: Mapping[str, Any], item: str, warnings: list[str]) -> _Times:
    """Start/end as aware datetimes: wall clock + zone when the zone is known, else UTC."""
    local_start, utc_start = _stamp(raw, "start_date"), _stamp(raw, "utc_start_date")
    if local_start is None and utc_start is None:
        reason = "null" if "start_date" in raw else "missing"
        raise _Rejected(f"start_date is {reason}")
    local_end, utc_end = _end_stamps(raw, item, warnings)
    zone_name, zone = _zone(raw)
    if zone is None or local_start is None:
        if utc_start is None:
            raise _Rejected(f"unknown timezone {raw.get('timezone')!r} and no utc_start_date")
        zone_name, zone, local_start = "UTC", UTC, utc_start
        local_end = utc_end
    start = local_start.replace(tzinfo=zone)
    _check_against_utc(start, utc_start, item, warnings)
    if _is_all_day(raw, local_start, local_end):
        return _all_day(local_start.date(), local_end.date() if local_end else None, zone, zone_name)
    end = local_end.replace(tzinfo=zone) if local_end else None
    if end is not None and end < start:
        warnings.append(f"item {item}: end_date before start_date; end dropped")
        end = None
    return _Times(start, end, zone_name, False)


def _stamp(raw: Mapping[str, Any], key: str) -> datetime | None:
    """A naive ``YYYY-MM-DD HH:MM:SS`` value, None when absent, rejected when malformed."""
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise _Rejected(f"{key} {value!r} is not a date") from None


def _end_stamps(raw: Mapping[str, Any], item: str, warnings: list[str]) -> tuple[datetime | None, datetime | None]:
    # A broken end is no reason to lose the event: keep it open-ended and say so.
    try:
        return _stamp(raw, "end_date"), _stamp(raw, "utc_end_date")
    except _Rejected as problem:
        warnings.append(f"item {item}: {problem}; end dropped")
        return None, None


def _zone(raw: Mapping[str, Any]) -> tuple[str, tzinfo | None]:
    """The event's zone by IANA name, TEC's "UTC+2" form, or abbreviation; None if unknown."""
    for name in (_string(raw.get("timezone")), _ABBREVIATIONS.get(_string(raw.get("timezone_abbr")).upper(), "")):
        offset = _UTC_OFFSET.match(name)
        if offset:
            sign, hours, minutes = offset.groups()
            name = f"{sign}{int(hours):02d}:{minutes or '00'}"
        if not name:
            continue
        try:
            return name, zone_of(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return "", None


def _check_against_utc(start: datetime, utc_start: datetime | None, item: str, warnings: list[str]) -> None:
    # A site whose WordPress zone setting disagrees with the event's zone writes utc_* fields
    # that contradict start_date; we trust the wall clock + zone and say so.
    if utc_start is not None and start != utc_start.replace(tzinfo=UTC):
        warnings.append(f"item {item}: start_date and utc_start_date disagree; using start_date + timezone")


def _is_all_day(raw: Mapping[str, Any], start: datetime, end: datetime | None) -> bool:
    if raw.get("all_day") is True:
        return True
    return start.time() == time(0) and end is not None and end.time() == _LAST_SECOND


def _all_day(first: date, last: date | None, zone: tzinfo, zone_name: str) -> _Times:
    """Local midnight of the first day to the midnight after the last day (exclusive end)."""
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(max(last or first, first) + timedelta(days=1), time(0), tzinfo=zone)
    return _Times(start, end, zone_name, True)


def _modified(raw: Mapping[str, Any]) -> datetime | None:
    try:
        stamp = _stamp(raw, "modified_utc")
    except _Rejected:
        return None  # a bad bookkeeping field is no reason to lose the event
    return stamp.replace(tzinfo=UTC) if stamp else None


# --- place and attendance ---------------------------------------------------------------------


def _place(venue: Mapping[str, Any]) -> dict[str, Any]:
    """location_name/address/latitude/longitude from a TEC venue object ({} for none)."""
    if _is_online_venue(venue):
        return {}
    town = " ".join(part for part in (_text(venue.get("zip")), _text(venue.get("city"))) if part)
    country = _text(venue.get("country"))
    if country.lower() in ("deutschland", "germany", "de"):
        country = ""  # every centre is in Germany; the country adds nothing but noise
    address = ", ".join(part for part in (_text(venue.get("address")), town, country) if part)
    return {
        "location_name": _one_line(_text(venue.get("venue"))),
        "address": address,
        "latitude": _coordinate(venue.get("geo_lat")),
        "longitude": _coordinate(venue.get("geo_lng")),
    }


def _is_online_venue(venue: Mapping[str, Any]) -> bool:
    # Some sites model "Online" / "Zoom" as a venue rather than leaving it empty.
    name = _text(venue.get("venue"))
    return bool(name) and bool(_ONLINE.search(name)) and not _text(venue.get("address"))


def _attendance(raw: Mapping[str, Any], venue: Mapping[str, Any], title: str, description: str) -> Attendance:
    """Online if TEC says virtual, or there is no venue and the text speaks of online/stream."""
    kind = _string(raw.get("virtual_event_type")).lower()
    if raw.get("is_virtual") is True or kind in ("virtual", "hybrid"):
        has_place = bool(venue) and not _is_online_venue(venue)
        return Attendance.MIXED if kind == "hybrid" or has_place else Attendance.ONLINE
    if venue and not _is_online_venue(venue):
        return Attendance.OFFLINE
    words = " ".join([title, description, _string(raw.get("website")), *_term_names(raw.get("tags"))])
    return Attendance.ONLINE if _ONLINE.search(words) or _is_online_venue(venue) else Attendance.OFFLINE


def _coordinate(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- organisers -------------------------------------------------------------------------------


def _organisers(value: Any, item: str, warnings: list[str]) -> list[ActorMention]:
    """TEC gives a list of organiser objects; older versions a single object."""
    entries = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    mentions: list[ActorMention] = []
    for entry in entries:
        name = _one_line(_text(entry.get("organizer"))) if isinstance(entry, dict) else ""
        if not name:
            warnings.append(f"item {item}: organiser without a name skipped")
            continue
        mentions.append(
            ActorMention(
                name=name,
                role="organiser",
                email=decode_email(_string(entry.get("email"))),
                website=_string(entry.get("website")) or None,
                phone=_text(entry.get("phone")) or None,
                feed_ref=str(entry["id"]) if entry.get("id") not in (None, "") else None,
            )
        )
    return mentions


def decode_email(value: str) -> str | None:
    """An address as ``antispambot()`` may have written it, decoded; None when not an address.

    ``antispambot`` writes each character as itself, ``&#NN;`` or ``&#xNN;``, and with hex
    encoding also ``%XX``. ``html.unescape`` handles both entity forms, ``unquote`` the rest.
    """
    address = unquote(html.unescape(value)).strip()
    address = address.removeprefix("mailto:").strip()
    return address if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address) else None


# --- small helpers ----------------------------------------------------------------------------


def _term_names(value: Any) -> list[str]:
    """Names of TEC category/tag objects, entities resolved, duplicates dropped, order kept."""
    names = (_one_line(_text(term.get("name"))) for term in value or [] if isinstance(term, dict))
    return list(dict.fromkeys(name for name in names if name))


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _text(value: Any) -> str:
    """A short field (title, name, cost) as plain text: tags stripped, entities resolved."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return html_to_text(_string(value))


def _one_line(text: str) -> str:
    return " ".join(text.split())
