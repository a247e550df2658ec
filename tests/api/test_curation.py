"""Curation mutations over HTTP on both engines: merge, split, corrections, and the audit log they leave.

Who may call which mutation is in tests/api/test_access.py; that curated facts survive a
sync is in tests/importers/test_curation_sync.py.
"""

from __future__ import annotations

import base64
import json

import httpx

from hub.access.roles import Role
from hub.domain import Actor, Event, RelType
from tests.api.support import Seeded, data_of, gid, make_client, post_query


def raw(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


AUDIT = "{ auditLog(first: 50) { totalCount edges { node { who role action target before after } } } }"


async def audit_entries(http: httpx.AsyncClient) -> list[dict]:
    return [edge["node"] for edge in (await data_of(http, AUDIT))["auditLog"]["edges"]]


PARTICIPATION = [RelType.ORGANISES, RelType.PRESENTS_AT, RelType.SPONSORS, RelType.PARTNERS_IN, RelType.ATTENDS]
MERGE = "mutation($k: ID!, $a: ID!) { mergeActors(keep: $k, absorb: $a) { id name aliases curated } }"
SPLIT = """mutation($id: ID!, $alias: String!, $events: [ID!]!) {
  splitActor(id: $id, alias: $alias, events: $events) { id name events(first: 10) { edges { node { id } } } }
}"""


def events_with_two_organisations(seeded: Seeded) -> list[tuple[str, str, str]]:
    """Events of the generated graph with two organisations taking part: (event, first, second)."""
    organisations = {a.id for a in seeded.nodes(Actor) if not a.is_person}
    by_event: dict[str, set[str]] = {}
    for rel in seeded.relationships(*PARTICIPATION):
        if rel.start_id in organisations:
            by_event.setdefault(rel.end_id, set()).add(rel.start_id)
    found = []
    for event_id, actors in sorted(by_event.items()):
        if len(actors) >= 2:
            first, second = sorted(actors)[:2]
            found.append((event_id, first, second))
    return found


async def events_of(seeded: Seeded, actor_id: str) -> set[str]:
    return {n.other_id for n in await seeded.store.neighbours(Actor, [actor_id], PARTICIPATION)}


async def test_merge_moves_names_and_relationships_and_is_audited(seeded: Seeded) -> None:
    _, keep, absorb = events_with_two_organisations(seeded)[0]
    absorbed = (await seeded.store.get_nodes(Actor, [absorb]))[absorb]
    absorbed_events = await events_of(seeded, absorb)
    async with make_client(seeded.store, role=Role.ADMIN) as admin:
        merged = (await data_of(admin, MERGE, {"k": gid("Actor", keep), "a": gid("Actor", absorb)}))["mergeActors"]
        assert raw(merged["id"]) == keep
        assert absorbed.name in merged["aliases"]
        gone = await data_of(admin, "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Actor", absorb)})
        assert gone["node"] is None
        assert absorbed_events <= await events_of(seeded, keep)
        entry = (await audit_entries(admin))[0]
        assert (entry["action"], entry["target"], entry["role"]) == ("merge_actors", f"Actor:{keep}", "admin")
        assert entry["who"].startswith("key ") and "tests (admin)" in entry["who"]
        assert json.loads(entry["before"])["absorbed"]["name"] == absorbed.name
        assert absorbed.name in json.loads(entry["after"])["keep"]["aliases"]


async def test_split_undoes_a_wrong_merge_for_the_events_named(seeded: Seeded) -> None:
    _, keep, absorb = events_with_two_organisations(seeded)[-1]
    absorbed = (await seeded.store.get_nodes(Actor, [absorb]))[absorb]
    # an event the absorbed one took part in and the kept one did not: its participation is what moves back
    event_id = min(await events_of(seeded, absorb) - await events_of(seeded, keep))
    async with make_client(seeded.store, role=Role.ADMIN) as admin:
        # a wrong merge first (the two are different organisations) …
        await data_of(admin, MERGE, {"k": gid("Actor", keep), "a": gid("Actor", absorb)})
        # … then undone for an event the absorbed one really took part in
        variables = {"id": gid("Actor", keep), "alias": absorbed.name, "events": [gid("Event", event_id)]}
        new = (await data_of(admin, SPLIT, variables))["splitActor"]
        assert new["name"] == absorbed.name
        assert [raw(edge["node"]["id"]) for edge in new["events"]["edges"]] == [event_id]
        kept = (await seeded.store.get_nodes(Actor, [keep]))[keep]
        assert absorbed.name not in kept.aliases and "aliases" in kept.curated
        assert event_id not in await events_of(seeded, keep)
        assert (await audit_entries(admin))[0]["action"] == "split_actor"


async def test_corrections_of_actors_events_and_projects(seeded: Seeded) -> None:
    winter, energy = gid("Event", "t-winter"), gid("Theme", "energie")
    async with make_client(seeded.store, role=Role.COORDINATOR, space_id="diz-rostock") as coordinator:
        actor = await data_of(
            coordinator,
            'mutation($id: ID!, $aliases: [String!]) { updateActor(id: $id, name: "Zebrafunk  Nord GmbH", '
            "kind: STARTUP, aliases: $aliases) { name kind aliases curated } }",
            {"id": gid("Actor", "t-company"), "aliases": ["ZF Nord", "ZF Nord"]},
        )
        assert actor["updateActor"] == {
            "name": "Zebrafunk Nord GmbH",  # white space tidied
            "kind": "STARTUP",
            "aliases": ["ZF Nord"],
            "curated": ["aliases", "kind", "name"],
        }
        themes = await data_of(
            coordinator,
            "mutation($id: ID!, $t: [ID!]!) { setEventThemes(id: $id, themes: $t) { themes { id } } }",
            {"id": winter, "t": [energy]},
        )
        assert [raw(t["id"]) for t in themes["setEventThemes"]["themes"]] == ["energie"]
        created = await data_of(
            coordinator, 'mutation { createProject(name: "Hafen 4.0", description: "Häfen digital") { id name } }'
        )
        project = created["createProject"]["id"]
        linked = await data_of(
            coordinator,
            "mutation($id: ID!, $p: [ID!]!) { setEventProjects(id: $id, projects: $p) { projects { name } } }",
            {"id": winter, "p": [project]},
        )
        assert linked["setEventProjects"]["projects"] == [{"name": "Hafen 4.0"}]
        renamed = await data_of(
            coordinator, 'mutation($id: ID!) { updateProject(id: $id, name: "Hafen 4.0 MV") { name } }', {"id": project}
        )
        assert renamed["updateProject"]["name"] == "Hafen 4.0 MV"
        assert (await seeded.store.get_nodes(Event, ["t-winter"]))["t-winter"].curated == ["projects", "themes"]
    async with make_client(seeded.store, role=Role.ADMIN) as admin:
        actions = [entry["action"] for entry in await audit_entries(admin)]
    assert actions[:5] == ["update_project", "set_event_projects", "create_project", "set_event_themes", "update_actor"]


async def test_bad_curation_requests_are_clear_errors_and_change_nothing(seeded: Seeded) -> None:
    version = await seeded.store.graph_version()
    person, company, winter = gid("Actor", "t-person"), gid("Actor", "t-company"), gid("Event", "t-winter")
    merge = "mutation($a: ID!, $b: ID!) { mergeActors(keep: $a, absorb: $b) { id } }"
    cases = [
        (merge, {"a": company, "b": person}, "a person cannot be merged"),
        (merge, {"a": company, "b": gid("Actor", "nobody")}, "no actor with id 'nobody'"),
        (merge, {"a": company, "b": winter}, "not of a Actor"),
        (SPLIT, {"id": company, "alias": "Unbekannt", "events": []}, "is not an alias"),
        ("mutation($id: ID!) { updateActor(id: $id) { id } }", {"id": company}, "nothing to change"),
        ('mutation($id: ID!) { updateActor(id: $id, name: "  ") { id } }', {"id": company}, "must not be empty"),
        (
            "mutation($id: ID!, $t: [ID!]!) { setEventThemes(id: $id, themes: $t) { id } }",
            {"id": winter, "t": [gid("Theme", "astrologie")]},
            "unknown theme id(s): astrologie",
        ),
    ]
    async with make_client(seeded.store, role=Role.ADMIN) as admin:
        for mutation, variables, message in cases:
            body = await post_query(admin, mutation, variables)
            assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
            assert message in body["errors"][0]["message"], body
    assert await seeded.store.graph_version() == version
