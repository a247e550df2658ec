"""``Query.partners`` over HTTP through the real ASGI app, on both engines, on the hand-built insight graph.

"Today" is fixed to 1 June 2026 so that recency, and with it every score, is exact; the
numbers are the ones ``tests/insights/test_partners.py`` derives by hand from the graph.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import date
from math import sqrt
from typing import Any

import httpx
import pytest
import pytest_asyncio

from hub.api import partners as partners_api
from hub.store.port import GraphStore
from tests.api.support import data_of, make_client, post_query

TODAY = date(2026, 6, 1)

PARTNERS = """
query($actor: ID, $project: ID, $themes: [ID!], $forSpace: ID, $filter: PartnerFilter, $first: Int! = 10) {
  partners(actor: $actor, project: $project, themes: $themes, forSpace: $forSpace, filter: $filter, first: $first) {
    actor { id name kind }
    score
    components { name label value weight }
    reasons
    alreadyConnected
    spaces { name }
    path { from { name } to { name } events { title } projects { name } }
  }
}"""


def gid(label: str, node_id: str) -> str:
    return base64.b64encode(f"{label}:{node_id}".encode()).decode()


def raw_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def recency(days: int) -> float:
    return 0.5 ** (days / 180)


def score(*parts: float) -> float:
    return round(sum(weight * part for weight, part in zip((0.35, 0.15, 0.20, 0.20, 0.10), parts, strict=True)), 4)


@pytest_asyncio.fixture
async def http(insight_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setattr(partners_api, "today", lambda: TODAY)
    async with make_client(insight_store) as client:
        yield client


async def partners(http: httpx.AsyncClient, **variables: Any) -> list[dict[str, Any]]:
    return (await data_of(http, PARTNERS, variables))["partners"]


async def test_partners_of_an_actor_with_scores_components_reasons_and_paths(http: httpx.AsyncClient) -> None:
    found = await partners(http, actor=gid("Actor", "solarwerk"))
    assert [(raw_id(s["actor"]["id"]), s["score"]) for s in found] == [
        ("stadt-schwerin", score(4 / 5, 0, 2 / 3, 1, recency(101))),
        ("uni-rostock", score(2 / (sqrt(5) * sqrt(6)), 0, 1 / 3, 1, recency(42))),
        ("hs-wismar", score(1 / (sqrt(5) * sqrt(2)), 0, 0, 1 / 2, recency(61))),
        ("medtech-start", score(0, 0, 0, 1 / 2, recency(42))),
        ("klinik-greifswald", score(0, 0, 0, 1 / 2, recency(57))),
    ]
    top = found[0]
    assert top["actor"] == {
        "id": gid("Actor", "stadt-schwerin"),
        "name": "Landeshauptstadt Schwerin",
        "kind": "PUBLIC_BODY",
    }
    assert top["components"] == [
        {"name": "SHARED_THEMES", "label": "Gemeinsame Themen", "value": 0.8, "weight": 0.35},
        {"name": "COMPLEMENTARY_THEMES", "label": "Ergänzende Themen", "value": 0.0, "weight": 0.15},
        {"name": "SHARED_ACTIVITIES", "label": "Gemeinsame Aktivitäten", "value": 0.6667, "weight": 0.2},
        {"name": "NETWORK_PROXIMITY", "label": "Nähe im Netzwerk", "value": 1.0, "weight": 0.2},
        {"name": "RECENCY", "label": "Aktualität", "value": round(recency(101), 4), "weight": 0.1},
    ]
    assert top["reasons"] == [
        "Aktiv in anderen Zentren: InnovationPort Wismar",
        "Gemeinsame Themen: Energie, Mobilität",
        "Gemeinsame Veranstaltungen: Mobilität und Energie im Quartier",
        "Gemeinsame Projekte: Energiequartier Nord",
        "Zuletzt aktiv am 20.02.2026",
    ]
    assert top["alreadyConnected"] is True
    assert top["spaces"] == [{"name": "DIZ Schwerin"}, {"name": "InnovationPort Wismar"}]
    assert found[2]["path"] == [
        {
            "from": {"name": "Solarwerk Nord GmbH"},
            "to": {"name": "Landeshauptstadt Schwerin"},
            "events": [{"title": "Mobilität und Energie im Quartier"}],
            "projects": [{"name": "Energiequartier Nord"}],
        },
        {
            "from": {"name": "Landeshauptstadt Schwerin"},
            "to": {"name": "Hochschule Wismar"},
            "events": [{"title": "Radverkehr digital"}],
            "projects": [],
        },
    ]
    assert found[2]["alreadyConnected"] is False


async def test_partners_of_a_project_and_of_themes(http: httpx.AsyncClient) -> None:
    for_project = await partners(http, project=gid("Project", "p-quartier"), first=3)
    assert [raw_id(s["actor"]["id"]) for s in for_project] == ["stadt-schwerin", "solarwerk", "hs-wismar"]
    assert for_project[2]["reasons"][2] == "2 Schritte im Netzwerk: über Landeshauptstadt Schwerin"
    for_themes = await partners(http, themes=[gid("Theme", "gesundheit")], forSpace=gid("Space", "diz-greifswald"))
    assert [raw_id(s["actor"]["id"]) for s in for_themes] == ["uni-rostock", "medtech-start", "hs-wismar"]
    assert for_themes[0]["score"] == score(2 / sqrt(6), 1 / 2, 0, 0, recency(42))
    assert for_themes[0]["path"] == []


async def test_the_filter_narrows_kinds_centres_themes_and_the_window(http: httpx.AsyncClient) -> None:
    solarwerk = gid("Actor", "solarwerk")

    async def ids(criteria: dict[str, Any]) -> list[str]:
        return [raw_id(s["actor"]["id"]) for s in await partners(http, actor=solarwerk, filter=criteria)]

    assert await ids({"kinds": ["UNIVERSITY"]}) == ["uni-rostock", "hs-wismar"]
    assert await ids({"spaces": [gid("Space", "innovationport-wismar")]}) == [
        "stadt-schwerin",
        "hs-wismar",
        "medtech-start",
    ]
    assert await ids({"themes": [gid("Theme", "ki")]}) == [
        "uni-rostock",
        "hs-wismar",
        "medtech-start",
        "klinik-greifswald",
    ]
    assert await ids({"from": "2026-01-01", "to": "2026-03-01"}) == ["stadt-schwerin", "uni-rostock", "hs-wismar"]
    assert await ids({"includeConnected": False}) == ["hs-wismar", "medtech-start", "klinik-greifswald"]
    hs_wismar = gid("Actor", "hs-wismar")
    with_persons = await partners(http, actor=hs_wismar, filter={"includePersons": True, "kinds": ["PERSON"]})
    assert [(s["actor"]["name"], s["score"]) for s in with_persons] == [
        ("Anna Schmidt", score(1 / 2, 1 / 2, 0, 1 / 2, recency(111)))
    ]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"actor": gid("Actor", "solarwerk"), "themes": [gid("Theme", "energie")]},
            "give exactly one of actor, project or themes (got actor, themes)",
        ),
        ({}, "give exactly one of actor, project or themes (got none)"),
        ({"actor": "not-an-id"}, "actor: 'not-an-id' is not a valid id; use the id field of a node from this API"),
        ({"actor": gid("Theme", "energie")}, "is the id of a Theme, not of a Actor"),
        ({"themes": [gid("Theme", "quantenkaese")]}, "there is no theme with the id 'quantenkaese'"),
        ({"actor": gid("Actor", "nobody")}, "there is no actor with the id 'nobody'"),
        ({"themes": []}, "themes must name at least one theme"),
        ({"actor": gid("Actor", "solarwerk"), "forSpace": gid("Space", "diz-rostock")}, "forSpace goes with themes"),
        ({"actor": gid("Actor", "solarwerk"), "first": 51}, "first must be between 0 and 50 (got 51)"),
        ({"actor": gid("Actor", "solarwerk"), "filter": {"kinds": ["PERSON"]}}, "PERSON needs filter.includePersons"),
        (
            {"actor": gid("Actor", "solarwerk"), "filter": {"from": "2026-05-01", "to": "2026-04-01"}},
            "filter: the time window ends (2026-04-01) before it starts (2026-05-01)",
        ),
    ],
)
async def test_bad_input_is_a_bad_user_input_error(
    http: httpx.AsyncClient, variables: dict[str, Any], message: str
) -> None:
    body = await post_query(http, PARTNERS, variables)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert message in error["message"]
    assert error["path"] == ["partners"]
