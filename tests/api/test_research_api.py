"""The researchers' GraphQL fields and the network downloads, through the real ASGI app on both engines.

The graph is the hand-built one of tests/insights/support.py; the expected numbers are
derived by hand in tests/insights/test_network.py (betweenness S and U 4/21, M and St
2.5/21, H 2/21; communities {S, St, A, H} and {U, K, M}; bridges M, St, H).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import networkx as nx
import pytest
import pytest_asyncio

from hub.domain import Actor, Project, Space, Theme
from hub.insights.network import DECIMALS
from hub.insights.projection import load_projection
from hub.store.port import GraphStore
from tests.api.support import data_of, make_client, post_query
from tests.api.test_queries import gid, raw_id

NETWORK = """
query($filter: NetworkFilterInput, $first: Int!, $order: NetworkNodeOrder!) {
  network(filter: $filter, first: $first, orderBy: $order) {
    snapshot {
      id graphVersion firstDay lastDay kinds hubVersion contentHash citation
      spaces { id } themes { id }
      exports { graphml gexf json zip nodesCsv edgesCsv }
    }
    summary {
      nodes edges density components largestComponent communities modularity crossCentreEdges
      betweennessExact betweennessMethod
    }
    nodes {
      actor { id name } degree weightedDegree betweenness pagerank community events
      homeCentre { id } centres { id }
    }
    edges { source { id } target { id } weight events projects }
    communities { id size topMembers(first: 2) { actor { id } } centres { space { id } members } }
    bridges(first: 2) { node { actor { id } betweenness } homeCentre { id } linkedCentres { id } crossCentreLinks }
  }
}"""

PATH = """
query($from: ID!, $to: ID!, $filter: NetworkFilterInput) {
  actorPath(from: $from, to: $to, filter: $filter) {
    from { id } to { id } length reason
    hops { from { id } to { id } events { id title } projects { id name } }
    snapshot { id }
  }
}"""

OVER_TIME = """
query($granularity: Granularity!, $filter: NetworkFilterInput) {
  networkOverTime(granularity: $granularity, filter: $filter) {
    period nodes edges density communities newActors topActors { actor { id } degree }
  }
}"""


@pytest_asyncio.fixture
async def http(insight_store: GraphStore) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(insight_store) as client:
        yield client


def ids(items: list[dict[str, Any]], key: str = "id") -> list[str]:
    return [raw_id(item[key]) for item in items]


def actor_ids(items: list[dict[str, Any]], field: str = "actor") -> list[str]:
    return [raw_id(item[field]["id"]) for item in items]


def exact(value: float) -> float:
    return round(value, DECIMALS)


async def network(http: httpx.AsyncClient, first: int = 3, order: str = "BETWEENNESS", **filter: Any) -> dict:
    variables = {"filter": filter or None, "first": first, "order": order}
    return (await data_of(http, NETWORK, variables))["network"]


async def error_of(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = await post_query(http, query, variables)
    assert body.get("errors"), body
    return body["errors"][0]


# --- GraphQL -------------------------------------------------------------------------------------


async def test_network_top_nodes_and_the_edges_among_them(http: httpx.AsyncClient) -> None:
    answer = await network(http, first=3, order="BETWEENNESS")
    nodes = answer["nodes"]
    assert actor_ids(nodes) == ["solarwerk", "uni-rostock", "medtech-start"], "ties by id"
    assert [n["betweenness"] for n in nodes] == [exact(4 / 21), exact(4 / 21), exact(2.5 / 21)]
    assert [(n["degree"], n["weightedDegree"], n["community"], n["events"]) for n in nodes] == [
        (3, 4, 0, 2),
        (3, 4, 1, 3),
        (3, 5, 1, 3),
    ]
    assert nodes[0]["actor"]["name"] == "Solarwerk Nord GmbH"
    assert raw_id(nodes[2]["homeCentre"]["id"]) == "diz-greifswald"
    assert ids(nodes[2]["centres"]) == ["diz-greifswald", "diz-rostock", "innovationport-wismar"]
    edges = [(raw_id(e["source"]["id"]), raw_id(e["target"]["id"]), e["weight"], e["events"]) for e in answer["edges"]]
    assert edges == [("medtech-start", "uni-rostock", 2, 2), ("solarwerk", "uni-rostock", 1, 1)]
    by_degree = await network(http, first=2, order="WEIGHTED_DEGREE")
    assert actor_ids(by_degree["nodes"]) == ["medtech-start", "solarwerk"]


async def test_network_summary_communities_and_bridges(http: httpx.AsyncClient) -> None:
    answer = await network(http)
    assert answer["summary"] == {
        "nodes": 8,
        "edges": 9,
        "density": exact(9 / 28),
        "components": 2,
        "largestComponent": 7,
        "communities": 2,
        "modularity": exact(1 / 3),
        "crossCentreEdges": 6,
        "betweennessExact": True,
        "betweennessMethod": "exact (Brandes)",
    }
    communities = answer["communities"]
    assert [(c["id"], c["size"]) for c in communities] == [(0, 4), (1, 3)], "the isolated verein-nb is left out"
    assert actor_ids(communities[0]["topMembers"]) == ["solarwerk", "stadt-schwerin"]
    assert [(raw_id(c["space"]["id"]), c["members"]) for c in communities[1]["centres"]] == [
        ("diz-greifswald", 2),
        ("diz-rostock", 1),
    ]
    bridges = answer["bridges"]
    assert [raw_id(b["node"]["actor"]["id"]) for b in bridges] == ["medtech-start", "stadt-schwerin"]
    assert raw_id(bridges[1]["homeCentre"]["id"]) == "diz-schwerin"
    assert ids(bridges[1]["linkedCentres"]) == ["diz-rostock", "innovationport-wismar"]
    assert bridges[1]["crossCentreLinks"] == 2


async def test_network_snapshot_is_citable(http: httpx.AsyncClient, insight_store: GraphStore) -> None:
    projection = await load_projection(insight_store)
    snapshot = (await network(http))["snapshot"]
    assert (snapshot["id"], snapshot["graphVersion"]) == (projection.snapshot_id, projection.version)
    assert snapshot["firstDay"] is None and snapshot["spaces"] is None and snapshot["kinds"] is None
    assert snapshot["contentHash"].startswith("sha256:") and len(snapshot["contentHash"]) == 7 + 64
    assert f"Snapshot {projection.snapshot_id}" in snapshot["citation"]
    assert snapshot["exports"]["graphml"] == "/exports/network.graphml"
    download = await http.get(snapshot["exports"]["graphml"])
    assert download.headers["x-hub-content-hash"] == snapshot["contentHash"], "the same data as the download"


async def test_network_filter(http: httpx.AsyncClient) -> None:
    answer = await network(
        http,
        first=10,
        order="DEGREE",
        **{"from": "2026-02-01", "to": "2026-03-01", "kinds": ["PUBLIC_BODY", "STARTUP"]},
    )
    # February: e2 (St, S; the attending person is not admitted) and e3 (hs-wismar, a university: not admitted).
    assert actor_ids(answer["nodes"]) == ["solarwerk", "stadt-schwerin"]
    assert answer["edges"][0]["weight"] == 2, "e2 and p-quartier"
    snapshot = answer["snapshot"]
    assert (snapshot["firstDay"], snapshot["lastDay"]) == ("2026-02-01", "2026-02-28")
    assert snapshot["kinds"] == ["PUBLIC_BODY", "STARTUP"]
    assert (
        snapshot["exports"]["nodesCsv"]
        == "/exports/nodes.csv?from=2026-02-01&to=2026-02-28&kind=public_body&kind=startup"
    )
    rostock = await network(http, first=10, spaces=[gid(Space, "diz-rostock")], themes=[gid(Theme, "gesundheit")])
    # Rostock and Gesundheit: e5 only (M, U), and p-health links K and M.
    assert sorted(actor_ids(rostock["nodes"])) == ["klinik-greifswald", "medtech-start", "uni-rostock"]
    assert ids(rostock["snapshot"]["spaces"]) == ["diz-rostock"] and ids(rostock["snapshot"]["themes"]) == [
        "gesundheit"
    ]
    empty = await network(http, **{"from": "2030-01-01"})
    assert empty["nodes"] == [] and empty["summary"]["nodes"] == 0 and empty["summary"]["modularity"] is None


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 101}, "first must be between 0 and 100 (got 101)"),
        ({"filter": {"spaces": [gid(Space, "nowhere")]}}, "filter.spaces: there is no centre with id 'nowhere'."),
        ({"filter": {"themes": [gid(Theme, "alchemie")]}}, "filter.themes: there is no theme with id 'alchemie'."),
        ({"filter": {"spaces": [gid(Theme, "ki")]}}, "filter.spaces: "),
        ({"filter": {"from": "2026-03-01", "to": "2026-02-01"}}, "filter.to (2026-02-01) lies before filter.from"),
    ],
)
async def test_network_argument_errors(http: httpx.AsyncClient, variables: dict[str, Any], message: str) -> None:
    error = await error_of(http, NETWORK, {"first": 3, "order": "PAGERANK", **variables})
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_actor_path_with_shared_events_and_projects(http: httpx.AsyncClient) -> None:
    variables = {"from": gid(Actor, "anna-schmidt"), "to": gid(Actor, "klinik-greifswald")}
    path = (await data_of(http, PATH, variables))["actorPath"]
    assert path["length"] == 3 and path["reason"] is None
    steps = [(raw_id(h["from"]["id"]), raw_id(h["to"]["id"]), ids(h["events"])) for h in path["hops"]]
    assert steps == [
        ("anna-schmidt", "solarwerk", ["e2"]),
        ("solarwerk", "uni-rostock", ["e1"]),
        ("uni-rostock", "klinik-greifswald", ["e4"]),
    ]
    assert path["hops"][0]["events"][0]["title"] == "Mobilität und Energie im Quartier"
    direct = await data_of(http, PATH, {"from": gid(Actor, "solarwerk"), "to": gid(Actor, "stadt-schwerin")})
    assert direct["actorPath"]["hops"][0]["projects"] == [
        {"id": gid(Project, "p-quartier"), "name": "Energiequartier Nord"}
    ]


async def test_actor_path_without_connection_has_a_reason(http: httpx.AsyncClient) -> None:
    isolated = await data_of(http, PATH, {"from": gid(Actor, "anna-schmidt"), "to": gid(Actor, "verein-nb")})
    path = isolated["actorPath"]
    assert path["hops"] is None and path["length"] is None
    assert path["reason"].startswith("Zwischen Anna Schmidt und Digitalverein Neubrandenburg e.V. gibt es")
    january = {"from": gid(Actor, "uni-rostock"), "to": gid(Actor, "anna-schmidt"), "filter": {"to": "2026-02-01"}}
    outside = (await data_of(http, PATH, january))["actorPath"]
    assert outside["reason"] == "Anna Schmidt kommt im Netzwerk dieses Zeitraums und Filters nicht vor."


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"from": gid(Actor, "nobody"), "to": gid(Actor, "solarwerk")}, "from: there is no actor with id 'nobody'"),
        ({"from": gid(Actor, "solarwerk"), "to": gid(Project, "p-health")}, "is the id of a Project, not of a Actor"),
        ({"from": "not-an-id", "to": gid(Actor, "solarwerk")}, "from: 'not-an-id' is not a valid id"),
    ],
)
async def test_actor_path_argument_errors(http: httpx.AsyncClient, variables: dict[str, Any], message: str) -> None:
    error = await error_of(http, PATH, variables)
    assert message in error["message"] and error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_network_over_time(http: httpx.AsyncClient) -> None:
    quarters = (await data_of(http, OVER_TIME, {"granularity": "QUARTER"}))["networkOverTime"]
    assert [(q["period"], q["nodes"], q["edges"], q["newActors"]) for q in quarters] == [
        ("2026-Q1", 5, 5, 5),
        ("2026-Q2", 5, 4, 3),
    ]
    # Q1: S and St have degree 3, A 2, H and U 1.
    top = [(raw_id(a["actor"]["id"]), a["degree"]) for a in quarters[0]["topActors"]]
    assert top == [("solarwerk", 3), ("stadt-schwerin", 3), ("anna-schmidt", 2), ("hs-wismar", 1), ("uni-rostock", 1)]
    later = await data_of(http, OVER_TIME, {"granularity": "MONTH", "filter": {"from": "2030-01-01"}})
    assert later["networkOverTime"] == []
    error = await error_of(
        http, OVER_TIME, {"granularity": "MONTH", "filter": {"from": "1900-01-01", "to": "2026-06-01"}}
    )
    assert "periods" in error["message"] and error["extensions"]["code"] == "BAD_USER_INPUT"


# --- downloads -----------------------------------------------------------------------------------


async def test_graphml_download(http: httpx.AsyncClient, insight_store: GraphStore) -> None:
    projection = await load_projection(insight_store)
    response = await http.get("/exports/network.graphml")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/graphml+xml; charset=utf-8"
    filename = f"akteursnetzwerk-{projection.snapshot_id}.graphml"
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert response.headers["x-hub-snapshot"] == projection.snapshot_id
    assert response.headers["x-hub-graph-version"] == str(projection.version)
    content_hash = response.headers["x-hub-content-hash"].removeprefix("sha256:")
    assert response.headers["etag"] == f'W/"{content_hash}"'
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (8, 9)
    assert graph.graph["snapshot_id"] == projection.snapshot_id


async def test_unchanged_download_answers_304(http: httpx.AsyncClient) -> None:
    first = await http.get("/exports/network.gexf")
    etag = first.headers["etag"]
    again = await http.get("/exports/network.gexf")
    assert again.content == first.content, "byte-identical"
    not_modified = await http.get("/exports/network.gexf", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag and "x-hub-snapshot" in not_modified.headers
    other = await http.get("/exports/network.gexf?kind=startup", headers={"If-None-Match": etag})
    assert other.status_code == 200, "other data, other hash"


async def test_every_format_downloads_and_loads(http: httpx.AsyncClient) -> None:
    query = "from=2026-02-01&to=2026-02-28&kind=startup,person&kind=public_body"
    gexf = await http.get(f"/exports/network.gexf?{query}")
    assert gexf.headers["content-type"] == "application/gexf+xml; charset=utf-8"
    assert sorted(nx.read_gexf(io.BytesIO(gexf.content)).nodes) == ["anna-schmidt", "solarwerk", "stadt-schwerin"]
    document = (await http.get(f"/exports/network.json?{query}")).json()
    assert document["meta"]["filters"]["kinds"] == ["person", "public_body", "startup"]
    assert document["meta"]["window"] == {"first_day": "2026-02-01", "last_day": "2026-02-28"}
    assert nx.node_link_graph(document, edges="edges").number_of_edges() == 3
    nodes = await http.get(f"/exports/nodes.csv?{query}")
    assert nodes.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert "-nodes.csv" in nodes.headers["content-disposition"]
    assert [row["id"] for row in csv.DictReader(io.StringIO(nodes.text))] == [
        "anna-schmidt",
        "solarwerk",
        "stadt-schwerin",
    ]
    edges = await http.get(f"/exports/edges.csv?{query}")
    assert len(list(csv.DictReader(io.StringIO(edges.text)))) == 3
    archive = await http.get(f"/exports/network.zip?{query}")
    assert archive.headers["content-type"] == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(archive.content))
    assert files.read("nodes.csv") == nodes.content
    assert json.loads(files.read("meta.json")) == document["meta"]


async def test_download_filtered_by_space(http: httpx.AsyncClient) -> None:
    response = await http.get("/exports/nodes.csv?space=diz-rostock")
    # Rostock hosts e1 (U, S) and e5 (M, U; p-health, which also links K).
    ids_found = [row["id"] for row in csv.DictReader(io.StringIO(response.text))]
    assert ids_found == ["klinik-greifswald", "medtech-start", "solarwerk", "uni-rostock"]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("from=gestern", 400, "'from' must be an ISO date such as 2026-03-01, got 'gestern'."),
        ("from=2026-03-01&to=2026-02-01", 400, "'to' (2026-02-01) lies before 'from' (2026-03-01)."),
        ("from=2026-01-01&from=2026-02-01", 400, "'from' may be given once, not 2 times."),
        ("kind=robot", 400, "'kind' must be one of company, startup"),
        ("colour=blue", 400, "Unknown query parameter 'colour'"),
        ("space=nowhere", 404, "space: there is no centre with id 'nowhere'."),
        ("theme=alchemie", 404, "theme: there is no theme with id 'alchemie'."),
    ],
)
async def test_download_errors_name_the_parameter(
    http: httpx.AsyncClient, query: str, status: int, message: str
) -> None:
    response = await http.get(f"/exports/network.json?{query}")
    assert response.status_code == status
    assert message in response.text
    assert response.headers["content-type"].startswith("text/plain")
