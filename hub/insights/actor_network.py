"""The actor network: actors linked by taking part in the same events and projects.

This is the graph researchers analyse and coordinators' partner suggestions walk.
Two actors are linked when they took part in the same event (any role) or
contribute to the same project; an edge's ``weight`` is the number of shared
events plus shared projects, and ``events`` / ``projects`` hold the two parts.

Only events that take place count (cancelled and removed ones do not), and only
those inside the filter's window, centres and themes.  A project links its
contributors when at least one of its events counts, so a window also narrows
project links.  A project with more than :data:`MAX_PROJECT_TEAM` contributors links
none of them directly: that is a programme, not a team, and linking everyone in it to
everyone else would bury the network in cliques (on the benchmark graph, 500 such
projects made 2.4 million of 2.5 million links and the analysis 7x slower).  Its
contributors are still linked through the events they share.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations, pairwise

import networkx as nx

from hub.insights.periods import ALL_TIME, TimeWindow
from hub.insights.projection import EventFacts, Projection


@dataclass(frozen=True)
class NetworkFilter:
    """Which part of the graph a network is built from; ``None`` means "no restriction"."""

    window: TimeWindow = ALL_TIME
    space_ids: frozenset[str] | None = None  # events hosted by one of these centres
    theme_ids: frozenset[str] | None = None  # events about one of these themes
    kinds: frozenset[str] | None = None  # actors of these kinds (ActorKind values)

    def admits_event(self, event: EventFacts) -> bool:
        return (
            event.takes_place
            and self.window.contains(event.local_day)
            and (self.space_ids is None or not self.space_ids.isdisjoint(event.spaces))
            and (self.theme_ids is None or not self.theme_ids.isdisjoint(event.themes))
        )


#: The most contributors a project may have and still link each of them to the others.
MAX_PROJECT_TEAM = 25


def counted_events(projection: Projection, network_filter: NetworkFilter) -> list[EventFacts]:
    """The events a network with this filter is built from, in id order."""
    return [event for event in projection.events.values() if network_filter.admits_event(event)]


def build_actor_network(projection: Projection, network_filter: NetworkFilter | None = None) -> nx.Graph:
    """The weighted, undirected actor network; nodes in id order, attributes plain values.

    Node attributes: ``name``, ``kind``, ``spaces`` (centres of the actor's counted
    events, sorted, as one ``;``-joined string so that GraphML and GEXF can hold it)
    and ``events`` (how many counted events).  Edge attributes: ``weight``,
    ``events``, ``projects``.
    """
    network_filter = network_filter or NetworkFilter()
    events = counted_events(projection, network_filter)
    admitted = _admitted_actors(projection, network_filter)
    event_count: Counter[str] = Counter()
    spaces: dict[str, set[str]] = defaultdict(set)
    shared_events: Counter[tuple[str, str]] = Counter()
    active_projects: set[str] = set()
    for event in events:
        actors = [a for a in event.actor_ids if a in admitted]
        for actor_id in actors:
            event_count[actor_id] += 1
            spaces[actor_id].update(event.spaces)
        shared_events.update(combinations(actors, 2))  # actor_ids are sorted, so pairs are too
        active_projects.update(event.projects)
    shared_projects: Counter[tuple[str, str]] = Counter()
    project_members: set[str] = set()
    for project_id in sorted(active_projects):
        contributors = projection.contributors_by_project.get(project_id, ())
        if len(contributors) > MAX_PROJECT_TEAM:
            continue
        members = sorted(a for a in contributors if a in admitted)
        project_members.update(members)
        shared_projects.update(combinations(members, 2))
    graph = nx.Graph()
    for actor_id in sorted(set(event_count) | project_members):
        actor = projection.actors[actor_id]
        graph.add_node(
            actor_id,
            name=actor.name,
            kind=actor.kind,
            spaces=";".join(sorted(spaces.get(actor_id, ()))),
            events=event_count.get(actor_id, 0),
        )
    for pair in sorted(set(shared_events) | set(shared_projects)):
        n_events, n_projects = shared_events.get(pair, 0), shared_projects.get(pair, 0)
        graph.add_edge(*pair, weight=n_events + n_projects, events=n_events, projects=n_projects)
    return graph


def _admitted_actors(projection: Projection, network_filter: NetworkFilter) -> set[str]:
    kinds = network_filter.kinds
    return {a.id for a in projection.actors.values() if kinds is None or a.kind in kinds}


def node_spaces(graph: nx.Graph, actor_id: str) -> list[str]:
    """The centres stored on a network node (see :func:`build_actor_network`)."""
    joined = graph.nodes[actor_id].get("spaces", "")
    return joined.split(";") if joined else []


def subgraph_of(graph: nx.Graph, actor_ids: Iterable[str]) -> nx.Graph:
    return graph.subgraph(sorted(set(actor_ids) & set(graph.nodes))).copy()


@dataclass(frozen=True)
class Hop:
    """One step of a path through the network, with what links its two actors."""

    from_id: str
    to_id: str
    event_ids: tuple[str, ...]  # events both took part in (counted by the filter), in id order
    project_ids: tuple[str, ...]  # projects both contribute to, in id order


def shared_links(
    projection: Projection, a: str, b: str, network_filter: NetworkFilter | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The counted events and the projects two actors share: why they are linked."""
    network_filter = network_filter or NetworkFilter()
    events_a = set(projection.events_by_actor.get(a, ()))
    shared = [
        event_id
        for event_id in projection.events_by_actor.get(b, ())
        if event_id in events_a and network_filter.admits_event(projection.events[event_id])
    ]
    projects = sorted(set(projection.actors[a].projects) & set(projection.actors[b].projects))
    return tuple(shared), tuple(projects)


def shortest_actor_path(
    projection: Projection, graph: nx.Graph, start: str, end: str, network_filter: NetworkFilter | None = None
) -> list[Hop] | None:
    """The fewest-hops path from ``start`` to ``end`` in ``graph``, each hop explained; None if unconnected.

    Hops, not weights: "a knows b who knows c" is what a coordinator can act on.
    Ties are broken the same way on every run (nodes and edges are added in id order).
    """
    if start not in graph or end not in graph:
        return None
    try:
        nodes = nx.shortest_path(graph, start, end)
    except nx.NetworkXNoPath:
        return None
    return [Hop(a, b, *shared_links(projection, a, b, network_filter)) for a, b in pairwise(nodes)]
