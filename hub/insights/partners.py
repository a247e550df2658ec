"""Partner suggestions: whom in the other centres should an actor, a project or a theme meet, and why.

A centre's coordinator asks on behalf of an actor ("whom should my start-up meet?"),
a project, or a free set of themes.  Every suggestion is an actor with a score, the
parts the score is made of, German reasons a coordinator can act on, and where one
exists a path through the actor network.

**Counted events.**  Events that take place (not cancelled, not removed) on a local
day inside the request's ``window`` (:meth:`NetworkFilter.admits_event`).  Only they
make theme profiles, shared events, the network and recency.

**The requester**, exactly one of:

* an actor: its theme profile counts its counted events per theme; its centres are
  its ``ACTIVE_IN`` centres plus the hosts of every event it takes part in;
* a project: the themes of the project's counted events; its centres are the hosts of
  its events;
* themes: each given theme once; its centre is ``for_space_id`` if given, else none.

An actor's *centres* (requester or candidate) are its ``ACTIVE_IN`` centres plus the
hosts of the events it takes part in that take place, whatever the window: where an
actor works does not depend on the period asked about.

**Candidates.**  Every actor that

1. is not the requesting actor, nor one of the centres themselves (an actor named
   exactly like a centre: feeds list their own centre as organiser);
2. is an organisation: persons are suggested only with ``include_persons`` (a
   person's involvement is personal data; suggestions are shared around).  Without
   it persons are also left out of network paths (the requesting person excepted),
   so no suggestion names a private person as the go-between;
3. (``other_centres_only``, the default) has at least one centre that is not one of
   the requester's centres.  So an actor active only in the requester's centres, or
   in no centre at all, is left out, while one active in a requester's centre *and*
   another one qualifies: it is a bridge into that other centre.  A requester without
   centres (themes without ``for_space_id``) admits every actor that has a centre;
4. matches the filters, each if given: its kind is in ``kinds``, one of its centres
   is in ``candidate_space_ids``, one of its counted events is about a theme in
   ``candidate_theme_ids``;
5. is related to the requester: shared themes, complementary themes, shared
   activities or network proximity is above zero.  Recency alone says nothing about
   fit, so it only orders the related.

Existing collaborators (sharing a counted event or a project with the requesting
actor; a project's contributors and the participants of its counted events) stay in
the list, marked ``already_connected``: a coordinator planning a meeting wants to see
the partners an actor already has in another centre next to the new ones, and they
are obvious starting points for an introduction.  ``include_connected=False`` leaves
them out, for "only people we do not know yet".

**Score.**  ``sum(weight * value)`` over five components, each value in [0, 1], the
weights summing to 1 (:data:`WEIGHTS`):

============================  ======  ===================================================================
component                     weight  value
============================  ======  ===================================================================
``shared_themes``              0.35   cosine of the two theme profiles (counted events per theme)
``complementary_themes``       0.15   ``co(t, s) / n(t)`` at its largest over themes ``t`` the candidate
                                      has and the requester lacks and themes ``s`` of the requester:
                                      the share of the hub's counted events about ``t`` that are also
                                      about ``s`` (themes that go together)
``shared_activities``          0.20   ``min(n, 3) / 3``; for an actor ``n`` = shared counted events +
                                      shared projects that have a counted event (the network's edge
                                      weight); for a project ``n`` = its counted events the candidate
                                      takes part in, + 1 if it contributes; 0 for themes
``network_proximity``          0.20   ``1 / hops`` in the actor network of the window (as
                                      :func:`build_actor_network` links actors); a project is one hop
                                      from its contributors and participants; 0 when unconnected and
                                      for themes
``recency``                    0.10   1 if the candidate has a counted event after ``now``, else
                                      ``0.5 ** (days since its last counted event / 180)``; 0 without
============================  ======  ===================================================================

**The network, found by search.**  Hops and paths are those of the actor network
(two actors are linked by a counted event both take part in, or a project both
contribute to that has a counted event), but they come from a breadth-first search
over events and projects (:func:`network_reach`) instead of the built network: a
project with a hundred contributors is a clique of ~5,000 edges, and building the
network of a 20,000-actor graph takes over a minute, while the search takes well under a
second.  A test checks the hop counts against :func:`shortest_actor_path` on every pair
of actors.  Among equally short paths the search keeps, for each actor, the smallest
id one hop closer to the start; each hop is explained by :func:`shared_links`, as
:func:`shortest_actor_path` explains its hops.

**Reasons**, in German and in this order, each only when it applies: the candidate's
centres outside the requester's; the shared themes (most shared first); the best
complementary theme, with its numbers; the shared events and projects (for a project:
contributing, and its events the candidate was at); the steps through the network
from two on (one step is a shared activity, named already); the last counted event, or
the next one when there is one after ``now``.

**Cost.**  What does not depend on the requester (profiles, centres, theme
co-occurrence, who took part in which counted event) is computed once per projection
and window (:func:`partner_index`), so a request costs one network search and one
pass over the candidates; reasons and paths are made for the suggestions returned only.

Values and the score are rounded to 4 places; suggestions are ranked by score, ties
by actor id.  ``now`` is part of the request (never the clock), so the same graph and
request always give the same answer.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_right
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from itertools import pairwise, permutations
from math import sqrt

from hub.domain import ActorKind
from hub.insights.actor_network import Hop, NetworkFilter, shared_links
from hub.insights.periods import ALL_TIME, TimeWindow
from hub.insights.projection import Projection
from hub.text import fold


class Component(str, Enum):
    SHARED_THEMES = "shared_themes"
    COMPLEMENTARY_THEMES = "complementary_themes"
    SHARED_ACTIVITIES = "shared_activities"
    NETWORK_PROXIMITY = "network_proximity"
    RECENCY = "recency"


#: How much each component counts; they sum to 1, so a score is in [0, 1] too.
WEIGHTS: Mapping[Component, float] = {
    Component.SHARED_THEMES: 0.35,
    Component.COMPLEMENTARY_THEMES: 0.15,
    Component.SHARED_ACTIVITIES: 0.20,
    Component.NETWORK_PROXIMITY: 0.20,
    Component.RECENCY: 0.10,
}
#: German names of the components, for people reading a score.
COMPONENT_LABELS: Mapping[Component, str] = {
    Component.SHARED_THEMES: "Gemeinsame Themen",
    Component.COMPLEMENTARY_THEMES: "Ergänzende Themen",
    Component.SHARED_ACTIVITIES: "Gemeinsame Aktivitäten",
    Component.NETWORK_PROXIMITY: "Nähe im Netzwerk",
    Component.RECENCY: "Aktualität",
}
#: Days after which an actor's last activity counts half as much.
HALF_LIFE_DAYS = 180
#: Shared events and projects from which on shared activities count fully.
SHARED_ACTIVITIES_FOR_FULL_VALUE = 3
DEFAULT_LIMIT = 10
DIGITS = 4
PERSON = ActorKind.PERSON.value
#: Event or project titles named in one reason, and theme labels; the rest are counted.
_MAX_TITLES = 3
_MAX_THEMES = 5
#: Indexes kept (one per projection and window); a new graph version brings a new projection.
_INDEX_CACHE_SIZE = 8


class PartnerError(ValueError):
    """A request that cannot be answered as asked; the message says why and is safe to show."""


class UnknownIdError(PartnerError):
    """The request names an actor, project, theme or centre the graph does not hold."""

    def __init__(self, what: str, node_id: str) -> None:
        super().__init__(f"there is no {what} with the id {node_id!r}")
        self.what = what
        self.node_id = node_id


@dataclass(frozen=True, kw_only=True)
class PartnerRequest:
    """Who asks (exactly one of actor, project, themes), which candidates, and the date to measure recency from."""

    now: date
    actor_id: str | None = None
    project_id: str | None = None
    theme_ids: tuple[str, ...] | None = None
    for_space_id: str | None = None  # the home centre of a themes request
    kinds: frozenset[str] | None = None  # ActorKind values
    candidate_theme_ids: frozenset[str] | None = None
    candidate_space_ids: frozenset[str] | None = None
    window: TimeWindow = ALL_TIME
    include_persons: bool = False
    other_centres_only: bool = True
    include_connected: bool = True
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class ScorePart:
    component: Component
    value: float  # in [0, 1], rounded
    weight: float

    @property
    def label(self) -> str:
        return COMPONENT_LABELS[self.component]


@dataclass(frozen=True)
class Suggestion:
    actor_id: str
    score: float  # rounded
    parts: tuple[ScorePart, ...]  # in the order of WEIGHTS
    reasons: tuple[str, ...]  # German, most telling first
    path: tuple[Hop, ...]  # from the requester (a project: one of its actors) to the candidate; () if none
    space_ids: tuple[str, ...]  # the candidate's centres, sorted
    already_connected: bool


def suggest_partners(projection: Projection, request: PartnerRequest) -> list[Suggestion]:
    """The best ``request.limit`` partners for the requester, best first (see the module docstring)."""
    _check(projection, request)
    index = partner_index(projection, request.window)
    requester = _requester(projection, index, request)
    scored = (requester.score(actor_id) for actor_id in _candidates(projection, index, requester, request))
    ranked = sorted((s for s in scored if s is not None), key=lambda s: (-s.total, s.actor_id))
    return [requester.explain(scored) for scored in ranked[: request.limit]]


# --- checking the request --------------------------------------------------------------------------


def _check(projection: Projection, request: PartnerRequest) -> None:
    given = [name for name in ("actor_id", "project_id", "theme_ids") if getattr(request, name) is not None]
    if len(given) != 1:
        raise PartnerError("give exactly one of an actor, a project or themes to find partners for")
    if request.theme_ids is not None and not request.theme_ids:
        raise PartnerError("themes must name at least one theme")
    if request.for_space_id is not None and request.theme_ids is None:
        raise PartnerError("a home centre (for_space) only goes with themes; an actor or project has its own centres")
    if request.limit < 0:
        raise PartnerError(f"the limit must not be negative (got {request.limit})")
    if request.kinds and PERSON in request.kinds and not request.include_persons:
        raise PartnerError("persons are suggested only when persons are included explicitly")
    _check_known(projection, request)


def _check_known(projection: Projection, request: PartnerRequest) -> None:
    known_kinds = {kind.value for kind in ActorKind}
    for kind in sorted(request.kinds or ()):
        if kind not in known_kinds:
            raise PartnerError(f"{kind!r} is not a kind of actor")
    lookups: list[tuple[str, Mapping[str, object], Iterable[str]]] = [
        ("actor", projection.actors, [request.actor_id] if request.actor_id else []),
        ("project", projection.projects, [request.project_id] if request.project_id else []),
        ("theme", projection.themes, [*(request.theme_ids or ()), *sorted(request.candidate_theme_ids or ())]),
        ("centre", projection.spaces, [request.for_space_id] if request.for_space_id else []),
        ("centre", projection.spaces, sorted(request.candidate_space_ids or ())),
    ]
    for what, known, ids in lookups:
        for node_id in ids:
            if node_id not in known:
                raise UnknownIdError(what, node_id)


# --- what every request over a projection and window shares ----------------------------------------


@dataclass(frozen=True)
class PartnerIndex:
    """Facts about every actor and theme for one projection and window, computed once and shared."""

    network_filter: NetworkFilter
    events_of: Mapping[str, tuple[str, ...]]  # actor -> its counted events, in id order
    actors_at: Mapping[str, tuple[str, ...]]  # counted event -> its actors (EventFacts.actor_ids, kept)
    profiles: Mapping[str, Counter[str]]  # actor -> theme -> counted events
    norms: Mapping[str, float]  # actor -> Euclidean length of its profile
    days: Mapping[str, tuple[date, ...]]  # actor -> local days of its counted events, sorted, distinct
    centres: Mapping[str, frozenset[str]]  # actor -> ACTIVE_IN + hosts of its events that take place
    theme_events: Counter[str]  # theme -> counted events about it
    co_events: Counter[tuple[str, str]]  # (t, s), both orders -> counted events about both
    project_events: Mapping[str, tuple[str, ...]]  # project -> its counted events, in id order
    persons: frozenset[str]
    centre_actors: frozenset[str]  # actors that are the centres themselves (see _centre_actors)


_indexes: OrderedDict[tuple[int, TimeWindow], tuple[weakref.ref[Projection], PartnerIndex]] = OrderedDict()
_indexes_lock = threading.Lock()


def partner_index(projection: Projection, window: TimeWindow = ALL_TIME) -> PartnerIndex:
    """The index of ``projection`` over ``window``, built on first use and kept while the projection lives.

    Requests run in worker threads; the lock makes concurrent first requests build it once.
    """
    key = (id(projection), window)
    with _indexes_lock:
        entry = _indexes.get(key)
        if entry is not None and entry[0]() is projection:  # an id can be reused after a projection is gone
            _indexes.move_to_end(key)
            return entry[1]
        index = _build_index(projection, window)
        _indexes[key] = (weakref.ref(projection), index)
        while len(_indexes) > _INDEX_CACHE_SIZE:
            _indexes.popitem(last=False)
        return index


def _build_index(projection: Projection, window: TimeWindow) -> PartnerIndex:
    """One pass over the events (this runs cold, on graphs of 100,000 events: each value is computed once)."""
    network_filter = NetworkFilter(window=window)
    centres: dict[str, set[str]] = {actor.id: set(actor.spaces) for actor in projection.actors.values()}
    events_of: dict[str, list[str]] = defaultdict(list)
    themes_of: dict[str, list[str]] = defaultdict(list)
    days_of: dict[str, set[date]] = defaultdict(set)
    actors_at: dict[str, tuple[str, ...]] = {}
    themes: list[str] = []  # the themes of every counted event, counted at the end (far faster than per event)
    theme_pairs: list[tuple[str, str]] = []
    project_events: dict[str, list[str]] = defaultdict(list)
    for event in projection.events.values():
        if not event.takes_place:
            continue
        actors = event.actor_ids
        for actor_id in actors:  # centres do not depend on the window
            centres.setdefault(actor_id, set()).update(event.spaces)
        if not network_filter.admits_event(event):
            continue
        day, actors_at[event.id] = event.local_day, actors
        themes.extend(event.themes)
        theme_pairs.extend(permutations(event.themes, 2))
        for project_id in event.projects:
            project_events[project_id].append(event.id)
        for actor_id in actors:
            events_of[actor_id].append(event.id)
            themes_of[actor_id].extend(event.themes)
            days_of[actor_id].add(day)
    profiles = {actor_id: Counter(themes) for actor_id, themes in themes_of.items()}
    return PartnerIndex(
        network_filter=network_filter,
        events_of={actor_id: tuple(ids) for actor_id, ids in events_of.items()},
        actors_at=actors_at,
        profiles=profiles,
        norms={actor_id: _norm(profile) for actor_id, profile in profiles.items()},
        days={actor_id: tuple(sorted(days)) for actor_id, days in days_of.items()},
        centres={actor_id: frozenset(spaces) for actor_id, spaces in centres.items()},
        theme_events=Counter(themes),
        co_events=Counter(theme_pairs),
        project_events={project_id: tuple(ids) for project_id, ids in project_events.items()},
        persons=frozenset(a.id for a in projection.actors.values() if a.is_person),
        centre_actors=_centre_actors(projection),
    )


def _centre_actors(projection: Projection) -> frozenset[str]:
    """Actors named exactly like one of the six centres (case and umlauts folded).

    The importers do not make a feed's own centre an actor (``importers.resolve.names_centre``),
    but another centre's feed may name it as a partner, and graphs imported before that
    change still hold them.  A coordinator does not need the hub to suggest a centre as a
    partner: the centres are the hub's own members.
    """
    names = {fold(space.name) for space in projection.spaces.values()}
    return frozenset(actor.id for actor in projection.actors.values() if fold(actor.name) in names)


# --- the requester -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scored:
    actor_id: str
    values: Mapping[Component, float]  # unrounded
    total: float  # rounded, what ranking uses (so equal-looking scores tie by id)


@dataclass(frozen=True)
class _Complement:
    """Why ``theme`` complements the requester: it goes with ``partner`` in ``together`` of its ``of`` events."""

    theme: str
    partner: str
    together: int
    of: int

    @property
    def value(self) -> float:
        return self.together / self.of


class _Requester:
    """The requester's side of the comparison, computed once per request; scores and explains candidates."""

    def __init__(
        self,
        projection: Projection,
        index: PartnerIndex,
        request: PartnerRequest,
        profile: Counter[str],
        centres: frozenset[str],
    ) -> None:
        self.projection, self.index, self.request = projection, index, request
        self.profile, self.centres = profile, centres
        self.norm = _norm(profile)
        self.complements = _complements(index, profile)
        hidden = frozenset() if request.include_persons else index.persons - {request.actor_id}
        starts, self.start_hops = self._network_starts()
        self.reach = network_reach(projection, index, starts, hidden)
        self.hops = {a: d + self.start_hops for a, d in self.reach.hops.items() if d + self.start_hops > 0}
        self.shared = self._shared_counts()

    # how the requester sits in the network and what it shares

    def _network_starts(self) -> tuple[set[str], int]:
        """Where the network search starts, and how many hops from the requester that is."""
        if self.request.actor_id is not None:
            return {self.request.actor_id}, 0
        if self.request.project_id is not None:
            return self._project_members(), 1  # a project is one hop from its actors
        return set(), 0

    def _project_members(self) -> set[str]:
        project_id = self.request.project_id or ""
        members = set(self.projection.contributors_by_project.get(project_id, ()))
        for event_id in self.index.project_events.get(project_id, ()):
            members.update(self.index.actors_at[event_id])
        return members

    def _shared_counts(self) -> Counter[str]:
        """Per actor: counted events and active projects shared with the requesting actor or project."""
        counts: Counter[str] = Counter()
        actor_id, project_id = self.request.actor_id, self.request.project_id
        if actor_id is not None:
            for event_id in self.index.events_of.get(actor_id, ()):
                counts.update(self.index.actors_at[event_id])
            for shared_project in self.projection.actors[actor_id].projects:
                if shared_project in self.index.project_events:  # as the network counts projects
                    counts.update(self.projection.contributors_by_project.get(shared_project, ()))
            del counts[actor_id]
        elif project_id is not None:
            counts.update(self.projection.contributors_by_project.get(project_id, ()))
            for event_id in self.index.project_events.get(project_id, ()):
                counts.update(self.index.actors_at[event_id])
        return counts

    # scoring

    def score(self, actor_id: str) -> _Scored | None:
        """The candidate's components and score; None when it is unrelated to the requester."""
        profile = self.index.profiles.get(actor_id, Counter())
        values = {
            Component.SHARED_THEMES: _cosine(self.profile, self.norm, profile, self.index.norms.get(actor_id, 0.0)),
            Component.COMPLEMENTARY_THEMES: max((self._complement_value(t) for t in profile), default=0.0),
            Component.SHARED_ACTIVITIES: min(self.shared.get(actor_id, 0), SHARED_ACTIVITIES_FOR_FULL_VALUE)
            / SHARED_ACTIVITIES_FOR_FULL_VALUE,
            Component.NETWORK_PROXIMITY: 1 / self.hops[actor_id] if actor_id in self.hops else 0.0,
        }
        if not any(values.values()):
            return None
        values[Component.RECENCY] = self._recency(actor_id)
        total = round(sum(WEIGHTS[c] * value for c, value in values.items()), DIGITS)
        return _Scored(actor_id, values, total)

    def _complement_value(self, theme: str) -> float:
        complement = self.complements.get(theme)
        return 0.0 if complement is None else complement.value

    def _recency(self, actor_id: str) -> float:
        days = self.index.days.get(actor_id, ())
        if not days:
            return 0.0
        if days[-1] > self.request.now:
            return 1.0  # it has an event still to come
        return 0.5 ** ((self.request.now - days[-1]).days / HALF_LIFE_DAYS)

    # explaining

    def explain(self, scored: _Scored) -> Suggestion:
        actor_id = scored.actor_id
        path = self._path(actor_id)
        parts = tuple(ScorePart(c, round(scored.values[c], DIGITS), WEIGHTS[c]) for c in WEIGHTS)
        return Suggestion(
            actor_id=actor_id,
            score=scored.total,
            parts=parts,
            reasons=tuple(self._reasons(actor_id, path)),
            path=tuple(path),
            space_ids=tuple(sorted(self.index.centres.get(actor_id, ()))),
            already_connected=self.shared[actor_id] > 0,
        )

    def _reasons(self, actor_id: str, path: list[Hop]) -> Iterable[str]:
        profile = self.index.profiles.get(actor_id, Counter())
        reasons = (
            self._centre_reason(actor_id),
            self._shared_themes_reason(profile),
            self._complement_reason(profile),
            *self._shared_activity_reasons(actor_id),
            self._network_reason(path),
            self._recency_reason(actor_id),
        )
        return (reason for reason in reasons if reason)

    def _centre_reason(self, actor_id: str) -> str | None:
        others = [self.projection.spaces[s].name for s in self.index.centres.get(actor_id, ()) if s not in self.centres]
        if not others:
            return None
        prefix = "Aktiv in anderen Zentren" if self.centres else "Aktiv in"
        return f"{prefix}: {', '.join(sorted(others))}"

    def _shared_themes_reason(self, profile: Counter[str]) -> str | None:
        shared = sorted(
            (t for t in profile if t in self.profile), key=lambda t: (-self.profile[t] * profile[t], self._label(t), t)
        )
        return f"Gemeinsame Themen: {_listed([self._label(t) for t in shared], _MAX_THEMES)}" if shared else None

    def _complement_reason(self, profile: Counter[str]) -> str | None:
        found = [self.complements[t] for t in profile if t in self.complements]
        if not found:
            return None
        best = min(found, key=lambda c: (-c.value, -c.together, c.theme))
        return (
            f"Bringt {self._label(best.theme)} mit, das in {best.together} von {best.of} Veranstaltungen "
            f"zusammen mit {self._label(best.partner)} vorkommt"
        )

    def _shared_activity_reasons(self, actor_id: str) -> list[str | None]:
        if not self.shared.get(actor_id):
            return []
        if self.request.project_id is not None:
            project_id = self.request.project_id
            events = [e for e in self.index.project_events.get(project_id, ()) if actor_id in self.index.actors_at[e]]
            contributes = actor_id in self.projection.contributors_by_project.get(project_id, ())
            return [
                "Wirkt am Projekt mit" if contributes else None,
                f"Bei Veranstaltungen des Projekts dabei: {self._titles(events)}" if events else None,
            ]
        events, projects = shared_links(
            self.projection, self.request.actor_id or "", actor_id, self.index.network_filter
        )
        projects = tuple(p for p in projects if p in self.index.project_events)  # as the network counts them
        return [
            f"Gemeinsame Veranstaltungen: {self._titles(events)}" if events else None,
            f"Gemeinsame Projekte: {_listed(sorted(self.projection.projects[p].name for p in projects))}"
            if projects
            else None,
        ]

    def _network_reason(self, path: list[Hop]) -> str | None:
        hops = self.start_hops + len(path)
        if not path or hops < 2:
            return None  # a direct link is explained by the shared activities
        via = [hop.to_id for hop in path[:-1]]
        if self.start_hops:
            via.insert(0, path[0].from_id)  # the project's actor the path starts at
        return f"{hops} Schritte im Netzwerk: über {' → '.join(self.projection.actors[a].name for a in via)}"

    def _recency_reason(self, actor_id: str) -> str | None:
        days = self.index.days.get(actor_id, ())
        upcoming = days[bisect_right(days, self.request.now) :]
        if upcoming:
            return f"Nächste Veranstaltung am {upcoming[0]:%d.%m.%Y}"
        return f"Zuletzt aktiv am {days[-1]:%d.%m.%Y}" if days else None

    def _path(self, actor_id: str) -> list[Hop]:
        """The search's path from the requester (a project: one of its actors) to the candidate, each hop explained."""
        actors = self.reach.path_to(actor_id)
        network_filter = self.index.network_filter
        return [Hop(a, b, *shared_links(self.projection, a, b, network_filter)) for a, b in pairwise(actors)]

    # small helpers

    def _label(self, theme_id: str) -> str:
        theme = self.projection.themes.get(theme_id)
        return theme.label_de if theme else theme_id

    def _titles(self, event_ids: Iterable[str]) -> str:
        events = sorted((self.projection.events[e] for e in event_ids), key=lambda e: (e.local_day, e.id))
        return _listed([e.title for e in events])


def _requester(projection: Projection, index: PartnerIndex, request: PartnerRequest) -> _Requester:
    if request.actor_id is not None:
        profile = index.profiles.get(request.actor_id, Counter())
        centres = index.centres.get(request.actor_id, frozenset())
    elif request.project_id is not None:
        profile = Counter()
        centres_found: set[str] = set()
        for event in projection.events.values():
            if request.project_id in event.projects and event.takes_place:
                centres_found.update(event.spaces)
        for event_id in index.project_events.get(request.project_id, ()):
            profile.update(projection.events[event_id].themes)
        centres = frozenset(centres_found)
    else:
        profile = Counter(dict.fromkeys(request.theme_ids or (), 1))
        centres = frozenset([request.for_space_id] if request.for_space_id else [])
    return _Requester(projection, index, request, profile, centres)


def _candidates(
    projection: Projection, index: PartnerIndex, requester: _Requester, request: PartnerRequest
) -> Iterable[str]:
    """The actors that may be suggested at all (conditions 1-4 of the module docstring), in id order."""
    for actor_id in sorted(projection.actors):
        actor = projection.actors[actor_id]
        centres = index.centres.get(actor_id, frozenset())
        if (
            actor_id == request.actor_id
            or actor_id in index.centre_actors
            or (actor.is_person and not request.include_persons)
            or (request.other_centres_only and not centres - requester.centres)
            or (request.kinds is not None and actor.kind not in request.kinds)
            or (request.candidate_space_ids is not None and not centres & request.candidate_space_ids)
            or (request.candidate_theme_ids is not None and not _has_theme(index, actor_id, request))
            or (not request.include_connected and requester.shared.get(actor_id, 0) > 0)
        ):
            continue
        yield actor_id


def _has_theme(index: PartnerIndex, actor_id: str, request: PartnerRequest) -> bool:
    return not (request.candidate_theme_ids or frozenset()).isdisjoint(index.profiles.get(actor_id, ()))


# --- the network, by search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """Hops from the start actors to every actor they reach, and each one's predecessor on a shortest path."""

    hops: Mapping[str, int]
    parents: Mapping[str, str]

    def path_to(self, actor_id: str) -> list[str]:
        """The actors from a start to ``actor_id``; empty when it is not reached."""
        if actor_id not in self.hops:
            return []
        actors = [actor_id]
        while actors[-1] in self.parents:
            actors.append(self.parents[actors[-1]])
        return actors[::-1]


def network_reach(
    projection: Projection, index: PartnerIndex, starts: Iterable[str], hidden: frozenset[str] = frozenset()
) -> Reach:
    """Breadth-first from ``starts`` through counted events and active projects, leaving ``hidden`` actors out.

    Each layer is expanded in id order and an actor is claimed by the first that reaches it, so its
    predecessor is the smallest id one hop closer.  Every event and project is expanded once: the
    first expansion claims all the actors it links.
    """
    hops = {actor_id: 0 for actor_id in starts if actor_id not in hidden}
    parents: dict[str, str] = {}
    expanded: tuple[set[str], set[str]] = (set(), set())  # event ids, project ids
    layer, depth = sorted(hops), 0
    while layer:
        depth += 1
        reached = []
        for actor_id in layer:
            for other in _linked(projection, index, actor_id, expanded):
                if other not in hops and other not in hidden:
                    hops[other], parents[other] = depth, actor_id
                    reached.append(other)
        layer = sorted(reached)
    return Reach(hops, parents)


def _linked(
    projection: Projection, index: PartnerIndex, actor_id: str, expanded: tuple[set[str], set[str]]
) -> Iterator[str]:
    """The actors linked to ``actor_id`` through events and projects not expanded before."""
    expanded_events, expanded_projects = expanded
    for event_id in index.events_of.get(actor_id, ()):
        if event_id not in expanded_events:
            expanded_events.add(event_id)
            yield from index.actors_at[event_id]
    for project_id in projection.actors[actor_id].projects:
        if project_id in index.project_events and project_id not in expanded_projects:
            expanded_projects.add(project_id)
            yield from projection.contributors_by_project.get(project_id, ())


# --- arithmetic ------------------------------------------------------------------------------------


def _norm(profile: Counter[str]) -> float:
    return sqrt(sum(count * count for count in profile.values()))


def _cosine(profile: Counter[str], norm: float, other: Counter[str], other_norm: float) -> float:
    if not norm or not other_norm:
        return 0.0
    small, large = (other, profile) if len(other) <= len(profile) else (profile, other)
    dot = sum(count * large[theme] for theme, count in small.items() if theme in large)
    return dot / (norm * other_norm)


def _complements(index: PartnerIndex, profile: Counter[str]) -> dict[str, _Complement]:
    """For each theme the requester lacks, its strongest pairing with one of the requester's themes.

    Pairs are visited in id order and only a strictly stronger one replaces the best so
    far, so on equal counts the requester's theme with the smallest id is named.
    """
    best: dict[str, _Complement] = {}
    for (theme, partner), together in sorted(index.co_events.items()):
        if partner not in profile or theme in profile:
            continue
        if theme not in best or together > best[theme].together:
            best[theme] = _Complement(theme, partner, together, index.theme_events[theme])
    return best


def _listed(names: list[str], most: int = _MAX_TITLES) -> str:
    shown = ", ".join(names[:most])
    rest = len(names) - most
    return f"{shown} und {rest} weitere" if rest > 0 else shown
