"""Network exports load in networkx and the csv module, carry their metadata, and are byte-identical on repeat.

The network is the one of tests/insights/support.py (8 actors, 9 edges; the numbers are
derived in tests/insights/test_network.py).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

import networkx as nx

from hub import __version__
from hub.insights.actor_network import NetworkFilter
from hub.insights.export import (
    EDGE_COLUMNS,
    NODE_COLUMNS,
    ExportFormat,
    network_table,
    render_export,
)
from hub.insights.network import NetworkAnalysis, analyse_network
from hub.insights.periods import TimeWindow
from hub.insights.projection import load_projection
from hub.store.port import GraphStore
from tests.insights.support import build_insight_graph

FEBRUARY = NetworkFilter(
    window=TimeWindow(date(2026, 2, 1), date(2026, 3, 1)), kinds=frozenset({"public_body", "startup", "person"})
)


async def _analysis(store: GraphStore, network_filter: NetworkFilter | None = None) -> NetworkAnalysis:
    await build_insight_graph(store)
    return analyse_network(await load_projection(store), network_filter)


def _body(analysis: NetworkAnalysis, fmt: ExportFormat) -> bytes:
    return render_export(analysis, fmt).body


async def test_graphml_loads_in_networkx_with_every_attribute(store: GraphStore) -> None:
    analysis = await _analysis(store)
    graph = nx.read_graphml(io.BytesIO(_body(analysis, ExportFormat.GRAPHML)))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (8, 9)
    assert graph.nodes["medtech-start"] == {
        "label": "MedTech Start GmbH",
        "kind": "startup",
        "home_centre": "diz-greifswald",
        "centres": "diz-greifswald;diz-rostock;innovationport-wismar",
        "events": 3,
        "degree": 3,
        "weighted_degree": 5,
        "betweenness": analysis.actors["medtech-start"].betweenness,
        "pagerank": analysis.actors["medtech-start"].pagerank,
        "community": 1,
    }
    assert graph.edges["klinik-greifswald", "medtech-start"] == {"weight": 2, "events": 1, "projects": 1}
    assert graph.graph["snapshot_id"] == analysis.snapshot_id
    assert graph.graph["graph_version"] == analysis.graph_version
    assert graph.graph["hub_version"] == __version__
    assert graph.graph["content_hash"] == f"sha256:{network_table(analysis).content_hash}"
    assert graph.graph["window_first_day"] == "" and graph.graph["betweenness"] == "exact (Brandes)"


async def test_gexf_loads_in_networkx_and_has_no_date(store: GraphStore) -> None:
    analysis = await _analysis(store)
    body = _body(analysis, ExportFormat.GEXF)
    graph = nx.read_gexf(io.BytesIO(body))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (8, 9)
    node = graph.nodes["uni-rostock"]
    assert (node["label"], node["degree"], node["weighted_degree"], node["community"]) == (
        "Universität Rostock",
        3,
        4,
        1,
    )
    assert node["betweenness"] == analysis.actors["uni-rostock"].betweenness
    edge = graph.edges["medtech-start", "uni-rostock"]
    assert (edge["weight"], edge["events"], edge["projects"]) == (2, 2, 0)
    text = body.decode()
    assert "lastmodifieddate" not in text, "networkx's writer would stamp today's date"
    assert f"snapshot_id={analysis.snapshot_id}" in text and f"hub_version={__version__}" in text


async def test_json_is_node_link_data_with_meta(store: GraphStore) -> None:
    analysis = await _analysis(store, FEBRUARY)
    document = json.loads(_body(analysis, ExportFormat.JSON))
    graph = nx.node_link_graph(document, edges="edges")
    # February, public bodies, start-ups and persons: e2 (St, S, A) and p-quartier; e3's hs-wismar is no such kind.
    assert sorted(graph.nodes) == ["anna-schmidt", "solarwerk", "stadt-schwerin"]
    assert graph.edges["solarwerk", "stadt-schwerin"] == {"weight": 2, "events": 1, "projects": 1}
    assert not graph.is_directed() and not graph.is_multigraph()
    meta = document["meta"]
    assert meta["window"] == {"first_day": "2026-02-01", "last_day": "2026-02-28"}
    assert meta["filters"] == {"spaces": None, "themes": None, "kinds": ["person", "public_body", "startup"]}
    assert (meta["snapshot_id"], meta["graph_version"], meta["hub_version"]) == (
        analysis.snapshot_id,
        analysis.graph_version,
        __version__,
    )
    assert (meta["nodes"], meta["edges"]) == (3, 3)
    assert "Zeitraum 2026-02-01 bis 2026-02-28" in meta["citation"]
    assert "Akteursarten: person, public_body, startup" in meta["citation"]
    assert graph.graph["filter_kinds"] == "person;public_body;startup"


async def test_csv_files_load_with_the_csv_module(store: GraphStore) -> None:
    analysis = await _analysis(store)
    nodes = list(csv.DictReader(io.StringIO(_body(analysis, ExportFormat.NODES_CSV).decode())))
    assert [row["id"] for row in nodes] == sorted(analysis.actors)
    verein = nodes[-1]
    assert verein == {
        "id": "verein-nb",
        "label": "Digitalverein Neubrandenburg e.V.",
        "kind": "association",
        "home_centre": "diz-neubrandenburg",
        "centres": "diz-neubrandenburg",
        "events": "1",
        "degree": "0",
        "weighted_degree": "0",
        "betweenness": "0.0",
        "pagerank": str(analysis.actors["verein-nb"].pagerank),
        "community": "2",
    }
    edges = list(csv.DictReader(io.StringIO(_body(analysis, ExportFormat.EDGES_CSV).decode())))
    assert len(edges) == 9
    assert edges[0] == {
        "source": "anna-schmidt",
        "target": "solarwerk",
        "type": "Undirected",
        "weight": "1",
        "events": "1",
        "projects": "0",
    }


async def test_zip_holds_both_csv_files_and_the_metadata(store: GraphStore) -> None:
    analysis = await _analysis(store)
    archive = zipfile.ZipFile(io.BytesIO(_body(analysis, ExportFormat.ZIP)))
    assert archive.namelist() == ["nodes.csv", "edges.csv", "meta.json"]
    assert archive.read("nodes.csv") == _body(analysis, ExportFormat.NODES_CSV)
    assert archive.read("edges.csv") == _body(analysis, ExportFormat.EDGES_CSV)
    meta = json.loads(archive.read("meta.json"))
    assert meta == json.loads(_body(analysis, ExportFormat.JSON))["meta"]
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


async def test_the_same_request_gives_the_same_bytes(store: GraphStore) -> None:
    first = await _analysis(store, FEBRUARY)
    second = analyse_network(await load_projection(store), FEBRUARY)
    for fmt in ExportFormat:
        assert render_export(first, fmt).body == render_export(second, fmt).body, fmt.name


async def test_the_content_hash_covers_the_data_not_the_metadata(store: GraphStore) -> None:
    everyone = await _analysis(store)
    projection = await load_projection(store)
    # Every kind and every centre: the same network under another filter.
    all_kinds = frozenset(a.kind for a in projection.actors.values())
    same_data = analyse_network(projection, NetworkFilter(kinds=all_kinds, space_ids=frozenset(projection.spaces)))
    assert network_table(same_data).content_hash == network_table(everyone).content_hash
    assert _body(same_data, ExportFormat.GRAPHML) != _body(everyone, ExportFormat.GRAPHML), "the filter is recorded"
    narrower = analyse_network(projection, FEBRUARY)
    assert network_table(narrower).content_hash != network_table(everyone).content_hash


async def test_file_names_and_media_types(store: GraphStore) -> None:
    analysis = await _analysis(store, FEBRUARY)
    graphml = render_export(analysis, ExportFormat.GRAPHML)
    stem = f"akteursnetzwerk-{analysis.snapshot_id}-2026-02-01-2026-02-28-person-public-body-startup"
    assert graphml.filename == f"{stem}.graphml"
    assert render_export(analysis, ExportFormat.NODES_CSV).filename == f"{stem}-nodes.csv"
    assert graphml.media_type.startswith("application/graphml+xml")
    assert render_export(analysis, ExportFormat.ZIP).media_type == "application/zip"


async def test_an_empty_network_exports_as_empty_files(store: GraphStore) -> None:
    analysis = await _analysis(store, NetworkFilter(window=TimeWindow(date(2030, 1, 1), None)))
    assert nx.read_graphml(io.BytesIO(_body(analysis, ExportFormat.GRAPHML))).number_of_nodes() == 0
    assert nx.read_gexf(io.BytesIO(_body(analysis, ExportFormat.GEXF))).number_of_nodes() == 0
    nodes = list(csv.reader(io.StringIO(_body(analysis, ExportFormat.NODES_CSV).decode())))
    edges = list(csv.reader(io.StringIO(_body(analysis, ExportFormat.EDGES_CSV).decode())))
    assert nodes == [list(NODE_COLUMNS)]
    assert edges == [[*EDGE_COLUMNS[:2], "type", *EDGE_COLUMNS[2:]]]
