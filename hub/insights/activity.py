"""The ministry's view: activity by centre × theme × period, trends, cross-regional links, centre profiles.

Pure functions of a :class:`~hub.insights.projection.Projection`; every number
follows the definitions below (``tests/insights/test_activity.py`` checks them
by hand on the graph of ``tests/insights/support.py``).

**Counted events.**  An event counts when it takes place (not cancelled, not
removed from its feed: :attr:`EventFacts.takes_place`) and its *local* start day
lies in the window.  A centre filter keeps the events hosted by one of the given
centres, a theme filter those about one of the given themes (an empty list keeps
nothing, as in the store's filters).  Themes are taken as tagged: a filter on
``digitale-technologien`` does not include its child ``ki``.

**Cells and totals.**  An event counts once in every (centre, theme) cell it
belongs to, so an event about two themes counts in both theme cells.  An event
without a theme goes to the "no theme" bucket (theme ``None``, "Ohne Thema"), an
event without a centre to the "no centre" bucket (centre ``None``); nothing
vanishes.  With a filter, only the filtered centres and themes get cells.
Totals per centre, per theme and per period count every event once, so they are
*not* sums of cells (an event about two themes is one event of its centre).

**Actors** of a cell or total: the distinct actors taking part, in any role, in
its events.  **New actors**: an actor's *debut* is the local day of its first
event that takes place anywhere in the hub, whatever the window and filters.
An actor is new in a cell when it is one of the cell's actors and its debut
falls in the cell's period.  So an actor whose first events are in April in
two centres is new in both centres' April cells, and once in April's total.

**An actor's centres** (cross-regional actors, collaboration, reach): the
centres hosting the counted events it took part in, united with the centres it
is ``ACTIVE_IN``.  Only actors with at least one counted event are considered,
so a window narrows the lists to actors active in it; ``ACTIVE_IN`` has no date,
so it may add a centre without counted events (shown with 0 events).

**A project's centres**: the centres hosting its counted events (``PART_OF``).
Contributors' centres are not used: a university contributing to a project in
Greifswald does not carry that project to Rostock.

**Collaboration of two centres A and B**: *shared actors* (actors whose centres
include both), *shared projects* (projects whose centres include both) and
*shared events*: a counted event hosted by A counts for the pair when one of
its participants is based in B (``ACTIVE_IN`` B, or B is its home centre), or
when it is hosted by both.  Each event counts at most once per pair.  The pair's
weight is the sum of the three counts.

**Trends**: a centre's (theme's) totals over every period, periods without
activity included (so a drop to zero shows), each with the change against the
period before: absolute, and in percent of it (``None`` when it was 0, and for
the first period, which has no previous one shown).

The events that take place are prepared once per projection (:class:`EventIndex`:
local day, actors, buckets, debuts); every function takes it as an option, so
several questions about one state of the graph share that work.

Everything is sorted deterministically: periods ascending, ids ascending with
the ``None`` bucket last, rankings by count descending with ties by name, then id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from itertools import combinations

from hub.insights.periods import ALL_TIME, Granularity, TimeWindow, period_key, period_range
from hub.insights.projection import EventFacts, Projection

NO_THEME_LABEL = "Ohne Thema"
NO_SPACE_LABEL = "Ohne Zentrum"

#: The most periods a trend may span (100 years of months); a longer window is a mistake.
MAX_TREND_PERIODS = 1200


class ActivityInputError(ValueError):
    """A request the data cannot answer sensibly (the API reports it as the client's error)."""


@dataclass(frozen=True, slots=True)
class Counted:
    """An event that takes place, with what every computation needs from it, worked out once."""

    event: EventFacts
    day: date  # the local start day
    actor_ids: tuple[str, ...]
    spaces: tuple[str | None, ...]  # its centres; (None,) without one: the "no centre" bucket
    themes: tuple[str | None, ...]  # its themes; (None,) without one: the "no theme" bucket


@dataclass(frozen=True)
class ActivityFilter:
    """Which events count; ``None`` means "no restriction"."""

    window: TimeWindow = ALL_TIME
    space_ids: frozenset[str] | None = None
    theme_ids: frozenset[str] | None = None

    def admits(self, item: Counted) -> bool:
        return (
            self.window.contains(item.day)
            and (self.space_ids is None or not self.space_ids.isdisjoint(item.event.spaces))
            and (self.theme_ids is None or not self.theme_ids.isdisjoint(item.event.themes))
        )

    def spaces_of(self, item: Counted) -> tuple[str | None, ...]:
        """The centre buckets an admitted event counts in: with a centre filter, only the filtered ones."""
        if self.space_ids is None:
            return item.spaces
        return tuple(s for s in item.spaces if s in self.space_ids)

    def themes_of(self, item: Counted) -> tuple[str | None, ...]:
        """The theme buckets an admitted event counts in: with a theme filter, only the filtered ones."""
        if self.theme_ids is None:
            return item.themes
        return tuple(t for t in item.themes if t in self.theme_ids)


# --- the events that take place ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EventIndex:
    """The events that take place, prepared once per projection and shared by every computation here.

    Each public function takes an optional ``index``; one built from another projection
    is ignored (a new one is built), so a stale index can never mix two states of the graph.
    """

    projection: Projection
    events: tuple[Counted, ...]  # in id order
    debut: Mapping[str, date]  # each actor's first local day with an event that takes place

    @classmethod
    def of(cls, projection: Projection) -> EventIndex:
        events = tuple(
            Counted(e, e.local_day, e.actor_ids, e.spaces or (None,), e.themes or (None,))
            for e in projection.events.values()
            if e.takes_place
        )
        return cls(projection, events, debut_days(events))

    def counted(self, activity_filter: ActivityFilter) -> list[Counted]:
        """The events that count under ``activity_filter``, in id order."""
        return [item for item in self.events if activity_filter.admits(item)]


def index_for(projection: Projection, index: EventIndex | None) -> EventIndex:
    """``index`` if it was built from this very projection, else a new one."""
    return index if index is not None and index.projection is projection else EventIndex.of(projection)


def debut_days(events: Iterable[Counted]) -> dict[str, date]:
    """Each actor's first local day among ``events``."""
    debut: dict[str, date] = {}
    for item in events:
        for actor_id in item.actor_ids:
            if actor_id not in debut or item.day < debut[actor_id]:
                debut[actor_id] = item.day
    return debut


def _none_last(value: str | None) -> tuple[bool, str]:
    return (value is None, value or "")


# --- activity ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityCell:
    period: str
    space_id: str | None
    theme_id: str | None
    events: int
    actors: int
    new_actors: int


@dataclass(frozen=True)
class SpaceTotal:
    """One centre in one period, every event once."""

    period: str
    space_id: str | None
    events: int
    actors: int
    new_actors: int


@dataclass(frozen=True)
class ThemeTotal:
    """One theme in one period, across centres, every event once."""

    period: str
    theme_id: str | None
    events: int
    actors: int
    new_actors: int


@dataclass(frozen=True)
class PeriodTotal:
    """All counted events of one period, every event once."""

    period: str
    events: int
    actors: int
    new_actors: int


@dataclass(frozen=True)
class ActivityReport:
    granularity: Granularity
    periods: tuple[str, ...]  # the periods with at least one counted event, ascending
    cells: tuple[ActivityCell, ...]
    space_totals: tuple[SpaceTotal, ...]
    theme_totals: tuple[ThemeTotal, ...]
    period_totals: tuple[PeriodTotal, ...]


@dataclass
class _Tally:
    events: int = 0
    actors: set[str] = field(default_factory=set)

    def add(self, actor_ids: tuple[str, ...]) -> None:
        self.events += 1
        self.actors.update(actor_ids)


class _Periods:
    """``period_key`` remembered per day (there are far fewer days than events), and actors' debut periods."""

    def __init__(self, granularity: Granularity, debut: Mapping[str, date]) -> None:
        self.granularity = granularity
        self._keys: dict[date, str] = {}
        self.newcomers: dict[str, set[str]] = defaultdict(set)  # period -> the actors debuting in it
        for actor_id, day in debut.items():
            self.newcomers[self.of(day)].add(actor_id)

    def of(self, day: date) -> str:
        key = self._keys.get(day)
        if key is None:
            key = self._keys[day] = period_key(day, self.granularity)
        return key

    def numbers(self, period: str, tally: _Tally) -> tuple[int, int, int]:
        """(events, actors, new actors) of a tally of ``period``."""
        return tally.events, len(tally.actors), len(tally.actors & self.newcomers.get(period, set()))


Key = tuple[str | None, ...]  # (period, centre, theme), (period, centre), (period, theme) or (period,)
Counts = dict[Key, tuple[int, int, int]]


def activity(
    projection: Projection,
    granularity: Granularity,
    activity_filter: ActivityFilter | None = None,
    index: EventIndex | None = None,
) -> ActivityReport:
    """Events, actors and new actors per centre × theme × period, and the totals that count each event once."""
    activity_filter = activity_filter or ActivityFilter()
    index = index_for(projection, index)
    periods = _Periods(granularity, index.debut)
    cells, by_space, by_theme, by_period = _tally(index.counted(activity_filter), periods, activity_filter)
    return ActivityReport(
        granularity=granularity,
        periods=tuple(sorted(key[0] for key in by_period)),
        cells=tuple(ActivityCell(*key, *n) for key, n in _in_order(cells)),
        space_totals=tuple(SpaceTotal(*key, *n) for key, n in _in_order(by_space)),
        theme_totals=tuple(ThemeTotal(*key, *n) for key, n in _in_order(by_theme)),
        period_totals=tuple(PeriodTotal(*key, *n) for key, n in _in_order(by_period)),
    )


def _tally(
    counted: Iterable[Counted], periods: _Periods, activity_filter: ActivityFilter
) -> tuple[Counts, Counts, Counts, Counts]:
    """Cells, centre, theme and period totals, in one pass over the events (the hub's largest loop)."""
    cells: dict[Key, _Tally] = defaultdict(_Tally)
    by_space: dict[Key, _Tally] = defaultdict(_Tally)
    by_theme: dict[Key, _Tally] = defaultdict(_Tally)
    by_period: dict[Key, _Tally] = defaultdict(_Tally)
    for item in counted:
        period, actor_ids = periods.of(item.day), item.actor_ids
        themes = activity_filter.themes_of(item)
        by_period[(period,)].add(actor_ids)
        for theme in themes:
            by_theme[(period, theme)].add(actor_ids)
        for space in activity_filter.spaces_of(item):
            by_space[(period, space)].add(actor_ids)
            for theme in themes:
                cells[(period, space, theme)].add(actor_ids)
    return tuple(
        {key: periods.numbers(key[0], tally) for key, tally in tallies.items()}
        for tallies in (cells, by_space, by_theme, by_period)
    )


def _in_order(counts: Counts) -> list[tuple[Key, tuple[int, int, int]]]:
    """By period, then by the ids, the ``None`` buckets last."""
    return sorted(counts.items(), key=lambda kv: tuple(_none_last(part) for part in kv[0]))


# --- trends -----------------------------------------------------------------------------------------------------


class TrendDimension(str, Enum):
    SPACE = "space"
    THEME = "theme"


class TrendMetric(str, Enum):
    EVENTS = "events"
    ACTORS = "actors"
    NEW_ACTORS = "new_actors"


@dataclass(frozen=True)
class TrendPoint:
    """One period of one series, with the change against the period before.

    For the first period of a series there is no previous value: ``previous``,
    ``change`` and ``change_percent`` are ``None``.  ``change_percent`` is also
    ``None`` when the previous value is 0 (no growth rate from nothing).
    """

    key: str | None  # the centre or theme id; None for the "no centre" / "no theme" bucket
    label: str
    period: str
    value: int
    previous: int | None
    change: int | None
    change_percent: float | None


@dataclass(frozen=True)
class TrendReport:
    granularity: Granularity
    dimension: TrendDimension
    metric: TrendMetric
    periods: tuple[str, ...]
    points: tuple[TrendPoint, ...]  # by key (None last), then period


def trends(
    projection: Projection,
    granularity: Granularity,
    dimension: TrendDimension,
    metric: TrendMetric = TrendMetric.EVENTS,
    activity_filter: ActivityFilter | None = None,
    index: EventIndex | None = None,
) -> TrendReport:
    """One series per centre (or theme) over every period, zero periods included, so a drop to zero shows.

    Periods run over the window's bounds where it has them, else from the first to the
    last period with a counted event; with no counted event at all there are no series.
    Series: every centre (the filtered ones, with a centre filter); for themes, every
    theme with a counted event (the filtered ones, with a theme filter).
    """
    activity_filter = activity_filter or ActivityFilter()
    report = activity(projection, granularity, activity_filter, index)
    if not report.periods:
        return TrendReport(granularity, dimension, metric, (), ())
    totals = report.space_totals if dimension is TrendDimension.SPACE else report.theme_totals
    values = {(total.period, _key_of(total)): _metric_of(total, metric) for total in totals}
    periods = trend_periods(activity_filter.window, granularity, report.periods)
    keys = _series_keys(projection, dimension, activity_filter, {key for _, key in values})
    points = [point for key in keys for point in _series(key, _label(projection, dimension, key), periods, values)]
    return TrendReport(granularity, dimension, metric, tuple(periods), tuple(points))


def _key_of(total: SpaceTotal | ThemeTotal) -> str | None:
    return total.space_id if isinstance(total, SpaceTotal) else total.theme_id


def _metric_of(total: SpaceTotal | ThemeTotal, metric: TrendMetric) -> int:
    return {
        TrendMetric.EVENTS: total.events,
        TrendMetric.ACTORS: total.actors,
        TrendMetric.NEW_ACTORS: total.new_actors,
    }[metric]


def trend_periods(window: TimeWindow, granularity: Granularity, data_periods: Iterable[str]) -> list[str]:
    """The periods a trend covers: the window's bounds where given, else the data's extent (none without data)."""
    data = sorted(data_periods)
    if not data:
        return []
    first = period_key(window.start, granularity) if window.start else data[0]
    last = period_key(window.end - timedelta(days=1), granularity) if window.end else data[-1]
    if _span(first, last, granularity) > MAX_TREND_PERIODS:
        raise ActivityInputError(
            f"the window {window.describe()} spans more than {MAX_TREND_PERIODS} periods of a {granularity.value}"
        )
    return period_range(first, last)


def _span(first: str, last: str, granularity: Granularity) -> int:
    """How many periods ``first`` to ``last`` are, without listing them."""
    years = int(last[:4]) - int(first[:4])
    if granularity is Granularity.YEAR:
        return years + 1
    per_year = 12 if granularity is Granularity.MONTH else 4
    return years * per_year + int(last[-2:].lstrip("Q")) - int(first[-2:].lstrip("Q")) + 1


def _series_keys(
    projection: Projection, dimension: TrendDimension, activity_filter: ActivityFilter, with_data: set[str | None]
) -> list[str | None]:
    if dimension is TrendDimension.SPACE:
        chosen = activity_filter.space_ids if activity_filter.space_ids is not None else projection.spaces.keys()
    else:
        chosen = activity_filter.theme_ids if activity_filter.theme_ids is not None else with_data - {None}
    keys: set[str | None] = set(chosen) | ({None} if None in with_data else set())
    return sorted(keys, key=_none_last)


def _series(
    key: str | None, label: str, periods: list[str], values: Mapping[tuple[str, str | None], int]
) -> list[TrendPoint]:
    points = []
    previous: int | None = None
    for period in periods:
        value = values.get((period, key), 0)
        change = None if previous is None else value - previous
        percent = None if not previous else round(100 * (value - previous) / previous, 1)
        points.append(TrendPoint(key, label, period, value, previous, change, percent))
        previous = value
    return points


def _label(projection: Projection, dimension: TrendDimension, key: str | None) -> str:
    if dimension is TrendDimension.SPACE:
        return space_label(projection, key)
    return theme_label(projection, key)


def space_label(projection: Projection, space_id: str | None) -> str:
    """The centre's name as the ministry reads it ("Ohne Zentrum" for the no-centre bucket)."""
    if space_id is None:
        return NO_SPACE_LABEL
    space = projection.spaces.get(space_id)
    return space.name if space else space_id


def theme_label(projection: Projection, theme_id: str | None) -> str:
    """The German label of a theme ("Ohne Thema" for the no-theme bucket)."""
    if theme_id is None:
        return NO_THEME_LABEL
    theme = projection.themes.get(theme_id)
    return theme.label_de if theme else theme_id


# --- where actors and projects are active -------------------------------------------------------------------------


@dataclass(frozen=True)
class CentrePresence:
    """An actor (or project) in one centre: its counted events there, and whether it is ACTIVE_IN it."""

    space_id: str
    events: int
    active_in: bool = False


@dataclass(frozen=True)
class CrossRegionalActor:
    actor_id: str
    name: str
    kind: str
    events: int  # counted events, each once
    centres: tuple[CentrePresence, ...]  # by space id


@dataclass(frozen=True)
class CrossRegionalProject:
    project_id: str
    name: str
    events: int
    contributors: int  # CONTRIBUTES_TO, whatever their centres
    centres: tuple[CentrePresence, ...]  # by space id; active_in is always False


@dataclass(frozen=True)
class CrossRegionalLinks:
    actors: tuple[CrossRegionalActor, ...]  # most centres first, then most events, then name, id
    projects: tuple[CrossRegionalProject, ...]  # likewise


@dataclass(frozen=True)
class _Presence:
    """Where each actor and project is active under one window (see the module docstring)."""

    actor_events: Mapping[str, Counter[str]]  # actor -> centre -> counted events there
    actor_totals: Mapping[str, int]  # actor -> counted events
    actor_centres: Mapping[str, frozenset[str]]  # event centres united with ACTIVE_IN
    project_events: Mapping[str, Counter[str]]
    project_totals: Mapping[str, int]
    counted: list[Counted]


def _presence(projection: Projection, window: TimeWindow, index: EventIndex | None) -> _Presence:
    counted = index_for(projection, index).counted(ActivityFilter(window=window))
    actor_events: dict[str, Counter[str]] = defaultdict(Counter)
    project_events: dict[str, Counter[str]] = defaultdict(Counter)
    actor_totals: Counter[str] = Counter()
    project_totals: Counter[str] = Counter()
    for item in counted:
        actor_totals.update(item.actor_ids)
        project_totals.update(item.event.projects)
        for space_id in item.event.spaces:
            for actor_id in item.actor_ids:
                actor_events[actor_id][space_id] += 1
            for project_id in item.event.projects:
                project_events[project_id][space_id] += 1
    known = frozenset(projection.spaces)
    actor_centres = {
        actor_id: known.intersection(projection.actors[actor_id].spaces).union(actor_events.get(actor_id, ()))
        for actor_id in actor_totals
    }
    return _Presence(actor_events, actor_totals, actor_centres, project_events, project_totals, counted)


def cross_regional(
    projection: Projection, window: TimeWindow = ALL_TIME, min_spaces: int = 2, index: EventIndex | None = None
) -> CrossRegionalLinks:
    """Actors and projects active in at least ``min_spaces`` centres, each with its centres and events there."""
    presence = _presence(projection, window, index)
    actors = [
        _cross_regional_actor(projection, presence, actor_id)
        for actor_id, centres in presence.actor_centres.items()
        if len(centres) >= min_spaces
    ]
    projects = [
        _cross_regional_project(projection, presence, project_id)
        for project_id, centres in presence.project_events.items()
        if len(centres) >= min_spaces
    ]
    return CrossRegionalLinks(
        actors=tuple(sorted(actors, key=lambda a: (-len(a.centres), -a.events, a.name, a.actor_id))),
        projects=tuple(sorted(projects, key=lambda p: (-len(p.centres), -p.events, p.name, p.project_id))),
    )


def _cross_regional_actor(projection: Projection, presence: _Presence, actor_id: str) -> CrossRegionalActor:
    actor = projection.actors[actor_id]
    events = presence.actor_events.get(actor_id, Counter())
    centres = tuple(
        CentrePresence(space_id, events[space_id], space_id in actor.spaces)
        for space_id in sorted(presence.actor_centres[actor_id])
    )
    return CrossRegionalActor(actor_id, actor.name, actor.kind, presence.actor_totals[actor_id], centres)


def _cross_regional_project(projection: Projection, presence: _Presence, project_id: str) -> CrossRegionalProject:
    events = presence.project_events[project_id]
    centres = tuple(CentrePresence(space_id, events[space_id]) for space_id in sorted(events))
    return CrossRegionalProject(
        project_id=project_id,
        name=projection.projects[project_id].name,
        events=presence.project_totals[project_id],
        contributors=len(projection.contributors_by_project.get(project_id, ())),
        centres=centres,
    )


# --- collaboration between centres ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CentrePair:
    """Two centres (``a`` < ``b`` by id) and what links them; the lists are in id order."""

    a: str
    b: str
    actor_ids: tuple[str, ...]
    project_ids: tuple[str, ...]
    event_ids: tuple[str, ...]

    @property
    def weight(self) -> int:
        return len(self.actor_ids) + len(self.project_ids) + len(self.event_ids)


def collaboration(
    projection: Projection, window: TimeWindow = ALL_TIME, index: EventIndex | None = None
) -> tuple[CentrePair, ...]:
    """Every pair of centres with something shared, heaviest first (ties by the centres' ids)."""
    presence = _presence(projection, window, index)
    shared_actors = _pairs_of(presence.actor_centres)
    shared_projects = _pairs_of(presence.project_events)
    shared_events: dict[tuple[str, str], set[str]] = defaultdict(set)
    bases = _bases(projection)
    for item in presence.counted:
        for pair in _event_pairs(item, bases):
            shared_events[pair].add(item.event.id)
    pairs = [
        CentrePair(
            a,
            b,
            actor_ids=tuple(sorted(shared_actors.get((a, b), ()))),
            project_ids=tuple(sorted(shared_projects.get((a, b), ()))),
            event_ids=tuple(sorted(shared_events.get((a, b), ()))),
        )
        for a, b in {*shared_actors, *shared_projects, *shared_events}
    ]
    return tuple(sorted(pairs, key=lambda p: (-p.weight, p.a, p.b)))


def _pairs_of(centres_by_member: Mapping[str, Iterable[str]]) -> dict[tuple[str, str], set[str]]:
    """For every pair of centres, the members (actors, projects) present in both."""
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for member, centres in centres_by_member.items():
        for pair in combinations(sorted(centres), 2):
            members[pair].add(member)
    return members


def _bases(projection: Projection) -> dict[str, frozenset[str]]:
    """Where each actor is based: its ACTIVE_IN centres and its home centre (known centres only)."""
    known = frozenset(projection.spaces)
    return {
        actor.id: known.intersection([*actor.spaces, actor.home_space_id] if actor.home_space_id else actor.spaces)
        for actor in projection.actors.values()
    }


def _event_pairs(item: Counted, bases: Mapping[str, frozenset[str]]) -> set[tuple[str, str]]:
    """The centre pairs an event links: its host with every other host and every participant's base."""
    hosts = item.event.spaces
    others = set(hosts)
    for actor_id in item.actor_ids:
        others.update(bases.get(actor_id, ()))
    return {(host, other) if host < other else (other, host) for host in hosts for other in others if other != host}


# --- a centre's profile ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeCount:
    theme_id: str | None  # None: the "no theme" bucket
    events: int


@dataclass(frozen=True)
class PartnerCount:
    actor_id: str
    name: str
    events: int


@dataclass(frozen=True)
class CentreReach:
    """How many of a centre's actors (in the cross-regional sense) are also active in ``space_id``."""

    space_id: str
    actors: int


@dataclass(frozen=True)
class SpaceProfile:
    space_id: str
    events: int  # counted events it hosts
    actors: int  # distinct actors of those events
    first_event: date | None
    last_event: date | None
    top_themes: tuple[ThemeCount, ...]  # most events first, ties by theme id, "no theme" last
    top_partners: tuple[PartnerCount, ...]  # most events here first, ties by name, then id
    reach: tuple[CentreReach, ...]  # every other centre: most shared actors first, ties by id


def space_profile(
    projection: Projection,
    space_id: str,
    window: TimeWindow = ALL_TIME,
    top_themes: int = 5,
    top_partners: int = 10,
    index: EventIndex | None = None,
) -> SpaceProfile:
    """What a centre does: its events, main themes, most active partners and its reach into the other centres."""
    presence = _presence(projection, window, index)
    hosted = [item for item in presence.counted if space_id in item.event.spaces]
    themes: Counter[str | None] = Counter(t for item in hosted for t in item.themes)
    partners: Counter[str] = Counter(a for item in hosted for a in item.actor_ids)
    days = [item.day for item in hosted]
    return SpaceProfile(
        space_id=space_id,
        events=len(hosted),
        actors=len(partners),
        first_event=min(days, default=None),
        last_event=max(days, default=None),
        top_themes=_ranked_themes(themes)[:top_themes],
        top_partners=_ranked_partners(projection, partners)[:top_partners],
        reach=_reach(projection, presence, space_id),
    )


def _ranked_themes(themes: Counter[str | None]) -> tuple[ThemeCount, ...]:
    ranked = sorted(themes.items(), key=lambda kv: (-kv[1], *_none_last(kv[0])))
    return tuple(ThemeCount(theme_id, events) for theme_id, events in ranked)


def _ranked_partners(projection: Projection, partners: Counter[str]) -> tuple[PartnerCount, ...]:
    counts = [PartnerCount(actor_id, projection.actors[actor_id].name, n) for actor_id, n in partners.items()]
    return tuple(sorted(counts, key=lambda p: (-p.events, p.name, p.actor_id)))


def _reach(projection: Projection, presence: _Presence, space_id: str) -> tuple[CentreReach, ...]:
    also: Counter[str] = Counter(
        other for centres in presence.actor_centres.values() if space_id in centres for other in centres
    )
    others = [CentreReach(other, also[other]) for other in projection.spaces if other != space_id]
    return tuple(sorted(others, key=lambda r: (-r.actors, r.space_id)))
