"""iCalendar feeds (RFC 5545): The Events Calendar (WordPress) and Google Calendar exports.

One call parses one document. ``icalendar`` reads the document and ``recurring_ical_events``
expands series; this module maps components to :class:`ParsedEvent` and turns every problem
into an :class:`ItemError` or a warning. What real feeds do that a naive reader trips on:

* Google writes times in UTC (``Z``) and names the calendar's zone only in ``X-WR-TIMEZONE``;
  a series in UTC would drift by an hour across DST, so ``recurring_ical_events`` converts
  such calendars first, and single events are labelled with that zone.
* Google's ``ORGANIZER`` (and one ``ATTENDEE``) is the calendar's own group address, not an actor;
  its online events carry ``X-GOOGLE-CONFERENCE`` and a generated "Google Meet" block in
  ``DESCRIPTION``, and some descriptions are HTML.
* TEC adds ``X-APPLE-STRUCTURED-LOCATION`` whose ``X-TITLE``/``X-ADDRESS`` split the venue name
  from its address, which ``LOCATION`` only joins with commas.
* A cut-off download makes ``icalendar`` reject the whole document; we then read the complete
  VEVENTs one by one and mark the result incomplete, so no sync takes the rest for removed.
* Series are expanded within a window around ``now`` (occurrence ids ``UID#YYYYMMDDTHHMMSSZ``);
  single events are kept whenever they are.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events  # type: ignore[import-untyped]
from icalendar import Calendar, Component, Event, vGeo
from icalendar.error import InvalidCalendar
from icalendar.timezone.tzid import tzid_from_dt
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
from pydantic import ValidationError

from hub.domain import ActorKind, Attendance, EventStatus
from importers.parsers.text import html_to_text, limit_description
from importers.records import ActorMention, ItemError, ParsedEvent, ParseResult, Role

log = logging.getLogger(__name__)

DEFAULT_ZONE = "Europe/Berlin"
#: How far before and after ``now`` series are expanded.
DEFAULT_PAST = timedelta(days=365)
DEFAULT_FUTURE = timedelta(days=730)
#: Occurrences kept per series; more means a runaway rule, not a programme of events.
MAX_OCCURRENCES = 500
#: Rule steps we let the expansion walk before the window starts (dateutil walks every step
#: from DTSTART, ~1.5 µs each, once per chunk). A weekly rule from 1970 needs ~3,000 steps.
MAX_SKIPPED_STEPS = 100_000
#: Rules repeating more often than hourly are no programme of events, and expanding a
#: ``FREQ=MINUTELY`` rule from 2000 up to today takes ~40 s.
_MIN_STEP = timedelta(hours=1)
_STEP_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86_400,
    "WEEKLY": 604_800,
    "MONTHLY": 2_419_200,
    "YEARLY": 31_536_000,
}  # shortest month/year: never underestimates
#: The window is queried in chunks so a capped series stops early; recurring_ical_events'
#: own ``after()`` re-walks the rule for every page and is quadratic on long series.
_CHUNK = timedelta(days=92)

_SNIPPET = 15
_CALENDAR_START = re.compile(r"^[ \t]*BEGIN:VCALENDAR[ \t]*(?=\r|\n|\Z)", re.IGNORECASE | re.MULTILINE)
_FOLD = re.compile(r"(?:\r\n|\r|\n)[ \t]")
_FOLD_BYTES = re.compile(rb"(?:\r\n|\r|\n)[ \t]")
_UTF8_SEQUENCE = re.compile(rb"[\xc3\xc2\xe2][\x80-\xbf]")  # umlauts, nbsp, dashes and quotes in UTF-8
_NEWLINE = re.compile(r"\r\n|\r|\n")  # not str.splitlines(): that also splits on U+2028, \x1c, …
_UID_LINE = re.compile(r"^UID(?:;[^:]*)?:(.+)$", re.IGNORECASE)
# Google's generated conference block, framed by lines of "-::~:~::~:~…::-".
_MEET_BLOCK = re.compile(r"-::~[:~]*::-.*?(?:-::~[:~]*::-|\Z)", re.DOTALL)
# Only well-known tags: plain text like "<Ihr Name>" or "Preis <10 €" must not be taken for HTML.
_HTML_TAG = re.compile(
    r"</?(?:a|b|i|u|p|br|hr|div|span|strong|em|ul|ol|li|h[1-6]|table|tr|td|th|img|font|blockquote"
    r"|html-blob)\b[^<>]*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
_CONFERENCE_LINK = re.compile(
    r"https?://(?:[\w-]+\.)*(?:meet\.google\.com|zoom\.us|zoom\.com|teams\.microsoft\.com|teams\.live\.com"
    r"|webex\.com|meet\.jit\.si|gotomeeting\.com|gotomeet\.me|whereby\.com|edudip\.com|alfaview\.com"
    r"|senfcall\.de|bigbluebutton\.\w+)/|https?://bbb\.",
    re.IGNORECASE,
)
_ONLINE_PLACE = re.compile(
    r"^(?:online|virtuell|webinar|livestream|zoom|microsoft teams|ms teams|google meet|jitsi|webex"
    r"|videokonferenz)\b",
    re.IGNORECASE,
)
# "Online: Fördermittel …" yes, "Online-Anträge im Amt" (a topic, not a format) no.
_ONLINE_TITLE = re.compile(r"^\s*(?:online|webinar)(?![\w-])", re.IGNORECASE)
_HYBRID = re.compile(r"\bhybrid", re.IGNORECASE)
# Google calendars' own addresses: the calendar (group/import) or a room (resource), never an actor.
_CALENDAR_ADDRESS = re.compile(r"@(?:group|import|resource|group\.v)\.calendar\.google\.com$", re.IGNORECASE)
_STATUSES = {
    "CONFIRMED": EventStatus.SCHEDULED,
    "TENTATIVE": EventStatus.TENTATIVE,
    "CANCELLED": EventStatus.CANCELLED,
    "CANCELED": EventStatus.CANCELLED,
}
_ATTENDEE_KINDS = {
    "INDIVIDUAL": ActorKind.PERSON,
    "GROUP": ActorKind.ORGANISATION,
    "ORGANIZATION": ActorKind.ORGANISATION,
    "ORGANISATION": ActorKind.ORGANISATION,
}
_NOT_ACTORS = frozenset({"ROOM", "RESOURCE"})
# Without these an event cannot be placed in time; other broken properties only cost a field.
_ESSENTIAL = frozenset({"DTSTART", "RRULE", "RECURRENCE-ID"})
# Broken values we still read leniently (GEO with a comma): their reader warns if that fails too.
_LENIENT = frozenset({"GEO"})


class _Rejected(Exception):
    """An item that cannot become an event; caught per item, never leaves this module."""


@dataclass
class _Context:
    """What every item of one document needs: its zone, the expansion window, the result."""

    result: ParseResult
    zone_name: str  # the calendar's zone: for all-day and floating times
    wr_zone: str | None  # a valid X-WR-TIMEZONE: the zone Google's UTC times were entered in
    window_start: datetime
    window_end: datetime
    max_occurrences: int
    cancelled: bool = False  # METHOD:CANCEL: the whole document withdraws its events
    _warned: set[str] = field(default_factory=set)

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.zone_name)

    def warn(self, message: str) -> None:
        """Warn once: a series repeats the same warning for every occurrence."""
        if message not in self._warned:
            self._warned.add(message)
            self.result.warnings.append(message)


def parse_ical(
    content: bytes,
    *,
    source: str,
    now: datetime | None = None,
    past: timedelta = DEFAULT_PAST,
    future: timedelta = DEFAULT_FUTURE,
    max_occurrences: int = MAX_OCCURRENCES,
) -> ParseResult:
    """Events of one iCalendar document; never raises for bad content.

    Series are expanded from ``now - past`` to ``now + future`` (``now`` defaults to the current
    time), at most ``max_occurrences`` per series. ``source`` names the feed in log messages.
    """
    try:
        return _parse(content, source, now or datetime.now(UTC), past, future, max_occurrences)
    except Exception as exc:  # a bug or library failure must not look like an empty feed
        log.exception("%s: iCalendar parser failed", source)
        return ParseResult.failed(f"cannot read iCalendar: {exc}")


def _parse(
    content: bytes, source: str, now: datetime, past: timedelta, future: timedelta, max_occurrences: int
) -> ParseResult:
    result = ParseResult()
    text = _decode(content, result.warnings)
    problem = _check_document(text)
    if problem:
        return ParseResult.failed(problem)
    text = _skip_preamble(text, result.warnings)
    calendar = _read_calendar(text, result)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    zone_name, wr_zone = _calendar_zones(calendar, result.warnings)
    ctx = _Context(
        result,
        zone_name,
        wr_zone,
        now - past,
        now + future,
        max_occurrences,
        cancelled=str(calendar.get("METHOD", "")).upper() == "CANCEL",
    )
    components = [c for c in calendar.walk("VEVENT") if isinstance(c, Event)]
    if not components and result.complete:
        ctx.warn("the calendar has no VEVENT")
    for item, group in _group_by_uid(components, ctx).items():
        _add_series(item, group, ctx)
    if result.errors or not result.complete:
        log.info(
            "%s: %d events, %d errors, complete=%s", source, len(result.events), len(result.errors), result.complete
        )
    return result


# --- the document ----------------------------------------------------------------------------


def _decode(content: bytes, warnings: list[str]) -> str:
    """Text of the document, unfolded: UTF-8 (BOM allowed) as RFC 5545 demands, else the usual suspects."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _FOLD.sub("", content.decode("utf-16", errors="replace"))
    # Unfold before decoding: exporters that fold at 75 octets split multi-byte characters,
    # and such a line only decodes once the halves are joined again.
    content = _FOLD_BYTES.sub(b"", content)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # a download cut inside a character
            return content[: exc.start].decode("utf-8-sig")
    if _UTF8_SEQUENCE.search(content):  # UTF-8 with a few stray bytes (text pasted from Windows)
        warnings.append("document is not valid UTF-8; undecodable bytes replaced")
        return content.decode("utf-8-sig", errors="replace")
    # Old Outlook and some PHP exporters write Windows-1252; latin-1 reads any byte at all.
    for encoding in ("cp1252", "latin-1"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings.append(f"document is not UTF-8; read as {encoding}")
        return text
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _check_document(text: str) -> str | None:
    """Why ``text`` is no calendar at all (empty, an HTML error page, …), or None."""
    stripped = text.strip()
    if not stripped:
        return "empty response"
    if _CALENDAR_START.search(text):
        return None
    first_line = _NEWLINE.split(stripped, maxsplit=1)[0].strip()
    snippet = first_line[:_SNIPPET] + ("…" if len(first_line) > _SNIPPET else "")
    return f"not iCalendar (starts with `{snippet}`)"


def _skip_preamble(text: str, warnings: list[str]) -> str:
    """Drop what precedes BEGIN:VCALENDAR: WordPress prints PHP notices before the feed."""
    begin = _CALENDAR_START.search(text)
    assert begin is not None  # _check_document() made sure
    preamble = text[: begin.start()].strip()
    if preamble:
        snippet = _NEWLINE.split(preamble, maxsplit=1)[0][:40]
        warnings.append(f"skipped {len(preamble)} characters before BEGIN:VCALENDAR (`{snippet}`)")
    return text[begin.start() :]


def _read_calendar(text: str, result: ParseResult) -> Calendar:
    """The calendar as icalendar reads it, or as far as it can be recovered."""
    try:
        return Calendar.from_ical(text)
    except ValueError as exc:  # truncated, unbalanced BEGIN/END, junk lines, several VCALENDARs
        result.warnings.append(
            f"icalendar rejected the document ({_first_line(str(exc))}); reading its VEVENTs one by one"
        )
    return _recover(text, result)


def _calendar_zones(calendar: Calendar, warnings: list[str]) -> tuple[str, str | None]:
    """The calendar's zone (for all-day and floating times) and its valid X-WR-TIMEZONE."""
    declared = _single(calendar, "X-WR-TIMEZONE")
    wr_zone = _iana(str(declared).strip()) if declared is not None else None
    if declared is not None and wr_zone is None:
        warnings.append(f"unknown X-WR-TIMEZONE `{declared}` ignored")
    if wr_zone:
        return wr_zone, wr_zone
    for component in calendar.walk("VTIMEZONE"):
        if zone := _iana(str(component.get("TZID", ""))):
            return zone, None
    return DEFAULT_ZONE, None


# --- recovery --------------------------------------------------------------------------------


@dataclass
class _Blocks:
    """The top-level components of a document, each as its unfolded content lines."""

    header: list[str] = field(default_factory=list)  # the calendar's own properties
    timezones: list[list[str]] = field(default_factory=list)
    events: list[list[str]] = field(default_factory=list)
    unended: list[list[str]] = field(default_factory=list)  # a VEVENT followed by BEGIN:VEVENT
    cut: list[str] | None = None  # the VEVENT the document ends inside
    ended: bool = False  # END:VCALENDAR seen


def _recover(text: str, result: ParseResult) -> Calendar:
    """Read each complete VEVENT on its own when icalendar rejects the document as a whole.

    Written by hand because icalendar has no partial mode: one missing END:VEVENT (a cut-off
    download) costs every event. Only the block structure is handled here; each block is still
    parsed by icalendar.
    """
    lines = _NEWLINE.split(text)  # already unfolded by _decode()
    # A document that does not end with a line break was cut inside its last line.
    partial_last = not text.endswith(("\n", "\r"))
    blocks = _split_blocks(lines)
    calendar = _recovered_header(blocks)
    prelude = ["BEGIN:VCALENDAR", "VERSION:2.0", *(line for tz in blocks.timezones for line in tz)]
    for number, block in enumerate(blocks.events, start=1):
        if event := _parse_block(block, prelude, number, result):
            calendar.add_component(event)
    for number, block in enumerate(blocks.unended, start=1):
        result.errors.append(ItemError("VEVENT without END:VEVENT, skipped", item=_block_uid(block) or f"#{number}"))
    if blocks.cut is not None:
        uid = _block_uid(blocks.cut[:-1] if partial_last else blocks.cut)
        result.errors.append(ItemError("truncated: unexpected end inside VEVENT", item=uid))
        result.complete = False
    elif not blocks.ended:
        result.errors.append(ItemError("truncated: no END:VCALENDAR"))
        result.complete = False
    if blocks.unended:
        result.complete = False  # the structure is broken; what else went missing is unknown
    return calendar


def _split_blocks(lines: list[str]) -> _Blocks:
    """Group content lines into top-level components, tracking nesting (VALARM in VEVENT)."""
    blocks = _Blocks()
    top: str | None = None  # the top-level component being read
    depth = 0
    current: list[str] = []
    for line in lines:
        marker = line.strip().upper() if line[:4].upper() in ("BEGI", "END:") else ""
        if top is None:
            if marker.startswith("BEGIN:") and marker != "BEGIN:VCALENDAR":
                top, depth, current = marker[6:], 1, [line]
            elif marker == "END:VCALENDAR":
                blocks.ended = True
            elif line.strip() and not marker:  # a stray END:VEVENT is no calendar property
                blocks.header.append(line)
            continue
        if marker == "BEGIN:VEVENT" and top == "VEVENT":  # the previous VEVENT never ended
            blocks.unended.append(current)
            depth, current = 1, [line]
            continue
        current.append(line)
        if marker.startswith("BEGIN:"):
            depth += 1
        elif marker.startswith("END:"):
            depth -= 1
            if depth == 0:
                _store_block(blocks, top, current)
                top = None
    if top == "VEVENT":
        blocks.cut = current
    return blocks


def _store_block(blocks: _Blocks, name: str, lines: list[str]) -> None:
    if name == "VEVENT":
        blocks.events.append(lines)
    elif name == "VTIMEZONE":
        blocks.timezones.append(lines)
    # VTODO, VJOURNAL, VFREEBUSY: not events


def _recovered_header(blocks: _Blocks) -> Calendar:
    """A calendar with the document's own properties and zones, as far as they parse."""
    timezones = [line for tz in blocks.timezones for line in tz]
    for lines in ([*blocks.header, *timezones], timezones, []):
        try:
            return Calendar.from_ical("\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR", ""]))
        except ValueError:
            continue
    return Calendar()  # pragma: no cover - an empty calendar always parses


def _parse_block(block: list[str], prelude: list[str], number: int, result: ParseResult) -> Event | None:
    """One VEVENT parsed on its own, with the document's VTIMEZONEs for its TZIDs."""
    try:
        calendar = Calendar.from_ical("\r\n".join([*prelude, *block, "END:VCALENDAR", ""]))
        return next(c for c in calendar.walk("VEVENT") if isinstance(c, Event))
    except (ValueError, StopIteration) as exc:
        item = _block_uid(block) or f"#{number}"
        result.errors.append(ItemError(f"unreadable VEVENT: {_first_line(str(exc))}", item=item))
        return None


def _block_uid(lines: list[str]) -> str | None:
    for line in lines:
        if match := _UID_LINE.match(line):
            return match.group(1).strip() or None
    return None


# --- items -----------------------------------------------------------------------------------


def _group_by_uid(components: list[Event], ctx: _Context) -> dict[str, list[Event]]:
    """A series is every VEVENT with its UID: the master and its RECURRENCE-ID overrides."""
    groups: dict[str, list[Event]] = {}
    for number, component in enumerate(components, start=1):
        uid = str(component.get("UID", "")).strip()
        if not uid:
            uid = _fallback_uid(component, number)
            ctx.warn(f"item {uid}: VEVENT without UID; using a hash of DTSTART and SUMMARY as its id")
        groups.setdefault(uid, []).append(component)
    return groups


def _fallback_uid(component: Event, number: int) -> str:
    """A stable id for a VEVENT without UID: the same event gets it again on the next fetch."""
    start = _single(component, "DTSTART")
    if start is None or "DTSTART" in _broken(component):
        return f"#{number}"  # nothing stable to hash; the event is rejected anyway
    key = start.to_ical() + b"\n" + str(component.get("SUMMARY", "")).encode()
    return "nouid-" + hashlib.sha256(key).hexdigest()[:16]


def _add_series(uid: str, group: list[Event], ctx: _Context) -> None:
    """Append the events of one UID, or an ItemError naming it; never lets one item sink others."""
    try:
        ctx.result.events.extend(_series_events(uid, group, ctx))
    except _Rejected as problem:
        ctx.result.errors.append(ItemError(str(problem), item=uid))
    except InvalidCalendar as problem:  # icalendar's verdict, e.g. "Multiple DTSTART defined."
        ctx.result.errors.append(ItemError(f"invalid event: {problem}", item=uid))
    except ValidationError as problem:
        ctx.result.errors.append(ItemError(f"invalid event: {_first_line(str(problem))}", item=uid))
    except Exception as problem:  # the libraries raise many types on odd input; keep the others
        log.warning("item %s: %r", uid, problem)
        ctx.result.errors.append(ItemError(f"cannot read event: {problem}", item=uid))


def _series_events(uid: str, group: list[Event], ctx: _Context) -> list[ParsedEvent]:
    masters = [c for c in group if c.get("RECURRENCE-ID") is None]
    overrides = [c for c in group if c.get("RECURRENCE-ID") is not None]
    for component in masters:
        _check_component(uid, component, ctx)
    if len(masters) == 1 and _recurs(masters[0]):
        return _expand(uid, masters[0], _valid_overrides(uid, overrides, ctx), ctx)
    events = _single_events(uid, masters, ctx)
    # Overrides without a recurring master (Google exports them when the series is private).
    for override in _valid_overrides(uid, overrides, ctx):
        events.append(_to_event(override, _occurrence_id(uid, override, ctx), uid, ctx))
    return events


def _single_events(uid: str, masters: list[Event], ctx: _Context) -> list[ParsedEvent]:
    """Non-recurring VEVENTs of one UID; duplicates at the same start keep the latest version."""
    if len(masters) <= 1:
        return [_to_event(m, uid, uid, ctx) for m in masters]
    latest: dict[datetime, Event] = {}
    for component in sorted(masters, key=_version):
        latest[_aware(component.start, ctx.zone)] = component  # later versions win
    if len(latest) == 1:
        ctx.warn(f"item {uid}: {len(masters)} VEVENTs with this UID; kept the latest")
        return [_to_event(next(iter(latest.values())), uid, uid, ctx)]
    # Some exporters write each occurrence of a series as its own VEVENT under one UID.
    ctx.warn(f"item {uid}: {len(masters)} VEVENTs with this UID at different times; kept each as an occurrence")
    return [_to_event(c, f"{uid}#{_utc_stamp(start)}", uid, ctx) for start, c in latest.items()]


def _version(component: Event) -> tuple[int, datetime]:
    """Which of two copies of an event is newer: SEQUENCE, then LAST-MODIFIED."""
    sequence = _single(component, "SEQUENCE") or 0
    modified = _modified(component) or datetime.min.replace(tzinfo=UTC)
    return int(sequence) if str(sequence).isdigit() else 0, modified


def _check_component(uid: str, component: Event, ctx: _Context) -> None:
    """Reject what cannot be placed in time; warn about broken properties that only cost a field."""
    broken = _broken(component)
    essential = {name: message for name, message in broken.items() if name in _ESSENTIAL}
    if essential:
        raise _Rejected("; ".join(f"invalid {name}: {message}" for name, message in essential.items()))
    if component.get("DTSTART") is None:
        raise _Rejected("missing DTSTART")
    for name, message in broken.items():
        if name not in _LENIENT:
            ctx.warn(f"item {uid}: ignored invalid {name or 'content line'}: {message}")
            # Gone, not kept broken: recurring_ical_events reads DTEND/EXDATE and would fail on it.
            component.pop(name, None)


def _broken(component: Event) -> dict[str, str]:
    """The properties icalendar could not read (it keeps them as ``vBroken`` and lists them)."""
    return {str(name or ""): _first_line(str(message)) for name, message in component.errors}


def _valid_overrides(uid: str, overrides: list[Event], ctx: _Context) -> list[Event]:
    valid = []
    for override in overrides:
        try:
            _check_component(uid, override, ctx)
        except _Rejected as problem:
            ctx.result.errors.append(ItemError(f"occurrence override skipped: {problem}", item=uid))
            continue
        valid.append(override)
    return valid


def _recurs(component: Event) -> bool:
    return component.get("RRULE") is not None or component.get("RDATE") is not None


# --- series ----------------------------------------------------------------------------------


def _expand(uid: str, master: Event, overrides: list[Event], ctx: _Context) -> list[ParsedEvent]:
    """The occurrences of one series inside the window, each its own event."""
    _check_density(uid, master, ctx)
    events = []
    for occurrence in _occurrences(uid, master, overrides, ctx):
        source_id = _occurrence_id(uid, occurrence, ctx)
        events.append(_to_event(occurrence, source_id, uid, ctx))
    if not events:
        ctx.warn(
            f"item {uid}: series has no occurrence between {ctx.window_start:%Y-%m-%d} and {ctx.window_end:%Y-%m-%d}"
        )
    return events


def _occurrences(uid: str, master: Event, overrides: list[Event], ctx: _Context) -> Iterator[Event]:
    """Occurrences overlapping the window, in order, at most ``ctx.max_occurrences``."""
    series = Calendar()
    if ctx.wr_zone:  # lets recurring_ical_events move Google's UTC series into the local zone
        series.add("X-WR-TIMEZONE", ctx.wr_zone)
    for component in (master, *overrides):
        series.add_component(component)
    query = recurring_ical_events.of(series)
    seen: set[str] = set()  # an occurrence across a chunk boundary is returned for both chunks
    chunk_start = ctx.window_start
    while chunk_start < ctx.window_end:
        chunk_end = min(chunk_start + _CHUNK, ctx.window_end)
        chunk = sorted(query.between(chunk_start, chunk_end), key=lambda o: _aware(o.start, ctx.zone))
        for occurrence in chunk:
            key = _occurrence_id(uid, occurrence, ctx)
            if key in seen:
                continue
            if len(seen) == ctx.max_occurrences:
                ctx.warn(
                    f"item {uid}: series has more than {ctx.max_occurrences} occurrences in the window; "
                    f"kept the first {ctx.max_occurrences}"
                )
                return
            seen.add(key)
            yield occurrence
        chunk_start = chunk_end


def _check_density(uid: str, master: Event, ctx: _Context) -> None:
    """Refuse rules that would take the expansion minutes to walk up to the window."""
    rules = master.get("RRULE")
    for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
        frequency = str((rule.get("FREQ") or [""])[0]).upper()
        interval = int((rule.get("INTERVAL") or [1])[0])
        step = _STEP_SECONDS.get(frequency, 1) * max(interval, 1)
        if step < _MIN_STEP.total_seconds():
            raise _Rejected(f"RRULE FREQ={frequency};INTERVAL={interval} repeats more often than hourly")
        count = int((rule.get("COUNT") or [0])[0])
        until = [_aware(value, ctx.zone) for value in rule.get("UNTIL") or []]
        walk_to = min([ctx.window_start, *until])
        steps = (walk_to - _aware(master.start, ctx.zone)).total_seconds() / step
        if steps > MAX_SKIPPED_STEPS and not 0 < count <= MAX_SKIPPED_STEPS:
            raise _Rejected(f"RRULE FREQ={frequency} from {master.start:%Y-%m-%d} is too dense to expand")


def _occurrence_id(uid: str, component: Event, ctx: _Context) -> str:
    """``UID#<original start in UTC>``: RECURRENCE-ID, so a moved occurrence keeps its id."""
    recurrence = _single(component, "RECURRENCE-ID")
    original = recurrence.dt if recurrence is not None else component.start
    return f"{uid}#{_utc_stamp(_aware(original, ctx.zone))}"


def _utc_stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# --- one event -------------------------------------------------------------------------------


def _to_event(component: Event, source_id: str, uid: str, ctx: _Context) -> ParsedEvent:
    start, end, zone_name, all_day = _times(component, uid, ctx)
    location = _text(component, "LOCATION")
    online = _is_online(component, location)
    place = _place(component, location)
    latitude, longitude = _geo(component, uid, ctx)
    return ParsedEvent(
        source_id=source_id,
        title=_title(component, uid, ctx),
        description=_description(component, uid, ctx),
        start=start,
        end=end,
        timezone=zone_name,
        all_day=all_day,
        status=_status(component, start, ctx),
        attendance=_attendance(online, place, location),
        location_name=place[0],
        address=place[1],
        latitude=latitude,
        longitude=longitude,
        url=_text(component, "URL"),
        categories=_categories(component),
        actors=_actors(component),
        previous_start=_moved_from(component, start, ctx),
        modified=_modified(component),
    )


def _times(component: Event, uid: str, ctx: _Context) -> tuple[datetime, datetime | None, str, bool]:
    """Start, exclusive end, zone name and all-day flag; all-day days begin at local midnight."""
    raw_start = component.start
    all_day = not isinstance(raw_start, datetime)
    start = _aware(raw_start, ctx.zone)
    end = _end(component, uid, ctx)
    if end is not None and end <= start:
        if all_day:
            end = start + timedelta(days=1)  # DTEND on DTSTART's day: exporters mean that one day
        else:
            if end < start:
                ctx.warn(f"item {uid}: DTEND before DTSTART; end dropped")
            end = None  # DTEND == DTSTART is how exporters say "no end time"
    return start, end, _zone_name(raw_start, ctx), all_day


def _end(component: Event, uid: str, ctx: _Context) -> datetime | None:
    has_end = component.get("DTEND") is not None or component.get("DURATION") is not None
    if not has_end and isinstance(component.start, datetime):
        return None  # RFC 5545 makes it a point in time; we would rather say "unknown"
    try:
        return _aware(component.end, ctx.zone)  # DTEND, DTSTART + DURATION, or the RFC default day
    except Exception as exc:  # a broken DTEND/DURATION; icalendar raises several types here
        ctx.warn(f"item {uid}: end unreadable ({exc}); end dropped")
        return None


def _aware(value: date | datetime, zone: tzinfo) -> datetime:
    """An aware datetime: dates become local midnight, floating times the calendar's zone."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(), zone)


def _zone_name(value: date | datetime, ctx: _Context) -> str:
    """The IANA name of the zone ``value`` was given in, so local time reads back right."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return ctx.zone_name
    tzid = tzid_from_dt(value) or ""
    if tzid == "UTC":
        return ctx.wr_zone or "UTC"
    if zone := _iana(tzid):
        return zone
    offset = value.utcoffset() or timedelta()  # a custom VTIMEZONE: its offset at this instant
    minutes = int(offset.total_seconds()) // 60
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _iana(name: str) -> str | None:
    """An IANA zone name for a TZID: IANA already, a Windows name, or a path ending in one."""
    candidates = [name, WINDOWS_TO_OLSON.get(name, "")]
    parts = name.strip("/").split("/")
    if len(parts) > 2:  # "/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/…"
        candidates.append("/".join(parts[-2:]))
    for candidate in candidates:
        if candidate and _is_zone(candidate):
            return "UTC" if candidate in ("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z") else candidate
    return None


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _title(component: Event, uid: str, ctx: _Context) -> str:
    title = _text(component, "SUMMARY")
    if not title:
        ctx.warn(f"item {uid}: no SUMMARY; titled '(ohne Titel)'")
        return "(ohne Titel)"
    return title


def _description(component: Event, uid: str, ctx: _Context) -> str:
    """Plain text, HTML (Google's editor) turned into text, cut to the store's limit."""
    raw = _text(component, "DESCRIPTION", unescape_entities=False)
    # Google's generated "join with Google Meet" block is boilerplate, not event content.
    text = _MEET_BLOCK.sub("", raw)
    if _HTML_TAG.search(text):
        text = html_to_text(text)
    else:  # WordPress leaves entities (&#8211;) in text it has stripped of tags
        text = (html.unescape(text) if _ENTITY.search(text) else text).replace("\r\n", "\n").strip()
    text, warning = limit_description(text, uid)
    if warning:
        ctx.warn(warning)
    return text


def _status(component: Event, start: datetime, ctx: _Context) -> EventStatus:
    if ctx.cancelled:
        return EventStatus.CANCELLED
    status = _STATUSES.get(_text(component, "STATUS").upper(), EventStatus.SCHEDULED)
    # SEQUENCE > 0 only says the item was edited, not that the event was moved: no CHANGED here.
    if status is EventStatus.SCHEDULED and _moved_from(component, start, ctx) is not None:
        return EventStatus.CHANGED
    return status


def _moved_from(component: Event, start: datetime, ctx: _Context) -> datetime | None:
    """An override's original start when it moves its occurrence (RECURRENCE-ID != DTSTART)."""
    recurrence = _single(component, "RECURRENCE-ID")
    if recurrence is None:
        return None
    original = _aware(recurrence.dt, ctx.zone)
    return original if original != start else None


def _is_online(component: Event, location: str) -> bool:
    """A conference property, a video-call link (in the raw text, so also in HTML hrefs), or an online place."""
    conference = component.get("X-GOOGLE-CONFERENCE") is not None or component.get("CONFERENCE") is not None
    texts = (location, _text(component, "DESCRIPTION", unescape_entities=False), _text(component, "URL"))
    return (
        conference
        or any(_CONFERENCE_LINK.search(text) for text in texts)
        or _is_online_place(location)
        or bool(_ONLINE_TITLE.match(_text(component, "SUMMARY")))
    )


def _is_online_place(location: str) -> bool:
    return bool(_ONLINE_PLACE.match(location)) or location.lower().startswith(("http://", "https://"))


def _attendance(online: bool, place: tuple[str, str], location: str) -> Attendance:
    physical = any(place)
    if physical and (online or _HYBRID.search(location)):
        return Attendance.MIXED
    return Attendance.ONLINE if online else Attendance.OFFLINE


def _place(component: Event, location: str) -> tuple[str, str]:
    """(venue name, address). TEC's Apple location names both; else split LOCATION at its first comma."""
    if _is_online_place(location):
        return "", ""
    structured = _single(component, "X-APPLE-STRUCTURED-LOCATION")
    params = structured.params if structured is not None and hasattr(structured, "params") else {}
    title, address = _clean(params.get("X-TITLE", "")), _clean(params.get("X-ADDRESS", ""))
    if title or address:
        return title, address
    first, _, rest = location.partition(",")
    first, rest = first.strip(), rest.strip()
    # "Frankendamm 18a, 18439 Stralsund": a street first means there is no venue name.
    if any(ch.isdigit() for ch in first):
        return "", location
    return first, rest


def _geo(component: Event, uid: str, ctx: _Context) -> tuple[float | None, float | None]:
    """GEO, else the coordinates of X-APPLE-STRUCTURED-LOCATION (``geo:lat,lon``)."""
    geo = _single(component, "GEO")
    if isinstance(geo, vGeo):  # not hasattr(): a broken value raises on access, not AttributeError
        return _checked(geo.latitude, geo.longitude, uid, ctx)
    fallback = str(geo if geo is not None else _single(component, "X-APPLE-STRUCTURED-LOCATION") or "")
    if match := re.search(r"(-?\d+(?:\.\d+)?)\s*[;,]\s*(-?\d+(?:\.\d+)?)", fallback):
        return _checked(float(match.group(1)), float(match.group(2)), uid, ctx)
    if geo is not None:
        ctx.warn(f"item {uid}: ignored invalid GEO `{geo}`")
    return None, None


def _checked(latitude: float, longitude: float, uid: str, ctx: _Context) -> tuple[float | None, float | None]:
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    ctx.warn(f"item {uid}: coordinates {latitude}, {longitude} out of range; dropped")
    return None, None


def _categories(component: Event) -> list[str]:
    """CATEGORIES split at unescaped commas (icalendar does that), over every CATEGORIES line."""
    names: list[str] = []
    for prop in _props(component, "CATEGORIES"):
        for category in getattr(prop, "cats", [prop]):
            name = _clean(str(category))
            if name and name not in names:
                names.append(name)
    return names


def _actors(component: Event) -> list[ActorMention]:
    mentions: list[ActorMention] = []
    for organiser in _props(component, "ORGANIZER"):
        _add_mention(mentions, organiser, "organiser", None)
    for attendee in _props(component, "ATTENDEE"):
        params = getattr(attendee, "params", {})
        cutype = str(params.get("CUTYPE", "INDIVIDUAL")).upper()  # RFC default: INDIVIDUAL
        if cutype in _NOT_ACTORS or str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue  # rooms and projectors are no actors; who declined is not taking part
        _add_mention(mentions, attendee, "attendee", _ATTENDEE_KINDS.get(cutype))
    return mentions


def _add_mention(mentions: list[ActorMention], address: Any, role: Role, kind: ActorKind | None) -> None:
    email = _email(str(address))
    if email and _CALENDAR_ADDRESS.search(email):
        return  # the calendar itself (its CN is the calendar's name), or a room
    name = _clean(str(getattr(address, "params", {}).get("CN", ""))) or email
    if not name:
        return
    if any(m.name == name and m.role == role and m.email == email for m in mentions):
        return
    mentions.append(ActorMention(name=name, role=role, kind=kind, email=email))


def _email(address: str) -> str | None:
    value = address.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:].strip()
    return value if re.fullmatch(r"[^@\s:]+@[^@\s]+\.[^@\s]+", value) else None


def _modified(component: Event) -> datetime | None:
    modified = _single(component, "LAST-MODIFIED")
    if modified is None or "LAST-MODIFIED" in _broken(component):
        return None
    value = modified.dt
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # RFC 5545: always UTC


# --- values ----------------------------------------------------------------------------------


def _props(component: Component, name: str) -> list[Any]:
    """A property that may occur several times: icalendar gives a list then, else one value."""
    value = component.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _single(component: Component, name: str) -> Any:
    """A property that may occur once; feeds that repeat it get their first value used."""
    values = _props(component, name)
    return values[0] if values else None


def _text(component: Event, name: str, *, unescape_entities: bool = True) -> str:
    """A TEXT property as str (icalendar has undone the escapes); the first of several."""
    values = _props(component, name)
    if not values or name in _broken(component):
        return ""
    text = str(values[0]).strip()
    return _clean(text) if unescape_entities else text


def _clean(text: str) -> str:
    """One line of text; HTML entities some WordPress exports leave in titles are resolved."""
    text = html.unescape(text) if _ENTITY.search(text) else text
    return " ".join(text.split())


def _first_line(message: str) -> str:
    return message.strip().split("\n", 1)[0][:200]
