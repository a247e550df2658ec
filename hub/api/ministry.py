"""The ministry's view: activity by centre, theme and period, trends, cross-regional links, centre profiles.

The numbers come from :mod:`hub.insights.activity` (its module docstring defines
every count: which events count, the "no theme" bucket, new actors, an actor's
centres, what links two centres).  This module checks the arguments (centres and
themes by global id, as the list filters take them; an unknown one is the
client's error) and runs the computation through the per-graph-version cache.

A result is then presented per request: the centres, themes, actors and projects
it names are loaded in one batch per label (through the request's loaders) and
set on plain GraphQL objects.  A resolver per cell would cost an awaited loader
call for each of thousands of cells; this way a cached answer costs a few
batched reads and its serialisation.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.relay import GlobalID

from hub import domain
from hub.api.context import Info
from hub.api.errors import ApiError
from hub.api.ids import node_ids_of
from hub.api.inputs import Granularity
from hub.api.pagination import MAX_PAGE_SIZE
from hub.api.types import Actor, Event, Project, Space, Theme, to_graphql
from hub.insights import activity as computed
from hub.insights.periods import ALL_TIME, TimeWindow, period_start
from hub.insights.projection import Projection

T = TypeVar("T")

DEFAULT_LIST_SIZE = 100
MAX_TOP = 100


TrendDimension = strawberry.enum(
    computed.TrendDimension, description="What a trend has one series for: each centre, or each theme."
)
TrendMetric = strawberry.enum(
    computed.TrendMetric,
    description="What a trend counts per period: events, distinct actors, or actors new to the hub.",
)


# --- arguments ----------------------------------------------------------------------------------------------------


@strawberry.input(
    description="Local calendar days: from `from` (inclusive) to `to` (exclusive); an open side is unbounded."
)
class ActivityWindow:
    starts_from: date | None = strawberry.field(
        default=None, name="from", description="The first day counted (the event's local start date)."
    )
    starts_before: date | None = strawberry.field(
        default=None, name="to", description="The first day no longer counted."
    )


@strawberry.input(description="Which events count; every given condition must hold.")
class ActivityFilter:
    spaces: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only events hosted by one of these centres; only their cells and series."
    )
    themes: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only events about one of these themes; only their cells and series."
    )
    starts_from: date | None = strawberry.field(
        default=None, name="from", description="Only events on or after this day (local date) count."
    )
    starts_before: date | None = strawberry.field(
        default=None, name="to", description="Only events before this day (local date) count."
    )


GranularityArgument = Annotated[
    Granularity, strawberry.argument(description="How long one period is (default: a month).")
]
FilterArgument = Annotated[ActivityFilter | None, strawberry.argument(description="Which events count.")]
WindowArgument = Annotated[
    ActivityWindow | None, strawberry.argument(description="Only events in this window count (default: all).")
]


def _time_window(starts_from: date | None, starts_before: date | None, argument: str) -> TimeWindow:
    try:
        return TimeWindow(starts_from, starts_before)
    except ValueError:
        raise ApiError(f"{argument}: 'to' ({starts_before}) is before 'from' ({starts_from})") from None


def _window(window: ActivityWindow | None) -> TimeWindow:
    return ALL_TIME if window is None else _time_window(window.starts_from, window.starts_before, "window")


def _known_id(projection: Projection, value: str, label: type[domain.Node], argument: str) -> str:
    """The node id of a global id that must name a centre (or theme) of the graph."""
    [node_id] = node_ids_of([value], label, argument)
    if node_id not in (projection.spaces if label is domain.Space else projection.themes):
        raise ApiError(f"{argument}: {value!r} names {label.LABEL} {node_id!r}, which does not exist")
    return node_id


def _known_ids(
    projection: Projection, values: Sequence[str] | None, label: type[domain.Node], argument: str
) -> frozenset[str] | None:
    return None if values is None else frozenset(_known_id(projection, v, label, argument) for v in values)


async def _activity_filter(info: Info, criteria: ActivityFilter | None) -> computed.ActivityFilter:
    if criteria is None:
        return computed.ActivityFilter()
    window = _time_window(criteria.starts_from, criteria.starts_before, "filter")
    projection = await info.context.insights.projection()
    return computed.ActivityFilter(
        window=window,
        space_ids=_known_ids(projection, criteria.spaces, domain.Space, "filter.spaces"),
        theme_ids=_known_ids(projection, criteria.themes, domain.Theme, "filter.themes"),
    )


def _bounded(value: int, argument: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ApiError(f"{argument} must be between {low} and {high} (got {value})")
    return value


async def _cached(info: Info, name: str, params: Any, function: Callable[[Projection, computed.EventIndex], T]) -> T:
    """``function`` through the insights cache; a question the data cannot answer is the client's error.

    The events that take place are prepared once per graph version (``ministry.events``) and
    shared by every field here; the computation builds its own if the graph changed meanwhile.
    """
    insights = info.context.insights
    index = await insights.compute("ministry.events", (), computed.EventIndex.of)
    try:
        return await insights.compute(f"ministry.{name}", params, lambda projection: function(projection, index))
    except computed.ActivityInputError as error:
        raise ApiError(str(error)) from None


# --- presenting results: nodes loaded per request, in one batch per label --------------------------------------------


@dataclass
class _Nodes:
    """The GraphQL nodes a result names, by label and id (missing: deleted since, or a null bucket)."""

    found: dict[type[domain.Node], dict[str, Any]]

    @classmethod
    async def load(cls, info: Info, wanted: Mapping[type[domain.Node], Iterable[str | None]]) -> _Nodes:
        labels = list(wanted)
        ids = [sorted({node_id for node_id in wanted[label] if node_id is not None}) for label in labels]
        loaded = await asyncio.gather(
            *(info.context.loaders.load(label, i) for label, i in zip(labels, ids, strict=True))
        )
        return cls({label: {n.id: to_graphql(n) for n in nodes} for label, nodes in zip(labels, loaded, strict=True)})

    def get(self, label: type[domain.Node], node_id: str | None) -> Any | None:
        return None if node_id is None else self.found[label].get(node_id)

    def all(self, label: type[domain.Node], ids: Iterable[str]) -> list[Any]:
        return [node for node in (self.get(label, node_id) for node_id in ids) if node is not None]

    def space_label(self, space_id: str | None) -> str:
        """The centre's name; "Ohne Zentrum" for events without one."""
        if space_id is None:
            return computed.NO_SPACE_LABEL
        space = self.get(domain.Space, space_id)
        return space.name if space else space_id

    def theme_label(self, theme_id: str | None) -> str:
        """The theme's German label; "Ohne Thema" for events without one."""
        if theme_id is None:
            return computed.NO_THEME_LABEL
        theme = self.get(domain.Theme, theme_id)
        return theme.label_de if theme else theme_id


def _slice(items: Sequence[T], first: int, offset: int) -> Sequence[T]:
    _bounded(first, "first", 0, MAX_PAGE_SIZE)
    _bounded(offset, "offset", 0, 10**9)
    return items[offset : offset + first]


First = Annotated[int, strawberry.argument(description=f"How many, at most {MAX_PAGE_SIZE}.")]
Offset = Annotated[int, strawberry.argument(description="How many to skip (for the next page).")]


# --- activity ------------------------------------------------------------------------------------------------------


@strawberry.interface(description="Counts of one period: events, distinct actors, actors new to the hub.")
class ActivityCounts:
    period: str = strawberry.field(description="The period: 2026-03, 2026-Q1 or 2026.")
    period_start: date = strawberry.field(description="Its first day.")
    events: int = strawberry.field(description="Events that take place (cancelled and removed ones do not count).")
    actors: int = strawberry.field(description="Distinct actors taking part in those events, in any role.")
    new_actors: int = strawberry.field(
        description="Those of the actors whose first event anywhere in the hub falls in this period."
    )


def _counts(row: computed.ActivityCell | computed.SpaceTotal | computed.ThemeTotal | computed.PeriodTotal) -> dict:
    """The ActivityCounts fields of one row of an activity report."""
    return {
        "period": row.period,
        "period_start": period_start(row.period),
        "events": row.events,
        "actors": row.actors,
        "new_actors": row.new_actors,
    }


@strawberry.type(
    description="One centre × theme × period cell. An event about two themes counts in both theme cells; "
    "events without a theme form the cell with theme null."
)
class ActivityCell(ActivityCounts):
    space: Space | None = strawberry.field(description="The hosting centre; null for events without one.")
    theme: Theme | None = strawberry.field(description="The theme; null for the events without a theme.")
    space_label: str = strawberry.field(description="The centre's name (Ohne Zentrum for events without one).")
    theme_label: str = strawberry.field(description="The theme's German label (Ohne Thema for events without one).")


@strawberry.type(description="One centre in one period; every event counted once, whatever its themes.")
class SpaceActivity(ActivityCounts):
    space: Space | None = strawberry.field(description="The centre; null for events without one.")
    label: str = strawberry.field(description="The centre's name (Ohne Zentrum for events without one).")


@strawberry.type(description="One theme in one period, across the centres; every event counted once.")
class ThemeActivity(ActivityCounts):
    theme: Theme | None = strawberry.field(description="The theme; null for the events without a theme.")
    label: str = strawberry.field(description="The theme's German label (Ohne Thema for events without one).")


@strawberry.type(description="All counted events of one period; every event counted once.")
class PeriodActivity(ActivityCounts):
    pass


@strawberry.type(
    description="Activity by centre × theme × period, and totals that count every event once "
    "(so totals are not the sums of the cells)."
)
class Activity:
    granularity: Granularity
    periods: list[str] = strawberry.field(description="The periods with at least one counted event, ascending.")
    cells: list[ActivityCell] = strawberry.field(description="By period, centre id, theme id (null buckets last).")
    space_totals: list[SpaceActivity] = strawberry.field(description="Per centre and period, by period and centre id.")
    theme_totals: list[ThemeActivity] = strawberry.field(description="Per theme and period, by period and theme id.")
    period_totals: list[PeriodActivity] = strawberry.field(description="Per period, all centres together.")


async def _present_activity(info: Info, granularity: Granularity, report: computed.ActivityReport) -> Activity:
    spaces = [t.space_id for t in report.space_totals]
    nodes = await _Nodes.load(info, {domain.Space: spaces, domain.Theme: [t.theme_id for t in report.theme_totals]})
    space, theme = functools.partial(nodes.get, domain.Space), functools.partial(nodes.get, domain.Theme)
    return Activity(
        granularity=granularity,
        periods=list(report.periods),
        cells=[
            ActivityCell(
                **_counts(c),
                space=space(c.space_id),
                theme=theme(c.theme_id),
                space_label=nodes.space_label(c.space_id),
                theme_label=nodes.theme_label(c.theme_id),
            )
            for c in report.cells
        ],
        space_totals=[
            SpaceActivity(**_counts(t), space=space(t.space_id), label=nodes.space_label(t.space_id))
            for t in report.space_totals
        ],
        theme_totals=[
            ThemeActivity(**_counts(t), theme=theme(t.theme_id), label=nodes.theme_label(t.theme_id))
            for t in report.theme_totals
        ],
        period_totals=[PeriodActivity(**_counts(t)) for t in report.period_totals],
    )


# --- trends --------------------------------------------------------------------------------------------------------


@strawberry.type(
    description="One period of one centre's (or theme's) series, with the change against the period before."
)
class TrendPoint:
    key: str | None = strawberry.field(
        description="The global id of the series' centre or theme; null for events without a theme (or centre)."
    )
    label: str = strawberry.field(description="The centre's name or the theme's German label (Ohne Thema, …).")
    period: str = strawberry.field(description="The period: 2026-03, 2026-Q1 or 2026.")
    period_start: date = strawberry.field(description="Its first day.")
    value: int = strawberry.field(description="What the metric counts in this period (0 when nothing happened).")
    previous: int | None = strawberry.field(description="The value of the period before; null for the first period.")
    change: int | None = strawberry.field(description="value - previous; null for the first period.")
    change_percent: float | None = strawberry.field(
        description="The change in percent of previous (1 decimal); null for the first period and when previous is 0."
    )
    space: Space | None = strawberry.field(description="The series' centre, when the trend is by SPACE.")
    theme: Theme | None = strawberry.field(description="The series' theme, when the trend is by THEME.")


async def _present_trends(info: Info, report: computed.TrendReport) -> list[TrendPoint]:
    label = domain.Space if report.dimension is computed.TrendDimension.SPACE else domain.Theme
    nodes = await _Nodes.load(info, {label: [p.key for p in report.points]})
    return [
        TrendPoint(
            key=None if p.key is None else str(GlobalID(type_name=label.LABEL, node_id=p.key)),
            label=p.label,
            period=p.period,
            period_start=period_start(p.period),
            value=p.value,
            previous=p.previous,
            change=p.change,
            change_percent=p.change_percent,
            space=nodes.get(domain.Space, p.key) if label is domain.Space else None,
            theme=nodes.get(domain.Theme, p.key) if label is domain.Theme else None,
        )
        for p in report.points
    ]


# --- cross-regional links ------------------------------------------------------------------------------------------


@strawberry.type(description="An actor's (or a project's) activity in one centre.")
class CentrePresence:
    space: Space | None = strawberry.field(description="The centre.")
    events: int = strawberry.field(description="Counted events there it took part in (for a project: its events).")
    active_in: bool = strawberry.field(
        description="The actor is recorded as active in this centre (ACTIVE_IN); always false for a project."
    )


@strawberry.type(
    description="An actor active in several centres: the centres hosting the events it took part in, "
    "together with the centres it is recorded as active in."
)
class CrossRegionalActor:
    actor: Actor | None = strawberry.field(description="The actor (null only if it was deleted since).")
    name: str
    events: int = strawberry.field(description="Counted events it took part in, each once.")
    centres: list[CentrePresence] = strawberry.field(description="Its centres, by id, with its events in each.")
    spaces: list[Space] = strawberry.field(description="Its centres, by id.")


@strawberry.type(description="A project whose events take place in several centres.")
class CrossRegionalProject:
    project: Project | None = strawberry.field(description="The project (null only if it was deleted since).")
    name: str
    events: int = strawberry.field(description="Its counted events.")
    contributors: int = strawberry.field(description="Actors contributing to it, wherever they are.")
    centres: list[CentrePresence] = strawberry.field(description="The centres hosting its events, by id.")
    spaces: list[Space] = strawberry.field(description="The centres hosting its events, by id.")


def _presences(nodes: _Nodes, centres: Sequence[computed.CentrePresence]) -> list[CentrePresence]:
    return [
        CentrePresence(space=nodes.get(domain.Space, c.space_id), events=c.events, active_in=c.active_in)
        for c in centres
    ]


@strawberry.type(description="Actors and projects active in several centres, most centres first.")
class CrossRegional:
    actor_count: int = strawberry.field(description="How many actors qualify (all pages).")
    project_count: int = strawberry.field(description="How many projects qualify (all pages).")
    links: strawberry.Private[computed.CrossRegionalLinks]

    @strawberry.field(description="Most centres first, then most events, then by name.")
    async def actors(
        self, info: Info, first: First = DEFAULT_LIST_SIZE, offset: Offset = 0
    ) -> list[CrossRegionalActor]:
        page = _slice(self.links.actors, first, offset)
        spaces = [c.space_id for a in page for c in a.centres]
        nodes = await _Nodes.load(info, {domain.Actor: [a.actor_id for a in page], domain.Space: spaces})
        return [
            CrossRegionalActor(
                actor=nodes.get(domain.Actor, a.actor_id),
                name=a.name,
                events=a.events,
                centres=_presences(nodes, a.centres),
                spaces=nodes.all(domain.Space, [c.space_id for c in a.centres]),
            )
            for a in page
        ]

    @strawberry.field(description="Most centres first, then most events, then by name.")
    async def projects(
        self, info: Info, first: First = DEFAULT_LIST_SIZE, offset: Offset = 0
    ) -> list[CrossRegionalProject]:
        page = _slice(self.links.projects, first, offset)
        spaces = [c.space_id for p in page for c in p.centres]
        nodes = await _Nodes.load(info, {domain.Project: [p.project_id for p in page], domain.Space: spaces})
        return [
            CrossRegionalProject(
                project=nodes.get(domain.Project, p.project_id),
                name=p.name,
                events=p.events,
                contributors=p.contributors,
                centres=_presences(nodes, p.centres),
                spaces=nodes.all(domain.Space, [c.space_id for c in p.centres]),
            )
            for p in page
        ]


# --- collaboration ---------------------------------------------------------------------------------------------------


@strawberry.type(
    description="Two centres and what links them: actors active in both, projects with events in both, and events "
    "of one with a participant based in the other (active in it, or at home there)."
)
class CentrePair:
    a: Space | None = strawberry.field(description="The first centre (by id).")
    b: Space | None = strawberry.field(description="The second centre (by id).")
    label: str = strawberry.field(description="The two centres' names, for display.")
    shared_actors: int = strawberry.field(description="Actors active in both centres.")
    shared_projects: int = strawberry.field(description="Projects with counted events in both centres.")
    shared_events: int = strawberry.field(
        description="Counted events of one centre with a participant based in the other, or hosted by both."
    )
    weight: int = strawberry.field(description="sharedActors + sharedProjects + sharedEvents.")
    pair: strawberry.Private[computed.CentrePair]

    @strawberry.field(description="The shared actors, in id order.")
    async def actors(self, info: Info, first: First = 20, offset: Offset = 0) -> list[Actor]:
        return await _nodes(info, domain.Actor, _slice(self.pair.actor_ids, first, offset))

    @strawberry.field(description="The shared projects, in id order.")
    async def projects(self, info: Info, first: First = 20, offset: Offset = 0) -> list[Project]:
        return await _nodes(info, domain.Project, _slice(self.pair.project_ids, first, offset))

    @strawberry.field(description="The shared events, in id order.")
    async def events(self, info: Info, first: First = 20, offset: Offset = 0) -> list[Event]:
        return await _nodes(info, domain.Event, _slice(self.pair.event_ids, first, offset))


async def _nodes(info: Info, label: type[domain.Node], ids: Sequence[str]) -> list[Any]:
    return [to_graphql(node) for node in await info.context.loaders.load(label, ids)]


async def _present_collaboration(info: Info, pairs: Sequence[computed.CentrePair]) -> list[CentrePair]:
    nodes = await _Nodes.load(info, {domain.Space: [space for pair in pairs for space in (pair.a, pair.b)]})
    return [
        CentrePair(
            a=nodes.get(domain.Space, pair.a),
            b=nodes.get(domain.Space, pair.b),
            label=f"{nodes.space_label(pair.a)} – {nodes.space_label(pair.b)}",
            shared_actors=len(pair.actor_ids),
            shared_projects=len(pair.project_ids),
            shared_events=len(pair.event_ids),
            weight=pair.weight,
            pair=pair,
        )
        for pair in pairs
    ]


# --- a centre's profile ----------------------------------------------------------------------------------------------


@strawberry.type(description="A theme of a centre's events, with how many of them are about it.")
class ProfileTheme:
    theme: Theme | None = strawberry.field(description="The theme; null for the events without a theme.")
    label: str = strawberry.field(description="The theme's German label (Ohne Thema for events without one).")
    events: int


@strawberry.type(description="An actor taking part in a centre's events, with how many.")
class ProfilePartner:
    actor: Actor | None = strawberry.field(description="The actor (null only if it was deleted since).")
    name: str
    events: int = strawberry.field(description="The centre's counted events it took part in.")


@strawberry.type(description="How many of a centre's actors are also active in another centre.")
class CentreReach:
    space: Space | None = strawberry.field(description="The other centre.")
    label: str = strawberry.field(description="The other centre's name.")
    actors: int = strawberry.field(description="Actors active in both (as in collaboration.sharedActors).")


@strawberry.type(description="What one centre does: its events, main themes, most active partners, reach.")
class SpaceProfile:
    space: Space | None = strawberry.field(description="The centre.")
    events: int = strawberry.field(description="Counted events it hosts.")
    actors: int = strawberry.field(description="Distinct actors taking part in them.")
    first_event: date | None = strawberry.field(description="The local date of its first counted event.")
    last_event: date | None = strawberry.field(description="The local date of its last counted event.")
    top_themes: list[ProfileTheme] = strawberry.field(description="Most events first, ties by theme id.")
    top_partners: list[ProfilePartner] = strawberry.field(description="Most events here first, ties by name.")
    reach: list[CentreReach] = strawberry.field(description="Every other centre, most shared actors first.")


async def _present_profile(info: Info, profile: computed.SpaceProfile) -> SpaceProfile:
    spaces = [profile.space_id, *(r.space_id for r in profile.reach)]
    wanted = {
        domain.Space: spaces,
        domain.Theme: [t.theme_id for t in profile.top_themes],
        domain.Actor: [p.actor_id for p in profile.top_partners],
    }
    nodes = await _Nodes.load(info, wanted)
    return SpaceProfile(
        space=nodes.get(domain.Space, profile.space_id),
        events=profile.events,
        actors=profile.actors,
        first_event=profile.first_event,
        last_event=profile.last_event,
        top_themes=[
            ProfileTheme(
                theme=nodes.get(domain.Theme, t.theme_id), label=nodes.theme_label(t.theme_id), events=t.events
            )
            for t in profile.top_themes
        ],
        top_partners=[
            ProfilePartner(actor=nodes.get(domain.Actor, p.actor_id), name=p.name, events=p.events)
            for p in profile.top_partners
        ],
        reach=[
            CentreReach(space=nodes.get(domain.Space, r.space_id), label=nodes.space_label(r.space_id), actors=r.actors)
            for r in profile.reach
        ],
    )


# --- the fields ------------------------------------------------------------------------------------------------------


@strawberry.type
class MinistryQuery:
    """Fields of the Query root; merged into it by :mod:`hub.api.schema`."""

    @strawberry.field(
        description="Where activity happens and on which themes: events, distinct actors and new actors per "
        "centre × theme × period, with per-centre, per-theme and per-period totals that count every event once. "
        "Only events that take place count; periods follow the events' local dates."
    )
    async def activity(
        self, info: Info, granularity: GranularityArgument = Granularity.MONTH, filter: FilterArgument = None
    ) -> Activity:
        criteria = await _activity_filter(info, filter)
        report = await _cached(
            info,
            "activity",
            (granularity, criteria),
            lambda p, index: computed.activity(p, granularity, criteria, index),
        )
        return await _present_activity(info, granularity, report)

    @strawberry.field(
        description="How activity changes: one series per centre (by: SPACE) or theme (by: THEME), every period "
        "from the first to the last (or over the filter's window), periods without activity included, each point "
        "with the change against the period before. Ordered by series (centre or theme id, null last), then period."
    )
    async def trends(
        self,
        info: Info,
        granularity: GranularityArgument = Granularity.MONTH,
        by: Annotated[TrendDimension, strawberry.argument(description="One series per centre or per theme.")] = (
            computed.TrendDimension.SPACE
        ),
        metric: Annotated[TrendMetric, strawberry.argument(description="What to count (default: events).")] = (
            computed.TrendMetric.EVENTS
        ),
        filter: FilterArgument = None,
    ) -> list[TrendPoint]:
        criteria = await _activity_filter(info, filter)
        report = await _cached(
            info,
            "trends",
            (granularity, by, metric, criteria),
            lambda p, index: computed.trends(p, granularity, by, metric, criteria, index),
        )
        return await _present_trends(info, report)

    @strawberry.field(
        description="Who works across regions: actors and projects active in at least minSpaces centres, each with "
        "its centres and its events in each."
    )
    async def cross_regional(
        self,
        info: Info,
        min_spaces: Annotated[int, strawberry.argument(description="At least this many centres (2 to 6).")] = 2,
        window: WindowArgument = None,
    ) -> CrossRegional:
        _bounded(min_spaces, "minSpaces", 2, 6)
        time_window = _window(window)
        links = await _cached(
            info,
            "cross_regional",
            (time_window, min_spaces),
            lambda p, index: computed.cross_regional(p, time_window, min_spaces, index),
        )
        return CrossRegional(actor_count=len(links.actors), project_count=len(links.projects), links=links)

    @strawberry.field(
        description="Which centres work together: every pair of centres with shared actors, projects or events, "
        "heaviest first (ties by the centres' ids)."
    )
    async def collaboration(self, info: Info, window: WindowArgument = None) -> list[CentrePair]:
        time_window = _window(window)
        pairs = await _cached(
            info, "collaboration", time_window, lambda p, index: computed.collaboration(p, time_window, index)
        )
        return await _present_collaboration(info, pairs)

    @strawberry.field(
        description="One centre at a glance: its events, first and last event, main themes, most active partners, "
        "and how many of its actors are also active in each other centre."
    )
    async def space_profile(
        self,
        info: Info,
        space: Annotated[strawberry.ID, strawberry.argument(description="The centre's global id.")],
        window: WindowArgument = None,
        top_themes: Annotated[int, strawberry.argument(description=f"How many themes, 1 to {MAX_TOP}.")] = 5,
        top_partners: Annotated[int, strawberry.argument(description=f"How many partners, 1 to {MAX_TOP}.")] = 10,
    ) -> SpaceProfile:
        projection = await info.context.insights.projection()
        space_id = _known_id(projection, space, domain.Space, "space")
        time_window = _window(window)
        _bounded(top_themes, "topThemes", 1, MAX_TOP)
        _bounded(top_partners, "topPartners", 1, MAX_TOP)
        profile = await _cached(
            info,
            "space_profile",
            (space_id, time_window, top_themes, top_partners),
            lambda p, index: computed.space_profile(p, space_id, time_window, top_themes, top_partners, index),
        )
        return await _present_profile(info, profile)
