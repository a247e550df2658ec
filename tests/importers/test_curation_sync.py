"""Curated facts survive the next sync, and a forgotten person does not come back (both engines).

MakerPort's v2 feed changes the event "Energie vom Dach" (UID 10000437): it moves, so
the importer rewrites it and rebuilds its relationships.  Everything a curator set
about it, and about the actors it names, must still hold afterwards.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hub.access.roles import Principal, Role
from hub.curation import ActorChanges, Curator
from hub.domain import Actor, ActorKind, AuditEntry, Event, RelType
from hub.store.port import GraphStore, NodeQuery
from importers.fetch import Fetcher
from importers.registry import Source
from importers.sync import Syncer
from tests.conftest import FEEDS_DIR

SPACE = "makerport-stralsund"
V1, V2 = FEEDS_DIR / "makerport-stralsund.ics", FEEDS_DIR / "makerport-stralsund.v2.ics"
UID = "10000437"


async def sync(store: GraphStore, path: object, at: datetime) -> None:
    source = Source(id=SPACE, space=SPACE, format="ical", urls=(path.as_uri(),))  # type: ignore[attr-defined]
    async with Fetcher(base_delay=0.01) as fetcher:
        (run,) = await Syncer(store, fetcher, clock=lambda: at).sync([source])
    assert run.status == "ok", run.errors


async def the_event(store: GraphStore) -> Event:
    page = await store.list_nodes(Event, NodeQuery(sources=[SPACE], limit=1000))
    return next(event for event in page.items if (event.source_id or "").startswith(UID))


async def links(store: GraphStore, event_id: str, *types: RelType) -> set[str]:
    return {n.other_id for n in await store.neighbours(Event, [event_id], types)}


async def test_curated_facts_survive_the_next_sync(store: GraphStore) -> None:
    await sync(store, V1, datetime(2025, 9, 2, 8, tzinfo=UTC))
    event = await the_event(store)
    assert await links(store, event.id, RelType.ABOUT) == {"energie", "wohnen"}
    participants = await links(store, event.id, RelType.PRESENTS_AT, RelType.PARTNERS_IN)
    assert {"jan-hendrik-wollenberg", "kuestenstrom", "wohnungsgenossenschaft-sundblick"} <= participants
    assert "Wollenberg" in V2.read_text(encoding="utf-8") and "Sundblick" in V2.read_text(encoding="utf-8")

    coordinator = Curator(store, Principal(Role.COORDINATOR, space_id=SPACE, key_id="k1", key_name="MakerPort"))
    await coordinator.set_event_themes(event.id, ["mobilitaet"])
    await coordinator.update_actor("kuestenstrom", ActorChanges(name="Küstenstrom", kind=ActorKind.STARTUP))
    await coordinator.merge_actors("stadtwerke-stralsund", "wohnungsgenossenschaft-sundblick")
    await Curator(store, Principal(Role.ADMIN, key_name="cli")).forget_person("jan-hendrik-wollenberg")

    await sync(store, V2, datetime(2025, 9, 9, 8, tzinfo=UTC))

    rewritten = await the_event(store)
    assert rewritten.local_start().strftime("%Y-%m-%d %H:%M") == "2025-10-16 19:00", "v2 did rewrite the event"
    assert rewritten.curated == ["themes"]
    assert await links(store, event.id, RelType.ABOUT) == {"mobilitaet"}
    actors = await store.get_nodes(Actor, ["kuestenstrom", "stadtwerke-stralsund", "wohnungsgenossenschaft-sundblick"])
    assert (actors["kuestenstrom"].name, actors["kuestenstrom"].kind) == ("Küstenstrom", ActorKind.STARTUP)
    assert "wohnungsgenossenschaft-sundblick" not in actors, "the merged actor stays merged"
    assert "Wohnungsgenossenschaft Sundblick eG" in actors["stadtwerke-stralsund"].aliases
    after = await links(store, event.id, RelType.PRESENTS_AT, RelType.PARTNERS_IN)
    assert {"kuestenstrom", "stadtwerke-stralsund"} <= after
    everyone = (await store.list_nodes(Actor, NodeQuery(limit=1000))).items
    assert not [actor for actor in everyone if "Wollenberg" in actor.name or "Wollenberg" in " ".join(actor.aliases)]
    audit = (await store.list_nodes(AuditEntry, NodeQuery(order_by="at", limit=100))).items
    assert [entry.action for entry in audit] == ["set_event_themes", "update_actor", "merge_actors", "forget_person"]
    assert not [entry for entry in audit if "Wollenberg" in entry.before + entry.after + entry.target]
