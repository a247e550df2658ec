"""The analytics projection: the graph as plain Python values, read through the store port.

Every insight (activity, partners, the actor network) is computed from one
:class:`Projection` rather than by engine-specific queries, so LadybugDB and Neo4j
give the same answers by construction.  The projection holds only what analytics
need (ids, names, kinds, times, who took part in what), read with the port's lean
``read_fields`` and ``relationship_pairs``; descriptions stay in the database.

A projection is tied to the store's graph version and carries a content hash
(``snapshot_id``), so exports can say exactly which state of the graph they show.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from hub.domain import PARTICIPATION_TYPES, Actor, Event, EventStatus, Project, RelType, Space, Theme, utc, zone_of
from hub.insights.periods import ALL_TIME, TimeWindow
from hub.store.port import GraphStore

#: Statuses of events that did not (or will not) take place; they count for no activity.
NOT_TAKING_PLACE = frozenset({EventStatus.CANCELLED.value, EventStatus.REMOVED.value})


@dataclass(frozen=True, slots=True)
class SpaceFacts:
    id: str
    name: str
    short_name: str
    city: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class ThemeFacts:
    id: str
    label_de: str
    label_en: str
    parent_id: str | None


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class ActorFacts:
    id: str
    name: str
    kind: str  # an ActorKind value
    home_space_id: str | None
    spaces: tuple[str, ...]  # ACTIVE_IN, sorted
    projects: tuple[str, ...]  # CONTRIBUTES_TO, sorted

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass(frozen=True, slots=True)
class Participation:
    actor_id: str
    role: RelType  # one of PARTICIPATION_TYPES


@dataclass(frozen=True, slots=True)
class EventFacts:
    id: str
    title: str
    start: datetime  # aware, UTC
    timezone: str
    status: str  # an EventStatus value
    spaces: tuple[str, ...]  # HOSTED_BY, sorted
    themes: tuple[str, ...]  # ABOUT, sorted
    projects: tuple[str, ...]  # PART_OF, sorted
    participants: tuple[Participation, ...]  # sorted by actor id, then role (in PARTICIPATION_TYPES order)
    local_day: date  # the date on the wall calendar where it happens (what periods bucket by)
    actor_ids: tuple[str, ...]  # each participating actor once, in id order (an actor may hold two roles)
    takes_place: bool  # False for cancelled events and events removed from their feed


@dataclass(frozen=True)
class Projection:
    """The whole graph as analytics see it; immutable, safe to share between threads."""

    version: int
    spaces: Mapping[str, SpaceFacts]
    themes: Mapping[str, ThemeFacts]
    projects: Mapping[str, ProjectFacts]
    actors: Mapping[str, ActorFacts]
    events: Mapping[str, EventFacts]  # in id order
    snapshot_id: str  # hash of the content read (see _content_hash)

    def events_in(self, window: TimeWindow = ALL_TIME) -> list[EventFacts]:
        """Events that take place within ``window`` (all of them for an open window), in id order."""
        return [e for e in self.events.values() if e.takes_place and window.contains(e.local_day)]

    @cached_property
    def events_by_actor(self) -> Mapping[str, tuple[str, ...]]:
        """The ids of every event (taking place or not) each actor took part in, in id order."""
        found: dict[str, list[str]] = defaultdict(list)
        for event in self.events.values():
            for actor_id in event.actor_ids:
                found[actor_id].append(event.id)
        return {actor_id: tuple(ids) for actor_id, ids in found.items()}

    @cached_property
    def contributors_by_project(self) -> Mapping[str, tuple[str, ...]]:
        """The actors contributing to each project (CONTRIBUTES_TO), in id order."""
        found: dict[str, list[str]] = defaultdict(list)
        for actor in self.actors.values():
            for project_id in actor.projects:
                found[project_id].append(actor.id)
        return {project_id: tuple(ids) for project_id, ids in found.items()}


async def load_projection(store: GraphStore) -> Projection:
    """Read the projection in a fixed number of store calls, whatever the size of the graph."""
    # The version is read first: a write racing the reads yields a newer version, so the
    # next request reloads; a projection never claims a version newer than its data.
    version = await store.graph_version()
    node_reads = (
        store.read_fields(Space, ["name", "short_name", "city", "latitude", "longitude"]),
        store.read_fields(Theme, ["label_de", "label_en", "parent_id"]),
        store.read_fields(Project, ["name"]),
        store.read_fields(Actor, ["name", "kind", "home_space_id"]),
        store.read_fields(Event, ["title", "start", "timezone", "status"]),
    )
    rel_types = [*PARTICIPATION_TYPES, RelType.HOSTED_BY, RelType.ABOUT, RelType.PART_OF]
    rel_types += [RelType.CONTRIBUTES_TO, RelType.ACTIVE_IN]
    results = await asyncio.gather(*node_reads, *(store.relationship_pairs(t) for t in rel_types))
    node_rows, pairs = results[:5], dict(zip(rel_types, results[5:], strict=True))
    # Assembling 100,000 events is CPU work: keep the event loop free meanwhile.
    return await asyncio.to_thread(_assemble, version, node_rows, pairs)


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """End ids by start id; the port returns pairs sorted, so each group is sorted too."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for start_id, end_id in pairs:
        grouped[start_id].append(end_id)
    return {key: tuple(values) for key, values in grouped.items()}


def _assemble(version: int, node_rows: list[list[dict]], pairs: dict[RelType, list[tuple[str, str]]]) -> Projection:
    spaces, themes, projects, actors, events = node_rows
    hosted, about, part_of = (_grouped(pairs[t]) for t in (RelType.HOSTED_BY, RelType.ABOUT, RelType.PART_OF))
    active_in, contributes = _grouped(pairs[RelType.ACTIVE_IN]), _grouped(pairs[RelType.CONTRIBUTES_TO])
    empty: tuple[str, ...] = ()
    return Projection(
        version=version,
        spaces={row["id"]: SpaceFacts(**row) for row in spaces},
        themes={row["id"]: ThemeFacts(**row) for row in themes},
        projects={row["id"]: ProjectFacts(**row) for row in projects},
        actors={
            row["id"]: ActorFacts(
                **row, spaces=active_in.get(row["id"], empty), projects=contributes.get(row["id"], empty)
            )
            for row in actors
        },
        events=_events(events, hosted, about, part_of, _participants(pairs)),
        snapshot_id=_content_hash(node_rows, pairs),
    )


def _participants(pairs: dict[RelType, list[tuple[str, str]]]) -> dict[str, list[Participation]]:
    """Each event's participations, sorted by actor id, then role in PARTICIPATION_TYPES order."""
    found: dict[str, list[tuple[str, int, Participation]]] = defaultdict(list)
    for rank, role in enumerate(PARTICIPATION_TYPES):
        for actor_id, event_id in pairs[role]:
            found[event_id].append((actor_id, rank, Participation(actor_id, role)))
    return {event_id: [p for _, _, p in sorted(items)] for event_id, items in found.items()}


def _events(
    rows: list[dict],
    hosted: dict[str, tuple[str, ...]],
    about: dict[str, tuple[str, ...]],
    part_of: dict[str, tuple[str, ...]],
    participants: dict[str, list[Participation]],
) -> dict[str, EventFacts]:
    empty: tuple[str, ...] = ()
    events: dict[str, EventFacts] = {}
    for row in rows:
        event_id, zone = row["id"], row["timezone"] or "Europe/Berlin"
        start = utc(row["start"])
        taking_part = tuple(participants.get(event_id, ()))
        events[event_id] = EventFacts(
            id=event_id,
            title=row["title"],
            start=start,
            timezone=zone,
            status=row["status"],
            spaces=hosted.get(event_id, empty),
            themes=about.get(event_id, empty),
            projects=part_of.get(event_id, empty),
            participants=taking_part,
            local_day=start.astimezone(zone_of(zone)).date(),
            actor_ids=tuple(dict.fromkeys(p.actor_id for p in taking_part)),
            takes_place=row["status"] not in NOT_TAKING_PLACE,
        )
    return events


def _content_hash(node_rows: list[list[dict]], pairs: dict[RelType, list[tuple[str, str]]]) -> str:
    """A hash of what the projection was read from: equal content, equal id, on either engine.

    Built from the rows as the port returns them (ids sorted, fields in request order,
    pairs sorted), written out as plain text, which is fast and the same on both engines.
    """
    digest = hashlib.sha256()
    for rows in node_rows:
        digest.update("\x1e".join("\x1f".join(map(_text, row.values())) for row in rows).encode())
        digest.update(b"\x1d")
    for rel_type, found in pairs.items():
        digest.update(rel_type.value.encode())
        digest.update("\x1e".join(f"{a}\x1f{b}" for a, b in found).encode())
        digest.update(b"\x1d")
    return digest.hexdigest()[:16]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return utc(value).isoformat()
    return str(value)
