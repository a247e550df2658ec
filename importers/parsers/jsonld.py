"""HTML pages with schema.org JSON-LD: every ``Event`` (or subtype) on the page becomes an event.

Events are found in ``@graph`` arrays, in ``ItemList``/``ListItem`` wrappers, under a
``mainEntity`` and as plain top-level blocks; WebSite, BreadcrumbList, Organization and other
non-events are skipped (but a bare ``{"@id": …}`` reference to them is resolved). Each
``<script type="application/ld+json">`` block is decoded on its own, so one broken block costs
only its own events: it becomes an :class:`ItemError` with json's line/column *within the block*,
and the result is marked incomplete.

We do not use extruct's JsonLdExtractor for this: it decodes all blocks in one list
comprehension, so the first block that neither ``json`` nor its lenient ``jstyleson`` fallback
can read raises and takes every other block down with it; and what the fallback does accept
(trailing commas) is accepted silently, without saying where the page is broken.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html
from dateutil.parser import isoparse
from w3lib.encoding import html_to_unicode

from hub.domain import ActorKind, Attendance, EventStatus
from importers.parsers.text import html_to_text, limit_description
from importers.records import ActorMention, ItemError, ParsedEvent, ParseResult, Role

_BERLIN_NAME = "Europe/Berlin"
_BERLIN = ZoneInfo(_BERLIN_NAME)  # the zone of every centre; naive times are meant in it
_SCHEMA_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Event subtypes that do not end in "Event" (those that do are recognised by their name).
_OTHER_EVENT_TYPES = frozenset({"Festival", "Hackathon", "CourseInstance"})
# Keys under which schema.org markup nests further nodes that may be events.
_CONTAINER_KEYS = ("@graph", "itemListElement", "item", "mainEntity")
# Wrappers old CMS templates put around script content; blanked out (not removed) so that
# json's line/column numbers still point at the right place.
_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$", re.MULTILINE)
# Every wrapper has one of these; most blocks have none, and looking for them is far cheaper.
_WRAPPER_MARKS = ("<!--", "<![CDATA[", "-->", "]]>")

_STATUSES = {
    "EventScheduled": EventStatus.SCHEDULED,
    "EventRescheduled": EventStatus.CHANGED,
    "EventMovedOnline": EventStatus.CHANGED,
    "EventPostponed": EventStatus.TENTATIVE,  # no new date yet: the old one is not to be trusted
    "EventCancelled": EventStatus.CANCELLED,
    "EventCanceled": EventStatus.CANCELLED,  # US spelling seen in the wild, not in schema.org
}
_ATTENDANCE = {
    "OfflineEventAttendanceMode": Attendance.OFFLINE,
    "OnlineEventAttendanceMode": Attendance.ONLINE,
    "MixedEventAttendanceMode": Attendance.MIXED,
}
_ROLES: dict[str, Role] = {"organizer": "organiser", "performer": "speaker", "sponsor": "sponsor", "funder": "sponsor"}
_KINDS = {
    "Person": ActorKind.PERSON,
    "Organization": ActorKind.ORGANISATION,
    "CollegeOrUniversity": ActorKind.UNIVERSITY,
    "ResearchOrganization": ActorKind.RESEARCH,
    "ResearchProject": ActorKind.RESEARCH,
    "GovernmentOrganization": ActorKind.PUBLIC_BODY,
    "Corporation": ActorKind.COMPANY,
    "LocalBusiness": ActorKind.COMPANY,
    "OnlineBusiness": ActorKind.COMPANY,
    "NGO": ActorKind.ASSOCIATION,
    "NonprofitOrganization": ActorKind.ASSOCIATION,
}


class _Rejected(Exception):
    """An event node that cannot become an event; caught per node, never leaves this module."""


class _Block(NamedTuple):
    number: int  # 1-based position among the page's JSON-LD blocks
    line: int | None  # line of the <script> tag in the page
    text: str


class _Page(NamedTuple):
    blocks: list[_Block]
    base_url: str | None


class _Context(NamedTuple):
    base_url: str | None
    nodes: Mapping[str, dict[str, Any]]  # @id -> node, for resolving references
    warnings: list[str]


def parse_jsonld_html(content: bytes, *, source: str, page_url: str | None = None) -> ParseResult:
    """Parse the schema.org events of one HTML page.

    ``page_url`` is where the page was fetched; relative URLs are joined with it (or, without
    it, with the page's canonical link). ``source`` is the feed's id, as for every parser.
    """
    if not content.strip():
        return ParseResult.failed("empty response")
    page = _read_page(content, page_url)
    if isinstance(page, str):
        return ParseResult.failed(page)
    result = ParseResult()
    documents = [_decode_block(block, result) for block in page.blocks]
    context = _Context(page.base_url, _id_index(documents), result.warnings)
    seen: set[str] = set()
    nodes = (node for data in documents for node in _event_nodes(data))
    for count, node in enumerate(nodes, start=1):
        _add_event(result, _resolve(node, context.nodes), count, context, seen)
    _explain_empty(result, page)
    return result


# --- the page and its blocks -------------------------------------------------------------------


def _read_page(content: bytes, page_url: str | None) -> _Page | str:
    """The page's JSON-LD blocks and base URL, or why the page could not be read."""
    _encoding, text = html_to_unicode(None, content)  # BOM, <meta charset>, else UTF-8
    if text.lstrip().startswith(("{", "[")):
        # Served as a bare JSON-LD document instead of a page: treat it as one block.
        return _Page([_Block(1, 1, text)], page_url)
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        return f"not HTML ({error})"
    blocks = [
        _Block(number, script.sourceline, script.text or "") for number, script in enumerate(_ld_scripts(tree), start=1)
    ]
    return _Page(blocks, page_url or _canonical(tree))


def _ld_scripts(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    # Compare the type loosely: "application/ld+json; charset=utf-8" and odd case are seen live.
    return [
        script
        for script in tree.iter("script")
        if (script.get("type") or "").split(";")[0].strip().lower() == "application/ld+json"
    ]


def _canonical(tree: lxml.html.HtmlElement) -> str | None:
    for href in tree.xpath("//base/@href | //link[@rel='canonical']/@href"):
        if str(href).startswith(("http://", "https://")):
            return str(href)
    return None


def _decode_block(block: _Block, result: ParseResult) -> Any:
    """The block's JSON, or None after recording an ItemError (and marking the page incomplete)."""
    text = block.text
    if any(mark in text for mark in _WRAPPER_MARKS):
        text = _WRAPPER.sub(lambda match: " " * len(match.group()), text)
    if not text.strip():
        result.warnings.append(f"JSON-LD block {block.number} is empty")
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # line/column stay json's own (within the block); the page line helps find it in a browser.
        page_line = f"page line {block.line + error.lineno - 1}; " if block.line else ""
        result.errors.append(
            ItemError(
                f"JSON-LD block {block.number} is not valid JSON: {error.msg}"
                f" ({page_line}line/column count within the block)",
                item=f"block {block.number}",
                line=error.lineno,
                column=error.colno,
            )
        )
        result.complete = False  # the block may have held events we now cannot see
        return None


def _explain_empty(result: ParseResult, page: _Page) -> None:
    if result.events or result.errors:
        return
    if not page.blocks:
        # A page that used to carry JSON-LD and now has none is more likely a redesign or an
        # error page than an empty programme: do not let the sync remove everything.
        result.warnings.append("no JSON-LD on the page")
        result.complete = False
    else:
        result.warnings.append("no schema.org events in the page's JSON-LD")


# --- finding event nodes ----------------------------------------------------------------------


def _event_nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every Event node in a block, depth first, without looking inside events themselves."""
    if isinstance(data, list):
        for entry in data:
            yield from _event_nodes(entry)
    elif isinstance(data, dict):
        if _is_event(data):
            yield data
            return
        for key in _CONTAINER_KEYS:
            yield from _event_nodes(data.get(key))


def _types(node: Mapping[str, Any]) -> list[str]:
    value = node.get("@type")
    names = value if isinstance(value, list) else [value]
    return [_SCHEMA_PREFIX.sub("", name) for name in names if isinstance(name, str)]


def _is_event(node: Mapping[str, Any]) -> bool:
    return any(name.endswith("Event") or name in _OTHER_EVENT_TYPES for name in _types(node))


def _id_index(documents: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Every node with an ``@id`` and more than that, so bare references can be resolved."""
    index: dict[str, dict[str, Any]] = {}
    stack = list(documents)
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                index.setdefault(value["@id"], value)
            stack.extend(value.values())
    return index


def _resolve(value: Any, index: Mapping[str, dict[str, Any]]) -> Any:
    """A node for a bare ``{"@id": …}`` reference (e.g. to the page's Organization block)."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in index:
        return index[value["@id"]]
    return value


# --- one event --------------------------------------------------------------------------------


def _add_event(result: ParseResult, node: dict[str, Any], count: int, context: _Context, seen: set[str]) -> None:
    """Append the event built from ``node`` unless its id was seen, or an ItemError naming it."""
    item = _source_id(node, context.base_url) or f"#{count}"
    if item in seen:
        result.warnings.append(f"item {item}: appears twice on the page; kept once")
        return
    try:
        result.events.append(_event(node, item, context))
        seen.add(item)
    except _Rejected as problem:
        result.errors.append(ItemError(str(problem), item=item))
    except ValueError as problem:  # pydantic's ValidationError is a ValueError
        result.errors.append(ItemError(f"invalid event: {problem}", item=item))


def _source_id(node: Mapping[str, Any], base_url: str | None) -> str:
    """``identifier`` (stable across page moves), else ``@id``, else ``url``."""
    identifier = node.get("identifier")
    if isinstance(identifier, dict):  # PropertyValue {"@type": "PropertyValue", "value": …}
        identifier = identifier.get("value")
    if isinstance(identifier, (str, int)) and str(identifier).strip():
        return str(identifier).strip()
    for key in ("@id", "url"):
        if isinstance(node.get(key), str) and node[key].strip():
            return _absolute(node[key].strip(), base_url)
    return ""


def _event(node: dict[str, Any], item: str, context: _Context) -> ParsedEvent:
    if item.startswith("#"):
        context.warnings.append(f"item {item}: no identifier, @id or url; its id is its position")
    title = _one_line(html_to_text(_string(node.get("name"))))
    if not title:
        raise _Rejected("name is missing")
    times = _times(node, item, context.warnings)
    places = [_resolve(place, context.nodes) for place in _as_list(node.get("location"))]
    description, warning = limit_description(html_to_text(_string(node.get("description"))), item)
    if warning:
        context.warnings.append(warning)
    status = _status(node)
    return ParsedEvent(
        source_id=item,
        title=title,
        description=description,
        start=times.start,
        end=times.end,
        timezone=times.zone,
        all_day=times.all_day,
        status=status,
        attendance=_attendance(node, places),
        **_place(places),
        url=_absolute(_string(node.get("url")), context.base_url),
        keywords=_keywords(node.get("keywords")),
        theme_hints=_names(node.get("about"), context.nodes),
        cost=_cost(node.get("offers"), node.get("isAccessibleForFree")),
        actors=_actors(node, context),
        previous_start=_previous_start(node, item, context.warnings),
    )


def _status(node: Mapping[str, Any]) -> EventStatus:
    value = _SCHEMA_PREFIX.sub("", _string(node.get("eventStatus")))
    return _STATUSES.get(value, EventStatus.SCHEDULED)


# --- times ------------------------------------------------------------------------------------


class _Times(NamedTuple):
    start: datetime
    end: datetime | None
    zone: str
    all_day: bool


def _times(node: Mapping[str, Any], item: str, warnings: list[str]) -> _Times:
    raw_start, raw_end = _first(node.get("startDate")), _first(node.get("endDate"))
    if not raw_start:
        raise _Rejected("startDate is missing")
    start = _moment(raw_start, "startDate")
    if _DATE_ONLY.match(raw_start):
        return _all_day(start, raw_end, item, warnings)
    end = _end(raw_end, item, warnings)
    if end is not None and end < start:
        warnings.append(f"item {item}: endDate before startDate; end dropped")
        end = None
    return _Times(start, end, _zone_name(start), False)


def _all_day(start: datetime, raw_end: str, item: str, warnings: list[str]) -> _Times:
    """Date-only dates: the days in Berlin, end exclusive (schema.org's endDate is the last day)."""
    last = _end(raw_end, item, warnings) if raw_end else None
    last_day = max(last.astimezone(_BERLIN).date(), start.date()) if last else start.date()
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=_BERLIN)
    return _Times(start, end, _BERLIN_NAME, True)


def _end(raw_end: str, item: str, warnings: list[str]) -> datetime | None:
    # A broken end is no reason to lose the event: keep it open-ended and say so.
    if not raw_end:
        return None
    try:
        return _moment(raw_end, "endDate")
    except _Rejected as problem:
        warnings.append(f"item {item}: {problem}; end dropped")
        return None


def _previous_start(node: Mapping[str, Any], item: str, warnings: list[str]) -> datetime | None:
    raw = _first(node.get("previousStartDate"))
    if not raw:
        return None
    try:
        return _moment(raw, "previousStartDate")
    except _Rejected as problem:
        warnings.append(f"item {item}: {problem}; ignored")
        return None


def _moment(value: str, key: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is Berlin time."""
    try:
        moment: datetime = isoparse(value.strip())
    except (ValueError, OverflowError):
        raise _Rejected(f"{key} {value!r} is not an ISO 8601 date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=_BERLIN)


def _zone_name(moment: datetime) -> str:
    """Europe/Berlin when the offset is Berlin's at that moment, else the offset itself."""
    offset = moment.utcoffset() or timedelta(0)
    if offset == moment.astimezone(_BERLIN).utcoffset():
        return _BERLIN_NAME
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# --- place and attendance ---------------------------------------------------------------------


def _place(places: list[Any]) -> dict[str, Any]:
    """location_name/address/latitude/longitude of the first physical place."""
    for place in places:
        if isinstance(place, str) and place.strip():
            return {"location_name": _one_line(place)}
        if isinstance(place, dict) and "VirtualLocation" not in _types(place):
            latitude, longitude = _geo(place.get("geo"))
            return {
                "location_name": _one_line(_string(place.get("name"))),
                "address": _address(place.get("address")),
                "latitude": latitude,
                "longitude": longitude,
            }
    return {}


def _address(value: Any) -> str:
    if isinstance(value, str):
        return _one_line(value)
    if not isinstance(value, dict):
        return ""
    town = " ".join(_string(value.get(key)).strip() for key in ("postalCode", "addressLocality"))
    country = _string(value.get("addressCountry")) or _string(_as_dict(value.get("addressCountry")).get("name"))
    if country.strip().upper() in ("DE", "DEU", "DEUTSCHLAND", "GERMANY"):
        country = ""  # every centre is in Germany; the country adds nothing but noise
    parts = (_string(value.get("streetAddress")), town, country)
    return ", ".join(_one_line(part) for part in parts if part.strip())


def _geo(value: Any) -> tuple[float | None, float | None]:
    geo = _as_dict(value)
    try:
        return float(geo["latitude"]), float(geo["longitude"])
    except (KeyError, TypeError, ValueError):
        return None, None


def _attendance(node: Mapping[str, Any], places: list[Any]) -> Attendance:
    """The declared mode; without one, what the locations show (virtual, physical or both)."""
    declared = _SCHEMA_PREFIX.sub("", _string(node.get("eventAttendanceMode")))
    if declared in _ATTENDANCE:
        return _ATTENDANCE[declared]
    virtual = any(isinstance(place, dict) and "VirtualLocation" in _types(place) for place in places)
    physical = any(not (isinstance(place, dict) and "VirtualLocation" in _types(place)) for place in places)
    if virtual or _string(node.get("eventStatus")).endswith("EventMovedOnline"):
        return Attendance.MIXED if physical and virtual else Attendance.ONLINE
    return Attendance.OFFLINE


# --- actors -----------------------------------------------------------------------------------


def _actors(node: Mapping[str, Any], context: _Context) -> list[ActorMention]:
    """organizer/performer/sponsor/funder, then the affiliations of the people among them.

    A speaker's ``affiliation``/``worksFor`` organisation takes part through that person; it
    is kept as a ``partner`` so that the organisation reaches the actor network at all.
    """
    mentions: dict[tuple[str, str], ActorMention] = {}
    affiliations: list[Any] = []
    for key, role in _ROLES.items():
        for value in _as_list(node.get(key)):
            actor = _resolve(value, context.nodes)
            mention = _mention(actor, role)
            if mention is None:
                continue
            mentions.setdefault((mention.name, role), mention)
            if isinstance(actor, dict):
                affiliations += _as_list(actor.get("affiliation")) + _as_list(actor.get("worksFor"))
    named = {name for name, _role in mentions}
    for value in affiliations:
        mention = _mention(_resolve(value, context.nodes), "partner")
        if mention is not None and mention.name not in named:
            mentions.setdefault((mention.name, "partner"), mention)
    return list(mentions.values())


def _mention(actor: Any, role: Role) -> ActorMention | None:
    if isinstance(actor, str):
        name = _one_line(actor)
        return ActorMention(name=name, role=role) if name else None
    if not isinstance(actor, dict):
        return None
    name = _one_line(html_to_text(_string(actor.get("name"))))
    if not name:
        return None
    return ActorMention(
        name=name,
        role=role,
        kind=_kind(actor),
        email=_string(actor.get("email")).removeprefix("mailto:").strip() or None,
        website=_first(actor.get("url")) or None,
        phone=_string(actor.get("telephone")).strip() or None,
        feed_ref=_string(actor.get("@id")) or None,
    )


def _kind(actor: Mapping[str, Any]) -> ActorKind | None:
    kinds = [_KINDS[name] for name in _types(actor) if name in _KINDS]
    # With several types (["Organization", "Corporation"]) the specific one wins.
    specific = [kind for kind in kinds if kind is not ActorKind.ORGANISATION]
    return (specific or kinds or [None])[0]


# --- keywords, themes, cost -------------------------------------------------------------------


def _keywords(value: Any) -> list[str]:
    """schema.org keywords: a comma-separated string, a list of strings, or DefinedTerms."""
    words: list[str] = []
    for entry in _as_list(value):
        if isinstance(entry, str):
            words += entry.split(",")
        elif isinstance(entry, dict):
            words.append(_string(entry.get("name")))
    return _unique(words)


def _names(value: Any, index: Mapping[str, dict[str, Any]]) -> list[str]:
    """Names of Things (``about``), or the strings themselves."""
    names = []
    for entry in _as_list(value):
        entry = _resolve(entry, index)
        names.append(entry if isinstance(entry, str) else _string(_as_dict(entry).get("name")))
    return _unique(names)


def _cost(offers: Any, free: Any) -> str:
    """Offers as German price text: price 0 is "Kostenlos", "35" EUR is "35 €"."""
    prices = _unique(_price(_as_dict(offer)) for offer in _as_list(offers))
    if not prices and free is True:
        return "Kostenlos"
    return " / ".join(prices)


def _price(offer: Mapping[str, Any]) -> str:
    raw = offer.get("price", _as_dict(offer.get("priceSpecification")).get("price"))
    if raw is None or raw == "":
        return ""
    try:
        amount = Decimal(str(raw).replace(",", "."))
    except InvalidOperation:
        return _one_line(str(raw))  # already text: "Kostenlos", "auf Anfrage", …
    if amount == 0:
        return "Kostenlos"
    number = f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}".replace(".", ",")
    currency = _string(offer.get("priceCurrency")).upper() or "EUR"
    return f"{number} €" if currency == "EUR" else f"{number} {currency}"


# --- small helpers ----------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _first(value: Any) -> str:
    """The first string of a value that may be a string or a list of them."""
    for entry in _as_list(value):
        if isinstance(entry, str) and entry.strip():
            return entry.strip()
    return ""


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unique(values: Iterable[str]) -> list[str]:
    cleaned = (_one_line(value) for value in values)
    return list(dict.fromkeys(value for value in cleaned if value))


def _absolute(url: str, base_url: str | None) -> str:
    return urljoin(base_url, url) if url and base_url else url
