"""RSS 2.0 and Atom 1.0 event feeds, read with feedparser into one :class:`ParseResult`.

What the centres' feeds do that a naive reader trips on:

* RSS items may carry the RSS event module (``ev:startdate``, ``ev:enddate``, ``ev:location``,
  ``ev:organizer``, ``ev:type``): ISO times with or without an offset (naive ones are local time),
  date-only values for all-day events, several organisers in one ``ev:organizer`` separated by
  ``;``. Items without ``ev:`` fields, and all Atom entries, have their date and place only in
  the German text ("Wann: …", "📅 Di, 04.11.2025 · 8:30–10:30 Uhr", "📍 …"); see
  :mod:`importers.parsers.german_dates`.
* Atom categories carry a ``scheme``: ``…/themen/`` marks themes, ``…/projekte/`` projects.
* Authors are whoever wrote the post. Only names of people or organisations become actors (role
  "author"); desk names like "Redaktion DIZ Greifswald" do not.

Safety: feedparser never resolves external entities (its SAX parser has external general
entities switched off) and keeps only one level of plain-text internal entities. We go further
and blank out any DTD internal subset before parsing, so no entity declared in the document is
ever expanded; the blanking keeps every byte offset, so line/column numbers stay right.
Documents that feedparser only reads with its lenient fallback parser (``bozo``) are marked
incomplete: items may be missing, so the sync must not treat absent items as removed.
"""

from __future__ import annotations

import calendar
import email.utils
import hashlib
import io
import re
import time as time_module
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from xml.sax import SAXParseException
from zoneinfo import ZoneInfo

import feedparser  # type: ignore[import-untyped]
from dateutil.parser import isoparse  # type: ignore[import-untyped]

from hub.domain import Attendance, EventStatus
from importers.parsers.german_dates import EventTime, find_event_time
from importers.parsers.text import html_to_text, limit_description
from importers.records import ActorMention, ItemError, ParsedEvent, ParseResult

__all__ = ["parse_rss_atom"]

_EVENT_NAMESPACE = "http://purl.org/rss/1.0/modules/event"
_SNIPPET = 40
# No feed needs a large DTD; a huge one is an attack, and we scan it byte by byte.
_MAX_DOCTYPE = 256 * 1024
_NO_DATE = "no event date found in ev:startdate or text"

# --- words that decide things -------------------------------------------------------------------

# A line that names the place: "Ort: …", "Wo: …", "📍 …".
_PLACE_LINE = re.compile(
    r"^\s*(?:(?:ort|wo|veranstaltungsort|location|adresse|treffpunkt)\s*:|📍|🏠|🗺\ufe0f?)\s*(?P<place>\S.*)$",
    re.IGNORECASE | re.MULTILINE,
)
# After the date and time on one line, a dash or dot separator introduces the place:
# "Wir treffen uns am 30.09.2025 von 16 bis 18 Uhr – DIZ Greifswald, Seminarraum 1."
_PLACE_AFTER_DATE = re.compile(r"^[\s)]*(?:[-–—|·•])\s+(?P<place>\S.*)$")
# A sentence end inside a place line ("Am Alten Hafen 7. Teilnahme frei"): after a number or a
# word of four letters or more, so that "Str. 5" and "Dr. Müller" are not cut.
_PLACE_SENTENCE_END = re.compile(r"(?:(?<=\d)|(?<=[a-zäöüß]{4}))\.\s+(?=[A-ZÄÖÜ])")
_POSTCODE = re.compile(r"\b\d{5}\b")
# A street with its house number ("Am Alten Hafen 7", "Feldstraße 85a"); "Haus 7" or
# "Seminarraum 1" are rooms, not streets.
_STREET = re.compile(
    r"(?:stra(?:ß|ss)e|str\.|weg|platz|allee|ring|damm|ufer|gasse|chaussee|promenade|kai|markt|"
    r"hafen|wall|steig|pfad|graben|hof|berg|tor|brücke)\s+\d+\s?[a-z]?$|^(?:am|an der|an den|auf dem|"
    r"im|in der|zum|zur|hinter dem|vor dem)\s+\S.*\s\d+\s?[a-z]?$",
    re.IGNORECASE,
)
# In a place field even "digital" means online ("Ort: digital", "📍 Online via Zoom").
_ONLINE_PLACE = re.compile(
    r"\bonline\b|\bdigital\b|\bvirtuell|\bwebinar|\bzoom\b|\bwebex\b|\bjitsi\b|big ?blue ?button|"
    r"microsoft teams|\bms teams\b|google meet|live-?stream|videokonferenz",
    re.IGNORECASE,
)
# In titles and event types a bare "online" is a statement about the event ("Online-Workshop").
_ONLINE_TITLE = re.compile(r"\bonline|\bwebinar|\blive-?stream|\bvirtuell|\bzoom\b", re.IGNORECASE)
# In running text "online" is mostly about registration ("Anmeldung online"), and "digital" is
# the topic of half the events; only unambiguous phrases count.
_ONLINE_TEXT = re.compile(
    r"\bwebinar|\bonline-(?:veranstaltung|seminar|workshop|vortrag|event|format|session|sprechstunde|talk)"
    r"|findet (?:rein )?online statt|\bonline (?:via|per|über)\b|\bper (?:zoom|videokonferenz)\b"
    r"|\bvideokonferenz|\blive-?stream",
    re.IGNORECASE,
)
# "hybrid" in a title or place is about the event; in running text it may be the topic
# ("hybride Arbeitswelten"), so there only phrases about the format count.
_HYBRID_WORD = re.compile(r"\bhybrid\b", re.IGNORECASE)
_HYBRID_TEXT = re.compile(
    r"\bhybrid(?:e|en|es)?[ -](?:veranstaltung|format|event|angebot|teilnahme)|\bhybridveranstaltung"
    r"|findet hybrid statt|\(hybrid\)|vor ort (?:und|oder|&) online|online (?:und|oder|&) vor ort",
    re.IGNORECASE,
)
_CANCELLED = re.compile(r"\b(?:abgesagt|entf[äa]llt|f[äa]llt aus|storniert|cancell?ed)\b", re.IGNORECASE)
_CHANGED = re.compile(r"\b(?:verschoben|neuer termin|termin(?:ä|ae)nderung|ge[äa]nderte? zeit)\b", re.IGNORECASE)
# "#KIKompassMV" names a series or campaign; a bare "#3" does not.
_HASHTAG = re.compile(r"(?<![\w/&#])#([^\W\d_][\w-]{2,})")
# Desk and role names that are no actor, whatever follows them ("Redaktion DIZ Greifswald").
_GENERIC_AUTHOR = re.compile(
    r"\b(?:redaktion\w*|online-redaktion|team|admin\w*|webmaster|presse\w*|öffentlichkeitsarbeit|"
    r"kommunikation|editor|autor(?:in)?|author|wordpress|newsroom|veranstaltungsteam|unknown|anonym\w*)\b",
    re.IGNORECASE,
)
_PERSON_NAME = re.compile(
    r"(?:(?:Prof|Dr|Dipl|Ing|med|rer|nat|phil)\.(?:-\w+\.)?\s+)*"
    r"[A-ZÄÖÜ][a-zäöüßéèáàçñ']+(?:-[A-ZÄÖÜ][a-zäöüßéèáàçñ']+)?"
    r"(?:\s+(?:von|van|de|zu|von der)?\s*[A-ZÄÖÜ]\.?[a-zäöüßéèáàçñ']*(?:-[A-ZÄÖÜ][a-zäöüßéèáàçñ']+)?){1,3}"
)
# Signs of an organisation: legal forms and institution words ...
_ORGANISATION_WORDS = re.compile(
    r"\b(?:gmbh|mbh|ag|eg|ug|kg|ohg|gbr|se|universit\w*|uni|hochschule|institut\w*|zentrum|verein|verband|"
    r"stiftung|kammer|ihk|hwk|stadt\w*|landkreis|amt|ministerium|agentur|netzwerk|initiative|cluster|labor|"
    r"werft|diz)\b|\be\.\s?v\.",
    re.IGNORECASE,
)
# ... or the shape of a brand: an acronym ("DIZ", "HOST") or CamelCase ("InnovationPort", "GmbH").
_ORGANISATION_SHAPE = re.compile(r"\b[A-ZÄÖÜ]{2,}\b|[a-zäöü][A-ZÄÖÜ]")


# --- the parse ----------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The document as a whole cannot be read; its message becomes ParseResult.fatal."""


class _Rejected(Exception):
    """One item cannot become an event; caught per item, never leaves this module."""


@dataclass
class _Feed:
    """What every item needs from its document."""

    zone_name: str
    zone: ZoneInfo
    now: datetime
    event_prefixes: list[str]
    feed_authors: list[Mapping[str, Any]]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Times:
    start: datetime
    end: datetime | None
    all_day: bool


@dataclass(frozen=True)
class _ItemSpan:
    """Where an item stands in the raw document (1-based lines); end is None if it never closed."""

    start_line: int
    end_line: int | None


def parse_rss_atom(
    content: bytes, *, source: str, default_timezone: str = "Europe/Berlin", now: datetime | None = None
) -> ParseResult:
    """Parse one RSS 2.0 or Atom 1.0 document into events; never raises for bad content.

    ``source`` is the feed's id, the keyword every parser takes; errors carry no file name
    because the sync layer adds it. Naive times are taken to be in ``default_timezone``.
    ``now`` (default: the current time) is the reference for dates written without a year
    when an item has no publication date.
    """
    try:
        return _parse(content, default_timezone, now)
    except _Unreadable as problem:
        return ParseResult.failed(str(problem))
    except Exception as problem:  # the contract: bad bytes never raise
        # feedparser's lenient parser is old code that meets arbitrary input; whatever it
        # trips over must surface as a failed document, not as a crashed sync run.
        return ParseResult.failed(f"feed could not be parsed: {type(problem).__name__}: {problem}")


def _parse(content: bytes, zone_name: str, now: datetime | None) -> ParseResult:
    _check_start(content)
    result = ParseResult()
    cleaned, dtd_warning = _blank_internal_dtd(_valid_utf8(content, result.warnings))
    if dtd_warning:
        result.warnings.append(dtd_warning)
    # No resolving of relative URIs inside HTML content: it rewrites only attributes (href, src), which
    # html_to_text drops, in a whole extra pass over every description (a tenth of parsing an RSS feed).
    # Links of the feed's own elements (link, id, author's href) are still resolved.
    parsed = feedparser.parse(io.BytesIO(cleaned), sanitize_html=True, resolve_relative_uris=False)
    xml_error = _xml_error(parsed, result.warnings)
    if not parsed.entries:
        _check_empty(parsed, xml_error, cleaned)
        return result
    zone = ZoneInfo(zone_name)
    feed = _Feed(
        zone_name=zone_name,
        zone=zone,
        now=now or datetime.now(zone),
        event_prefixes=_event_prefixes(parsed.get("namespaces", {})),
        feed_authors=list(parsed.feed.get("authors") or []),
        warnings=result.warnings,
    )
    spans = _item_spans(cleaned, len(parsed.entries))
    if xml_error is not None:
        result.complete = False  # the lenient parser may have skipped or cut items
        result.errors.append(_located_error(xml_error, parsed.entries, spans))
    _add_events(result, parsed.entries, spans, feed, xml_error is not None)
    return result


# --- the document -------------------------------------------------------------------------------


def _check_start(content: bytes) -> None:
    """Reject what is plainly no feed before any parser sees it."""
    head = _decode_head(content)
    if not head:
        raise _Unreadable("empty response")
    lowered = head.lower()
    if not head.startswith("<") or lowered.startswith(("<!doctype html", "<html")):
        # A maintenance page, a login wall, JSON or iCalendar served where the feed should be.
        raise _Unreadable(f"not RSS/Atom (starts with {head.splitlines()[0][:_SNIPPET]!r})")


def _decode_head(content: bytes) -> str:
    head = content[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace").strip()
    return head.decode("utf-8-sig", errors="replace").strip()


_ENCODING_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([\w.:-]+)[\"']")


def _valid_utf8(content: bytes, warnings: list[str]) -> bytes:
    """A UTF-8 document with invalid bytes repaired, so that feedparser keeps reading it as UTF-8.

    feedparser falls back to windows-1252 or ISO-8859-2 for the whole document when a UTF-8
    document has one bad byte, which garbles every umlaut. The usual cause is a truncated
    download ending inside a multi-byte character: that tail is dropped silently (the XML
    error reports the truncation). Other bad bytes become U+FFFD, with a warning.
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content  # UTF-16 with a byte order mark: feedparser decodes that itself
    declared = _ENCODING_DECLARATION.match(content.removeprefix(b"\xef\xbb\xbf")[:200])
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        return content
    try:
        content.decode("utf-8")
        return content
    except UnicodeDecodeError as problem:
        if problem.start >= len(content) - 3 and problem.reason == "unexpected end of data":
            return content[: problem.start]
        warnings.append(f"invalid UTF-8 at byte {problem.start}; bad bytes replaced by U+FFFD")
        return content.decode("utf-8", errors="replace").encode("utf-8")


def _blank_internal_dtd(content: bytes) -> tuple[bytes, str | None]:
    """The document with any DTD internal subset replaced by whitespace, and a warning if so.

    Entity declarations are the only thing an internal subset gives a feed, and expanding them
    is how billion-laughs and external-entity attacks work. Replacing each byte (except line
    breaks) with a space keeps all line and column numbers of the rest of the document.
    """
    start = _doctype_start(content)
    if start is None:
        return content, None
    end = _doctype_end(content, start)
    doctype = content[start:end]
    if b"[" not in doctype:
        return content, None  # an external DTD reference only; feedparser never loads it
    blank = bytes(byte if byte in b"\r\n" else 0x20 for byte in doctype)
    declares = b"<!ENTITY" in doctype
    message = "DTD with entity declarations ignored (not expanded)" if declares else "DTD internal subset ignored"
    return content[:start] + blank + content[end:], message


def _doctype_start(content: bytes) -> int | None:
    """Offset of ``<!DOCTYPE`` in the prolog (after XML declaration, PIs and comments)."""
    position = 3 if content.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(content) and content[position] in b" \t\r\n":
            position += 1
        if content.startswith(b"<?", position):
            position = _after(content, b"?>", position)
        elif content.startswith(b"<!--", position):
            position = _after(content, b"-->", position)
        elif content.startswith(b"<!DOCTYPE", position):
            return position
        else:
            return None


def _doctype_end(content: bytes, start: int) -> int:
    """Offset just after the DOCTYPE's closing ``>``, skipping quoted text, comments and ``[…]``."""
    depth = 0
    quote: int | None = None
    position = start + len(b"<!DOCTYPE")
    while position < len(content):
        if position - start > _MAX_DOCTYPE:
            raise _Unreadable(f"XML error: DOCTYPE declaration longer than {_MAX_DOCTYPE} bytes; refused as unsafe")
        byte = content[position]
        if quote is not None:
            quote = None if byte == quote else quote
        elif content.startswith(b"<!--", position):
            position = _after(content, b"-->", position) - 1
        elif byte in b"\"'":
            quote = byte
        elif byte == ord("["):
            depth += 1
        elif byte == ord("]"):
            depth -= 1
        elif byte == ord(">") and depth <= 0:
            return position + 1
        position += 1
    raise _Unreadable("XML error: the DOCTYPE declaration never ends")


def _after(content: bytes, marker: bytes, position: int) -> int:
    found = content.find(marker, position)
    if found < 0:
        raise _Unreadable(f"XML error: {marker.decode()!r} missing in the document prolog")
    return found + len(marker)


@dataclass(frozen=True)
class _XmlError:
    message: str
    line: int | None
    column: int | None


def _xml_error(parsed: Any, warnings: list[str]) -> _XmlError | None:
    """The XML error that made feedparser fall back to its lenient parser, if there was one."""
    if not parsed.get("bozo"):
        return None
    problem = parsed.get("bozo_exception")
    if isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe):
        # Encoding declared one way, served another: feedparser decoded it anyway.
        warnings.append(f"{type(problem).__name__}: {problem}")
        return None
    if isinstance(problem, SAXParseException):
        return _XmlError(problem.getMessage(), problem.getLineNumber(), problem.getColumnNumber())
    return _XmlError(str(problem) or type(problem).__name__, None, None)


def _check_empty(parsed: Any, xml_error: _XmlError | None, cleaned: bytes) -> None:
    """A document without entries: fine for a well-formed feed, fatal for anything else."""
    if not parsed.get("version"):
        if xml_error is not None and _looks_like_feed(cleaned):
            raise _Unreadable(_fatal_xml_message(xml_error))
        head = _decode_head(cleaned)
        raise _Unreadable(f"not RSS/Atom (starts with {head.splitlines()[0][:_SNIPPET]!r})")
    if xml_error is not None:
        raise _Unreadable(_fatal_xml_message(xml_error))
    # A well-formed feed with no items: the centre has no events listed right now.


def _looks_like_feed(cleaned: bytes) -> bool:
    head = cleaned[:4096].lower()
    return any(marker in head for marker in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel"))


def _fatal_xml_message(error: _XmlError) -> str:
    if error.line is None:
        return f"XML error: {error.message}"
    return f"XML error at line {error.line}, column {error.column}: {error.message}"


def _event_prefixes(namespaces: Mapping[str, str]) -> list[str]:
    """The prefixes this document uses for the RSS event module ("ev" unless it says otherwise)."""
    prefixes = [prefix for prefix, uri in namespaces.items() if uri.rstrip("/") == _EVENT_NAMESPACE]
    return [*prefixes, "ev"] if "ev" not in prefixes else prefixes


# Items in the raw document, skipping CDATA and comments (HTML in descriptions is no item).
_ITEM_TAGS = re.compile(
    rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->"
    rb"|(?P<tag><(?P<close>/)?(?:[\w.-]+:)?(?:item|entry)(?=[\s>/])(?P<empty>[^>]*/>)?)",
    re.DOTALL,
)


def _item_spans(cleaned: bytes, count: int) -> list[_ItemSpan] | None:
    """Line spans of the items, in document order; None when they do not match the entries."""
    spans: list[_ItemSpan] = []
    open_line: int | None = None
    line, offset = 1, 0
    for match in _ITEM_TAGS.finditer(cleaned):
        if not match["tag"]:
            continue
        line += cleaned.count(b"\n", offset, match.start())
        offset = match.start()
        if match["close"]:
            if open_line is not None:
                spans.append(_ItemSpan(open_line, line))
            open_line = None
        elif match["empty"]:
            spans.append(_ItemSpan(line, line))
        else:
            if open_line is not None:
                spans.append(_ItemSpan(open_line, None))  # a new item before the old one closed
            open_line = line
    if open_line is not None:
        spans.append(_ItemSpan(open_line, None))
    return spans if len(spans) == count else None


def _located_error(error: _XmlError, entries: list[Any], spans: list[_ItemSpan] | None) -> ItemError:
    """The XML error as an ItemError naming the item it sits in, when that can be told."""
    item = None
    if spans is not None and error.line is not None:
        for index, span in enumerate(spans):
            if span.start_line <= error.line and (span.end_line is None or error.line <= span.end_line):
                item = _item_label(entries[index], index + 1)
                break
    return ItemError(error.message, item=item, line=error.line, column=error.column)


# --- items --------------------------------------------------------------------------------------


def _add_events(
    result: ParseResult, entries: list[Any], spans: list[_ItemSpan] | None, feed: _Feed, broken: bool
) -> None:
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        label = _item_label(entry, index)
        line = spans[index - 1].start_line if spans else None
        try:
            if broken and spans is not None and spans[index - 1].end_line is None:
                raise _Rejected("item cut off by the XML error; not imported half-filled")
            event = _event(entry, label, feed)
            if event.source_id in seen:
                raise _Rejected("duplicate item id; only the first item with it is kept")
            seen.add(event.source_id)
            result.events.append(event)
        except _Rejected as problem:
            result.errors.append(ItemError(str(problem), item=label, line=line))
        except ValueError as problem:  # pydantic's ValidationError is a ValueError
            result.errors.append(ItemError(f"invalid event: {problem}", item=label, line=line))


def _item_label(entry: Mapping[str, Any], index: int) -> str:
    return _one_line(_string(entry.get("id")) or _string(entry.get("link"))) or f"#{index}"


def _event(entry: Mapping[str, Any], label: str, feed: _Feed) -> ParsedEvent:
    description = _description(entry, label, feed.warnings)
    title = _title(entry, description)
    search_text = f"{description}\n\n{title}"
    ev_type = _ev(entry, feed, "type")
    tags = _categories(entry.get("tags") or [], ev_type)
    times, found = _times(entry, search_text, label, feed)
    place = _ev(entry, feed, "location") or _place_from_text(search_text, found)
    name, address = _split_place(place)
    return ParsedEvent(
        source_id=_source_id(entry, title, label, feed.warnings),
        title=title,
        description=description,
        start=times.start,
        end=times.end,
        timezone=feed.zone_name,
        all_day=times.all_day,
        status=_status(title),
        attendance=_attendance(place, title, description, ev_type),
        location_name=name,
        address=address,
        url=_url(entry),
        keywords=_hashtags(description),
        actors=[*_organisers(_ev(entry, feed, "organizer")), *_authors(entry, feed)],
        modified=_stamp(entry, "updated_parsed") or _stamp(entry, "published_parsed"),
        categories=tags.categories,
        theme_hints=tags.themes,
        project_hints=tags.projects,
    )


def _source_id(entry: Mapping[str, Any], title: str, label: str, warnings: list[str]) -> str:
    """guid/id, else the link, else a hash of the title (stable as long as the title is)."""
    given = _one_line(_string(entry.get("id")) or _string(entry.get("link")))
    if given:
        return given
    warnings.append(f"item {label}: no guid, id or link; its id is derived from the title")
    return "title-sha256:" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:24]


def _title(entry: Mapping[str, Any], description: str) -> str:
    title = _one_line(_text_of(entry.get("title_detail"), _string(entry.get("title"))))
    if title:
        return title
    # RSS allows items with only a description; its first line is what a reader sees first.
    first_line = description.split("\n", 1)[0].strip()
    if not first_line:
        raise _Rejected("item has neither a title nor a description")
    return first_line[:120].rstrip() + ("…" if len(first_line) > 120 else "")


def _description(entry: Mapping[str, Any], label: str, warnings: list[str]) -> str:
    """The body as plain text; an Atom summary that the content does not repeat goes first."""
    summary = _text_of(entry.get("summary_detail"), _string(entry.get("summary")))
    contents = [c for c in entry.get("content") or [] if isinstance(c, Mapping)]
    body = "\n\n".join(filter(None, (_text_of(c, _string(c.get("value"))) for c in contents)))
    text = body or summary
    if body and summary and _one_line(summary) not in _one_line(body) and not _is_excerpt(summary):
        text = f"{summary}\n\n{body}"
    text, warning = limit_description(text, label)
    if warning:
        warnings.append(warning)
    return text


def _is_excerpt(summary: str) -> bool:
    # WordPress puts an excerpt of content:encoded into <description>, ending in "[…]".
    return summary.rstrip().endswith(("…", "[…]", "[&hellip;]", "...", "[...]"))


def _text_of(detail: Any, value: str) -> str:
    """Plain text of a feedparser text construct: HTML converted, plain text only tidied."""
    kind = _string(detail.get("type")) if isinstance(detail, Mapping) else ""
    if "html" in kind or (not kind and "<" in value):
        return html_to_text(value)
    return "\n".join(_one_line(line) for line in value.strip().splitlines()).strip()


# --- when -------------------------------------------------------------------------------------


def _times(entry: Mapping[str, Any], search_text: str, label: str, feed: _Feed) -> tuple[_Times, EventTime | None]:
    """From ``ev:startdate``/``ev:enddate``, else from the German text; the text match too."""
    raw_start = _ev(entry, feed, "startdate")
    if raw_start:
        from_ev = _times_from_ev(raw_start, _ev(entry, feed, "enddate"), label, feed)
        if from_ev is not None:
            return from_ev, None
        feed.warnings.append(f"item {label}: unreadable ev:startdate {raw_start!r}; looking for a date in the text")
    reference = _stamp(entry, "published_parsed") or _stamp(entry, "updated_parsed") or feed.now
    found = find_event_time(search_text, default_timezone=feed.zone_name, reference=reference)
    if found is None:
        raise _Rejected(_NO_DATE)
    return _Times(found.start, found.end, found.all_day), found


def _times_from_ev(raw_start: str, raw_end: str, label: str, feed: _Feed) -> _Times | None:
    start = _ev_stamp(raw_start, feed)
    if start is None:
        return None
    end = _ev_stamp(raw_end, feed) if raw_end else None
    if raw_end and end is None:
        feed.warnings.append(f"item {label}: unreadable ev:enddate {raw_end!r} ignored")
    if not isinstance(start, datetime):
        return _all_day(start, end, label, feed)
    if isinstance(end, date) and not isinstance(end, datetime):
        end = None  # a timed start with a date-only end says nothing about the end time
    if end is not None and end < start:
        feed.warnings.append(f"item {label}: ev:enddate before ev:startdate ignored")
        end = None
    return _Times(start, end, False)


def _all_day(first: date, end: date | datetime | None, label: str, feed: _Feed) -> _Times:
    """Date-only ``ev:`` values: local midnight of the first day to the midnight after the last."""
    last = end.date() if isinstance(end, datetime) else end or first
    if last < first:
        feed.warnings.append(f"item {label}: ev:enddate before ev:startdate ignored")
        last = first
    start = datetime.combine(first, time(0), tzinfo=feed.zone)
    return _Times(start, datetime.combine(last + timedelta(days=1), time(0), tzinfo=feed.zone), True)


_DATE_ONLY = re.compile(r"\d{4}-?\d{2}-?\d{2}")


def _ev_stamp(value: str, feed: _Feed) -> date | datetime | None:
    """An ``ev:`` date: ISO with or without offset (naive = local), date only, RFC 822, German."""
    value = value.strip()
    stamp: datetime
    try:
        stamp = isoparse(value)
        if _DATE_ONLY.fullmatch(value):
            return stamp.date()
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=feed.zone)
    except (ValueError, OverflowError):
        pass
    try:
        stamp = email.utils.parsedate_to_datetime(value)
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=feed.zone)
    except (TypeError, ValueError, IndexError):
        pass
    found = find_event_time(value, default_timezone=feed.zone_name, reference=feed.now)
    if found is None:
        return None
    return found.start.date() if found.all_day else found.start


def _stamp(entry: Mapping[str, Any], key: str) -> datetime | None:
    """A feedparser ``*_parsed`` time (a UTC struct_time) as an aware datetime."""
    # dict.get, not entry.get: FeedParserDict silently (with a DeprecationWarning) answers
    # "updated_parsed" with the published time, and we want to know which one we have.
    parsed = dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)
    if not isinstance(parsed, time_module.struct_time):
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


# --- where ------------------------------------------------------------------------------------


def _place_from_text(text: str, found: EventTime | None) -> str:
    """The place from an "Ort:"/"Wo:"/📍 line, else from after the date ("18 Uhr – DIZ …")."""
    labelled = _PLACE_LINE.search(text)
    if labelled:
        return _first_sentence(labelled["place"])
    if found is None:
        return ""
    line_end = text.find("\n", found.span[1])
    rest = text[found.span[1] : len(text) if line_end < 0 else line_end]
    after_date = _PLACE_AFTER_DATE.match(rest)
    return _first_sentence(after_date["place"]) if after_date else ""


def _first_sentence(place: str) -> str:
    return _PLACE_SENTENCE_END.split(place, maxsplit=1)[0].strip().rstrip(".;,").strip()


def _split_place(place: str) -> tuple[str, str]:
    """("InnovationPort Wismar", "Am Alten Hafen 7, 23966 Wismar") from one place string.

    The address runs from the first part that is a street (or a postcode) to the part with
    the postcode; parts around it ("Haus 7", "Café im Erdgeschoss") stay with the name.
    """
    parts = [part.strip() for part in _one_line(place).split(",") if part.strip()]
    first = next((i for i, part in enumerate(parts) if _STREET.search(part) or _POSTCODE.match(part)), None)
    if first is None:
        return ", ".join(parts), ""
    last = next((i for i in range(first, len(parts)) if _POSTCODE.search(parts[i])), len(parts) - 1)
    name = ", ".join(parts[:first] + parts[last + 1 :])
    return name, ", ".join(parts[first : last + 1])


def _attendance(place: str, title: str, description: str, ev_type: str) -> Attendance:
    if _HYBRID_WORD.search(f"{place} {title} {ev_type}") or _HYBRID_TEXT.search(description):
        return Attendance.MIXED
    if place and _ONLINE_PLACE.search(place):
        # "Online und im DIZ, Am Museumshafen 5, 17489 Greifswald" has a real address too.
        return Attendance.MIXED if _POSTCODE.search(place) else Attendance.ONLINE
    if place:
        return Attendance.OFFLINE
    if _ONLINE_TITLE.search(f"{title} {ev_type}") or _ONLINE_TEXT.search(description):
        return Attendance.ONLINE
    return Attendance.OFFLINE


def _status(title: str) -> EventStatus:
    # Editors mark changes in the title ("ABGESAGT: …", "… – verschoben"); the text may merely
    # mention a cancellation elsewhere, so only the title counts.
    if _CANCELLED.search(title):
        return EventStatus.CANCELLED
    return EventStatus.CHANGED if _CHANGED.search(title) else EventStatus.SCHEDULED


# --- who --------------------------------------------------------------------------------------


def _organisers(value: str) -> list[ActorMention]:
    """``ev:organizer`` names, several separated by ``;`` ("InnovationPort Wismar; Hochschule Wismar")."""
    names = dict.fromkeys(_one_line(part) for part in value.split(";"))
    return [ActorMention(name=name, role="organiser") for name in names if name]


def _authors(entry: Mapping[str, Any], feed: _Feed) -> list[ActorMention]:
    """Entry authors (Atom: else the feed's), if they name a person or an organisation."""
    authors = [a for a in entry.get("authors") or [] if isinstance(a, Mapping)] or feed.feed_authors
    mentions: dict[str, ActorMention] = {}
    for author in authors:
        name = _one_line(html_to_text(_string(author.get("name"))))
        kind = _author_kind(name)
        if kind is None or name in mentions:
            continue
        website = _string(author.get("href")).strip() or None
        # A person's e-mail address is personal data; an organisation's is a contact point.
        email_address = (_string(author.get("email")).strip() or None) if kind == "organisation" else None
        mentions[name] = ActorMention(name=name, role="author", email=email_address, website=website)
    return list(mentions.values())


def _author_kind(name: str) -> str | None:
    """Whether a name is a "person" or an "organisation"; None for desks, user names, addresses."""
    if not name or len(name) > 120 or "@" in name or _GENERIC_AUTHOR.search(name):
        return None
    if _ORGANISATION_WORDS.search(name) or _ORGANISATION_SHAPE.search(name):
        return "organisation"
    return "person" if _PERSON_NAME.fullmatch(name) else None


# --- what -------------------------------------------------------------------------------------


class _Tags(NamedTuple):
    categories: list[str]
    themes: list[str]
    projects: list[str]


def _categories(tags: Iterable[Any], ev_type: str) -> _Tags:
    """Categories, theme hints and project hints by the tag's scheme; ``ev:type`` is a category."""
    buckets: dict[str, dict[str, None]] = {"categories": {}, "themes": {}, "projects": {}}
    for tag in tags:
        if not isinstance(tag, Mapping):
            continue
        name = _one_line(html_to_text(_string(tag.get("label")) or _string(tag.get("term"))))
        if name:
            buckets[_bucket(_string(tag.get("scheme")))][name] = None  # a dict keeps order, drops repeats
    if ev_type and ev_type.casefold() not in {name.casefold() for name in buckets["categories"]}:
        buckets["categories"][ev_type] = None
    return _Tags(*(list(buckets[key]) for key in ("categories", "themes", "projects")))


def _bucket(scheme: str) -> str:
    path = scheme.lower().rstrip("/") + "/"
    if "/themen/" in path:
        return "themes"
    return "projects" if "/projekte/" in path else "categories"


def _hashtags(description: str) -> list[str]:
    return list(dict.fromkeys(_HASHTAG.findall(description)))


def _url(entry: Mapping[str, Any]) -> str:
    """The rel=alternate link (feedparser's ``link``, which may be a permalink guid), if a web address."""
    links = [_string(entry.get("link"))]
    links += [
        _string(c.get("href"))
        for c in entry.get("links") or []
        if isinstance(c, Mapping) and c.get("rel", "alternate") == "alternate"
    ]
    # feedparser copies a guid into ``link`` when isPermaLink is left out, even when it is no URL.
    return next((link.strip() for link in links if link.strip().startswith(("https://", "http://"))), "")


# --- small helpers ----------------------------------------------------------------------------


def _ev(entry: Mapping[str, Any], feed: _Feed, name: str) -> str:
    """An ``ev:`` field as one line of plain text ("" when absent); feedparser keys it prefix_name."""
    for prefix in feed.event_prefixes:
        value = entry.get(f"{prefix}_{name}")
        if isinstance(value, str) and value.strip():
            return _one_line(html_to_text(value))
    return ""


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())
