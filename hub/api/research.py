"""Researchers' view: the actor network, its centralities, communities, bridges and paths, and how it changes.

``network(filter, first, orderBy)`` answers "what does the regional innovation
network look like, and who bridges regions?"; ``actorPath(from, to)`` "how are these
two connected?"; ``networkOverTime(granularity)`` "how does it change?".  The
measures and their definitions live in :mod:`hub.insights.network`; this module turns
arguments into a :class:`~hub.insights.actor_network.NetworkFilter`, runs the
computation through the per-graph-version cache (``info.context.insights``), and
loads actors, centres, events and projects through the request's loaders.

GraphQL returns the top of the network; the whole of it is downloadable from the
``/exports/…`` routes (:mod:`hub.api.exports`), whose URLs for the same filter are
in ``network { snapshot { exports { … } } }``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta
from enum import Enum
from typing import Annotated

import strawberry

from hub import __version__, domain
from hub.api.context import Info
from hub.api.errors import ApiError
from hub.api.exports import UnknownExportIdError, cached_analysis, cached_table, check_known_ids, export_url
from hub.api.ids import node_ids_of
from hub.api.inputs import Granularity
from hub.api.pagination import MAX_PAGE_SIZE
from hub.api.types import Actor, ActorKind, Event, Project, Space, Theme
from hub.insights import network as measured
from hub.insights.actor_network import Hop, NetworkFilter
from hub.insights.export import ExportFormat, citation
from hub.insights.periods import TimeWindow
from hub.insights.projection import Projection

DEFAULT_NODES = 50
DEFAULT_GROUPS = 20
DEFAULT_MEMBERS = 5


@strawberry.enum(description="What network actors are ranked by (highest first, ties by id).")
class NetworkNodeOrder(Enum):
    DEGREE = measured.Centrality.DEGREE.value
    WEIGHTED_DEGREE = measured.Centrality.WEIGHTED_DEGREE.value
    BETWEENNESS = measured.Centrality.BETWEENNESS.value
    PAGERANK = measured.Centrality.PAGERANK.value

    @property
    def centrality(self) -> measured.Centrality:
        return measured.Centrality(self.value)


@strawberry.input(description="Which part of the actor network to analyse; every given condition must hold.")
class NetworkFilterInput:
    starts_from: date | None = strawberry.field(
        default=None, name="from", description="Only events on or after this day (local date) count."
    )
    starts_before: date | None = strawberry.field(
        default=None, name="to", description="Only events before this day (local date) count."
    )
    spaces: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only events hosted by one of these centres count (empty: no restriction)."
    )
    themes: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only events about one of these themes count (empty: no restriction)."
    )
    kinds: list[ActorKind] | None = strawberry.field(
        default=None, description="Only actors of these kinds are in the network (empty: no restriction)."
    )


# --- output types ----------------------------------------------------------------------------------


async def _actor(info: Info, actor_id: str) -> Actor | None:
    found = await info.context.loaders.nodes(domain.Actor).load(actor_id)
    return None if found is None else Actor.from_model(found)


async def _space(info: Info, space_id: str | None) -> Space | None:
    if space_id is None:
        return None
    found = await info.context.loaders.nodes(domain.Space).load(space_id)
    return None if found is None else Space.from_model(found)


async def _spaces(info: Info, space_ids: Sequence[str]) -> list[Space]:
    return [Space.from_model(s) for s in await info.context.loaders.load(domain.Space, list(space_ids))]


@strawberry.type(description="An actor of the network with its measures.")
class NetworkNode:
    # Measures are plain fields, not resolvers: a page of nodes and their edges is thousands of values.
    degree: int = strawberry.field(description="How many other actors it shares an event or a project with.")
    weighted_degree: int = strawberry.field(
        description="The sum of its links' weights (shared events plus shared projects)."
    )
    betweenness: float = strawberry.field(
        description="Share of shortest paths (in hops) between two other actors that pass through it, "
        "normalised to 0..1; estimated on large networks (see summary.betweennessMethod)."
    )
    pagerank: float = strawberry.field(description="Weighted PageRank (damping 0.85); all actors' values sum to 1.")
    community: int = strawberry.field(
        description="Its Louvain community (0 is the largest); see ActorNetwork.communities."
    )
    events: int = strawberry.field(description="How many counted events it took part in.")
    name: str = strawberry.field(description="The actor's name; for researchers, a person's stable pseudonym.")
    kind: ActorKind
    metrics: strawberry.Private[measured.ActorMetrics]

    @classmethod
    def of(cls, metrics: measured.ActorMetrics) -> NetworkNode:
        return cls(
            name=metrics.name,
            kind=ActorKind(metrics.kind),
            degree=metrics.degree,
            weighted_degree=metrics.weighted_degree,
            betweenness=metrics.betweenness,
            pagerank=metrics.pagerank,
            community=metrics.community,
            events=metrics.events,
            metrics=metrics,
        )

    @strawberry.field(
        description="The actor (null if it was deleted since, and for a pseudonymised person, who is "
        "reachable only through their events)."
    )
    async def actor(self, info: Info) -> Actor | None:
        return await _actor(info, self.metrics.id)

    @strawberry.field(description="The centre it is based at, if known.")
    async def home_centre(self, info: Info) -> Space | None:
        return await _space(info, self.metrics.home_centre)

    @strawberry.field(description="The centres hosting its counted events.")
    async def centres(self, info: Info) -> list[Space]:
        return await _spaces(info, self.metrics.centres)


@strawberry.type(description="A link of the network: two actors and what they share within the filter.")
class NetworkEdge:
    weight: int = strawberry.field(description="Shared events plus shared projects.")
    events: int = strawberry.field(description="How many counted events both took part in.")
    projects: int = strawberry.field(description="How many projects (with a counted event) both contribute to.")
    link: strawberry.Private[measured.Link]

    @classmethod
    def of(cls, link: measured.Link) -> NetworkEdge:
        return cls(weight=link.weight, events=link.events, projects=link.projects, link=link)

    @strawberry.field(description="One end (the smaller actor id).")
    async def source(self, info: Info) -> Actor | None:
        return await _actor(info, self.link.source)

    @strawberry.field(description="The other end.")
    async def target(self, info: Info) -> Actor | None:
        return await _actor(info, self.link.target)


@strawberry.type(description="How many members of a community are based at a centre.")
class NetworkCommunityCentre:
    space_id: strawberry.Private[str]
    members: int

    @strawberry.field(description="The centre.")
    async def space(self, info: Info) -> Space | None:
        return await _space(info, self.space_id)


@strawberry.type(description="A Louvain community of the network (weighted, resolution 1, fixed seed).")
class NetworkCommunity:
    id: int = strawberry.field(description="Its number: communities are numbered by size, largest first, from 0.")
    size: int
    community: strawberry.Private[measured.Community]
    analysis: strawberry.Private[measured.NetworkAnalysis]

    @strawberry.field(description="Its best-linked members: by degree, then weighted degree, then id.")
    def top_members(
        self, first: Annotated[int, strawberry.argument(description="At most 100.")] = DEFAULT_MEMBERS
    ) -> list[NetworkNode]:
        members = self.analysis.community_members(self.community, _checked_first(first, "topMembers.first"))
        return [NetworkNode.of(m) for m in members]

    @strawberry.field(description="The centres its members are based at, most members first.")
    def centres(self) -> list[NetworkCommunityCentre]:
        return [NetworkCommunityCentre(space_id=s, members=n) for s, n in self.community.centres]


@strawberry.type(
    description="An actor linking actors based at two or more centres other than its own home centre, "
    "ranked by betweenness."
)
class NetworkBridge:
    bridge: strawberry.Private[measured.Bridge]
    node: NetworkNode = strawberry.field(description="The actor and its measures.")

    @strawberry.field(description="How many of its neighbours are based at another centre.")
    def cross_centre_links(self) -> int:
        return self.bridge.cross_centre_links

    @strawberry.field(description="The centre it is based at, if known.")
    async def home_centre(self, info: Info) -> Space | None:
        return await _space(info, self.bridge.home_centre)

    @strawberry.field(description="The other centres its neighbours are based at.")
    async def linked_centres(self, info: Info) -> list[Space]:
        return await _spaces(info, self.bridge.linked_centres)


@strawberry.type(description="The network in numbers.")
class NetworkSummary:
    nodes: int
    edges: int
    density: float = strawberry.field(description="Links present among all possible ones.")
    components: int = strawberry.field(description="Connected components, isolated actors included.")
    largest_component: int = strawberry.field(description="Actors in the largest component.")
    communities: int = strawberry.field(description="Louvain communities of at least two actors.")
    modularity: float | None = strawberry.field(description="Of the Louvain partition; null without links.")
    cross_centre_edges: int = strawberry.field(description="Links between actors based at different centres.")
    betweenness_exact: bool = strawberry.field(description="False when betweenness is estimated (large networks).")
    betweenness_method: str = strawberry.field(description="How betweenness was computed, to cite.")


@strawberry.type(description="Download paths of the whole network for the same filter (relative to the hub's URL).")
class NetworkExports:
    graphml: str = strawberry.field(description="GraphML, for Gephi, yEd and networkx.read_graphml.")
    gexf: str = strawberry.field(description="GEXF 1.2, for Gephi and networkx.read_gexf.")
    json: str = strawberry.field(description="Node-link JSON, for networkx.node_link_graph (metadata in 'meta').")
    zip: str = strawberry.field(description="nodes.csv, edges.csv and meta.json in one zip.")
    nodes_csv: str = strawberry.field(description="The actors and their measures as CSV.")
    edges_csv: str = strawberry.field(description="The links as CSV.")


@strawberry.type(description="Which state of the graph, and which part of it, an answer describes: cite these.")
class NetworkSnapshot:
    analysis: strawberry.Private[measured.NetworkAnalysis]

    @strawberry.field(description="Hash of the graph's content: the same data gives the same id, on either engine.")
    def id(self) -> str:
        return self.analysis.snapshot_id

    @strawberry.field(description="The store's graph version the answer was computed from.")
    def graph_version(self) -> int:
        return self.analysis.graph_version

    @strawberry.field(description="The first day counted (local date), null if open.")
    def first_day(self) -> date | None:
        return self.analysis.network_filter.window.start

    @strawberry.field(description="The last day counted (local date, included), null if open.")
    def last_day(self) -> date | None:
        end = self.analysis.network_filter.window.end
        return None if end is None else end - timedelta(days=1)

    @strawberry.field(description="Only events of these centres counted; null: no restriction.")
    async def spaces(self, info: Info) -> list[Space] | None:
        ids = self.analysis.network_filter.space_ids
        return None if ids is None else await _spaces(info, sorted(ids))

    @strawberry.field(description="Only events about these themes counted; null: no restriction.")
    async def themes(self, info: Info) -> list[Theme] | None:
        ids = self.analysis.network_filter.theme_ids
        if ids is None:
            return None
        return [Theme.from_model(t) for t in await info.context.loaders.load(domain.Theme, sorted(ids))]

    @strawberry.field(description="Only actors of these kinds; null: no restriction.")
    def kinds(self) -> list[ActorKind] | None:
        kinds = self.analysis.network_filter.kinds
        return None if kinds is None else [domain.ActorKind(k) for k in sorted(kinds)]

    @strawberry.field(description="The hub's software version.")
    def hub_version(self) -> str:
        return __version__

    @strawberry.field(description="SHA-256 of the whole network's nodes and edges, as in the exports' metadata.")
    async def content_hash(self, info: Info) -> str:
        table = await cached_table(info.context.insights, self.analysis.network_filter)
        return f"sha256:{table.content_hash}"

    @strawberry.field(description="A line to quote: snapshot, graph version, window, filters, hub version, hash.")
    async def citation(self, info: Info) -> str:
        return citation(self.analysis, await cached_table(info.context.insights, self.analysis.network_filter))

    @strawberry.field(description="Where to download the whole network for this filter: /exports/network.graphml …")
    def exports(self) -> NetworkExports:
        f = self.analysis.network_filter
        return NetworkExports(
            graphml=export_url(ExportFormat.GRAPHML, f),
            gexf=export_url(ExportFormat.GEXF, f),
            json=export_url(ExportFormat.JSON, f),
            zip=export_url(ExportFormat.ZIP, f),
            nodes_csv=export_url(ExportFormat.NODES_CSV, f),
            edges_csv=export_url(ExportFormat.EDGES_CSV, f),
        )


@strawberry.type(description="The actor network: actors linked by shared events and projects, measured.")
class ActorNetwork:
    analysis: strawberry.Private[measured.NetworkAnalysis]
    top: strawberry.Private[list[measured.ActorMetrics]]

    @strawberry.field(description="Which snapshot and filter this describes, and where to download all of it.")
    def snapshot(self) -> NetworkSnapshot:
        return NetworkSnapshot(analysis=self.analysis)

    @strawberry.field(description="The whole network in numbers (not only the returned nodes).")
    def summary(self) -> NetworkSummary:
        s = self.analysis.summary
        return NetworkSummary(
            nodes=s.nodes,
            edges=s.edges,
            density=s.density,
            components=s.components,
            largest_component=s.largest_component,
            communities=s.communities,
            modularity=s.modularity,
            cross_centre_edges=s.cross_centre_edges,
            betweenness_exact=s.betweenness.exact,
            betweenness_method=s.betweenness.describe(),
        )

    @strawberry.field(description="The top actors by the network field's orderBy (its first argument says how many).")
    def nodes(self) -> list[NetworkNode]:
        return [NetworkNode.of(m) for m in self.top]

    @strawberry.field(description="The links among the returned nodes, in (source, target) id order.")
    def edges(self) -> list[NetworkEdge]:
        return [NetworkEdge.of(link) for link in self.analysis.links_among(m.id for m in self.top)]

    @strawberry.field(description="Louvain communities of at least two actors, largest first.")
    def communities(
        self, first: Annotated[int, strawberry.argument(description="At most 100.")] = DEFAULT_GROUPS
    ) -> list[NetworkCommunity]:
        groups = [c for c in self.analysis.communities if c.size >= 2][: _checked_first(first, "communities.first")]
        return [NetworkCommunity(id=c.id, size=c.size, community=c, analysis=self.analysis) for c in groups]

    @strawberry.field(
        description="Actors whose neighbours are based at two or more centres other than their own, "
        "highest betweenness first."
    )
    def bridges(
        self, first: Annotated[int, strawberry.argument(description="At most 100.")] = DEFAULT_GROUPS
    ) -> list[NetworkBridge]:
        chosen = self.analysis.bridges[: _checked_first(first, "bridges.first")]
        return [NetworkBridge(bridge=b, node=NetworkNode.of(self.analysis.actors[b.actor_id])) for b in chosen]


@strawberry.type(description="One step of a path: two actors and the events and projects they share.")
class NetworkPathHop:
    hop: strawberry.Private[Hop]

    @strawberry.field(name="from", description="The actor this step starts at.")
    async def from_actor(self, info: Info) -> Actor | None:
        return await _actor(info, self.hop.from_id)

    @strawberry.field(description="The actor this step leads to.")
    async def to(self, info: Info) -> Actor | None:
        return await _actor(info, self.hop.to_id)

    @strawberry.field(description="Counted events both took part in, in id order.")
    async def events(self, info: Info) -> list[Event]:
        return [Event.from_model(e) for e in await info.context.loaders.load(domain.Event, list(self.hop.event_ids))]

    @strawberry.field(description="Projects both contribute to, in id order.")
    async def projects(self, info: Info) -> list[Project]:
        found = await info.context.loaders.load(domain.Project, list(self.hop.project_ids))
        return [Project.from_model(p) for p in found]


@strawberry.type(description="The fewest-hops path between two actors, or null hops and the reason why there is none.")
class NetworkPath:
    path: strawberry.Private[measured.ActorPath]
    analysis: strawberry.Private[measured.NetworkAnalysis]

    @strawberry.field(name="from")
    async def from_actor(self, info: Info) -> Actor | None:
        return await _actor(info, self.path.from_id)

    @strawberry.field
    async def to(self, info: Info) -> Actor | None:
        return await _actor(info, self.path.to_id)

    @strawberry.field(description="The steps from 'from' to 'to' (empty for an actor to itself); null if unconnected.")
    def hops(self) -> list[NetworkPathHop] | None:
        return None if self.path.hops is None else [NetworkPathHop(hop=h) for h in self.path.hops]

    @strawberry.field(description="How many steps; null if unconnected.")
    def length(self) -> int | None:
        return None if self.path.hops is None else len(self.path.hops)

    @strawberry.field(description="Why there is no path (German, for display); null when there is one.")
    def reason(self) -> str | None:
        return self.path.reason

    @strawberry.field(description="Which snapshot and filter the path was found in.")
    def snapshot(self) -> NetworkSnapshot:
        return NetworkSnapshot(analysis=self.analysis)


@strawberry.type(description="An actor of a period's network and its degree there.")
class NetworkPeriodActor:
    actor_id: strawberry.Private[str]
    degree: int

    @strawberry.field
    async def actor(self, info: Info) -> Actor | None:
        return await _actor(info, self.actor_id)


@strawberry.type(description="The network of one period, built from that period's events alone.")
class NetworkPeriod:
    period: str = strawberry.field(description="2026-03, 2026-Q1 or 2026.")
    nodes: int
    edges: int
    density: float
    communities: int = strawberry.field(description="Louvain communities of at least two actors.")
    new_actors: int = strawberry.field(description="Actors in no earlier period's network of this series.")
    top_actors: list[NetworkPeriodActor] = strawberry.field(description="The five best-linked actors, by degree.")


# --- the fields ------------------------------------------------------------------------------------

FilterArgument = Annotated[
    NetworkFilterInput | None, strawberry.argument(description="Which events and actors count (default: all).")
]


@strawberry.type
class ResearchQuery:
    """Fields of the Query root; merged into it by :mod:`hub.api.schema`."""

    @strawberry.field(
        description="The actor network (actors linked by shared events and projects): summary, top actors with "
        "centralities, the links among them, Louvain communities and bridges between centres. The whole network "
        "with every measure downloads from /exports/network.graphml, .gexf, .json, .zip, /exports/nodes.csv and "
        "/exports/edges.csv (same filter as query parameters: from, to, space, theme, kind; see snapshot.exports)."
    )
    async def network(
        self,
        info: Info,
        filter: FilterArgument = None,
        first: Annotated[int, strawberry.argument(description="How many top actors, at most 100.")] = DEFAULT_NODES,
        order_by: Annotated[
            NetworkNodeOrder, strawberry.argument(description="What the top actors are ranked by.")
        ] = NetworkNodeOrder.PAGERANK,
    ) -> ActorNetwork:
        limit = _checked_first(first, "first")
        analysis = await cached_analysis(info.context.insights, await _network_filter(info, filter))
        return ActorNetwork(analysis=analysis, top=analysis.ranked(order_by.centrality)[:limit])

    @strawberry.field(
        description="The fewest-hops path between two actors in the network, each step with the shared events and "
        "projects; hops is null (with a German reason) when they are not connected or not in the filtered network."
    )
    async def actor_path(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from", description="Global id of an actor.")],
        to: Annotated[strawberry.ID, strawberry.argument(description="Global id of an actor.")],
        filter: FilterArgument = None,
    ) -> NetworkPath:
        start, end = (node_ids_of([value], domain.Actor, name)[0] for value, name in ((from_, "from"), (to, "to")))
        network_filter = await _network_filter(info, filter)
        projection = await info.context.insights.projection()
        for actor_id, name in ((start, "from"), (end, "to")):
            if actor_id not in projection.actors:
                raise ApiError(f"{name}: there is no actor with id {actor_id!r}")
        analysis = await cached_analysis(info.context.insights, network_filter)
        path = await info.context.insights.compute(
            "research.path", (start, end, network_filter), functools.partial(_path, analysis, start, end)
        )
        return NetworkPath(path=path, analysis=analysis)

    @strawberry.field(
        description="The network period by period (each period's events alone): size, density, communities, "
        "newcomers and the five best-linked actors. Periods without events are listed with zeros."
    )
    async def network_over_time(
        self, info: Info, granularity: Granularity, filter: FilterArgument = None
    ) -> list[NetworkPeriod]:
        network_filter = await _network_filter(info, filter)
        try:
            series = await info.context.insights.compute(
                "research.over_time",
                (granularity, network_filter),
                lambda p: measured.network_over_time(p, granularity, network_filter),
            )
        except measured.TooManyPeriodsError as error:
            raise ApiError(f"filter: {error}") from None
        return [
            NetworkPeriod(
                period=p.period,
                nodes=p.nodes,
                edges=p.edges,
                density=p.density,
                communities=p.communities,
                new_actors=p.new_actors,
                top_actors=[NetworkPeriodActor(actor_id=a, degree=d) for a, d in p.top_actors],
            )
            for p in series
        ]


def _path(analysis: measured.NetworkAnalysis, start: str, end: str, projection: Projection) -> measured.ActorPath:
    """The path in the analysed network (rebuilt only if the graph changed since the analysis)."""
    graph = analysis.graph if analysis.graph_version == projection.version else None
    return measured.actor_path(projection, start, end, analysis.network_filter, graph)


def _checked_first(first: int, argument: str) -> int:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise ApiError(
            f"{argument} must be between 0 and {MAX_PAGE_SIZE} (got {first}); "
            "the whole network downloads from /exports/network.graphml (see snapshot.exports)"
        )
    return first


async def _network_filter(info: Info, given: NetworkFilterInput | None) -> NetworkFilter:
    """The insight filter the input asks for; wrong or unknown ids are the client's error."""
    given = given or NetworkFilterInput()
    if given.starts_from and given.starts_before and given.starts_before < given.starts_from:
        raise ApiError(f"filter.to ({given.starts_before}) lies before filter.from ({given.starts_from})")
    network_filter = NetworkFilter(
        window=TimeWindow(given.starts_from, given.starts_before),
        space_ids=_id_set(given.spaces, domain.Space, "filter.spaces"),
        theme_ids=_id_set(given.themes, domain.Theme, "filter.themes"),
        kinds=frozenset(kind.value for kind in given.kinds) if given.kinds else None,
    )
    try:
        check_known_ids(await info.context.insights.projection(), network_filter, ("filter.spaces", "filter.themes"))
    except UnknownExportIdError as error:
        raise ApiError(str(error)) from None
    return network_filter


def _id_set(values: list[strawberry.ID] | None, label: type[domain.Node], argument: str) -> frozenset[str] | None:
    """Node ids of global ids; none or an empty list means no restriction."""
    return frozenset(node_ids_of(values, label, argument)) if values else None
