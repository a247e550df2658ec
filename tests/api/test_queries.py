"""The GraphQL API over HTTP on both engines: nodes, connections, filters, ordering, search, nesting.

Expected answers are computed from the generated graph in Python, not from the
store, so a filter that the store got wrong cannot agree with itself.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import httpx

from hub.access.roles import Role
from hub.domain import Actor, Event, ImportRun, Node, Project, RelType, Space, Theme
from hub.store.search import search_terms
from tests.api.support import SEARCH_WORD, Seeded, data_of, make_client

PARTICIPATION = (RelType.ORGANISES, RelType.PRESENTS_AT, RelType.SPONSORS, RelType.PARTNERS_IN, RelType.ATTENDS)

EVENTS = """
query($filter: EventFilter, $order: EventOrder, $first: Int!, $after: String) {
  events(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title start status } }
  }
}"""

ACTORS = """
query($filter: ActorFilter, $order: ActorOrder, $first: Int!, $after: String) {
  actors(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name kind } }
  }
}"""


def gid(label: type[Node], node_id: str) -> str:
    return base64.b64encode(f"{label.LABEL}:{node_id}".encode()).decode()


def raw_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


async def all_pages(
    http: httpx.AsyncClient, query: str, field: str, variables: dict[str, Any], first: int = 100
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every node of a connection, following endCursor; also each page's connection object."""
    nodes: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await data_of(http, query, {**variables, "first": first, "after": after}))[field]
        pages.append(page)
        nodes.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, pages
        after = page["pageInfo"]["endCursor"]


async def listed_ids(http: httpx.AsyncClient, query: str, field: str, criteria: dict[str, Any]) -> set[str]:
    nodes, pages = await all_pages(http, query, field, {"filter": criteria})
    assert len(nodes) == pages[0]["totalCount"]
    return {raw_id(node["id"]) for node in nodes}


def matches_text(node: Node, text: str) -> bool:
    """The port's text filter: every query word starts a word of the node's search text."""
    words = " " + node.search_text()
    return all(f" {term}" in words for term in search_terms(text))


# --- nodes and global ids ------------------------------------------------------------------------


async def test_every_node_type_round_trips_through_its_global_id(client: httpx.AsyncClient, seeded: Seeded) -> None:
    samples = {label: seeded.nodes(label)[0] for label in (Space, Theme, Actor, Project, Event, ImportRun)}
    ids = [gid(label, node.id) for label, node in samples.items()]
    data = await data_of(client, "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids})
    assert [(n["__typename"], n["id"]) for n in data["nodes"]] == [
        (label.LABEL, i) for label, i in zip(samples, ids, strict=True)
    ]

    event = samples[Event]
    query = "query($id: ID!) { node(id: $id) { id ... on Event { title start status } } }"
    found = (await data_of(client, query, {"id": gid(Event, event.id)}))["node"]
    assert found == {
        "id": gid(Event, event.id),
        "title": event.title,
        "start": event.start.isoformat(),
        "status": event.status.name,
    }


async def test_ids_from_lists_are_global_ids_that_node_resolves(client: httpx.AsyncClient) -> None:
    listed = (await data_of(client, "{ actors(first: 3) { edges { node { id name } } } }"))["actors"]["edges"]
    for edge in listed:
        node = await data_of(client, "query($id: ID!) { node(id: $id) { ... on Actor { name } } }", edge["node"])
        assert node["node"]["name"] == edge["node"]["name"]


async def test_unknown_nodes_are_null_without_error(client: httpx.AsyncClient) -> None:
    ids = [gid(Event, "no-such-event"), gid(Space, "diz-rostock")]
    data = await data_of(client, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert data["nodes"] == [None, {"id": gid(Space, "diz-rostock")}]
    assert (await data_of(client, "query($id: ID!) { node(id: $id) { id } }", {"id": ids[0]}))["node"] is None


# --- connections and pagination --------------------------------------------------------------------


async def test_paging_through_events_visits_each_once_in_order(client: httpx.AsyncClient, seeded: Seeded) -> None:
    nodes, pages = await all_pages(client, EVENTS, "events", {}, first=40)
    expected = sorted(seeded.nodes(Event), key=lambda e: (e.start, e.id))
    assert [raw_id(n["id"]) for n in nodes] == [e.id for e in expected]
    assert {page["totalCount"] for page in pages} == {len(expected)}
    assert len(pages) == -(-len(expected) // 40)
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False] + [True] * (len(pages) - 1)
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True] * (len(pages) - 1) + [False]
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


async def test_paging_without_the_total_visits_the_same_events(client: httpx.AsyncClient) -> None:
    # Without totalCount the store does not count; hasNextPage must still end the walk at the right page.
    uncounted = EVENTS.replace("    totalCount\n", "")
    counted_nodes, counted_pages = await all_pages(client, EVENTS, "events", {}, first=40)
    nodes, pages = await all_pages(client, uncounted, "events", {}, first=40)
    assert nodes == counted_nodes
    assert [p["pageInfo"] for p in pages] == [p["pageInfo"] for p in counted_pages]
    assert "totalCount" not in pages[0]


async def test_an_edge_cursor_continues_right_after_that_edge(client: httpx.AsyncClient) -> None:
    first = (await data_of(client, EVENTS, {"first": 10}))["events"]["edges"]
    rest = (await data_of(client, EVENTS, {"first": 5, "after": first[3]["cursor"]}))["events"]["edges"]
    assert [e["node"]["id"] for e in rest] == [e["node"]["id"] for e in first[4:9]]


async def test_an_empty_page_still_counts(client: httpx.AsyncClient, seeded: Seeded) -> None:
    page = (await data_of(client, EVENTS, {"first": 0}))["events"]
    assert page["edges"] == [] and page["totalCount"] == len(seeded.nodes(Event))
    assert page["pageInfo"]["startCursor"] is None and page["pageInfo"]["endCursor"] is None
    no_match = (await data_of(client, EVENTS, {"first": 5, "filter": {"text": "qqqqxyz"}}))["events"]
    assert no_match["totalCount"] == 0 and no_match["pageInfo"]["hasNextPage"] is False


async def test_spaces_themes_and_projects_are_listed(client: httpx.AsyncClient, seeded: Seeded) -> None:
    query = """{
      spaces { totalCount edges { node { name city } } }
      themes(first: 100) { totalCount edges { node { id labelEn } } }
      projects(first: 100) { totalCount edges { node { name } } }
    }"""
    data = await data_of(client, query)
    space_names = [e["node"]["name"] for e in data["spaces"]["edges"]]
    assert space_names == sorted(s.name for s in seeded.nodes(Space))
    assert data["themes"]["totalCount"] == len(seeded.nodes(Theme))
    assert [raw_id(e["node"]["id"]) for e in data["themes"]["edges"]] == sorted(t.id for t in seeded.nodes(Theme))
    assert [e["node"]["name"] for e in data["projects"]["edges"]] == sorted(p.name for p in seeded.nodes(Project))
    energie = await data_of(client, '{ themes(filter: {text: "Energiewende"}) { edges { node { id } } } }')
    assert [raw_id(e["node"]["id"]) for e in energie["themes"]["edges"]] == ["energie"]


# --- filters ---------------------------------------------------------------------------------------


async def test_event_filters(client: httpx.AsyncClient, seeded: Seeded) -> None:
    events = seeded.nodes(Event)
    hosted = {r.start_id for r in seeded.relationships(RelType.HOSTED_BY) if r.end_id == "diz-rostock"}
    about = {r.start_id for r in seeded.relationships(RelType.ABOUT) if r.end_id in ("energie", "wasserstoff")}
    project = next(p for p in seeded.nodes(Project) if p.id != "t-project")
    part_of = {r.start_id for r in seeded.relationships(RelType.PART_OF) if r.end_id == project.id}
    window = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    in_window = {e.id for e in events if window[0] <= e.start < window[1]}
    from_window_on = {e.id for e in events if window[0] <= e.start}
    cancelled = {e.id for e in events if e.status.name in ("CANCELLED", "TENTATIVE")}
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"spaces": [gid(Space, "diz-rostock")]}, hosted),
        ({"themes": [gid(Theme, "energie"), gid(Theme, "wasserstoff")]}, about),
        ({"projects": [gid(Project, project.id)]}, part_of),
        ({"statuses": ["CANCELLED", "TENTATIVE"]}, cancelled),
        ({"from": window[0].isoformat(), "to": window[1].isoformat()}, in_window),
        ({"from": "2026-01-01T00:00:00", "to": "2026-04-01T00:00:00"}, in_window),  # no zone: UTC
        ({"text": "workshop"}, {e.id for e in events if matches_text(e, "workshop")}),
        ({"spaces": [gid(Space, "diz-rostock")], "from": window[0].isoformat()}, hosted & from_window_on),
    ]
    for criteria, expected in cases:
        assert expected, f"the test graph has no event for {criteria}"
        assert await listed_ids(client, EVENTS, "events", criteria) == expected, criteria


async def test_actor_filters(client: httpx.AsyncClient, seeded: Seeded) -> None:
    actors = seeded.nodes(Actor)
    active = {r.start_id for r in seeded.relationships(RelType.ACTIVE_IN) if r.end_id == "diz-greifswald"}
    about_energy = {r.start_id for r in seeded.relationships(RelType.ABOUT) if r.end_id == "energie"}
    in_energy = {r.start_id for r in seeded.relationships(*PARTICIPATION) if r.end_id in about_energy}
    project = next(p for p in seeded.nodes(Project) if p.id != "t-project")
    contributing = {r.start_id for r in seeded.relationships(RelType.CONTRIBUTES_TO) if r.end_id == project.id}
    startups = {a.id for a in actors if a.kind.name in ("STARTUP", "UNIVERSITY")}
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"spaces": [gid(Space, "diz-greifswald")]}, active),
        ({"themes": [gid(Theme, "energie")]}, in_energy),
        ({"projects": [gid(Project, project.id)]}, contributing),
        ({"kinds": ["STARTUP", "UNIVERSITY"]}, startups),
        ({"text": SEARCH_WORD}, {"t-company", "t-person"}),
        ({"kinds": ["STARTUP", "UNIVERSITY"], "spaces": [gid(Space, "diz-greifswald")]}, startups & active),
    ]
    for criteria, expected in cases:
        assert expected, f"the test graph has no actor for {criteria}"
        assert await listed_ids(client, ACTORS, "actors", criteria) == expected, criteria


async def test_sorting(client: httpx.AsyncClient, seeded: Seeded) -> None:
    latest = await data_of(client, EVENTS, {"first": 50, "order": {"field": "START", "direction": "DESC"}})
    starts = [e["node"]["start"] for e in latest["events"]["edges"]]
    expected = sorted(seeded.nodes(Event), key=lambda e: e.start, reverse=True)[:50]
    assert [datetime.fromisoformat(s) for s in starts] == [e.start for e in expected]

    by_title = await data_of(client, EVENTS, {"first": 100, "order": {"field": "TITLE"}})
    titles = [e["node"]["title"] for e in by_title["events"]["edges"]]
    assert titles == sorted(titles)

    by_name, _ = await all_pages(client, ACTORS, "actors", {"order": {"field": "NAME", "direction": "DESC"}})
    assert [a["name"] for a in by_name] == sorted((a.name for a in seeded.nodes(Actor)), reverse=True)


# --- search ------------------------------------------------------------------------------------------

SEARCH = """
query($text: String!, $kinds: [SearchKind!], $first: Int!) {
  search(text: $text, kinds: $kinds, first: $first) {
    score
    node {
      __typename
      ... on Actor { name }
      ... on Project { name }
      ... on Event { title }
      ... on Theme { label }
      ... on Space { name }
    }
  }
}"""


def _hit(hit: dict[str, Any]) -> tuple[str, str]:
    node = hit["node"]
    return node["__typename"], node.get("name") or node.get("title") or node.get("label")


async def test_search_ranks_exact_then_prefix_then_name_words_then_other_text(client: httpx.AsyncClient) -> None:
    hits = (await data_of(client, SEARCH, {"text": SEARCH_WORD.lower(), "first": 10}))["search"]
    assert [_hit(h) for h in hits] == [
        ("Actor", SEARCH_WORD),
        ("Project", f"{SEARCH_WORD} Nord"),
        ("Actor", f"Erika {SEARCH_WORD}-Muster"),
        ("Event", f"Workshop {SEARCH_WORD}"),
        ("Event", "Netzwerktreffen Hafen"),
    ]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1] > scores[2]


async def test_search_by_kind_and_count(client: httpx.AsyncClient) -> None:
    events = (await data_of(client, SEARCH, {"text": SEARCH_WORD, "kinds": ["EVENT"], "first": 10}))["search"]
    assert [_hit(h) for h in events] == [("Event", f"Workshop {SEARCH_WORD}"), ("Event", "Netzwerktreffen Hafen")]
    two = (await data_of(client, SEARCH, {"text": SEARCH_WORD, "first": 2}))["search"]
    assert len(two) == 2
    themes = await data_of(client, SEARCH, {"text": "Wasserstoff", "kinds": ["THEME", "SPACE"], "first": 5})
    assert _hit(themes["search"][0]) == ("Theme", "Wasserstoff")


# --- nested selections ---------------------------------------------------------------------------------

EVENT_DETAIL = """
query($id: ID!) {
  node(id: $id) {
    ... on Event {
      title start end localStart localEnd timezone allDay status attendance
      location { name address }
      space { name }
      themes { id label }
      projects { name }
      participants { role actor { id name } }
      presenters: participants(roles: [PRESENTER]) { actor { name } }
      provenance { source sources firstSeen lastSeen contentHash }
    }
  }
}"""


async def test_event_with_its_relationships_and_local_times(client: httpx.AsyncClient) -> None:
    event = (await data_of(client, EVENT_DETAIL, {"id": gid(Event, "t-winter")}))["node"]
    assert event["start"] == "2026-01-15T09:00:00+00:00"
    assert event["localStart"] == "2026-01-15T10:00:00+01:00"  # CET in January
    assert event["localEnd"] == "2026-01-15T12:00:00+01:00"
    assert (event["status"], event["attendance"], event["allDay"]) == ("SCHEDULED", "OFFLINE", False)
    assert event["location"] == {"name": "Hafenhaus", "address": "Am Strande 1, Rostock"}
    assert event["space"] == {"name": "DIZ Rostock"} or event["space"]["name"].endswith("Rostock")
    assert sorted(raw_id(t["id"]) for t in event["themes"]) == ["daten", "maritime-wirtschaft"]
    assert event["projects"] == [{"name": f"{SEARCH_WORD} Nord"}]
    assert [(p["role"], raw_id(p["actor"]["id"])) for p in event["participants"]] == [
        ("ORGANISER", "t-company"),
        ("PRESENTER", "t-company"),
        ("PRESENTER", "t-person"),
    ]
    assert [p["actor"]["name"] for p in event["presenters"]] == [SEARCH_WORD, f"Erika {SEARCH_WORD}-Muster"]
    assert event["provenance"]["source"] is None and event["provenance"]["sources"] == []

    offset = (await data_of(client, EVENT_DETAIL, {"id": gid(Event, "t-mention")}))["node"]
    assert (offset["timezone"], offset["localStart"]) == ("+02:00", "2026-07-01T18:00:00+02:00")
    assert offset["localEnd"] is None and offset["projects"] == []


async def test_generated_events_keep_their_provenance(client: httpx.AsyncClient, seeded: Seeded) -> None:
    event = seeded.nodes(Event)[0]
    found = (await data_of(client, EVENT_DETAIL, {"id": gid(Event, event.id)}))["node"]
    assert found["provenance"] == {
        "source": event.source,
        "sources": event.sources,
        "firstSeen": event.first_seen.isoformat(),
        "lastSeen": event.last_seen.isoformat(),
        "contentHash": event.content_hash,
    }


ACTOR_DETAIL = """
query($id: ID!) {
  node(id: $id) {
    ... on Actor {
      name kind email phone
      homeSpace { name }
      spaces { id }
      projects { name }
      events { totalCount edges { node { id } } }
      presenting: events(roles: [PRESENTER]) { totalCount }
      attending: events(roles: [ATTENDEE]) { totalCount edges { node { title } } }
      sponsoring: events(roles: [SPONSOR]) { totalCount }
    }
  }
}"""


async def test_actor_relationships_and_role_filters(client: httpx.AsyncClient) -> None:
    company = (await data_of(client, ACTOR_DETAIL, {"id": gid(Actor, "t-company")}))["node"]
    assert company["homeSpace"]["name"].endswith("Rostock")
    assert sorted(raw_id(s["id"]) for s in company["spaces"]) == ["diz-rostock", "innovationport-wismar"]
    assert company["projects"] == [{"name": f"{SEARCH_WORD} Nord"}]
    # Organising and presenting at the same event lists it once.
    assert company["events"]["totalCount"] == 1 and company["presenting"]["totalCount"] == 1
    assert company["sponsoring"]["totalCount"] == 0

    person = (await data_of(client, ACTOR_DETAIL, {"id": gid(Actor, "t-person")}))["node"]
    assert person["events"]["totalCount"] == 2
    assert person["attending"]["edges"] == [{"node": {"title": "Netzwerktreffen Hafen"}}]


ACTOR_CONTACTS = """query($first: Int!, $after: String) {
  actors(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { kind email phone } }
  }
}"""


async def test_contact_details_of_organisations_and_people(client: httpx.AsyncClient, seeded: Seeded) -> None:
    company = (await data_of(client, ACTOR_DETAIL, {"id": gid(Actor, "t-company")}))["node"]
    assert (company["email"], company["phone"]) == ("info@zebrafunk.example", "+49 381 111111")
    # This client is an admin: a person's details are shown (other roles: tests/api/test_access.py).
    person = (await data_of(client, ACTOR_DETAIL, {"id": gid(Actor, "t-person")}))["node"]
    assert (person["kind"], person["email"], person["phone"]) == ("PERSON", "erika@example.org", "+49 381 000000")
    async with make_client(seeded.store, role=Role.RESEARCHER) as researcher:
        everyone, _ = await all_pages(researcher, ACTOR_CONTACTS, "actors", {})
    people = [a for a in everyone if a["kind"] == "PERSON"]
    assert people and not [a for a in people if a["email"] is not None or a["phone"] is not None]


async def test_nested_connections_page_in_id_order(client: httpx.AsyncClient, seeded: Seeded) -> None:
    hosted = sorted(r.start_id for r in seeded.relationships(RelType.HOSTED_BY) if r.end_id == "diz-schwerin")
    query = """query($id: ID!, $after: String) { node(id: $id) { ... on Space {
      events(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
    } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await data_of(client, query, {"id": gid(Space, "diz-schwerin"), "after": after}))["node"]["events"]
        assert page["totalCount"] == len(hosted)
        seen.extend(raw_id(e["node"]["id"]) for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == hosted


async def test_theme_hierarchy_and_project_relationships(client: httpx.AsyncClient, seeded: Seeded) -> None:
    query = """query($energy: ID!, $hydrogen: ID!, $project: ID!) {
      energy: node(id: $energy) { ... on Theme { label parent { id } children { id } events { totalCount } } }
      hydrogen: node(id: $hydrogen) { ... on Theme { labelEn parent { label } } }
      project: node(id: $project) { ... on Project {
        events { edges { node { title } } } actors { totalCount edges { node { name } } } } }
    }"""
    variables = {
        "energy": gid(Theme, "energie"),
        "hydrogen": gid(Theme, "wasserstoff"),
        "project": gid(Project, "t-project"),
    }
    data = await data_of(client, query, variables)
    about = {r.start_id for r in seeded.relationships(RelType.ABOUT) if r.end_id == "energie"}
    assert data["energy"]["label"] == "Energie" and data["energy"]["parent"] is None
    assert [raw_id(c["id"]) for c in data["energy"]["children"]] == ["wasserstoff"]
    assert data["energy"]["events"]["totalCount"] == len(about)
    assert data["hydrogen"] == {"labelEn": "Hydrogen", "parent": {"label": "Energie"}}
    assert data["project"]["events"]["edges"] == [{"node": {"title": f"Workshop {SEARCH_WORD}"}}]
    assert data["project"]["actors"] == {"totalCount": 1, "edges": [{"node": {"name": SEARCH_WORD}}]}


async def test_three_levels_agree_with_the_graph(client: httpx.AsyncClient, seeded: Seeded) -> None:
    query = """{ events(first: 30) { edges { node { id
      participants { actor { id events(first: 100) { totalCount edges { node { id } } } } }
      themes { id }
    } } } }"""
    data = await data_of(client, query)
    participations = seeded.relationships(*PARTICIPATION)
    about = seeded.relationships(RelType.ABOUT)
    for edge in data["events"]["edges"]:
        event_id = raw_id(edge["node"]["id"])
        assert sorted(raw_id(t["id"]) for t in edge["node"]["themes"]) == sorted(
            r.end_id for r in about if r.start_id == event_id
        )
        for participant in edge["node"]["participants"]:
            actor_id = raw_id(participant["actor"]["id"])
            expected = sorted({r.end_id for r in participations if r.start_id == actor_id})
            got = participant["actor"]["events"]
            assert got["totalCount"] == len(expected)
            assert [raw_id(e["node"]["id"]) for e in got["edges"]] == expected[:100]


# --- import runs -------------------------------------------------------------------------------------------

RUNS = """query($source: String, $first: Int!, $after: String) {
  importRuns(source: $source, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id sourceKey status startedAt } }
  }
}"""


async def test_import_runs_newest_first_and_by_source(client: httpx.AsyncClient, seeded: Seeded) -> None:
    everything = (await data_of(client, RUNS, {"first": 100}))["importRuns"]
    assert everything["totalCount"] == len(seeded.nodes(ImportRun))
    starts = [e["node"]["startedAt"] for e in everything["edges"]]
    assert starts == sorted(starts, reverse=True)

    runs, pages = await all_pages(client, RUNS, "importRuns", {"source": "test-feed"}, first=2)
    assert [raw_id(r["id"]) for r in runs] == ["t-run-3", "t-run-2", "t-run-1"]
    assert [p["totalCount"] for p in pages] == [3, 3]
    one_space = (await data_of(client, RUNS, {"source": "diz-rostock", "first": 10}))["importRuns"]
    assert [e["node"]["sourceKey"] for e in one_space["edges"]] == ["diz-rostock"]
