"""The measured actor network, checked against numbers worked out by hand from tests/insights/support.py.

The network of the whole hand-built graph (e7 is cancelled and counts for nothing;
p-quartier and p-health both have counted events, so their contributors are linked):

    uni-rostock (U) - solarwerk (S)          w1  e1
    solarwerk (S) - stadt-schwerin (St)      w2  e2 + p-quartier
    stadt-schwerin (St) - anna-schmidt (A)   w1  e2
    solarwerk (S) - anna-schmidt (A)         w1  e2
    hs-wismar (H) - stadt-schwerin (St)      w1  e3
    klinik-greifswald (K) - medtech-start (M) w2  e4 + p-health
    klinik-greifswald (K) - uni-rostock (U)  w1  e4
    medtech-start (M) - uni-rostock (U)      w2  e4, e5
    hs-wismar (H) - medtech-start (M)        w1  e8
    verein-nb (V): only in e6, alone: an isolated node.

So 8 nodes, 9 edges: the 5-cycle U-S-St-H-M-U, with A closing a triangle on S-St and K
one on U-M.  Home centres: U, S rostock; St, A schwerin; H wismar; K, M greifswald; V
neubrandenburg.
"""

from __future__ import annotations

from datetime import date

import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from hub.insights.actor_network import Hop, NetworkFilter
from hub.insights.network import (
    DECIMALS,
    BetweennessMethod,
    Bridge,
    Centrality,
    Community,
    UnknownActorError,
    actor_path,
    analyse_network,
    network_over_time,
)
from hub.insights.periods import Granularity, TimeWindow
from hub.insights.projection import load_projection
from hub.reference import ensure_reference_data
from hub.store.port import GraphStore
from hub.synthetic import generate_graph
from tests.insights.support import build_insight_graph

U, S, ST, A, H, K, M, V = (
    "uni-rostock",
    "solarwerk",
    "stadt-schwerin",
    "anna-schmidt",
    "hs-wismar",
    "klinik-greifswald",
    "medtech-start",
    "verein-nb",
)


def exact(value: float) -> float:
    """A hand-computed value as the analysis stores it (rounded to DECIMALS places)."""
    return round(value, DECIMALS)


async def test_degree_and_weighted_degree(store: GraphStore) -> None:
    await build_insight_graph(store)
    analysis = analyse_network(await load_projection(store))
    degrees = {a.id: (a.degree, a.weighted_degree) for a in analysis.actors.values()}
    # weighted: U 1+1+2, S 1+2+1, St 2+1+1, A 1+1, H 1+1, K 2+1, M 2+2+1, V none
    assert degrees == {U: (3, 4), S: (3, 4), ST: (3, 4), A: (2, 2), H: (2, 2), K: (2, 3), M: (3, 5), V: (0, 0)}
    assert list(analysis.actors) == sorted(analysis.actors), "nodes in id order"


async def test_betweenness_is_exact_on_small_networks(store: GraphStore) -> None:
    await build_insight_graph(store)
    analysis = analyse_network(await load_projection(store))
    # The 21 pairs of the 7 connected actors; those at distance 2 or 3 and their shortest paths:
    #   U-St via S; U-A via S; U-H via M; S-H via St; S-M via U; S-K via U; St-M via H; A-H via St; H-K via M;
    #   St-K: St-S-U-K and St-H-M-K (S, U, H, M get 1/2 each); A-M: A-S-U-M and A-St-H-M (S, U, St, H 1/2 each);
    #   A-K: A-S-U-K only.
    # Sums: S 1+1+.5+.5+1 = 4, U 1+1+.5+.5+1 = 4, St 1+1+.5 = 2.5, M 1+.5+1 = 2.5, H 1+.5+.5 = 2.
    # Normalised by (n-1)(n-2)/2 = 21 pairs, n = 8 (the isolated V counts).
    expected = {U: 4 / 21, S: 4 / 21, ST: 2.5 / 21, M: 2.5 / 21, H: 2 / 21, A: 0.0, K: 0.0, V: 0.0}
    assert {a.id: a.betweenness for a in analysis.actors.values()} == {k: exact(v) for k, v in expected.items()}
    assert analysis.summary.betweenness == BetweennessMethod(exact=True)
    ranked = [a.id for a in analysis.ranked(Centrality.BETWEENNESS)]
    assert ranked[:5] == [S, U, M, ST, H], "ties by id"


async def test_pagerank_is_weighted_and_matches_the_reference(store: GraphStore) -> None:
    await build_insight_graph(store)
    analysis = analyse_network(await load_projection(store))
    pagerank = {a.id: a.pagerank for a in analysis.actors.values()}
    # The isolated V only receives the teleport share and its own dangling mass spread over n:
    # p = (1-d)/n + d*p/n, so p = (1-d)/(n-d) = 0.15/7.15.
    assert pagerank[V] == pytest.approx(0.15 / 7.15, abs=1e-9)
    # networkx's pure-Python PageRank is the reference for the rest (networkx.pagerank itself needs numpy).
    reference = _pagerank_python(analysis.graph, alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)
    assert pagerank == pytest.approx(reference, abs=1e-8)
    assert sum(pagerank.values()) == pytest.approx(1.0, abs=1e-8)
    assert [a.id for a in analysis.ranked(Centrality.PAGERANK)][:2] == [M, ST], "M has the largest weighted degree"


async def test_communities_are_the_partition_of_highest_modularity(store: GraphStore) -> None:
    await build_insight_graph(store)
    analysis = analyse_network(await load_projection(store))
    # Total weight m = 12, strengths U4 S4 St4 A2 H2 K3 M5.  {S,St,A,H} (internal weight 5, strength 12) and
    # {U,K,M} (internal 5, strength 12) give Q = 2 * (5/12 - (12/24)^2) = 1/3; with H in {U,K,M} instead
    # Q = (4/12 - (10/24)^2) + (6/12 - (14/24)^2) = 0.319, with H alone 0.3125, so H joins S, St, A.
    # Numbered by size; members by degree, weighted degree, then id.
    assert analysis.communities == (
        Community(0, (S, ST, A, H), (("diz-schwerin", 2), ("diz-rostock", 1), ("innovationport-wismar", 1))),
        Community(1, (M, U, K), (("diz-greifswald", 2), ("diz-rostock", 1))),
        Community(2, (V,), (("diz-neubrandenburg", 1),)),
    )
    assert {a.id: a.community for a in analysis.actors.values()} == {
        S: 0, ST: 0, A: 0, H: 0, M: 1, U: 1, K: 1, V: 2
    }  # fmt: skip
    assert analysis.summary.modularity == exact(1 / 3)
    assert analysis.summary.communities == 2, "the isolated verein-nb is no community"


async def test_bridges_link_actors_of_two_other_centres(store: GraphStore) -> None:
    await build_insight_graph(store)
    analysis = analyse_network(await load_projection(store))
    # St (schwerin): neighbours S rostock, A schwerin, H wismar -> rostock, wismar.
    # M (greifswald): K greifswald, U rostock, H wismar -> rostock, wismar.
    # H (wismar): St schwerin, M greifswald -> greifswald, schwerin.
    # U sees only greifswald besides rostock, S only schwerin, K only rostock, A only rostock.
    assert analysis.bridges == (
        Bridge(M, "diz-greifswald", ("diz-rostock", "innovationport-wismar"), 2, exact(2.5 / 21)),
        Bridge(ST, "diz-schwerin", ("diz-rostock", "innovationport-wismar"), 2, exact(2.5 / 21)),
        Bridge(H, "innovationport-wismar", ("diz-greifswald", "diz-schwerin"), 2, exact(2 / 21)),
    )
    # Edges between different home centres: S-St, S-A, H-St, K-U, M-U, H-M (not U-S, St-A, K-M).
    assert analysis.summary.cross_centre_edges == 6


async def test_summary_of_the_whole_network(store: GraphStore) -> None:
    await build_insight_graph(store)
    summary = analyse_network(await load_projection(store)).summary
    assert (summary.nodes, summary.edges, summary.components, summary.largest_component) == (8, 9, 2, 7)
    assert summary.density == exact(9 / 28), "9 of 8*7/2 possible edges"


async def test_filters_narrow_the_network(store: GraphStore) -> None:
    await build_insight_graph(store)
    projection = await load_projection(store)

    def edges(network_filter: NetworkFilter) -> dict[tuple[str, str], tuple[int, int]]:
        return {(e.source, e.target): (e.events, e.projects) for e in analyse_network(projection, network_filter).links}

    # Rostock hosts e1 (U, S) and e5 (M, U; part of p-health, whose contributors K and M are then linked).
    assert edges(NetworkFilter(space_ids=frozenset({"diz-rostock"}))) == {
        (K, M): (0, 1), (M, U): (1, 0), (S, U): (1, 0)
    }  # fmt: skip
    # KI: e4 (K, M, U; p-health) and e8 (H, M).
    ki = analyse_network(projection, NetworkFilter(theme_ids=frozenset({"ki"})))
    assert {(e.source, e.target): e.weight for e in ki.links} == {(K, M): 2, (K, U): 1, (M, U): 1, (H, M): 1}
    # In the triangle K-M-U with H hanging on M, only H's paths pass through M: 2 of 3 pairs.
    assert ki.actors[M].betweenness == exact(2 / 3)
    # Before March: e1, e2, e3.
    spring = analyse_network(projection, NetworkFilter(window=TimeWindow(end=date(2026, 3, 1))))
    assert list(spring.actors) == [A, H, S, ST, U] and spring.summary.edges == 5
    # Start-ups only: S and M never meet, and their projects' other contributors are not start-ups.
    startups = analyse_network(projection, NetworkFilter(kinds=frozenset({"startup"})))
    assert list(startups.actors) == [M, S] and startups.links == ()
    assert (startups.summary.components, startups.summary.communities, startups.summary.modularity) == (2, 0, None)


async def test_an_empty_window_is_an_empty_network(store: GraphStore) -> None:
    await build_insight_graph(store)
    projection = await load_projection(store)
    later = NetworkFilter(window=TimeWindow(date(2030, 1, 1), date(2031, 1, 1)))
    analysis = analyse_network(projection, later)
    assert (dict(analysis.actors), analysis.links, analysis.communities, analysis.bridges) == ({}, (), (), ())
    assert analysis.summary.nodes == 0 and analysis.summary.density == 0.0 and analysis.summary.components == 0
    assert network_over_time(projection, Granularity.MONTH, later) == []


async def test_actor_path_explains_hops_or_says_why_there_is_none(store: GraphStore) -> None:
    await build_insight_graph(store)
    projection = await load_projection(store)
    # A to K: A-S-U-K is the only path of 3 hops (A-St-H-M-K has 4).
    assert actor_path(projection, A, K).hops == (
        Hop(A, S, ("e2",), ()),
        Hop(S, U, ("e1",), ()),
        Hop(U, K, ("e4",), ()),
    )
    assert actor_path(projection, S, ST).hops == (Hop(S, ST, ("e2",), ("p-quartier",)),)
    assert actor_path(projection, A, A).hops == ()
    isolated = actor_path(projection, A, V)
    assert isolated.hops is None
    assert isolated.reason == (
        "Zwischen Anna Schmidt und Digitalverein Neubrandenburg e.V. gibt es im Netzwerk keinen Weg: "
        "sie sind nicht verbunden."
    )
    january = NetworkFilter(window=TimeWindow(end=date(2026, 2, 1)))
    outside = actor_path(projection, U, A, january)
    assert outside.hops is None
    assert outside.reason == "Anna Schmidt kommt im Netzwerk dieses Zeitraums und Filters nicht vor."
    with pytest.raises(UnknownActorError, match="'nobody'"):
        actor_path(projection, A, "nobody")


async def test_network_over_time_by_month(store: GraphStore) -> None:
    await build_insight_graph(store)
    series = network_over_time(await load_projection(store), Granularity.MONTH)
    rows = [(p.period, p.nodes, p.edges, p.density, p.communities, p.new_actors, p.top_actors) for p in series]
    # Jan: e1. Feb: e2, e3 and p-quartier. March: nothing (e8 is 1 April locally). April: e4, e5, e8 and p-health.
    # May: e6 (e7 cancelled).  Feb's triangle S-St-A with H on St and April's triangle K-M-U with H on M are each
    # one community: every split has negative modularity (e.g. Feb {S,St,A} | {H}: -0.01 - 0.01).
    assert rows == [
        ("2026-01", 2, 1, 1.0, 1, 2, ((S, 1), (U, 1))),
        ("2026-02", 4, 4, exact(4 / 6), 1, 3, ((ST, 3), (A, 2), (S, 2), (H, 1))),
        ("2026-03", 0, 0, 0.0, 0, 0, ()),
        ("2026-04", 4, 4, exact(4 / 6), 1, 2, ((M, 3), (K, 2), (U, 2), (H, 1))),
        ("2026-05", 1, 0, 0.0, 0, 1, ((V, 0),)),
    ]


async def test_network_over_time_follows_the_window_and_granularity(store: GraphStore) -> None:
    await build_insight_graph(store)
    projection = await load_projection(store)
    quarters = network_over_time(projection, Granularity.QUARTER)
    # Q1: e1-e3 (U, S, St, A, H; 5 edges). Q2: e4, e5, e6, e8 (K, M, U, V, H; 4 edges), new: K, M, V.
    rows = [(p.period, p.nodes, p.edges, p.new_actors) for p in quarters]
    assert rows == [("2026-Q1", 5, 5, 5), ("2026-Q2", 5, 4, 3)]
    years = network_over_time(projection, Granularity.YEAR)
    assert [(p.period, p.nodes, p.edges) for p in years] == [("2026", 8, 9)]
    # 15 Feb to 9 Apr: e3 in February, nothing in March, e8 and e4 in April (e5 on the 20th is outside).
    window = NetworkFilter(window=TimeWindow(date(2026, 2, 15), date(2026, 4, 10)))
    months = network_over_time(projection, Granularity.MONTH, window)
    assert [(p.period, p.nodes, p.edges, p.new_actors) for p in months] == [
        ("2026-02", 2, 1, 2),
        ("2026-03", 0, 0, 0),
        ("2026-04", 4, 4, 3),
    ]


async def test_large_networks_estimate_betweenness_from_a_fixed_sample(store: GraphStore) -> None:
    await ensure_reference_data(store)
    await generate_graph(actors=150, events=300, seed=11).write_to(store)
    projection = await load_projection(store)
    exact_analysis = analyse_network(projection, exact_betweenness_max_nodes=10_000)
    n = exact_analysis.summary.nodes
    assert n > 40 and exact_analysis.summary.betweenness.exact

    estimated = analyse_network(projection, exact_betweenness_max_nodes=40, sample_sources=25)
    assert estimated.summary.betweenness == BetweennessMethod(exact=False, sampled_sources=25, seed=20_260_101)
    again = analyse_network(projection, exact_betweenness_max_nodes=40, sample_sources=25)
    assert estimated.actors == again.actors, "the same sample every time"
    assert estimated.actors != exact_analysis.actors, "25 of the sources give an estimate, not the exact value"

    # Drawing every vertex as a source makes the scaled estimate the exact value: the scaling is right.
    everyone = analyse_network(projection, exact_betweenness_max_nodes=40, sample_sources=n)
    assert not everyone.summary.betweenness.exact
    for actor_id, actor in everyone.actors.items():
        assert actor.betweenness == pytest.approx(exact_analysis.actors[actor_id].betweenness, abs=1e-9)
