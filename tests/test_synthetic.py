"""The synthetic network generator: deterministic, big enough, consistent, realistic in shape."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub.domain import (
    PARTICIPATION_TYPES,
    REL_ENDPOINTS,
    Actor,
    ActorKind,
    Event,
    EventStatus,
    Node,
    Project,
    Relationship,
    RelType,
    Space,
    Theme,
)
from hub.store.ladybug_store import LadybugStore
from hub.synthetic import SOURCE, SyntheticGraph, generate_graph

BERLIN = ZoneInfo("Europe/Berlin")
SPACE_IDS = {
    "makerport-stralsund",
    "innovationport-wismar",
    "diz-neubrandenburg",
    "diz-rostock",
    "diz-greifswald",
    "diz-schwerin",
}
ORGANISATION_ROLES = {RelType.ORGANISES, RelType.PRESENTS_AT, RelType.SPONSORS, RelType.PARTNERS_IN}
_TERMIN = re.compile(r"Termin: \w+, (\d\d)\.(\d\d)\.(\d{4}), (?:(\d\d):(\d\d) Uhr|ganztägig)\.")


@pytest.fixture(scope="module")
def big() -> SyntheticGraph:
    return generate_graph(actors=2_000, events=10_000)


@pytest.fixture(scope="module")
def small() -> SyntheticGraph:
    return generate_graph(actors=150, events=600, seed=11)


def by_label(graph: SyntheticGraph) -> dict[str, dict[str, object]]:
    nodes: dict[str, dict[str, object]] = defaultdict(dict)
    for node in graph.nodes:
        nodes[node.LABEL][node.id] = node
    return nodes


# --- determinism and size ----------------------------------------------------------------------


def test_same_seed_gives_the_same_graph_and_another_seed_another() -> None:
    first, again = generate_graph(120, 500, seed=3), generate_graph(120, 500, seed=3)
    assert first.nodes == again.nodes
    assert first.relationships == again.relationships
    other = generate_graph(120, 500, seed=4)
    assert [n.id for n in other.nodes] != [n.id for n in first.nodes]


@pytest.mark.parametrize(("actors", "events"), [(1, 0), (1, 5), (40, 100), (150, 600)])
def test_counts_match_the_requested_sizes(actors: int, events: int) -> None:
    graph = generate_graph(actors, events)
    counts = graph.node_counts()
    assert counts["Actor"] == actors
    assert counts["Event"] == events
    assert counts["Project"] == max(1, round(actors / 40))
    assert counts["Space"] == 6 and counts["ImportRun"] == 6
    assert counts["Theme"] >= 12
    assert {n.id for n in graph.nodes if isinstance(n, Space)} == SPACE_IDS
    assert graph.relationship_counts()["HOSTED_BY"] == events


def test_the_benchmark_size_gives_ten_thousand_nodes_and_fifty_thousand_relationships(big: SyntheticGraph) -> None:
    assert len(big.nodes) >= 10_000
    assert len(big.relationships) >= 50_000
    counts = big.relationship_counts()
    assert all(counts[t.value] > 0 for t in RelType), counts  # every relationship type occurs


def test_invalid_sizes_are_rejected() -> None:
    with pytest.raises(ValueError):
        generate_graph(0, 10)
    with pytest.raises(ValueError):
        generate_graph(10, -1)


# --- consistency ---------------------------------------------------------------------------------


@pytest.mark.parametrize("graph_name", ["small", "big"])
def test_keys_are_unique_and_every_endpoint_exists_with_the_right_label(
    graph_name: str, request: pytest.FixtureRequest
) -> None:
    graph: SyntheticGraph = request.getfixturevalue(graph_name)
    node_keys = [(n.LABEL, n.id) for n in graph.nodes]
    assert len(node_keys) == len(set(node_keys))
    rel_keys = [r.key for r in graph.relationships]
    assert len(rel_keys) == len(set(rel_keys))
    nodes = by_label(graph)
    for rel in graph.relationships:
        start, end = REL_ENDPOINTS[rel.type]
        assert rel.start_id in nodes[start.LABEL], rel
        assert rel.end_id in nodes[end.LABEL], rel


def test_batches_list_nodes_before_relationships(small: SyntheticGraph) -> None:
    batches = list(small.batches(100))
    assert all(len(batch) <= 100 for batch in batches)
    flat = [item for batch in batches for item in batch]
    assert flat == [*small.nodes, *small.relationships]
    for batch in batches:  # no batch mixes nodes and relationships
        assert all(isinstance(item, Node) for item in batch) or all(isinstance(item, Relationship) for item in batch)


def test_every_record_carries_provenance(small: SyntheticGraph) -> None:
    for record in [*small.nodes, *small.relationships]:
        assert record.source and record.source_id, record
        assert record.first_seen is not None and record.last_seen is not None, record
        assert record.first_seen <= record.last_seen, record
        assert record.content_hash == record.compute_hash(), record
        assert record.source in record.sources
    generated = [n for n in small.nodes if not isinstance(n, (Space, Theme))] + list(small.relationships)
    assert {r.source for r in generated} == {SOURCE}


def test_relationship_hashes_agree_with_the_domain(big: SyntheticGraph) -> None:
    # The generator computes relationship hashes itself, for speed; they must be the domain's.
    assert all(rel.content_hash == rel.compute_hash() for rel in big.relationships)


def test_events_have_a_host_themes_participants_and_sometimes_a_project(big: SyntheticGraph) -> None:
    per_event: dict[str, Counter[RelType]] = defaultdict(Counter)
    for rel in big.relationships:
        if REL_ENDPOINTS[rel.type][0] is Event:
            per_event[rel.start_id][rel.type] += 1
        elif REL_ENDPOINTS[rel.type][1] is Event:
            per_event[rel.end_id][rel.type] += 1
    events = [n for n in big.nodes if isinstance(n, Event)]
    for event in events:
        counts = per_event[event.id]
        assert counts[RelType.HOSTED_BY] == 1
        assert 1 <= counts[RelType.ABOUT] <= 3
        assert 1 <= sum(counts[t] for t in ORGANISATION_ROLES) <= 4
        assert counts[RelType.ORGANISES] == 1
        assert counts[RelType.PART_OF] <= 1
    part_of = sum(1 for event in events if per_event[event.id][RelType.PART_OF]) / len(events)
    assert 0.15 <= part_of <= 0.25
    statuses = Counter(event.status for event in events)
    assert statuses[EventStatus.SCHEDULED] / len(events) > 0.8
    assert statuses[EventStatus.CANCELLED] and statuses[EventStatus.CHANGED]


def test_actors_are_organisations_of_every_kind_and_people(big: SyntheticGraph) -> None:
    actors = [n for n in big.nodes if isinstance(n, Actor)]
    kinds = Counter(actor.kind for actor in actors)
    assert set(kinds) == set(ActorKind)
    people = [a for a in actors if a.kind is ActorKind.PERSON]
    assert all(a.email and a.email.endswith("@example.org") for a in people)
    assert len({a.email for a in people}) == len(people)
    assert not any(a.email for a in actors if a.kind is not ActorKind.PERSON)
    names = " ".join(a.name for a in actors)
    for marker in ("GmbH", "UG (haftungsbeschränkt)", "e.V.", "Universität", "Hochschule", "Landkreis", "Stadtwerke"):
        assert marker in names, marker
    organisations = [a.name for a in actors if a.kind is not ActorKind.PERSON]
    assert len(set(organisations)) == len(organisations)  # no two organisations share a name


def test_some_actors_work_across_regions(big: SyntheticGraph) -> None:
    spaces_of: dict[str, set[str]] = defaultdict(set)
    for rel in big.relationships:
        if rel.type is RelType.ACTIVE_IN:
            spaces_of[rel.start_id].add(rel.end_id)
    actors = [n for n in big.nodes if isinstance(n, Actor)]
    assert all(actor.home_space_id in spaces_of[actor.id] for actor in actors)
    assert max(len(spaces) for spaces in spaces_of.values()) == 3
    cross = sum(1 for spaces in spaces_of.values() if len(spaces) >= 2) / len(actors)
    assert 0.10 <= cross <= 0.20
    # ... and cross-regional actors really take part in events of more than one centre.
    host = {rel.start_id: rel.end_id for rel in big.relationships if rel.type is RelType.HOSTED_BY}
    centres: dict[str, set[str]] = defaultdict(set)
    for rel in big.relationships:
        if rel.type in PARTICIPATION_TYPES:
            centres[rel.start_id].add(host[rel.end_id])
    assert sum(1 for spaces in centres.values() if len(spaces) >= 2) > 100


def test_contributors_took_part_in_the_projects_events(small: SyntheticGraph) -> None:
    project_of = {rel.start_id: rel.end_id for rel in small.relationships if rel.type is RelType.PART_OF}
    expected = {
        (rel.start_id, project_of[rel.end_id])
        for rel in small.relationships
        if rel.type in ORGANISATION_ROLES and rel.end_id in project_of
    }
    contributions = {(rel.start_id, rel.end_id) for rel in small.relationships if rel.type is RelType.CONTRIBUTES_TO}
    assert contributions == expected
    assert {n.id for n in small.nodes if isinstance(n, Project)} >= set(project_of.values())


# --- times ------------------------------------------------------------------------------------------


def assert_local_times_read_back(events: list[Event]) -> None:
    """Each event's description gives its Berlin wall-clock start; the stored instant must say the same."""
    for event in events:
        assert event.timezone == "Europe/Berlin"
        assert event.start.utcoffset() == timedelta(0)  # instants are kept in UTC
        match = _TERMIN.search(event.description)
        assert match, event.description
        day, month, year, hour, minute = match.groups()
        local = event.local_start()
        assert local.date() == date(int(year), int(month), int(day)), event.id
        if event.all_day:
            assert hour is None
            assert local.time() == time(0, 0)
            local_end = event.local_end()
            assert local_end is not None and local_end.time() == time(0, 0)
            assert local_end.date() == local.date() + timedelta(days=1)
        else:
            assert (local.hour, local.minute) == (int(hour), int(minute)), event.id
            assert 8 <= local.hour <= 19
        assert local == datetime.combine(local.date(), local.time(), tzinfo=BERLIN)


def test_event_times_are_berlin_wall_clock_times(big: SyntheticGraph) -> None:
    events = [n for n in big.nodes if isinstance(n, Event)]
    assert_local_times_read_back(events)
    offsets = Counter(event.local_start().utcoffset() for event in events)
    assert set(offsets) == {timedelta(hours=1), timedelta(hours=2)}  # both CET and CEST
    assert 0.02 < sum(event.all_day for event in events) / len(events) < 0.15
    evenings = sum(1 for e in events if not e.all_day and e.local_start().hour >= 17)
    mornings = sum(1 for e in events if not e.all_day and e.local_start().hour < 11)
    assert evenings > 1000 and mornings > 1000
    assert all(date(2025, 9, 1) <= e.local_start().date() < date(2027, 3, 1) for e in events)


async def test_event_times_read_back_from_the_embedded_store(small: SyntheticGraph, tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "graph.lbdb", buffer_pool_mb=128)
    await store.open()
    try:
        await small.write_to(store, batch_size=500)
        events = [event async for batch in store.iter_nodes(Event, 200) for event in batch]
        assert_local_times_read_back(events)
        assert events == sorted((n for n in small.nodes if isinstance(n, Event)), key=lambda e: e.id)
        counts = await store.counts()
        assert counts.nodes == small.node_counts()
        assert counts.relationships == small.relationship_counts()
    finally:
        await store.close()
