"""The merged regional calendar: the events of all six centres as one calendar, for subscribing.

The hub republishes what the centres announce as one iCalendar file (for calendar
apps) and as RSS and Atom feeds (for feed readers), for all centres together or
narrowed to centres, themes or projects.  Events are read only through the store
port: ``list_nodes`` for the events (for a narrowed calendar once more, unfiltered,
for the other centres' copies of them), one ``neighbours`` call for their centres,
themes and projects, and ``get_nodes`` for those.

**Duplicates.**  An event that two centres both announce arrives as two ``Event``
nodes (different ids, different sources).  Two events are taken to be the same
event when

* they start at the same instant (all-day events: on the same local day), and
* their folded titles (:func:`hub.text.fold`: case, umlauts and punctuation folded)
  are equal or very similar: ``token_set_ratio >= 90``, which also accepts one
  title extending the other ("KI-Stammtisch" / "KI-Stammtisch Rostock").  When the
  shorter title has a single word, it must match the other almost exactly, because
  one generic word ("Sprechstunde") says too little to merge on, and
* they come from different sources: one feed listing two items at the same time is
  taken at its word that they are two events.

Different events at the same time keep apart, since their titles differ.  A merged
entry shows the copy the hub saw first (earliest ``first_seen``, then smallest id):
its id is the entry's UID, so the UID stays stable when a later copy appears; the
other ids are listed, and centres, themes and projects are the union over all
copies.  It counts as cancelled when any copy is cancelled: a centre that has not
yet updated its feed is likelier than a cancellation that applies to one copy only.

**Determinism.**  The output depends only on the data: timestamps that feed formats
require (iCalendar DTSTAMP, RSS lastBuildDate, Atom updated) come from when the hub
first saw an event, never from the clock, so the same data renders byte-identical
and an HTTP ETag over the body stays valid until something changes.  (``last_seen``
is not used, because every sync touches it even when nothing changed.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator
from icalendar import Calendar
from icalendar import Event as ICalEvent
from rapidfuzz import fuzz

from hub.domain import Attendance, Event, EventStatus, Node, Project, RelType, Space, Theme, zone_of
from hub.store.port import GraphStore, NodeQuery
from hub.text import fold

N = TypeVar("N", bound=Node)

#: The region's zone: default windows start at its midnight, and times without a named zone are shown in it.
BERLIN = ZoneInfo("Europe/Berlin")
CALENDAR_NAME = "Regionalkalender der Digitalen Innovationszentren MV"
CALENDAR_DESCRIPTION = "Die Veranstaltungen der sechs Digitalen Innovationszentren Mecklenburg-Vorpommerns."
#: How far back the default window reaches, so events of the last weeks stay in subscribers' calendars.
DEFAULT_PAST_DAYS = 30
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
#: Lowest rapidfuzz score at which two folded titles at the same moment name the same event.
TITLE_SIMILARITY = 90
#: Most events read to find the other centres' copies of the events a narrowed calendar shows.
COMPANION_LIMIT = 5000
PRODID = "-//MV Innovation Hub//Regionalkalender//DE"
#: Timestamp of an empty feed (feed formats require one; "now" would break determinism).
_EMPTY_STAMP = datetime(1970, 1, 1, tzinfo=UTC)
_LISTED_RELS = (RelType.HOSTED_BY, RelType.ABOUT, RelType.PART_OF)
_WEEKDAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
_ICAL_STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.CHANGED: "CONFIRMED",
    EventStatus.TENTATIVE: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}
#: Namespace of the Atom entry ids (urn:uuid, derived from the entry's UID).
_ATOM_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mv-innovation-hub:calendar")


class UnknownFilterIdError(LookupError):
    """A calendar filter names a space, theme or project that does not exist."""

    def __init__(self, kind: str, ids: Sequence[str], known: Sequence[str] = ()):
        self.kind = kind
        self.ids = list(ids)
        self.known = list(known)
        names = ", ".join(repr(i) for i in self.ids)
        message = f"Unknown {kind} id{'s' if len(self.ids) > 1 else ''}: {names}"
        if self.known:
            message += f"; known {kind} ids: {', '.join(self.known)}"
        super().__init__(message)


# --- what to show --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarFilter:
    """Which events the calendar shows.

    Within one kind of filter any id matches (events of Rostock *or* Schwerin);
    different kinds must all match (events of Rostock *about* energy).
    ``starts_from`` defaults to local midnight :data:`DEFAULT_PAST_DAYS` days ago
    (a whole day, so the output stays the same all day and caches well).
    """

    space_ids: tuple[str, ...] = ()
    theme_ids: tuple[str, ...] = ()
    project_ids: tuple[str, ...] = ()
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    limit: int = DEFAULT_LIMIT
    include_cancelled: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {self.limit}")
        for name in ("starts_from", "starts_before"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware")
        if self.starts_from and self.starts_before and self.starts_before <= self.starts_from:
            raise ValueError("the window ends before it starts")

    @property
    def narrowed(self) -> bool:
        return bool(self.space_ids or self.theme_ids or self.project_ids)

    def window_start(self, now: datetime | None = None) -> datetime:
        if self.starts_from is not None:
            return self.starts_from
        today = (now or datetime.now(UTC)).astimezone(BERLIN).date()
        return datetime.combine(today - timedelta(days=DEFAULT_PAST_DAYS), time(0), tzinfo=BERLIN)

    def statuses(self) -> list[str]:
        """Every status but REMOVED (an event gone from its feed), and CANCELLED only when asked for."""
        hidden = {EventStatus.REMOVED} | (set() if self.include_cancelled else {EventStatus.CANCELLED})
        return [status.value for status in EventStatus if status not in hidden]


@dataclass(frozen=True)
class CalendarEntry:
    """One event of the merged calendar: the copy shown, the other centres' copies, and its context."""

    event: Event  # the copy the hub saw first; its content is what the calendar shows
    duplicates: tuple[Event, ...]  # the other centres' copies of the same event
    spaces: tuple[Space, ...]  # the centres announcing it (any copy), by name
    themes: tuple[Theme, ...]
    projects: tuple[Project, ...]

    @property
    def uid(self) -> str:
        return self.event.id

    @property
    def duplicate_ids(self) -> tuple[str, ...]:
        return tuple(copy.id for copy in self.duplicates)

    @property
    def copies(self) -> tuple[Event, ...]:
        return (self.event, *self.duplicates)

    @property
    def status(self) -> EventStatus:
        if any(copy.status is EventStatus.CANCELLED for copy in self.copies):
            return EventStatus.CANCELLED
        return self.event.status

    @property
    def cancelled(self) -> bool:
        return self.status is EventStatus.CANCELLED

    @property
    def first_seen(self) -> datetime:
        """When the hub first learned of the event (any copy); its start when that is unknown."""
        seen = [copy.first_seen for copy in self.copies if copy.first_seen is not None]
        return min(seen) if seen else self.event.start

    @property
    def url(self) -> str:
        return _first(copy.url for copy in self.copies)

    @property
    def description(self) -> str:
        return _first(copy.description for copy in self.copies)

    @property
    def location(self) -> str:
        """Venue and address as one line; "Online" for an online event without a venue."""
        copy = next((c for c in self.copies if c.location_name or c.address), self.event)
        parts = [copy.location_name, copy.address if copy.address not in copy.location_name else ""]
        text = ", ".join(part for part in parts if part)
        return text or ("Online" if self.event.attendance is Attendance.ONLINE else "")


@dataclass(frozen=True)
class MergedCalendar:
    title: str
    entries: list[CalendarEntry]


def _first(values: Iterable[str]) -> str:
    return next((value for value in values if value), "")


# --- reading and merging ---------------------------------------------------------------------------------------


async def build_calendar(store: GraphStore, query: CalendarFilter, *, now: datetime | None = None) -> MergedCalendar:
    """The merged calendar for ``query`` with its title; :class:`UnknownFilterIdError` for unknown ids."""
    subjects = await resolve_filter(store, query)
    start = query.window_start(now)
    wanted = await _list_events(store, query, start, query.starts_before, limit=2 * query.limit)
    candidates = wanted
    if query.narrowed and wanted:
        candidates = _union(wanted, await _companions(store, query, wanted))
    wanted_ids = {event.id for event in wanted}
    groups = [group for group in group_duplicates(candidates) if any(e.id in wanted_ids for e in group)]
    entries = await _entries(store, groups[: query.limit])
    return MergedCalendar(title=calendar_title(subjects), entries=entries)


async def merged_calendar(
    store: GraphStore, query: CalendarFilter, *, now: datetime | None = None
) -> list[CalendarEntry]:
    """The entries of the merged calendar, duplicates merged, in order of start."""
    return (await build_calendar(store, query, now=now)).entries


async def resolve_filter(store: GraphStore, query: CalendarFilter) -> list[Node]:
    """The spaces, themes and projects the filter names, in that order; raises for any unknown id."""
    found: list[Node] = []
    for kind, label, ids in (
        ("space", Space, query.space_ids),
        ("theme", Theme, query.theme_ids),
        ("project", Project, query.project_ids),
    ):
        if not ids:
            continue
        nodes = await store.get_nodes(label, list(ids))
        if missing := [i for i in ids if i not in nodes]:
            known = [] if label is Project else await _all_ids(store, label)
            raise UnknownFilterIdError(kind, missing, known)
        found.extend(nodes[i] for i in ids)
    return found


async def _all_ids(store: GraphStore, label: type[Node]) -> list[str]:
    page = await store.list_nodes(label, NodeQuery(limit=500))
    return [node.id for node in page.items]


def calendar_title(subjects: Sequence[Node]) -> str:
    """The calendar's name, with what it is narrowed to: "… – DIZ Rostock, Energie"."""
    if not subjects:
        return CALENDAR_NAME
    return f"{CALENDAR_NAME} – {', '.join(node.display_name() for node in subjects)}"


async def _list_events(
    store: GraphStore,
    query: CalendarFilter,
    start: datetime,
    before: datetime | None,
    *,
    limit: int,
    apply_filters: bool = True,
) -> list[Event]:
    page = await store.list_nodes(
        Event,
        NodeQuery(
            space_ids=(query.space_ids or None) if apply_filters else None,
            theme_ids=(query.theme_ids or None) if apply_filters else None,
            project_ids=(query.project_ids or None) if apply_filters else None,
            statuses=query.statuses(),
            starts_from=start,
            starts_before=before,
            order_by="start",
            limit=limit,
        ),
    )
    return page.items


async def _companions(store: GraphStore, query: CalendarFilter, wanted: Sequence[Event]) -> list[Event]:
    """Every event around the shown ones, of any centre: the other centres' copies are among them.

    A copy hosted elsewhere, or filed under other themes, does not match the
    filter itself, but the entry should still name every centre announcing it
    and carry the same UID as in the unfiltered calendar.  The window reaches a
    day beyond both ends, since all-day copies may start at midnight of other zones.
    """
    first = min(event.start for event in wanted) - timedelta(days=1)
    last = max(event.start for event in wanted) + timedelta(days=1)
    return await _list_events(store, query, first, last, limit=COMPANION_LIMIT, apply_filters=False)


def _union(first: Sequence[Event], second: Sequence[Event]) -> list[Event]:
    seen = {event.id for event in first}
    return [*first, *(event for event in second if event.id not in seen)]


def _moment(event: Event) -> tuple[str, object]:
    """When an event happens, as duplicates must share it: the instant, or the local day of an all-day event."""
    if event.all_day:
        return ("day", event.local_start().date())
    return ("at", event.start)


def similar_titles(first: str, second: str) -> bool:
    """Whether two titles name the same event (see the module docstring for the rule)."""
    a, b = fold(first), fold(second)
    if a == b:
        return True
    if min(len(set(a.split())), len(set(b.split()))) < 2:
        return fuzz.ratio(a, b) >= TITLE_SIMILARITY
    return fuzz.token_set_ratio(a, b) >= TITLE_SIMILARITY


def _seen_order(event: Event) -> tuple[datetime, str]:
    return (event.first_seen or datetime.max.replace(tzinfo=UTC), event.id)


def group_duplicates(events: Sequence[Event]) -> list[list[Event]]:
    """The events grouped into duplicates, each group first-seen first, groups in order of start.

    Greedy and deterministic: events are taken in the order the hub first saw
    them, and each joins the first group at its moment holding a similar title
    and no event of its own source.
    """
    groups: list[list[Event]] = []
    at_moment: dict[tuple[str, object], list[list[Event]]] = {}
    for event in sorted(events, key=_seen_order):
        candidates = at_moment.setdefault(_moment(event), [])
        group = next((g for g in candidates if _belongs(event, g)), None)
        if group is None:
            group = []
            candidates.append(group)
            groups.append(group)
        group.append(event)
    return sorted(groups, key=lambda g: (g[0].start, fold(g[0].title), g[0].id))


def _belongs(event: Event, group: Sequence[Event]) -> bool:
    if event.source is not None and any(member.source == event.source for member in group):
        return False
    return any(similar_titles(event.title, member.title) for member in group)


async def _entries(store: GraphStore, groups: Sequence[Sequence[Event]]) -> list[CalendarEntry]:
    """Entries with their centres, themes and projects: one neighbours call and one get_nodes per label."""
    ids = [event.id for group in groups for event in group]
    if not ids:
        return []
    linked: dict[tuple[str, RelType], list[str]] = {}
    for link in await store.neighbours(Event, ids, _LISTED_RELS, direction="out"):
        linked.setdefault((link.node_id, link.rel_type), []).append(link.other_id)
    spaces = await _nodes(store, Space, RelType.HOSTED_BY, linked)
    themes = await _nodes(store, Theme, RelType.ABOUT, linked)
    projects = await _nodes(store, Project, RelType.PART_OF, linked)

    def related(group: Sequence[Event], rel: RelType, nodes: dict[str, N]) -> tuple[N, ...]:
        other_ids = {other for event in group for other in linked.get((event.id, rel), [])}
        return tuple(sorted((nodes[i] for i in other_ids if i in nodes), key=lambda n: (fold(n.display_name()), n.id)))

    return [
        CalendarEntry(
            event=group[0],
            duplicates=tuple(group[1:]),
            spaces=related(group, RelType.HOSTED_BY, spaces),
            themes=related(group, RelType.ABOUT, themes),
            projects=related(group, RelType.PART_OF, projects),
        )
        for group in groups
    ]


async def _nodes(
    store: GraphStore, label: type[N], rel: RelType, linked: dict[tuple[str, RelType], list[str]]
) -> dict[str, N]:
    ids = sorted({other for (_, rel_type), others in linked.items() if rel_type is rel for other in others})
    return dict(await store.get_nodes(label, ids)) if ids else {}


# --- text shared by the formats ------------------------------------------------------------------------------


def _display_zone(event: Event) -> ZoneInfo:
    """The event's own zone when it names one; the region's for bare offsets and UTC."""
    zone = zone_of(event.timezone)
    return zone if isinstance(zone, ZoneInfo) else BERLIN


def _german_day(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]}, {day:%d.%m.%Y}"


def _all_day_dates(event: Event) -> tuple[date, date]:
    """First day and exclusive end day of an all-day event (ends are exclusive, as in iCalendar)."""
    first = event.local_start().date()
    end = event.local_end()
    if end is None:
        return first, first + timedelta(days=1)
    last = end.date() if end.time() == time(0) else end.date() + timedelta(days=1)
    return first, max(last, first + timedelta(days=1))


def when_short(event: Event) -> str:
    """The start in German: "Di., 12.03.2026, 18:00", or "Di., 12.03.2026" for an all-day event."""
    if event.all_day:
        return _german_day(event.local_start().date())
    start = event.start.astimezone(_display_zone(event))
    return f"{_german_day(start.date())}, {start:%H:%M}"


def when_long(event: Event) -> str:
    """Start and end in German: "Di., 12.03.2026, 18:00–20:00 Uhr", "Sa., 14.03.2026 – So., 15.03.2026"."""
    if event.all_day:
        first, end = _all_day_dates(event)
        last = end - timedelta(days=1)
        return _german_day(first) if last == first else f"{_german_day(first)} – {_german_day(last)}"
    zone = _display_zone(event)
    start = event.start.astimezone(zone)
    if event.end is None:
        return f"{_german_day(start.date())}, {start:%H:%M} Uhr"
    end = event.end.astimezone(zone)
    if end.date() == start.date():
        return f"{_german_day(start.date())}, {start:%H:%M}–{end:%H:%M} Uhr"
    return f"{_german_day(start.date())}, {start:%H:%M} Uhr – {_german_day(end.date())}, {end:%H:%M} Uhr"


def feed_title(entry: CalendarEntry) -> str:
    """A feed item's title: the date first, so a reader's list reads like a programme."""
    prefix = "Abgesagt: " if entry.cancelled else ""
    return f"{when_short(entry.event)} – {prefix}{entry.event.title}"


def _facts(entry: CalendarEntry) -> list[str]:
    lines = []
    if entry.cancelled:
        lines.append("Diese Veranstaltung wurde abgesagt.")
    if entry.location:
        lines.append(f"Ort: {entry.location}")
    if entry.spaces:
        lines.append(f"Angekündigt von: {', '.join(space.name for space in entry.spaces)}")
    if entry.projects:
        lines.append(f"Projekt: {', '.join(project.name for project in entry.projects)}")
    if entry.themes:
        lines.append(f"Themen: {', '.join(theme.label_de for theme in entry.themes)}")
    if entry.event.cost:
        lines.append(f"Kosten: {entry.event.cost}")
    return lines


def ical_description(entry: CalendarEntry) -> str:
    return "\n\n".join(part for part in ("\n".join(_facts(entry)), entry.description) if part)


def feed_description(entry: CalendarEntry) -> str:
    facts = "\n".join([when_long(entry.event), *_facts(entry)])
    parts = (facts, entry.description, f"Mehr: {entry.url}" if entry.url else "")
    return "\n\n".join(part for part in parts if part)


# --- iCalendar ---------------------------------------------------------------------------------------------------


def render_ical(entries: Sequence[CalendarEntry], title: str = CALENDAR_NAME) -> bytes:
    """The entries as one iCalendar file (RFC 5545), with a VTIMEZONE for every zone its times name."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-caldesc", CALENDAR_DESCRIPTION)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    # How often subscribers should reload (RFC 7986, and the property Outlook reads).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for entry in entries:
        calendar.add_component(_vevent(entry))
    if entries:
        years = [entry.event.start.year for entry in entries]
        calendar.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    return calendar.to_ical()


def _vevent(entry: CalendarEntry) -> ICalEvent:
    event = entry.event
    component = ICalEvent()
    component.add("uid", entry.uid)
    component.add("dtstamp", entry.first_seen)
    start, end = _ical_times(event)
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    component.add("summary", f"Abgesagt: {event.title}" if entry.cancelled else event.title)
    component.add("status", _ICAL_STATUS.get(entry.status, "CONFIRMED"))
    if entry.location:
        component.add("location", entry.location)
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (event.latitude, event.longitude))
    if entry.url:
        component.add("url", entry.url)
    if description := ical_description(entry):
        component.add("description", description)
    if entry.themes:
        component.add("categories", [theme.label_de for theme in entry.themes])
    if event.all_day:
        component.add("transp", "TRANSPARENT")  # an all-day fair should not block a subscriber's day
    for duplicate_id in entry.duplicate_ids:
        component.add("x-mv-hub-merged-id", duplicate_id)
    return component


def _ical_times(event: Event) -> tuple[date | datetime, date | datetime | None]:
    """DTSTART/DTEND: dates for all-day events, wall-clock time in a named zone (TZID), else UTC."""
    if event.all_day:
        return _all_day_dates(event)
    zone = zone_of(event.timezone)
    if not isinstance(zone, ZoneInfo):
        return event.start, event.end  # a bare offset has no TZID; UTC is exact
    return event.start.astimezone(zone), None if event.end is None else event.end.astimezone(zone)


# --- RSS and Atom ------------------------------------------------------------------------------------------------


def render_rss(entries: Sequence[CalendarEntry], title: str, link: str, self_url: str) -> bytes:
    """The entries as RSS 2.0, in order of start; ``link`` is the page (or calendar) the feed stands for."""
    return _feed(entries, title, link, self_url, atom=False).rss_str(pretty=True)


def render_atom(entries: Sequence[CalendarEntry], title: str, link: str, self_url: str) -> bytes:
    """The entries as Atom 1.0, in order of start."""
    return _feed(entries, title, link, self_url, atom=True).atom_str(pretty=True)


def _feed(entries: Sequence[CalendarEntry], title: str, link: str, self_url: str, *, atom: bool) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=self_url, rel="self")
    feed.link(href=link, rel="alternate")  # last: feedgen takes the last link as the RSS channel link
    feed.description(CALENDAR_DESCRIPTION)
    feed.language("de")
    feed.author({"name": "MV Innovation Hub"})
    feed.generator("MV Innovation Hub")
    # feedgen stamps both with the current time unless told otherwise.
    stamp = max((entry.first_seen for entry in entries), default=_EMPTY_STAMP)
    feed.updated(stamp)
    feed.lastBuildDate(stamp)
    for entry in entries:
        _feed_entry(feed, entry, link, atom=atom)
    return feed


def _feed_entry(feed: FeedGenerator, entry: CalendarEntry, fallback_link: str, *, atom: bool) -> None:
    item = feed.add_entry(order="append")
    # An Atom id must be an IRI, which a store id is not; RSS takes the UID itself.
    if atom:
        item.id(f"urn:uuid:{uuid.uuid5(_ATOM_NAMESPACE, entry.uid)}")
    else:
        item.guid(entry.uid, permalink=False)
    item.title(feed_title(entry))
    item.link(href=entry.url or _first(space.website for space in entry.spaces) or fallback_link, rel="alternate")
    item.description(feed_description(entry))
    item.published(entry.first_seen)
    item.updated(entry.first_seen)
    for space in entry.spaces:
        item.author({"name": space.name})
    for theme in entry.themes:
        item.category(term=theme.id, label=theme.label_de)
