"""The actor network as researchers analyse it: centralities, communities, bridges, paths, change over time.

The network itself is :func:`hub.insights.actor_network.build_actor_network`: actors
linked by shared events and projects, an edge's ``weight`` the number of both.
This module measures it.  The heavy algorithms run in igraph (C); the networkx
graph is converted once, with nodes in id order, so node index ``i`` is the
``i``-th actor id and every tie can be broken by id.

Per actor:

* **degree**: how many other actors it is linked to; **weighted degree**: the sum of
  those links' weights.
* **betweenness**: the share of shortest paths between two other actors that pass
  through it.  Paths are counted in hops, not weights (a stronger tie is not a
  shorter way, and :func:`actor_path` counts hops too).  Normalised as networkx does
  for undirected graphs: divided by ``(n-1)(n-2)/2`` pairs, ``n`` counting every actor
  of the network, isolated ones included.  See :func:`betweenness` for when it is
  exact and when estimated.
* **pagerank**: weighted PageRank, damping 0.85 (igraph's PRPACK solver).
* **community**: the actor's Louvain community (see :func:`louvain_membership`).

Bridges between centres: an actor's *home centre* is the centre it is based at
(``Actor.home_space_id``).  A **bridge** is an actor whose neighbours are based in at
least two centres other than its own home centre: it links actors of different
regions, directly.  Bridges are ranked by betweenness (how much of the network's
traffic they carry), ties by id.  An edge between two actors with different home
centres is a **cross-centre edge**.

All results are plain frozen values, deterministic for a given projection and
filter: same graph, same answer, on either store engine.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import Enum
from typing import Any, NamedTuple

import igraph
import networkx as nx

from hub.insights.actor_network import Hop, NetworkFilter, build_actor_network, node_spaces, shortest_actor_path
from hub.insights.periods import (
    Granularity,
    TimeWindow,
    granularity_of,
    period_key,
    period_range,
    period_start,
    shift_period,
)
from hub.insights.projection import EventFacts, Projection

#: Up to this many actors (and EXACT_BETWEENNESS_MAX_WORK), betweenness is exact; above, estimated.
EXACT_BETWEENNESS_MAX_NODES = 2_000
#: Exact betweenness also needs actors x links to stay below this (about a second in igraph):
#: 2,000 actors with 150,000 links (shared projects make dense networks) would take ten.
EXACT_BETWEENNESS_MAX_WORK = 40_000_000
#: How many source actors the betweenness estimate starts its shortest-path searches from.
BETWEENNESS_SAMPLE_SOURCES = 64
#: Seeds of the two random algorithms, so that every run gives the same answer.
BETWEENNESS_SEED = 20_260_101
LOUVAIN_SEED = 20_260_101
PAGERANK_DAMPING = 0.85
#: Metrics are rounded to this many decimals, so that exports do not depend on the last bit of a float.
DECIMALS = 10
#: How many actors each period of :func:`network_over_time` names.
TOP_ACTORS_PER_PERIOD = 5
#: The longest series :func:`network_over_time` builds (50 years of months).
MAX_PERIODS = 600

# igraph draws its random numbers from one process-wide generator (Python's ``random``
# module unless told otherwise).  Louvain runs hold this lock while a seeded generator
# of their own is installed, so concurrent computations cannot draw from each other's.
_IGRAPH_RANDOM = threading.Lock()


class Centrality(Enum):
    """What actors can be ranked by (always highest first, ties by id)."""

    DEGREE = "degree"
    WEIGHTED_DEGREE = "weighted_degree"
    BETWEENNESS = "betweenness"
    PAGERANK = "pagerank"


@dataclass(frozen=True, slots=True)
class ActorMetrics:
    """One actor of the network with its measures."""

    id: str
    name: str
    kind: str
    home_centre: str | None  # Actor.home_space_id, if that centre exists
    centres: tuple[str, ...]  # centres of the actor's counted events, sorted
    events: int  # counted events the actor took part in
    degree: int
    weighted_degree: int
    betweenness: float
    pagerank: float
    community: int


class Link(NamedTuple):
    """An edge of the network: two actors (``source`` < ``target``) and what they share.

    A named tuple, not a dataclass: a large network has millions of them.
    """

    source: str
    target: str
    weight: int
    events: int
    projects: int


@dataclass(frozen=True, slots=True)
class Community:
    """A Louvain community: its members (by degree, weighted degree, id) and where they are based."""

    id: int
    members: tuple[str, ...]
    centres: tuple[tuple[str, int], ...]  # (centre id, members based there), most members first

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True)
class Bridge:
    """An actor linking actors of at least two centres other than its own home centre."""

    actor_id: str
    home_centre: str | None
    linked_centres: tuple[str, ...]  # home centres of its neighbours, without its own, sorted
    cross_centre_links: int  # neighbours based in another centre than its own
    betweenness: float


@dataclass(frozen=True, slots=True)
class BetweennessMethod:
    """How betweenness was computed: exactly, or estimated from ``sampled_sources`` sources."""

    exact: bool
    sampled_sources: int | None = None
    seed: int | None = None

    def describe(self) -> str:
        if self.exact:
            return "exact (Brandes)"
        return f"estimated from {self.sampled_sources} sampled sources (Brandes-Pich, seed {self.seed})"


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    nodes: int
    edges: int
    density: float
    components: int  # connected components, isolated actors included
    largest_component: int  # actors in the largest one
    communities: int  # Louvain communities of at least two actors (an isolated actor is no community)
    modularity: float | None  # of the Louvain partition; None without edges
    cross_centre_edges: int
    betweenness: BetweennessMethod


@dataclass(frozen=True)
class NetworkAnalysis:
    """The measured network of one projection and filter.  ``graph`` is shared: read it, never change it."""

    snapshot_id: str
    graph_version: int
    network_filter: NetworkFilter
    graph: nx.Graph
    actors: Mapping[str, ActorMetrics]  # in id order
    communities: tuple[Community, ...]  # by size, largest first, then by smallest member id
    bridges: tuple[Bridge, ...]  # by betweenness, highest first, then by id
    summary: NetworkSummary

    # Derived lists, built on first use: rankings per measure, and the edge list.
    _derived: dict[object, Any] = field(default_factory=dict, repr=False, compare=False)

    def ranked(self, by: Centrality = Centrality.PAGERANK) -> list[ActorMetrics]:
        """Every actor, highest ``by`` first, ties by id (sorted once per measure, then reused)."""
        if by not in self._derived:
            self._derived[by] = sorted(self.actors.values(), key=lambda a: (-getattr(a, by.value), a.id))
        return self._derived[by]

    @property
    def links(self) -> tuple[Link, ...]:
        """Every edge, in (source, target) order.

        Built when first asked for (by an export): a large network has millions of
        edges, and neither the measures nor a page of top actors needs them all.
        """
        if "links" not in self._derived:
            names = list(self.actors)
            self._derived["links"] = tuple(
                Link._make((names[i], names[j], d["weight"], d["events"], d["projects"]))
                for i, j, d in zip(*indexed_edges(self.graph), strict=True)
            )
        return self._derived["links"]

    def links_among(self, actor_ids: Iterable[str]) -> list[Link]:
        """The edges whose both ends are among ``actor_ids``, in (source, target) order.

        Looks up each pair in the adjacency: a page of top actors costs a few thousand
        lookups, however many edges the whole network has.
        """
        chosen = sorted(set(actor_ids) & set(self.actors))
        adjacency = self.graph.adj
        links = []
        for position, source in enumerate(chosen):
            neighbours = adjacency[source]
            for target in chosen[position + 1 :]:
                if (data := neighbours.get(target)) is not None:
                    links.append(Link(source, target, data["weight"], data["events"], data["projects"]))
        return links

    def community_members(self, community: Community, first: int | None = None) -> list[ActorMetrics]:
        """The community's members (best-linked first), the first ``first`` of them if given."""
        return [self.actors[actor_id] for actor_id in community.members[:first]]


# --- the analysis ----------------------------------------------------------------------------------


def analyse_network(
    projection: Projection,
    network_filter: NetworkFilter | None = None,
    *,
    exact_betweenness_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    sample_sources: int = BETWEENNESS_SAMPLE_SOURCES,
) -> NetworkAnalysis:
    """The actor network of ``projection`` under ``network_filter``, measured.

    An empty network (a window without events, say) is an analysis with no actors,
    not an error.
    """
    network_filter = network_filter or NetworkFilter()
    graph = build_actor_network(projection, network_filter)
    names = list(graph.nodes)
    edges = indexed_edges(graph)
    compact = _igraph_of(len(names), edges)
    between, method = betweenness(compact, exact_max_nodes=exact_betweenness_max_nodes, sample_sources=sample_sources)
    membership = louvain_membership(compact)
    community_of = _numbered_communities(membership)
    homes = _home_centres(projection, names)
    pagerank = compact.pagerank(weights="weight", damping=PAGERANK_DAMPING, directed=False) if names else []
    strengths = compact.strength(weights="weight") if names else []
    degrees = compact.degree()
    attributes = graph.nodes
    actors = {
        actor_id: ActorMetrics(
            id=actor_id,
            name=attributes[actor_id]["name"],
            kind=attributes[actor_id]["kind"],
            home_centre=homes[actor_id],
            centres=tuple(node_spaces(graph, actor_id)),
            events=attributes[actor_id]["events"],
            degree=degrees[index],
            weighted_degree=round(strengths[index]),
            betweenness=round(between[index], DECIMALS),
            pagerank=round(pagerank[index], DECIMALS),
            community=community_of[membership[index]],
        )
        for index, actor_id in enumerate(names)
    }
    communities = _communities(actors, homes)
    summary = _summary(compact, actors, edges, communities, [homes[actor_id] for actor_id in names], method)
    return NetworkAnalysis(
        snapshot_id=projection.snapshot_id,
        graph_version=projection.version,
        network_filter=network_filter,
        graph=graph,
        actors=actors,
        communities=communities,
        bridges=_bridges(compact, names, actors, homes),
        summary=summary,
    )


class IndexedEdges(NamedTuple):
    """Every edge once, as three parallel lists: node indices ``source < target`` and the attributes.

    Sorted by (source, target); nodes are in id order, so that is id order too.
    Parallel lists of ints rather than a tuple per edge: millions of long-lived
    tuples would keep the garbage collector busy scanning them.
    """

    sources: list[int]
    targets: list[int]
    attributes: list[dict[str, Any]]


def indexed_edges(graph: nx.Graph) -> IndexedEdges:
    """The edges of ``graph`` by node index (node ``i`` is the ``i``-th node), read from the plain
    adjacency dicts, which is several times faster than networkx's edge views on millions of edges."""
    index = {node: i for i, node in enumerate(graph)}
    edges = IndexedEdges([], [], [])
    for i, (_, neighbours) in enumerate(graph.adjacency()):
        later = sorted((j, other) for other in neighbours if (j := index[other]) > i)
        for j, other in later:
            edges.sources.append(i)
            edges.targets.append(j)
            edges.attributes.append(neighbours[other])
    return edges


def to_igraph(graph: nx.Graph) -> igraph.Graph:
    """``graph`` as an igraph graph: vertex ``i`` is the ``i``-th node of ``graph``; edges keep ``weight``."""
    return _igraph_of(graph.number_of_nodes(), indexed_edges(graph))


def _igraph_of(nodes: int, edges: IndexedEdges) -> igraph.Graph:
    weights = [attributes["weight"] for attributes in edges.attributes]
    return igraph.Graph(n=nodes, edges=zip(edges.sources, edges.targets, strict=True), edge_attrs={"weight": weights})


def betweenness(
    graph: igraph.Graph,
    *,
    exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    sample_sources: int = BETWEENNESS_SAMPLE_SOURCES,
    seed: int = BETWEENNESS_SEED,
) -> tuple[list[float], BetweennessMethod]:
    """Normalised hop betweenness of every vertex, and how it was obtained.

    Exact betweenness (Brandes) costs O(V·E): about a second for 2,000 actors with
    20,000 links, minutes for the regional network at full size (20,000 actors).  It
    is exact up to ``exact_max_nodes`` vertices (:data:`EXACT_BETWEENNESS_MAX_NODES`,
    2,000) as long as vertices x edges stays within :data:`EXACT_BETWEENNESS_MAX_WORK`
    (40 million), so small networks and every test graph get exact values.

    Above, it is the Brandes-Pich (2007) estimate.  ``k = sample_sources``
    (:data:`BETWEENNESS_SAMPLE_SOURCES`, 64) source vertices are drawn without
    replacement with ``random.Random(seed)`` over the vertices in id order, so the same
    graph always gets the same sample.  For each source ``s`` a shortest-path search
    gives every vertex ``v`` its dependency ``δ_s(v)`` (igraph's subset betweenness
    with these sources and all vertices as targets returns ``½ Σ_s δ_s(v)``), and the
    sum is scaled by ``n / k``.  Exact betweenness is ``½ Σ δ_s(v)`` over all ``n``
    sources, so the estimate is unbiased, and equal to it when ``k = n``; its relative
    error shrinks like ``1/√k`` and is smallest for the high-betweenness actors a
    ranking is about.  The cost is ``k`` searches instead of ``n``.
    """
    n = graph.vcount()
    if n < 3:
        return [0.0] * n, BetweennessMethod(exact=True)
    if n <= exact_max_nodes and n * graph.ecount() <= EXACT_BETWEENNESS_MAX_WORK:
        raw, method = graph.betweenness(directed=False), BetweennessMethod(exact=True)
    else:
        k = min(sample_sources, n)
        sources = sorted(random.Random(seed).sample(range(n), k))
        raw = [value * n / k for value in graph.betweenness(directed=False, sources=sources)]
        method = BetweennessMethod(exact=False, sampled_sources=k, seed=seed)
    pairs = (n - 1) * (n - 2) / 2
    return [value / pairs for value in raw], method


def louvain_membership(graph: igraph.Graph, seed: int = LOUVAIN_SEED) -> list[int]:
    """Louvain communities (igraph ``community_multilevel``, weighted, resolution 1) as a membership list.

    igraph visits vertices in a random order; with a seeded generator installed for
    the run (under a lock, since the generator is process-wide) the partition is the
    same on every run.
    """
    if graph.vcount() == 0:
        return []
    with _IGRAPH_RANDOM:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            return list(graph.community_multilevel(weights="weight").membership)
        finally:
            igraph.set_random_number_generator(random)


def _numbered_communities(membership: Sequence[int]) -> dict[int, int]:
    """igraph's community labels renumbered from 0: largest first, ties by the smallest member (id order)."""
    sizes = Counter(membership)
    first_member: dict[int, int] = {}
    for index, label in enumerate(membership):
        first_member.setdefault(label, index)
    order = sorted(sizes, key=lambda label: (-sizes[label], first_member[label]))
    return {label: number for number, label in enumerate(order)}


def _home_centres(projection: Projection, actor_ids: Iterable[str]) -> dict[str, str | None]:
    homes = {}
    for actor_id in actor_ids:
        home = projection.actors[actor_id].home_space_id
        homes[actor_id] = home if home in projection.spaces else None
    return homes


def _member_order(actor: ActorMetrics) -> tuple[int, int, str]:
    return (-actor.degree, -actor.weighted_degree, actor.id)


def _communities(actors: Mapping[str, ActorMetrics], homes: Mapping[str, str | None]) -> tuple[Community, ...]:
    members: dict[int, list[ActorMetrics]] = {}
    for actor in actors.values():
        members.setdefault(actor.community, []).append(actor)
    communities = []
    for number in sorted(members):
        ranked = sorted(members[number], key=_member_order)
        based = Counter(homes[a.id] for a in ranked if homes[a.id] is not None)
        centres = tuple(sorted(based.items(), key=lambda item: (-item[1], item[0])))
        communities.append(Community(number, tuple(a.id for a in ranked), centres))
    return tuple(communities)


def _bridges(
    compact: igraph.Graph,
    names: Sequence[str],
    actors: Mapping[str, ActorMetrics],
    homes: Mapping[str, str | None],
) -> tuple[Bridge, ...]:
    home_at = [homes[actor_id] for actor_id in names]
    bridges = []
    for index, neighbours in enumerate(compact.get_adjlist() if names else []):
        own = home_at[index]
        foreign = [home_at[other] for other in neighbours if home_at[other] is not None and home_at[other] != own]
        linked = tuple(sorted(set(foreign)))
        if len(linked) >= 2:
            actor_id = names[index]
            bridges.append(Bridge(actor_id, own, linked, len(foreign), actors[actor_id].betweenness))
    return tuple(sorted(bridges, key=lambda b: (-b.betweenness, b.actor_id)))


def _summary(
    compact: igraph.Graph,
    actors: Mapping[str, ActorMetrics],
    edges: IndexedEdges,
    communities: Sequence[Community],
    home_at: Sequence[str | None],
    method: BetweennessMethod,
) -> NetworkSummary:
    n = len(actors)
    components = compact.connected_components().sizes() if n else []
    membership = [actor.community for actor in actors.values()]
    count = len(edges.sources)
    modularity = compact.modularity(membership, weights="weight") if count else None
    return NetworkSummary(
        nodes=n,
        edges=count,
        density=_density(n, count),
        components=len(components),
        largest_component=max(components, default=0),
        communities=sum(1 for c in communities if c.size >= 2),
        modularity=None if modularity is None else round(modularity, DECIMALS),
        cross_centre_edges=sum(
            1 for i, j in zip(edges.sources, edges.targets, strict=True) if _crosses_centres(home_at[i], home_at[j])
        ),
        betweenness=method,
    )


def _crosses_centres(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def _density(nodes: int, edges: int) -> float:
    """Edges present among all possible ones (0 for fewer than two actors)."""
    return round(2 * edges / (nodes * (nodes - 1)), DECIMALS) if nodes > 1 else 0.0


# --- paths -----------------------------------------------------------------------------------------


class UnknownActorError(LookupError):
    """An actor id the graph does not hold; the message names it."""

    def __init__(self, actor_id: str) -> None:
        super().__init__(f"no actor with id {actor_id!r}")
        self.actor_id = actor_id


@dataclass(frozen=True)
class ActorPath:
    """The fewest-hops way between two actors, or ``hops=None`` and the ``reason`` why there is none."""

    from_id: str
    to_id: str
    hops: tuple[Hop, ...] | None
    reason: str | None = None


def actor_path(
    projection: Projection,
    from_id: str,
    to_id: str,
    network_filter: NetworkFilter | None = None,
    graph: nx.Graph | None = None,
) -> ActorPath:
    """The shortest path between two actors in the network, each hop explained (shared events, projects).

    ``graph`` is the network of ``network_filter`` if already built (an analysis has it).
    Unknown ids raise :class:`UnknownActorError`; actors outside the network or without
    a connection get ``hops=None`` and a German reason; an actor to itself is zero hops.
    """
    network_filter = network_filter or NetworkFilter()
    for actor_id in (from_id, to_id):
        if actor_id not in projection.actors:
            raise UnknownActorError(actor_id)
    graph = build_actor_network(projection, network_filter) if graph is None else graph
    for actor_id in (from_id, to_id):
        if actor_id not in graph:
            name = projection.actors[actor_id].name
            reason = f"{name} kommt im Netzwerk dieses Zeitraums und Filters nicht vor."
            return ActorPath(from_id, to_id, None, reason)
    hops = shortest_actor_path(projection, graph, from_id, to_id, network_filter)
    if hops is None:
        names = (projection.actors[from_id].name, projection.actors[to_id].name)
        reason = f"Zwischen {names[0]} und {names[1]} gibt es im Netzwerk keinen Weg: sie sind nicht verbunden."
        return ActorPath(from_id, to_id, None, reason)
    return ActorPath(from_id, to_id, tuple(hops))


# --- change over time ------------------------------------------------------------------------------


class TooManyPeriodsError(ValueError):
    """The window spans more periods than :data:`MAX_PERIODS`; the message says how many."""


@dataclass(frozen=True, slots=True)
class PeriodNetwork:
    """The network of one period (its events only) in a few numbers."""

    period: str  # a period key: 2026-03, 2026-Q1 or 2026
    nodes: int
    edges: int
    density: float
    communities: int  # Louvain communities of at least two actors
    new_actors: int  # actors not in the network of any earlier period of the series
    top_actors: tuple[tuple[str, int], ...]  # (actor id, degree), highest degree first, ties by id


def network_over_time(
    projection: Projection, granularity: Granularity, network_filter: NetworkFilter | None = None
) -> list[PeriodNetwork]:
    """The network period by period, from the filter's window (or the first counted event) to its end.

    Each period's network is built from that period's events alone.  Periods without
    events are listed with zeros, so a series has no gaps; no events at all is an
    empty list.  More than :data:`MAX_PERIODS` periods raise :class:`TooManyPeriodsError`.
    """
    network_filter = network_filter or NetworkFilter()
    by_period = _events_by_period(projection, network_filter, granularity)
    if not by_period:
        return []
    periods = _periods(network_filter.window, min(by_period), max(by_period))
    if len(periods) > MAX_PERIODS:
        raise TooManyPeriodsError(
            f"the window spans {len(periods)} periods of a {granularity.value}; at most {MAX_PERIODS} are built, "
            "so narrow the window or choose a longer period"
        )
    seen: set[str] = set()
    series = []
    for key in periods:
        window = _intersect(network_filter.window, _period_window(key))
        sliced = _with_events(projection, by_period.get(key, []))
        graph = build_actor_network(sliced, replace(network_filter, window=window))
        series.append(_period_network(key, graph, seen))
        seen.update(graph.nodes)
    return series


def _events_by_period(
    projection: Projection, network_filter: NetworkFilter, granularity: Granularity
) -> dict[str, list[EventFacts]]:
    """The counted events, grouped by period key; each event's local day is worked out once."""
    grouped: dict[str, list[EventFacts]] = {}
    for event in projection.events.values():
        if network_filter.admits_event(event):
            grouped.setdefault(period_key(event.local_day, granularity), []).append(event)
    return grouped


def _periods(window: TimeWindow, first_with_events: str, last_with_events: str) -> list[str]:
    """Every period key from the window's start (or the first event) to its end (or the last event)."""
    granularity = granularity_of(first_with_events)
    first = period_key(window.start, granularity) if window.start else first_with_events
    last = period_key(window.end - timedelta(days=1), granularity) if window.end else last_with_events
    return period_range(first, last)


def _period_window(key: str) -> TimeWindow:
    return TimeWindow(period_start(key), period_start(shift_period(key, 1)))


def _intersect(a: TimeWindow, b: TimeWindow) -> TimeWindow:
    starts = [d for d in (a.start, b.start) if d is not None]
    ends = [d for d in (a.end, b.end) if d is not None]
    return TimeWindow(max(starts, default=None), min(ends, default=None))


def _with_events(projection: Projection, events: Sequence[EventFacts]) -> Projection:
    """``projection`` narrowed to ``events``, so building one period's network reads only its events."""
    return replace(projection, events={event.id: event for event in events})


def _period_network(key: str, graph: nx.Graph, seen: set[str]) -> PeriodNetwork:
    degree_of: Callable[[str], int] = graph.degree
    top = sorted(graph.nodes, key=lambda actor_id: (-degree_of(actor_id), actor_id))[:TOP_ACTORS_PER_PERIOD]
    membership = louvain_membership(to_igraph(graph))
    sizes = Counter(membership)
    return PeriodNetwork(
        period=key,
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        density=_density(graph.number_of_nodes(), graph.number_of_edges()),
        communities=sum(1 for size in sizes.values() if size >= 2),
        new_actors=sum(1 for actor_id in graph.nodes if actor_id not in seen),
        top_actors=tuple((actor_id, degree_of(actor_id)) for actor_id in top),
    )


__all__ = [
    "ActorMetrics",
    "ActorPath",
    "BetweennessMethod",
    "Bridge",
    "Centrality",
    "Community",
    "Link",
    "NetworkAnalysis",
    "NetworkSummary",
    "PeriodNetwork",
    "TooManyPeriodsError",
    "UnknownActorError",
    "actor_path",
    "analyse_network",
    "betweenness",
    "louvain_membership",
    "network_over_time",
    "to_igraph",
]
