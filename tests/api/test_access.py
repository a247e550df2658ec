"""Roles over HTTP, on both engines: every role x every root field, and what each role sees of people.

The expected-access table below is written out by hand (it is not derived from the
code's rules), so a change to the rules fails here until the table is changed too; a
new root field fails ``test_the_table_covers_every_root_field`` until it is added.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from hub.access.keys import ApiKeys
from hub.access.roles import Role
from hub.api.app import create_app
from hub.api.schema import create_schema
from hub.config import Settings
from tests.api.support import SEARCH_WORD, Seeded, data_of, gid, make_client, post_query

ROSTOCK, SCHWERIN = "diz-rostock", "diz-schwerin"


# --- the expected-access table ----------------------------------------------------------------------

PUBLIC, MINISTRY, RESEARCHER, COORDINATOR, OTHER_COORDINATOR, ADMIN = (
    "public",
    "ministry",
    "researcher",
    "coordinator",  # of DIZ Rostock, where the hand-built company, event and project belong
    "other coordinator",  # of DIZ Schwerin
    "admin",
)
EVERYONE = frozenset({PUBLIC, MINISTRY, RESEARCHER, COORDINATOR, OTHER_COORDINATOR, ADMIN})
CURATORS_OF_ROSTOCK = frozenset({COORDINATOR, ADMIN})

COMPANY, PERSON, WINTER = gid("Actor", "t-company"), gid("Actor", "t-person"), gid("Event", "t-winter")
PROJECT, THEMES = gid("Project", "t-project"), [gid("Theme", "maritime-wirtschaft"), gid("Theme", "daten")]

#: (root field, an operation using it, the principals allowed to use it)
TABLE: list[tuple[str, str, frozenset[str]]] = [
    ("node", f'{{ node(id: "{gid("Space", ROSTOCK)}") {{ id }} }}', EVERYONE),
    ("nodes", f'{{ nodes(ids: ["{COMPANY}"]) {{ id }} }}', EVERYONE),
    ("events", "{ events(first: 1) { totalCount } }", EVERYONE),
    ("actors", "{ actors(first: 1) { totalCount } }", EVERYONE),
    ("projects", "{ projects(first: 1) { totalCount } }", EVERYONE),
    ("spaces", "{ spaces(first: 1) { totalCount } }", EVERYONE),
    ("themes", "{ themes(first: 1) { totalCount } }", EVERYONE),
    (
        "importRuns",
        "{ importRuns(first: 1) { totalCount } }",
        frozenset({MINISTRY, COORDINATOR, OTHER_COORDINATOR, ADMIN}),
    ),
    ("search", f'{{ search(text: "{SEARCH_WORD}") {{ score }} }}', EVERYONE),
    ("activity", "{ activity { __typename } }", EVERYONE),
    ("trends", "{ trends { __typename } }", EVERYONE),
    ("crossRegional", "{ crossRegional { __typename } }", EVERYONE),
    ("collaboration", "{ collaboration { __typename } }", EVERYONE),
    ("spaceProfile", f'{{ spaceProfile(space: "{gid("Space", ROSTOCK)}") {{ __typename }} }}', EVERYONE),
    ("partners", f'{{ partners(actor: "{COMPANY}") {{ __typename }} }}', EVERYONE),
    ("network", "{ network(first: 5) { __typename } }", EVERYONE),
    ("actorPath", f'{{ actorPath(from: "{COMPANY}", to: "{COMPANY}") {{ __typename }} }}', EVERYONE),
    ("networkOverTime", "{ networkOverTime(granularity: YEAR) { __typename } }", EVERYONE),
    ("viewer", "{ viewer { role } }", EVERYONE),
    ("auditLog", "{ auditLog(first: 1) { totalCount } }", frozenset({ADMIN})),
    # Mutations, each harmless to repeat; "allowed" means not refused for the role (a curator may
    # still get BAD_USER_INPUT, checked after the rights: an actor cannot be merged with itself).
    (
        "updateActor",
        f'mutation {{ updateActor(id: "{COMPANY}", aliases: ["Zebrafunk GmbH"]) {{ id }} }}',
        CURATORS_OF_ROSTOCK,
    ),
    (
        "mergeActors",
        f'mutation {{ mergeActors(keep: "{COMPANY}", absorb: "{COMPANY}") {{ id }} }}',
        CURATORS_OF_ROSTOCK,
    ),
    (
        "splitActor",
        f'mutation {{ splitActor(id: "{COMPANY}", alias: "kein Alias", events: ["{WINTER}"]) {{ id }} }}',
        CURATORS_OF_ROSTOCK,
    ),
    (
        "setEventThemes",
        f'mutation {{ setEventThemes(id: "{WINTER}", themes: ["{THEMES[0]}", "{THEMES[1]}"]) {{ id }} }}',
        CURATORS_OF_ROSTOCK,
    ),
    (
        "setEventProjects",
        f'mutation {{ setEventProjects(id: "{WINTER}", projects: ["{PROJECT}"]) {{ id }} }}',
        CURATORS_OF_ROSTOCK,
    ),
    (
        "updateProject",
        f'mutation {{ updateProject(id: "{PROJECT}", description: "Funknetz für Häfen") {{ id }} }}',
        CURATORS_OF_ROSTOCK,
    ),
    # Any curator may add a project; it belongs to a centre once an event of it does.
    (
        "createProject",
        'mutation { createProject(name: "Tabellenprojekt") { id } }',
        frozenset({COORDINATOR, OTHER_COORDINATOR, ADMIN}),
    ),
]

_KEYS: dict[str, tuple[Role, str | None]] = {
    MINISTRY: (Role.MINISTRY, None),
    RESEARCHER: (Role.RESEARCHER, None),
    COORDINATOR: (Role.COORDINATOR, ROSTOCK),
    OTHER_COORDINATOR: (Role.COORDINATOR, SCHWERIN),
    ADMIN: (Role.ADMIN, None),
}


@pytest_asyncio.fixture(scope="module")
async def clients(seeded: Seeded) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """One client per principal of the table, each with a real key (none for public), on one app."""
    app = create_app(Settings(env="development", rate_limit_per_minute=0), store=seeded.store)
    keys = ApiKeys(seeded.store)
    transport = httpx.ASGITransport(app=app)
    opened: dict[str, httpx.AsyncClient] = {PUBLIC: httpx.AsyncClient(transport=transport, base_url="http://hub.test")}
    for name, (role, space) in _KEYS.items():
        issued = await keys.issue(f"table: {name}", role, space)
        headers = {"authorization": f"Bearer {issued.token}"}
        opened[name] = httpx.AsyncClient(transport=transport, base_url="http://hub.test", headers=headers)
    try:
        yield opened
    finally:
        for client in opened.values():
            await client.aclose()


def test_the_table_covers_every_root_field() -> None:
    schema = create_schema(Settings()).as_str()
    import graphql

    parsed = graphql.build_schema(schema)
    roots = {*parsed.query_type.fields, *parsed.mutation_type.fields}  # type: ignore[union-attr]
    assert roots == {field for field, _, _ in TABLE}


@pytest.mark.parametrize("principal", sorted(EVERYONE))
@pytest.mark.parametrize(("field", "operation", "allowed"), TABLE, ids=[row[0] for row in TABLE])
async def test_every_role_and_root_field(
    clients: dict[str, httpx.AsyncClient], principal: str, field: str, operation: str, allowed: frozenset[str]
) -> None:
    body = await post_query(clients[principal], operation)
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    if principal in allowed:
        assert "FORBIDDEN" not in codes, body
        assert set(codes) <= {"BAD_USER_INPUT"}, body
        if not codes:
            assert body["data"][field] is not None or field == "node", body
    else:
        assert codes == ["FORBIDDEN"], body
        assert body["data"] is None or body["data"].get(field) is None, body
        assert "Forbidden" in body["errors"][0]["message"]


# --- what each role sees of people --------------------------------------------------------------------

PEOPLE_QUERY = f"""{{
  actors(first: 100, filter: {{text: "{SEARCH_WORD}"}}) {{ totalCount edges {{ node {{ id name kind email phone }} }} }}
  search(text: "{SEARCH_WORD}", kinds: [ACTOR]) {{ node {{ ... on Actor {{ id name }} }} }}
  winter: node(id: "{WINTER}") {{ ... on Event {{ participants {{ role actor {{ id name kind email }} }} }} }}
  person: node(id: "{PERSON}") {{ id }}
}}"""


async def test_public_and_ministry_see_no_people(clients: dict[str, httpx.AsyncClient]) -> None:
    for principal in (PUBLIC, MINISTRY):
        data = await data_of(clients[principal], PEOPLE_QUERY)
        actors = [edge["node"] for edge in data["actors"]["edges"]]
        assert [a["name"] for a in actors] == [SEARCH_WORD], principal
        assert data["actors"]["totalCount"] == 1, "people are not even counted"
        assert actors[0]["email"] == "info@zebrafunk.example", "an organisation's published address is public"
        assert [hit["node"]["name"] for hit in data["search"]] == [SEARCH_WORD]
        assert {p["actor"]["name"] for p in data["winter"]["participants"]} == {SEARCH_WORD}
        assert data["person"] is None


async def test_a_coordinator_and_an_admin_see_people_with_their_contact_details(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    for principal in (COORDINATOR, ADMIN):
        data = await data_of(clients[principal], PEOPLE_QUERY)
        by_name = {edge["node"]["name"]: edge["node"] for edge in data["actors"]["edges"]}
        assert by_name[f"Erika {SEARCH_WORD}-Muster"]["email"] == "erika@example.org"
        assert by_name[SEARCH_WORD]["phone"] == "+49 381 111111"
        assert f"Erika {SEARCH_WORD}-Muster" in [hit["node"]["name"] for hit in data["search"]]
        assert data["person"] == {"id": PERSON}


async def test_a_researcher_sees_people_under_stable_pseudonyms_only(clients: dict[str, httpx.AsyncClient]) -> None:
    first = await data_of(clients[RESEARCHER], PEOPLE_QUERY)
    # Not found by their real name, neither by a filter nor by search …
    assert [edge["node"]["name"] for edge in first["actors"]["edges"]] == [SEARCH_WORD]
    assert [hit["node"]["name"] for hit in first["search"]] == [SEARCH_WORD]
    assert first["person"] is None
    # … but present in the network of events, under a pseudonym, without contact details.
    people = [p["actor"] for p in first["winter"]["participants"] if p["actor"]["kind"] == "PERSON"]
    assert len(people) == 1
    pseudonym = people[0]
    assert pseudonym["name"].startswith("Person ") and "Erika" not in str(pseudonym)
    assert pseudonym["email"] is None
    again = await data_of(clients[RESEARCHER], PEOPLE_QUERY)
    assert [p["actor"] for p in again["winter"]["participants"] if p["actor"]["kind"] == "PERSON"] == [pseudonym]


async def test_the_network_export_follows_the_role(clients: dict[str, httpx.AsyncClient]) -> None:
    def names(response: httpx.Response) -> set[str]:
        assert response.status_code == 200, response.text
        return {row["label"] for row in csv.DictReader(io.StringIO(response.text))}

    person = f"Erika {SEARCH_WORD}-Muster"
    named = names(await clients[ADMIN].get("/exports/nodes.csv"))
    hidden = names(await clients[PUBLIC].get("/exports/nodes.csv"))
    pseudonymised = names(await clients[RESEARCHER].get("/exports/nodes.csv"))
    assert person in named
    assert person not in hidden and not any(name.startswith("Person ") for name in hidden)
    assert person not in pseudonymised
    researcher_people = {name for name in pseudonymised if name.startswith("Person ")}
    assert len(researcher_people) == len({n for n in named if n not in hidden}) > 0
    # the same pseudonyms in GraphQL and in the file
    data = await data_of(clients[RESEARCHER], PEOPLE_QUERY)
    assert {
        p["actor"]["name"] for p in data["winter"]["participants"] if p["actor"]["kind"] == "PERSON"
    } <= researcher_people


async def test_the_network_follows_the_role(clients: dict[str, httpx.AsyncClient]) -> None:
    query = "{ network(first: 100) { nodes { kind name } } }"
    admin = (await data_of(clients[ADMIN], query))["network"]["nodes"]
    public = (await data_of(clients[PUBLIC], query))["network"]["nodes"]
    researcher = (await data_of(clients[RESEARCHER], query))["network"]["nodes"]
    people = sorted(node["name"] for node in admin if node["kind"] == "PERSON")
    assert people, "the seeded graph has people in its network"
    assert not [node for node in public if node["kind"] == "PERSON"]
    pseudonyms = sorted(node["name"] for node in researcher if node["kind"] == "PERSON")
    assert len(pseudonyms) == len(people) and all(name.startswith("Person ") for name in pseudonyms)
    assert not set(pseudonyms) & set(people)


async def test_viewer_says_who_is_asking(clients: dict[str, httpx.AsyncClient]) -> None:
    query = "{ viewer { role keyName centre { name } } }"
    assert (await data_of(clients[PUBLIC], query))["viewer"] == {"role": "public", "keyName": None, "centre": None}
    coordinator = (await data_of(clients[COORDINATOR], query))["viewer"]
    assert coordinator == {"role": "coordinator", "keyName": "table: coordinator", "centre": {"name": "DIZ Rostock"}}


# --- keys: refused, revoked, rate-limited ------------------------------------------------------------------


async def _status(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    response = await client.post("/graphql", json={"query": "{ viewer { role } }"}, headers=headers or {})
    return response.status_code, response.json()


async def test_a_wrong_or_revoked_key_is_refused_not_served_as_public(seeded: Seeded) -> None:
    app = create_app(Settings(env="development"), store=seeded.store)
    keys: ApiKeys = app.state.keys
    issued = await keys.issue("soon revoked", Role.MINISTRY)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub.test") as http:
        for token in ("nonsense", issued.token[:-2] + "xx", "hub_000000000000_" + "a" * 43):
            status, body = await _status(http, {"authorization": f"Bearer {token}"})
            assert status == 401, body
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await _status(http, {"x-api-key": issued.token}))[1] == {"data": {"viewer": {"role": "ministry"}}}
        await keys.revoke(issued.key.id)
        status, body = await _status(http, {"x-api-key": issued.token})
        assert status == 401, "revoked in this server: refused at once (elsewhere within keys.CACHE_SECONDS)"
        assert (await _status(http))[0] == 200, "without a key: public"
    stored = await keys.list()
    revoked = next(key for key in stored if key.id == issued.key.id)
    assert revoked.revoked_at is not None
    assert issued.token.split("_", 2)[2] not in revoked.secret_hash, "only a hash of the secret is stored"


async def test_each_key_has_its_own_rate_limit(seeded: Seeded) -> None:
    async with make_client(seeded.store, Settings(env="development", rate_limit_per_minute=3)) as http:
        for _ in range(3):
            assert (await _status(http))[0] == 200
        response = await http.post("/graphql", json={"query": "{ viewer { role } }"})
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert (await http.get("/health")).status_code == 200, "probes are never limited"
        other = await ApiKeys(seeded.store).issue("another client", Role.RESEARCHER)
        assert (await _status(http, {"authorization": f"Bearer {other.token}"}))[0] == 200
