"""The store contract: every behaviour of the port, run against both engines.

Each test gets an empty store of one engine (see ``tests/conftest.py``), so a
test that passes here passes on LadybugDB and on a real Neo4j alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.domain import (
    PARTICIPATION_TYPES,
    Actor,
    ActorKind,
    Attendance,
    Event,
    EventStatus,
    FeedDocument,
    ImportRun,
    Project,
    Relationship,
    RelType,
    Space,
    Theme,
)
from hub.store.port import (
    ChangeSet,
    DuplicateKeyError,
    GraphStore,
    InvalidQueryError,
    NodeQuery,
    UnknownNodeError,
)

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


def event(event_id: str, title: str, start: datetime, **fields: object) -> Event:
    return Event(id=event_id, title=title, start=start, source="feed:test", source_id=event_id, **fields)


async def build_small_graph(store: GraphStore) -> None:
    """Two spaces, two themes, four actors, three events, one project; a known shape.

    a-rostock-uni --ORGANISES--> e1 (Rostock, Energie) <--PRESENTS_AT-- a-solar
    a-solar --SPONSORS--> e2 (Schwerin, Energie+Mobilität) <--ORGANISES-- a-schwerin-city
    a-lonely --ORGANISES--> e3 (Schwerin, Bildung), isolated from the rest
    """
    await store.upsert_nodes(
        [
            Space(id="rostock", name="DIZ Rostock", short_name="Rostock", city="Rostock"),
            Space(id="schwerin", name="DIZ Schwerin", short_name="Schwerin", city="Schwerin"),
            Theme(id="energie", label_de="Energie", label_en="Energy", synonyms=["Solar", "Wärmewende"]),
            Theme(id="mobilitaet", label_de="Mobilität", label_en="Mobility"),
            Theme(id="bildung", label_de="Bildung", label_en="Education"),
            Actor(id="a-rostock-uni", name="Universität Rostock", kind=ActorKind.UNIVERSITY, aliases=["Uni Rostock"]),
            Actor(id="a-solar", name="Sonnenwerk Nord GmbH", kind=ActorKind.STARTUP),
            Actor(id="a-schwerin-city", name="Landeshauptstadt Schwerin", kind=ActorKind.PUBLIC_BODY),
            Actor(id="a-lonely", name="Anna Beispiel", kind=ActorKind.PERSON, email="anna@example.org"),
            Project(id="p-quartier", name="Energiequartier Nord", description="Wärme aus dem Quartier"),
            event("e1", "Energie vom Dach", datetime(2025, 10, 16, 16, 0, tzinfo=UTC)),
            event("e2", "Mobilität und Energie im Quartier", datetime(2026, 3, 12, 17, 0, tzinfo=UTC)),
            event(
                "e3",
                "Coding Dojo für Schüler:innen",
                datetime(2026, 5, 5, 14, 0, tzinfo=UTC),
                status=EventStatus.CANCELLED,
            ),
        ]
    )
    rels = [
        (RelType.ORGANISES, "a-rostock-uni", "e1"),
        (RelType.PRESENTS_AT, "a-solar", "e1"),
        (RelType.SPONSORS, "a-solar", "e2"),
        (RelType.ORGANISES, "a-schwerin-city", "e2"),
        (RelType.ORGANISES, "a-lonely", "e3"),
        (RelType.HOSTED_BY, "e1", "rostock"),
        (RelType.HOSTED_BY, "e2", "schwerin"),
        (RelType.HOSTED_BY, "e3", "schwerin"),
        (RelType.ABOUT, "e1", "energie"),
        (RelType.ABOUT, "e2", "energie"),
        (RelType.ABOUT, "e2", "mobilitaet"),
        (RelType.ABOUT, "e3", "bildung"),
        (RelType.PART_OF, "e2", "p-quartier"),
        (RelType.CONTRIBUTES_TO, "a-solar", "p-quartier"),
        (RelType.ACTIVE_IN, "a-rostock-uni", "rostock"),
        (RelType.ACTIVE_IN, "a-solar", "rostock"),
        (RelType.ACTIVE_IN, "a-solar", "schwerin"),
        (RelType.ACTIVE_IN, "a-schwerin-city", "schwerin"),
        (RelType.ACTIVE_IN, "a-lonely", "schwerin"),
    ]
    await store.upsert_relationships([Relationship(type=t, start_id=s, end_id=e) for t, s, e in rels])


# --- upserts and provenance -------------------------------------------------------------


async def test_every_node_type_round_trips_unchanged(store: GraphStore) -> None:
    nodes = [
        Space(
            id="greifswald",
            name="DIZ Greifswald",
            short_name="Greifswald",
            city="Greifswald",
            host="Universität Greifswald",
            latitude=54.0931,
            longitude=13.3879,
            website="https://example.org",
        ),
        Theme(
            id="gesundheit", label_de="Gesundheit", label_en="Health", synonyms=["Pflege", "E-Health"], parent_id=None
        ),
        Actor(
            id="a1",
            resolution=["Mueller und Soehne: same name once umlauts and legal form are folded"],
            name="Müller & Söhne GmbH",
            kind=ActorKind.COMPANY,
            aliases=["Mueller und Soehne"],
            home_space_id="greifswald",
            websites=["https://mueller.example"],
            description="Straße 5 🚲",
        ),
        Project(
            id="p1",
            name="Küstenlabor",
            aliases=["Kuestenlabor"],
            description="Ein Projekt",
            website="https://k.example",
        ),
        Event(
            id="ev1",
            title="Workshop „Daten“ – Teil 2",
            description="Zeile 1\nZeile 2",
            start=datetime(2026, 7, 1, 16, 0, tzinfo=UTC),
            end=datetime(2026, 7, 1, 18, 0, tzinfo=UTC),
            timezone="Europe/Berlin",
            all_day=False,
            status=EventStatus.CHANGED,
            attendance=Attendance.MIXED,
            location_name="Hörsaal 1",
            address="Domstraße 11, 17489 Greifswald",
            latitude=54.09,
            longitude=13.38,
            url="https://e.example/1",
            categories=["Workshop"],
            keywords=["KI", "Daten"],
            cost="Kostenlos",
        ),
        ImportRun(
            id="run-1",
            source_key="diz-greifswald",
            started_at=T0,
            finished_at=T0 + timedelta(seconds=3),
            status="partial",
            new=3,
            changed=1,
            unchanged=10,
            removed=1,
            failed=2,
            cancelled=1,
            errors=["entry 4: no date"],
            warnings=["description cut"],
            changes=["changed: ev1"],
        ),
        FeedDocument(
            id="https://example.org/feed.ics",
            url="https://example.org/feed.ics",
            source_key="makerport-stralsund",
            etag='W/"abc"',
            last_modified="Wed, 03 Sep 2025 10:00:00 GMT",
            fetched_at=T0,
        ),
    ]
    for node in nodes:
        node.content_hash = node.compute_hash()
    result = await store.upsert_nodes(nodes)
    assert (result.created, result.updated) == (7, 0)
    for node in nodes:
        stored = await store.get_nodes(type(node), [node.id])
        assert stored[node.id] == node, type(node).__name__


async def test_reupserting_the_same_nodes_changes_nothing_but_counts_them_as_updated(store: GraphStore) -> None:
    actor = Actor(id="a1", name="Sonnenwerk Nord GmbH", source="feed:a", first_seen=T0, last_seen=T0)
    await store.upsert_nodes([actor])
    result = await store.upsert_nodes([actor])
    assert (result.created, result.updated) == (0, 1)
    assert (await store.get_nodes(Actor, ["a1"]))["a1"] == actor
    assert (await store.counts()).nodes["Actor"] == 1


async def test_provenance_keeps_first_seen_and_accumulates_sources(store: GraphStore) -> None:
    later = T0 + timedelta(days=7)
    await store.upsert_nodes(
        [
            Actor(
                id="a1",
                name="Old name",
                source="feed:a",
                source_id="x1",
                first_seen=T0,
                last_seen=T0,
                content_hash="h1",
            )
        ]
    )
    await store.upsert_nodes(
        [
            Actor(
                id="a1",
                name="New name",
                source="feed:b",
                source_id="y9",
                first_seen=later,
                last_seen=later,
                content_hash="h2",
            )
        ]
    )
    stored = (await store.get_nodes(Actor, ["a1"]))["a1"]
    assert stored.name == "New name"
    assert stored.first_seen == T0
    assert stored.last_seen == later
    assert stored.sources == ["feed:a", "feed:b"]
    assert (stored.source, stored.source_id, stored.content_hash) == ("feed:b", "y9", "h2")


async def test_relationship_provenance_and_idempotence(store: GraphStore) -> None:
    await build_small_graph(store)
    later = T0 + timedelta(days=1)
    rel = Relationship(
        type=RelType.ORGANISES, start_id="a-rostock-uni", end_id="e1", source="feed:a", first_seen=T0, last_seen=T0
    )
    first = await store.upsert_relationships([rel])
    again = await store.upsert_relationships(
        [rel.model_copy(update={"source": "feed:b", "first_seen": later, "last_seen": later})]
    )
    assert (first.created, first.updated) == (0, 1)  # build_small_graph made it already
    assert (again.created, again.updated) == (0, 1)
    batches = [batch async for batch in store.iter_relationships(RelType.ORGANISES)]
    stored = next(r for batch in batches for r in batch if r.start_id == "a-rostock-uni")
    assert stored.first_seen == T0 and stored.last_seen == later
    assert stored.sources == ["feed:a", "feed:b"]
    assert (await store.counts()).relationships["ORGANISES"] == 3


async def test_event_wall_clock_time_survives_both_sides_of_dst(store: GraphStore) -> None:
    summer = datetime(2026, 3, 29, 18, 0, tzinfo=BERLIN)  # the first CEST evening
    winter = datetime(2025, 10, 26, 18, 0, tzinfo=BERLIN)  # the first CET evening
    await store.upsert_nodes([event("summer", "Sommer", summer), event("winter", "Winter", winter, timezone="+01:00")])
    stored = await store.get_nodes(Event, ["summer", "winter"])
    assert stored["summer"].start == datetime(2026, 3, 29, 16, 0, tzinfo=UTC)
    assert stored["summer"].local_start().strftime("%H:%M %z") == "18:00 +0200"
    assert stored["winter"].local_start().strftime("%H:%M %z") == "18:00 +0100"


async def test_identical_duplicates_in_a_batch_collapse_into_one(store: GraphStore) -> None:
    actor = Actor(id="a1", name="Twice")
    result = await store.upsert_nodes([actor, actor])
    assert (result.created, result.updated) == (1, 0)


async def test_conflicting_duplicates_in_a_batch_are_rejected_whole(store: GraphStore) -> None:
    with pytest.raises(DuplicateKeyError, match="Actor id 'a1' appears twice"):
        await store.upsert_nodes([Actor(id="ok", name="Fine"), Actor(id="a1", name="One"), Actor(id="a1", name="Two")])
    assert (await store.counts()).total_nodes == 0


async def test_relationships_to_unknown_nodes_are_rejected_and_nothing_is_written(store: GraphStore) -> None:
    await build_small_graph(store)
    before = await store.counts()
    with pytest.raises(UnknownNodeError, match="Event 'no-such-event'") as caught:
        await store.upsert_relationships(
            [
                Relationship(type=RelType.ATTENDS, start_id="a-solar", end_id="e3"),  # valid on its own
                Relationship(type=RelType.ORGANISES, start_id="a-solar", end_id="no-such-event"),
            ]
        )
    assert caught.value.missing == [("Event", "no-such-event")]
    assert await store.counts() == before


async def test_injection_attempts_are_stored_as_plain_text(store: GraphStore) -> None:
    hostile = "x'}) MATCH (n) DETACH DELETE n //\" \\ `; RETURN 1 \u202e"
    await store.upsert_nodes([Actor(id=hostile, name=hostile, aliases=[hostile]), Actor(id="bystander", name="B")])
    stored = await store.get_nodes(Actor, [hostile, "bystander"])
    assert stored[hostile].name == hostile and stored[hostile].aliases == [hostile]
    assert "bystander" in stored


# --- reads --------------------------------------------------------------------------------


async def test_get_nodes_returns_only_existing_ids(store: GraphStore) -> None:
    await build_small_graph(store)
    found = await store.get_nodes(Actor, ["a-solar", "missing", "a-lonely", "a-solar"])
    assert sorted(found) == ["a-lonely", "a-solar"]
    assert await store.get_nodes(Actor, []) == {}
    assert await store.get_nodes(Event, ["a-solar"]) == {}  # ids are per label


async def test_list_nodes_paginates_with_a_stable_total(store: GraphStore) -> None:
    await store.upsert_nodes([Actor(id=f"a{i:02}", name=f"Actor {i:02}") for i in range(25)])
    page1 = await store.list_nodes(Actor, NodeQuery(limit=10))
    page3 = await store.list_nodes(Actor, NodeQuery(offset=20, limit=10))
    assert [a.id for a in page1.items] == [f"a{i:02}" for i in range(10)]
    assert [a.id for a in page3.items] == [f"a{i:02}" for i in range(20, 25)]
    assert page1.total == page3.total == 25
    assert page1.has_next and not page3.has_next
    backwards = await store.list_nodes(Actor, NodeQuery(order_by="name", descending=True, limit=2))
    assert [a.id for a in backwards.items] == ["a24", "a23"]


async def test_list_nodes_without_the_total_still_says_whether_more_follow(store: GraphStore) -> None:
    await store.upsert_nodes([Actor(id=f"a{i:02}", name=f"Actor {i:02}") for i in range(25)])
    pages = [await store.list_nodes(Actor, NodeQuery(offset=o, limit=10, count_total=False)) for o in (0, 10, 20)]
    assert [[a.id for a in page.items] for page in pages] == [
        [f"a{i:02}" for i in range(o, min(o + 10, 25))] for o in (0, 10, 20)
    ]
    assert [page.total for page in pages] == [None, None, None]
    assert [page.has_next for page in pages] == [True, True, False]
    exact = await store.list_nodes(Actor, NodeQuery(offset=15, limit=10, count_total=False))
    assert len(exact.items) == 10 and not exact.has_next, "a page that ends the list exactly has nothing after it"


@pytest.mark.parametrize(
    ("label", "query", "expected"),
    [
        (Event, NodeQuery(space_ids=["schwerin"]), ["e2", "e3"]),
        (Event, NodeQuery(theme_ids=["energie"]), ["e1", "e2"]),
        (Event, NodeQuery(project_ids=["p-quartier"]), ["e2"]),
        (Event, NodeQuery(statuses=["cancelled"]), ["e3"]),
        (Event, NodeQuery(starts_from=datetime(2026, 1, 1, tzinfo=UTC)), ["e2", "e3"]),
        (Event, NodeQuery(starts_before=datetime(2026, 3, 12, 17, 0, tzinfo=UTC)), ["e1"]),
        (Event, NodeQuery(text="energ"), ["e1", "e2"]),
        (Event, NodeQuery(text="mobilitaet quartier"), ["e2"]),
        (Event, NodeQuery(space_ids=["schwerin"], theme_ids=["energie"]), ["e2"]),
        (Actor, NodeQuery(space_ids=["rostock"]), ["a-rostock-uni", "a-solar"]),
        (Actor, NodeQuery(theme_ids=["mobilitaet"]), ["a-schwerin-city", "a-solar"]),
        (Actor, NodeQuery(project_ids=["p-quartier"]), ["a-solar"]),
        (Actor, NodeQuery(kinds=["startup", "person"]), ["a-lonely", "a-solar"]),
        (Actor, NodeQuery(text="Universitaet"), ["a-rostock-uni"]),
        (Actor, NodeQuery(text="uni ROST"), ["a-rostock-uni"]),
        (Actor, NodeQuery(space_ids=[]), []),
    ],
)
async def test_list_nodes_filters(store: GraphStore, label: type, query: NodeQuery, expected: list[str]) -> None:
    await build_small_graph(store)
    page = await store.list_nodes(label, query)
    assert [node.id for node in page.items] == expected
    assert page.total == len(expected)


async def test_lists_filtered_by_centres_page_in_order_and_name_each_node_once(store: GraphStore) -> None:
    """Lists starting from centres, sorted by a required field: each page in order, nothing twice."""
    spaces = ["nord", "sued", "ost"]
    events = [event(f"ev{i:02}", f"Termin {i}", T0 + timedelta(days=(i * 7) % 30, hours=i % 3)) for i in range(30)]
    actors = [Actor(id=f"ac{i:02}", name=f"Akteur {(i * 11) % 20:02}") for i in range(20)]
    centres = [Space(id=s, name=s.title(), short_name=s.title(), city=s.title()) for s in spaces]
    await store.upsert_nodes([*centres, *events, *actors])
    rels = [Relationship(type=RelType.HOSTED_BY, start_id=e.id, end_id=spaces[i % 3]) for i, e in enumerate(events)]
    rels += [Relationship(type=RelType.ACTIVE_IN, start_id=a.id, end_id=spaces[i % 3]) for i, a in enumerate(actors)]
    rels += [Relationship(type=RelType.ACTIVE_IN, start_id=a.id, end_id="sued") for a in actors[::3]]  # in two
    await store.upsert_relationships(rels)
    wanted = {"nord", "sued"}

    async def every_page(label: type, order_by: str, size: int) -> tuple[list[str], list[int | None]]:
        ids, totals = [], []
        for offset in range(0, 40, size):
            page = await store.list_nodes(
                label, NodeQuery(space_ids=sorted(wanted), order_by=order_by, offset=offset, limit=size)
            )
            ids += [node.id for node in page.items]
            totals.append(page.total)
        return ids, totals

    in_spaces = [e for i, e in enumerate(events) if spaces[i % 3] in wanted]
    ids, totals = await every_page(Event, "start", 7)
    assert ids == [e.id for e in sorted(in_spaces, key=lambda e: (e.start, e.id))]
    assert set(totals) == {len(in_spaces)}
    active = [a for i, a in enumerate(actors) if spaces[i % 3] in wanted or i % 3 == 0]
    ids, totals = await every_page(Actor, "name", 4)
    assert ids == [a.id for a in sorted(active, key=lambda a: (a.name, a.id))], "an actor in both centres once"
    assert set(totals) == {len(active)}


@pytest.mark.parametrize(
    ("label", "query", "message"),
    [
        (Actor, NodeQuery(order_by="search_text"), "cannot sort Actor by 'search_text'"),
        (Actor, NodeQuery(order_by="aliases"), "cannot sort Actor by 'aliases'"),
        (Actor, NodeQuery(statuses=["cancelled"]), "filter 'statuses' does not apply to Actor"),
        (Theme, NodeQuery(kinds=["startup"]), "filter 'kinds' does not apply to Theme"),
        (Actor, NodeQuery(limit=-1), "must not be negative"),
    ],
)
async def test_list_nodes_rejects_impossible_queries(
    store: GraphStore, label: type, query: NodeQuery, message: str
) -> None:
    with pytest.raises(InvalidQueryError, match=message):
        await store.list_nodes(label, query)


async def test_search_finds_word_starts_across_labels_and_ranks_exact_names_first(store: GraphStore) -> None:
    await build_small_graph(store)
    await store.upsert_nodes([Actor(id="a-energie-ev", name="Energie", kind=ActorKind.ASSOCIATION)])
    hits = await store.search("Energie", [Actor, Event, Project, Theme])
    keys = [(hit.label, hit.id) for hit in hits]
    assert keys[:2] == [("Actor", "a-energie-ev"), ("Theme", "energie")]  # exact names, ties by label
    assert set(keys) == {
        ("Actor", "a-energie-ev"),
        ("Theme", "energie"),
        ("Event", "e1"),
        ("Event", "e2"),
        ("Project", "p-quartier"),
    }
    assert [hit.id for hit in await store.search("wärmewende", [Theme])] == ["energie"]  # synonyms, umlauts
    assert [hit.id for hit in await store.search("söhne", [Actor])] == []
    assert await store.search("nergie", [Actor, Event]) == []  # word starts only
    assert await store.search("  ", [Actor]) == []
    assert [hit.id for hit in await store.search("energie", [Event], limit=1)] == ["e1"]


async def test_search_returns_the_hits_whole_nodes(store: GraphStore) -> None:
    await build_small_graph(store)
    stored = await store.get_nodes(Actor, ["a-rostock-uni", "a-lonely"])
    hits = await store.search("uni rostock", [Actor, Theme])
    assert [hit.node for hit in hits] == [stored["a-rostock-uni"]]  # aliases, kind, provenance: all of it
    assert (await store.search("Anna Beispiel", [Actor]))[0].node == stored["a-lonely"]  # null fields stay null


async def test_neighbours_in_each_direction(store: GraphStore) -> None:
    await build_small_graph(store)
    out = await store.neighbours(Actor, ["a-solar"], [RelType.PRESENTS_AT, RelType.SPONSORS, RelType.ACTIVE_IN], "out")
    assert sorted((n.rel_type.value, n.other_id) for n in out) == [
        ("ACTIVE_IN", "rostock"),
        ("ACTIVE_IN", "schwerin"),
        ("PRESENTS_AT", "e1"),
        ("SPONSORS", "e2"),
    ]
    into = await store.neighbours(Event, ["e1", "e2"], [RelType.ORGANISES], "in")
    assert sorted((n.node_id, n.other_id, n.other_label, n.outgoing) for n in into) == [
        ("e1", "a-rostock-uni", "Actor", False),
        ("e2", "a-schwerin-city", "Actor", False),
    ]
    both = await store.neighbours(Event, ["e2"], [RelType.ABOUT, RelType.SPONSORS], "both")
    assert sorted((n.other_label, n.other_id) for n in both) == [
        ("Actor", "a-solar"),
        ("Theme", "energie"),
        ("Theme", "mobilitaet"),
    ]
    assert await store.neighbours(Actor, ["missing"], [RelType.ORGANISES]) == []


async def test_related_nodes_come_whole_with_their_relationships(store: GraphStore) -> None:
    await build_small_graph(store)
    await store.upsert_relationships([Relationship(type=RelType.ORGANISES, start_id="a-solar", end_id="e1")])
    into = await store.related_nodes(Event, ["e1", "e2", "e3", "missing"], PARTICIPATION_TYPES, "in", Actor)
    assert sorted((r.of_id, r.rel_type.value, r.node.id) for r in into) == [
        ("e1", "ORGANISES", "a-rostock-uni"),
        ("e1", "ORGANISES", "a-solar"),
        ("e1", "PRESENTS_AT", "a-solar"),  # one node per relationship: two roles, two entries
        ("e2", "ORGANISES", "a-schwerin-city"),
        ("e2", "SPONSORS", "a-solar"),
        ("e3", "ORGANISES", "a-lonely"),
    ]
    lonely = next(r.node for r in into if r.node.id == "a-lonely")
    assert lonely == (await store.get_nodes(Actor, ["a-lonely"]))["a-lonely"], "the node as get_nodes reads it"
    themes = await store.related_nodes(Event, ["e2"], [RelType.ABOUT], "out", Theme)
    assert sorted(r.node.label_de for r in themes) == ["Energie", "Mobilität"]
    events = await store.related_nodes(Actor, ["a-solar"], PARTICIPATION_TYPES, "out", Event)
    assert sorted((r.rel_type.value, r.node.id, r.node.start) for r in events) == [
        ("ORGANISES", "e1", datetime(2025, 10, 16, 16, 0, tzinfo=UTC)),
        ("PRESENTS_AT", "e1", datetime(2025, 10, 16, 16, 0, tzinfo=UTC)),
        ("SPONSORS", "e2", datetime(2026, 3, 12, 17, 0, tzinfo=UTC)),
    ]
    # Types that do not lead from the label to the target this way are no relationships of it.
    assert await store.related_nodes(Event, ["e1"], [RelType.ABOUT], "in", Theme) == []
    assert await store.related_nodes(Event, ["e1"], [RelType.HOSTED_BY], "out", Theme) == []
    assert await store.related_nodes(Event, [], PARTICIPATION_TYPES, "in", Actor) == []


async def test_neighbour_pages_cut_each_nodes_related_ids_in_the_database(store: GraphStore) -> None:
    await store.upsert_nodes([Actor(id="busy", name="Busy"), Actor(id="idle", name="Idle"), Actor(id="one", name="1")])
    await store.upsert_nodes([event(f"e{i:02}", f"E{i}", T0) for i in range(12)])
    rels = [Relationship(type=RelType.ATTENDS, start_id="busy", end_id=f"e{i:02}") for i in range(12)]
    rels += [Relationship(type=RelType.ORGANISES, start_id="busy", end_id="e03")]  # two roles, one event
    rels += [Relationship(type=RelType.SPONSORS, start_id="one", end_id="e07")]
    await store.upsert_relationships(rels)
    pages = await store.neighbour_pages(Actor, ["busy", "idle", "one"], PARTICIPATION_TYPES, "out", 2, 3)
    assert pages["busy"].total == 12, "an event counts once however many roles the actor has in it"
    assert pages["busy"].other_ids == ["e02", "e03", "e04"]
    assert pages["one"].total == 1 and pages["one"].other_ids == []  # past its only item
    assert "idle" not in pages
    first = await store.neighbour_pages(Actor, ["one"], PARTICIPATION_TYPES, "out", 0, 3)
    assert first["one"].other_ids == ["e07"]
    organised = await store.neighbour_pages(Actor, ["busy"], [RelType.ORGANISES], "out", 0, 5)
    assert organised["busy"].total == 1 and organised["busy"].other_ids == ["e03"]
    backwards = await store.neighbour_pages(Event, ["e03"], PARTICIPATION_TYPES, "in", 0, 10)
    assert backwards["e03"].other_ids == ["busy"]
    assert await store.neighbour_pages(Actor, ["busy"], [RelType.HOSTED_BY], "out", 0, 5) == {}
    totals = await store.neighbour_pages(Actor, ["busy", "idle", "one"], PARTICIPATION_TYPES, "out", 0, 0)
    assert {node_id: (page.total, page.other_ids) for node_id, page in totals.items()} == {
        "busy": (12, []),
        "one": (1, []),
    }, "an empty page still tells the totals"


async def test_neighbourhood_grows_by_depth(store: GraphStore) -> None:
    await build_small_graph(store)
    one = await store.neighbourhood(Actor, "a-rostock-uni", depth=1)
    assert sorted(one.nodes) == ["Actor:a-rostock-uni", "Event:e1", "Space:rostock"]
    two = await store.neighbourhood(Actor, "a-rostock-uni", depth=2)
    assert {"Actor:a-solar", "Theme:energie"} <= set(two.nodes)
    assert "Actor:a-lonely" not in two.nodes
    assert all(
        f"{r.start_label}:{r.start_id}" in two.nodes and f"{r.end_label}:{r.end_id}" in two.nodes
        for r in two.relationships
    )
    assert (await store.neighbourhood(Actor, "missing", depth=2)).nodes == {}


async def test_shortest_path(store: GraphStore) -> None:
    await build_small_graph(store)
    participation = list(PARTICIPATION_TYPES)
    path = await store.shortest_path((Actor, "a-rostock-uni"), (Actor, "a-schwerin-city"), rel_types=participation)
    assert path is not None
    assert list(path.nodes) == ["Actor:a-rostock-uni", "Event:e1", "Actor:a-solar", "Event:e2", "Actor:a-schwerin-city"]
    assert [r.type for r in path.relationships] == [
        RelType.ORGANISES,
        RelType.PRESENTS_AT,
        RelType.SPONSORS,
        RelType.ORGANISES,
    ]
    assert await store.shortest_path((Actor, "a-rostock-uni"), (Actor, "a-lonely"), rel_types=participation) is None
    any_path = await store.shortest_path((Actor, "a-rostock-uni"), (Actor, "a-lonely"))
    assert any_path is not None and len(any_path.relationships) == 4  # via ACTIVE_IN / HOSTED_BY
    assert await store.shortest_path((Actor, "a-rostock-uni"), (Actor, "missing")) is None
    same = await store.shortest_path((Actor, "a-solar"), (Actor, "a-solar"))
    assert same is not None and list(same.nodes) == ["Actor:a-solar"]
    with pytest.raises(InvalidQueryError):
        await store.shortest_path((Actor, "a-solar"), (Actor, "a-lonely"), max_hops=99)


async def test_counts(store: GraphStore) -> None:
    await build_small_graph(store)
    counts = await store.counts()
    assert counts.nodes == {
        "Space": 2,
        "Theme": 3,
        "Actor": 4,
        "Project": 1,
        "Event": 3,
        "ImportRun": 0,
        "FeedDocument": 0,
        "ApiKey": 0,
        "AuditEntry": 0,
        "Erasure": 0,
    }
    assert counts.relationships["ACTIVE_IN"] == 5
    assert counts.total_relationships == 19


async def test_iteration_visits_everything_once_in_order(store: GraphStore) -> None:
    await store.upsert_nodes([Actor(id=f"a{i:03}", name=f"A{i}") for i in range(23)])
    await store.upsert_nodes([Event(id="e", title="E", start=T0)])
    await store.upsert_relationships(
        [Relationship(type=RelType.ATTENDS, start_id=f"a{i:03}", end_id="e") for i in range(23)]
    )
    batches = [batch async for batch in store.iter_nodes(Actor, batch_size=10)]
    assert [len(b) for b in batches] == [10, 10, 3]
    assert [a.id for b in batches for a in b] == [f"a{i:03}" for i in range(23)]
    rel_batches = [batch async for batch in store.iter_relationships(RelType.ATTENDS, batch_size=7)]
    assert [r.start_id for b in rel_batches for r in b] == [f"a{i:03}" for i in range(23)]


async def test_delete_nodes_removes_their_relationships(store: GraphStore) -> None:
    await build_small_graph(store)
    assert await store.delete_nodes(Actor, ["a-solar", "missing"]) == 1
    counts = await store.counts()
    assert counts.nodes["Actor"] == 3
    assert counts.relationships["SPONSORS"] == 0 and counts.relationships["PRESENTS_AT"] == 0
    assert counts.relationships["ACTIVE_IN"] == 3


async def test_touch_moves_last_seen_only(store: GraphStore) -> None:
    first = Actor(id="a1", name="Alt", first_seen=T0, last_seen=T0, content_hash="h")
    await store.upsert_nodes([first])
    later = T0 + timedelta(days=3)
    assert await store.touch(Actor, ["a1", "missing"], later) == 1
    stored = (await store.get_nodes(Actor, ["a1"]))["a1"]
    assert stored == first.model_copy(update={"last_seen": later})
    assert await store.touch(Actor, [], later) == 0


async def test_delete_relationships_by_key(store: GraphStore) -> None:
    await build_small_graph(store)
    deleted = await store.delete_relationships(
        [
            Relationship(type=RelType.ABOUT, start_id="e2", end_id="energie"),
            Relationship(type=RelType.ORGANISES, start_id="a-solar", end_id="e2"),  # does not exist
        ]
    )
    assert deleted == 1
    remaining = await store.neighbours(Event, ["e2"], [RelType.ABOUT], "out")
    assert [n.other_id for n in remaining] == ["mobilitaet"]
    assert await store.delete_relationships([]) == 0


async def test_a_change_set_writes_and_removes_in_one_go(store: GraphStore) -> None:
    await build_small_graph(store)
    version = await store.graph_version()
    await store.apply(
        ChangeSet(
            nodes=[Actor(id="a-solar-nord", name="Sonnenwerk Nord", aliases=["Sonnenwerk Nord GmbH"])],
            relationships=[  # a-solar's relationships move over before a-solar goes
                Relationship(type=RelType.SPONSORS, start_id="a-solar-nord", end_id="e2"),
                Relationship(type=RelType.ACTIVE_IN, start_id="a-solar-nord", end_id="rostock"),
            ],
            removed_relationships=[Relationship(type=RelType.ABOUT, start_id="e2", end_id="energie")],
            removed_nodes=[Actor(id="a-solar", name="Sonnenwerk Nord GmbH"), Actor(id="missing", name="Niemand")],
        )
    )
    assert await store.graph_version() == version + 1, "raised once, at the end, however many parts changed"
    assert set(await store.get_nodes(Actor, ["a-solar", "a-solar-nord"])) == {"a-solar-nord"}
    around = await store.neighbours(Actor, ["a-solar-nord"], [RelType.SPONSORS, RelType.ACTIVE_IN], "out")
    assert sorted(n.other_id for n in around) == ["e2", "rostock"]
    assert [n.other_id for n in await store.neighbours(Event, ["e2"], [RelType.ABOUT], "out")] == ["mobilitaet"]
    counts = await store.counts()
    assert counts.relationships["PRESENTS_AT"] == 0, "a-solar's other relationships went with it"
    await store.apply(ChangeSet())  # nothing to do is no error


async def test_a_change_set_that_fails_in_part_writes_nothing(store: GraphStore) -> None:
    await build_small_graph(store)
    before = await store.counts()
    version = await store.graph_version()
    with pytest.raises(UnknownNodeError):
        await store.apply(
            ChangeSet(
                nodes=[Actor(id="a-new", name="Neu GmbH")],
                relationships=[Relationship(type=RelType.ORGANISES, start_id="a-new", end_id="no-such-event")],
                removed_relationships=[Relationship(type=RelType.ABOUT, start_id="e2", end_id="energie")],
                removed_nodes=[Actor(id="a-lonely", name="Anna Beispiel")],
            )
        )
    assert await store.counts() == before and await store.graph_version() == version
    assert await store.get_nodes(Actor, ["a-new"]) == {}


async def test_list_nodes_by_source(store: GraphStore) -> None:
    await store.upsert_nodes(
        [
            event("x1", "Eins", T0).model_copy(update={"source": "feed:a", "sources": ["feed:a"]}),
            event("x2", "Zwei", T0).model_copy(update={"source": "feed:b", "sources": ["feed:b"]}),
        ]
    )
    page = await store.list_nodes(Event, NodeQuery(sources=["feed:b"]))
    assert [e.id for e in page.items] == ["x2"]


async def test_clear_empties_the_store(store: GraphStore) -> None:
    await build_small_graph(store)
    await store.clear()
    counts = await store.counts()
    assert counts.total_nodes == 0 and counts.total_relationships == 0


# --- graph version and lean reads -------------------------------------------------------


async def test_graph_version_grows_with_every_content_write_and_only_then(store: GraphStore) -> None:
    versions = [await store.graph_version()]

    async def changed() -> bool:
        versions.append(await store.graph_version())
        return versions[-1] > versions[-2]

    assert versions[0] >= 0
    await build_small_graph(store)
    assert await changed()
    await store.upsert_nodes([Actor(id="a-new", name="Neu")])
    assert await changed()
    await store.upsert_relationships([Relationship(type=RelType.ATTENDS, start_id="a-new", end_id="e1")])
    assert await changed()
    await store.touch(Actor, ["a-new"], T0)
    assert not await changed(), "touch marks a node seen; it changes no content"
    await store.upsert_nodes([ImportRun(id="run-1", source_key="feed", started_at=T0)])
    assert not await changed(), "import runs are bookkeeping, not graph content"
    await store.delete_relationships([Relationship(type=RelType.ATTENDS, start_id="a-new", end_id="e1")])
    assert await changed()
    await store.delete_relationships([Relationship(type=RelType.ATTENDS, start_id="a-new", end_id="e1")])
    assert not await changed(), "deleting nothing changes nothing"
    await store.delete_nodes(Actor, ["a-new"])
    assert await changed()
    await store.clear()
    assert await changed(), "clear raises the version too: it must never return to a number a cache knows"


async def test_read_fields_returns_the_named_fields_of_every_node_in_id_order(store: GraphStore) -> None:
    await build_small_graph(store)
    rows = await store.read_fields(Event, ["start", "status", "timezone"])
    assert [row["id"] for row in rows] == ["e1", "e2", "e3"]
    assert rows[1] == {
        "id": "e2",
        "start": datetime(2026, 3, 12, 17, 0, tzinfo=UTC),
        "status": "scheduled",
        "timezone": "Europe/Berlin",
    }
    assert rows[2]["status"] == "cancelled"
    actors = await store.read_fields(Actor, ["name", "kind", "home_space_id"])
    assert actors[0] == {"id": "a-lonely", "name": "Anna Beispiel", "kind": "person", "home_space_id": None}
    with pytest.raises(InvalidQueryError, match="no field 'colour'"):
        await store.read_fields(Actor, ["name", "colour"])


async def test_relationship_pairs_lists_every_relationship_of_a_type_sorted(store: GraphStore) -> None:
    await build_small_graph(store)
    assert await store.relationship_pairs(RelType.ACTIVE_IN) == [
        ("a-lonely", "schwerin"),
        ("a-rostock-uni", "rostock"),
        ("a-schwerin-city", "schwerin"),
        ("a-solar", "rostock"),
        ("a-solar", "schwerin"),
    ]
    assert await store.relationship_pairs(RelType.ATTENDS) == []


async def test_embedded_store_from_an_older_version_gains_new_columns(tmp_path) -> None:
    """A data directory created before a field existed is upgraded on open, data kept."""
    import ladybug

    from hub.store.ladybug_store import LadybugStore

    path = tmp_path / "old.lbdb"
    database = ladybug.Database(str(path))
    connection = ladybug.Connection(database)
    connection.execute("CREATE NODE TABLE Actor(id STRING PRIMARY KEY, name STRING, kind STRING)")
    connection.execute("CREATE (:Actor {id: 'a1', name: 'Alt', kind: 'company'})")
    connection.close()
    database.close()

    store = LadybugStore(path, buffer_pool_mb=64)
    await store.open()
    try:
        await store.upsert_nodes([Actor(id="a2", name="Neu", resolution=["why"])])
        stored = await store.get_nodes(Actor, ["a1", "a2"])
        assert stored["a1"].name == "Alt" and stored["a1"].resolution == []
        assert stored["a2"].resolution == ["why"]
    finally:
        await store.close()
