"""The ministry's GraphQL fields over HTTP, through the real ASGI app, on both engines.

The store holds the hand-built graph of ``tests/insights/support.py``; the expected
numbers are derived by hand in ``tests/insights/test_activity.py`` (its docstring).
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio

from hub.access.roles import PersonView
from hub.api.app import create_app
from hub.config import Settings
from hub.insights.engine import Insights
from hub.store.port import GraphStore
from tests.api.support import data_of, make_client


def gid(label: str, node_id: str) -> str:
    return base64.b64encode(f"{label}:{node_id}".encode()).decode()


ROSTOCK, SCHWERIN, WISMAR = (
    gid("Space", "diz-rostock"),
    gid("Space", "diz-schwerin"),
    gid("Space", "innovationport-wismar"),
)
GREIFSWALD = gid("Space", "diz-greifswald")


@pytest_asyncio.fixture
async def client(insight_store: GraphStore) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(insight_store) as http:
        yield http


ACTIVITY = """
query($granularity: Granularity!, $filter: ActivityFilter) {
  activity(granularity: $granularity, filter: $filter) {
    granularity periods
    cells { period periodStart spaceLabel themeLabel space { id } theme { label } events actors newActors }
    spaceTotals { period label events actors newActors }
    periodTotals { period events actors newActors }
  }
}"""


async def test_activity_per_centre_theme_and_month(client: httpx.AsyncClient) -> None:
    found = (await data_of(client, ACTIVITY, {"granularity": "MONTH"}))["activity"]
    assert found["granularity"] == "MONTH"
    assert found["periods"] == ["2026-01", "2026-02", "2026-04", "2026-05"]
    cells = [
        (c["period"], c["spaceLabel"], c["themeLabel"], c["events"], c["actors"], c["newActors"])
        for c in found["cells"]
    ]
    assert cells == [
        ("2026-01", "DIZ Rostock", "Energie", 1, 2, 2),
        ("2026-02", "DIZ Schwerin", "Energie", 1, 3, 2),
        ("2026-02", "DIZ Schwerin", "Mobilität", 1, 3, 2),
        ("2026-02", "InnovationPort Wismar", "Mobilität", 1, 2, 2),
        ("2026-04", "DIZ Greifswald", "Gesundheit", 1, 3, 2),
        ("2026-04", "DIZ Greifswald", "Künstliche Intelligenz", 1, 3, 2),
        ("2026-04", "DIZ Rostock", "Gesundheit", 1, 2, 1),
        ("2026-04", "InnovationPort Wismar", "Künstliche Intelligenz", 1, 2, 1),  # e8, local April
        ("2026-05", "DIZ Neubrandenburg", "Bildung", 1, 1, 1),  # e7 (cancelled, Schwerin) is nowhere
    ]
    first = found["cells"][0]
    assert (first["periodStart"], first["space"]["id"], first["theme"]["label"]) == ("2026-01-01", ROSTOCK, "Energie")
    assert [(t["period"], t["label"], t["events"]) for t in found["spaceTotals"]][1:3] == [
        ("2026-02", "DIZ Schwerin", 1),  # e2 once, though it is in two theme cells
        ("2026-02", "InnovationPort Wismar", 1),
    ]
    totals = [(t["period"], t["events"], t["actors"], t["newActors"]) for t in found["periodTotals"]]
    assert totals == [("2026-01", 1, 2, 2), ("2026-02", 2, 4, 3), ("2026-04", 3, 4, 2), ("2026-05", 1, 1, 1)]


async def test_activity_filter_takes_global_ids_and_a_window(client: httpx.AsyncClient) -> None:
    criteria = {"themes": [gid("Theme", "ki")], "from": "2026-04-01", "to": "2026-05-01"}
    found = (await data_of(client, ACTIVITY, {"granularity": "QUARTER", "filter": criteria}))["activity"]
    cells = [(c["period"], c["space"]["id"], c["events"], c["actors"], c["newActors"]) for c in found["cells"]]
    assert cells == [("2026-Q2", GREIFSWALD, 1, 3, 2), ("2026-Q2", WISMAR, 1, 2, 1)]
    rostock = {"spaces": [ROSTOCK]}
    found = (await data_of(client, ACTIVITY, {"granularity": "YEAR", "filter": rostock}))["activity"]
    assert [(t["period"], t["events"], t["actors"], t["newActors"]) for t in found["periodTotals"]] == [
        ("2026", 2, 3, 3)
    ]


async def test_windows_without_data_give_empty_results(client: httpx.AsyncClient) -> None:
    march = {"from": "2026-03-01", "to": "2026-04-01"}  # e8 is 31 March in UTC but April locally
    found = (await data_of(client, ACTIVITY, {"granularity": "MONTH", "filter": march}))["activity"]
    assert (found["periods"], found["cells"], found["periodTotals"]) == ([], [], [])
    empty = {"from": "2026-02-01", "to": "2026-02-01"}
    query = """query($w: ActivityWindow, $f: ActivityFilter) {
      trends(filter: $f) { key }
      crossRegional(window: $w) { actorCount actors { name } projects { name } }
      collaboration(window: $w) { weight }
    }"""
    found = await data_of(client, query, {"w": empty, "f": empty})
    assert found == {
        "trends": [],
        "crossRegional": {"actorCount": 0, "actors": [], "projects": []},
        "collaboration": [],
    }


TRENDS = """
query($by: TrendDimension!, $metric: TrendMetric!, $granularity: Granularity!, $filter: ActivityFilter) {
  trends(granularity: $granularity, by: $by, metric: $metric, filter: $filter) {
    key label period value previous change changePercent space { name } theme { label }
  }
}"""


async def test_trends_per_centre_show_a_drop_to_zero(client: httpx.AsyncClient) -> None:
    variables = {"by": "SPACE", "metric": "EVENTS", "granularity": "MONTH"}
    points = (await data_of(client, TRENDS, variables))["trends"]
    assert len(points) == 6 * 5, "six centres over January to May, March and empty centres included"
    in_schwerin = [p for p in points if p["key"] == SCHWERIN]
    schwerin = [(p["period"], p["value"], p["previous"], p["change"], p["changePercent"]) for p in in_schwerin]
    assert schwerin == [
        ("2026-01", 0, None, None, None),
        ("2026-02", 1, 0, 1, None),
        ("2026-03", 0, 1, -1, -100.0),
        ("2026-04", 0, 0, 0, None),
        ("2026-05", 0, 0, 0, None),
    ]
    assert {(p["label"], p["space"]["name"], p["theme"]) for p in in_schwerin} == {
        ("DIZ Schwerin", "DIZ Schwerin", None)
    }


async def test_trends_per_theme_with_another_metric(client: httpx.AsyncClient) -> None:
    criteria = {"themes": [gid("Theme", "energie")]}
    variables = {"by": "THEME", "metric": "ACTORS", "granularity": "MONTH", "filter": criteria}
    points = (await data_of(client, TRENDS, variables))["trends"]
    energy = [(p["key"], p["theme"]["label"], p["period"], p["value"], p["change"], p["changePercent"]) for p in points]
    assert energy == [
        (gid("Theme", "energie"), "Energie", "2026-01", 2, None, None),
        (gid("Theme", "energie"), "Energie", "2026-02", 3, 1, 50.0),
    ]
    assert {p["space"] for p in points} == {None}


async def test_cross_regional_actors_and_projects(client: httpx.AsyncClient) -> None:
    query = """query($min: Int!) {
      crossRegional(minSpaces: $min) {
        actorCount projectCount
        actors { name events actor { id kind } spaces { id } centres { space { name } events activeIn } }
        projects { name events contributors project { id } centres { space { id } events } }
      }
    }"""
    found = (await data_of(client, query, {"min": 2}))["crossRegional"]
    assert (found["actorCount"], found["projectCount"]) == (4, 1)
    assert [(a["actor"]["id"], a["events"]) for a in found["actors"]] == [
        (gid("Actor", "medtech-start"), 3),
        (gid("Actor", "uni-rostock"), 3),
        (gid("Actor", "stadt-schwerin"), 2),
        (gid("Actor", "solarwerk"), 2),
    ]
    uni = found["actors"][1]
    assert uni["actor"]["kind"] == "UNIVERSITY" and uni["spaces"] == [{"id": GREIFSWALD}, {"id": ROSTOCK}]
    assert uni["centres"] == [
        {"space": {"name": "DIZ Greifswald"}, "events": 1, "activeIn": False},  # e4
        {"space": {"name": "DIZ Rostock"}, "events": 2, "activeIn": True},
    ]
    assert found["projects"] == [
        {
            "name": "Digitale Gesundheit MV",
            "events": 2,
            "contributors": 2,
            "project": {"id": gid("Project", "p-health")},
            "centres": [{"space": {"id": GREIFSWALD}, "events": 1}, {"space": {"id": ROSTOCK}, "events": 1}],
        }
    ]
    three = (await data_of(client, query, {"min": 3}))["crossRegional"]
    assert [a["name"] for a in three["actors"]] == ["MedTech Start GmbH"] and three["projects"] == []
    paged = await data_of(client, "{ crossRegional { actors(first: 2, offset: 1) { name } } }")
    assert [a["name"] for a in paged["crossRegional"]["actors"]] == ["Universität Rostock", "Landeshauptstadt Schwerin"]


async def test_collaboration_between_centres(client: httpx.AsyncClient) -> None:
    query = """{ collaboration {
      label a { id } b { id } sharedActors sharedProjects sharedEvents weight
      actors { name } projects { name } events { title }
    } }"""
    pairs = (await data_of(client, query))["collaboration"]
    weights = [(p["a"]["id"], p["b"]["id"], p["sharedActors"], p["sharedProjects"], p["sharedEvents"], p["weight"])
               for p in pairs]  # fmt: skip
    assert weights == [
        (GREIFSWALD, ROSTOCK, 2, 1, 2, 5),
        (ROSTOCK, SCHWERIN, 1, 0, 2, 3),
        (GREIFSWALD, WISMAR, 1, 0, 1, 2),
        (SCHWERIN, WISMAR, 1, 0, 1, 2),
        (ROSTOCK, WISMAR, 1, 0, 0, 1),
    ]
    heaviest = pairs[0]
    assert heaviest["label"] == "DIZ Greifswald – DIZ Rostock"
    assert [a["name"] for a in heaviest["actors"]] == ["MedTech Start GmbH", "Universität Rostock"]
    assert heaviest["projects"] == [{"name": "Digitale Gesundheit MV"}]
    assert [e["title"] for e in heaviest["events"]] == ["KI in der Pflege", "Telemedizin an der Küste"]
    april = await data_of(client, '{ collaboration(window: {from: "2026-04-01", to: "2026-05-01"}) { weight } }')
    assert [p["weight"] for p in april["collaboration"]] == [5, 2, 1]


async def test_space_profile(client: httpx.AsyncClient) -> None:
    query = """query($space: ID!) {
      spaceProfile(space: $space, topPartners: 2) {
        space { name } events actors firstEvent lastEvent
        topThemes { label events theme { id } }
        topPartners { name events actor { id } }
        reach { label actors space { id } }
      }
    }"""
    profile = (await data_of(client, query, {"space": ROSTOCK}))["spaceProfile"]
    assert (profile["space"]["name"], profile["events"], profile["actors"]) == ("DIZ Rostock", 2, 3)
    assert (profile["firstEvent"], profile["lastEvent"]) == ("2026-01-15", "2026-04-20")
    assert profile["topThemes"] == [
        {"label": "Energie", "events": 1, "theme": {"id": gid("Theme", "energie")}},
        {"label": "Gesundheit", "events": 1, "theme": {"id": gid("Theme", "gesundheit")}},
    ]
    assert [(p["name"], p["events"]) for p in profile["topPartners"]] == [
        ("Universität Rostock", 2),
        ("MedTech Start GmbH", 1),
    ]
    assert [(r["label"], r["actors"]) for r in profile["reach"]] == [
        ("DIZ Greifswald", 2),
        ("DIZ Schwerin", 1),
        ("InnovationPort Wismar", 1),
        ("DIZ Neubrandenburg", 0),
        ("MakerPort Stralsund", 0),
    ]


BAD_INPUT: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "unknown centre in a filter",
        "query($f: ActivityFilter) { activity(filter: $f) { periods } }",
        {"f": {"spaces": [gid("Space", "diz-anklam")]}},
        f"filter.spaces: {gid('Space', 'diz-anklam')!r} names Space 'diz-anklam', which does not exist",
    ),
    (
        "unknown theme in a filter",
        "query($f: ActivityFilter) { trends(filter: $f) { key } }",
        {"f": {"themes": [gid("Theme", "raumfahrt")]}},
        f"filter.themes: {gid('Theme', 'raumfahrt')!r} names Theme 'raumfahrt', which does not exist",
    ),
    (
        "unknown centre for a profile",
        "query($s: ID!) { spaceProfile(space: $s) { events } }",
        {"s": gid("Space", "diz-anklam")},
        f"space: {gid('Space', 'diz-anklam')!r} names Space 'diz-anklam', which does not exist",
    ),
    (
        "invalid global id",
        '{ spaceProfile(space: "not-an-id") { events } }',
        {},
        "space: 'not-an-id' is not a valid id",
    ),
    (
        "theme id where a centre belongs",
        "query($f: ActivityFilter) { activity(filter: $f) { periods } }",
        {"f": {"spaces": [gid("Theme", "energie")]}},
        f"filter.spaces: {gid('Theme', 'energie')!r} is the id of a Theme, not of a Space",
    ),
    (
        "inverted window",
        '{ collaboration(window: {from: "2026-05-01", to: "2026-04-01"}) { weight } }',
        {},
        "window: 'to' (2026-04-01) is before 'from' (2026-05-01)",
    ),
    (
        "inverted filter",
        '{ activity(filter: {from: "2026-05-01", to: "2026-04-01"}) { periods } }',
        {},
        "filter: 'to' (2026-04-01) is before 'from' (2026-05-01)",
    ),
    ("too few centres", "{ crossRegional(minSpaces: 1) { actorCount } }", {}, "minSpaces must be between 2 and 6"),
    (
        "a trend over millennia",
        '{ trends(filter: {from: "1000-01-01", to: "3000-01-01"}) { key } }',
        {},
        "spans more than 1200 periods of a month",
    ),
    (
        "not a date",
        "query($w: ActivityWindow) { collaboration(window: $w) { weight } }",
        {"w": {"from": "April"}},
        'Value cannot represent a Date: "April"',
    ),
]


@pytest.mark.parametrize(
    ("query", "variables", "message"), [case[1:] for case in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
async def test_bad_input_is_a_coded_graphql_error(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], message: str
) -> None:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
    assert message in errors[0]["message"]


async def test_a_repeated_question_is_answered_from_the_cache(insight_store: GraphStore) -> None:
    app = create_app(Settings(env="development"), store=insight_store)
    insights: Insights = app.state.insights
    computed: list[str] = []
    compute = insights.compute

    async def spying(name: str, params: Any, function: Callable[[Any], Any], persons: PersonView) -> Any:
        def counted(projection: Any) -> Any:
            computed.append(name)
            return function(projection)

        return await compute(name, params, counted, persons)

    insights.compute = spying  # type: ignore[method-assign]
    query = "{ activity(granularity: QUARTER) { periods } collaboration { weight } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http:
        first = await data_of(http, query)
        # the events that take place are prepared once and shared by both fields
        assert sorted(computed) == ["ministry.activity", "ministry.collaboration", "ministry.events"]
        assert await data_of(http, query) == first
        assert len(computed) == 3, "the second answer came from the cache"
        await data_of(http, "{ activity(granularity: MONTH) { periods } }")
        assert computed[3:] == ["ministry.activity"], "other arguments, another computation"
