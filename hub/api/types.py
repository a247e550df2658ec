"""The GraphQL object types: the graph's nodes as Relay nodes, and the relationships between them.

Each type wraps one domain object (kept in the private ``model`` field) and
copies its plain fields; relationships are resolvers that go through the
request's loaders (:mod:`hub.api.loaders`), never through the store directly,
so a nested selection costs one batched store call per level, not per item.

Lists reached from a node (an actor's events, a space's events, …) are
connections in id order: the port's ``neighbours`` returns relationships without
any property of the other end, so ordering them by, say, start time would mean
loading every related node.  Filtered and time-ordered event lists are
``Query.events(filter: {spaces: […]})``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Self, TypeVar

import strawberry
from strawberry import relay

from hub import domain
from hub.api.context import Info
from hub.api.pagination import DEFAULT_PAGE_SIZE, Connection, connection, selects, window
from hub.domain import PARTICIPATION_TYPES, RelType

N = TypeVar("N", bound=domain.Node)

EventStatus = strawberry.enum(domain.EventStatus, description="Where an event stands in its feed.")
Attendance = strawberry.enum(domain.Attendance, description="How people take part: on site, online or both.")
ActorKind = strawberry.enum(domain.ActorKind, description="What kind of organisation an actor is, or a person.")


@strawberry.enum(description="How an actor takes part in an event.")
class Role(Enum):
    ORGANISER = RelType.ORGANISES.value
    PRESENTER = RelType.PRESENTS_AT.value
    SPONSOR = RelType.SPONSORS.value
    PARTNER = RelType.PARTNERS_IN.value
    ATTENDEE = RelType.ATTENDS.value

    @property
    def rel_type(self) -> RelType:
        return RelType(self.value)


First = Annotated[int, strawberry.argument(description="Page size, at most 100.")]
After = Annotated[str | None, strawberry.argument(description="Continue after this cursor.")]
Roles = Annotated[list[Role] | None, strawberry.argument(description="Only these roles (default: all).")]


@strawberry.type(description="Where a fact came from: the feed, its id there, and when the hub saw it.")
class Provenance:
    source: str | None = strawberry.field(description="The feed (source id) that last wrote this fact.")
    source_id: str | None = strawberry.field(description="The id of this fact in that feed.")
    sources: list[str] = strawberry.field(description="Every feed this fact has been seen in.")
    first_seen: datetime | None
    last_seen: datetime | None
    content_hash: str | None


@strawberry.type(description="Where an event takes place.")
class Location:
    name: str
    address: str
    latitude: float | None
    longitude: float | None


class _Wraps:
    """Builds a GraphQL object from its domain object: plain fields are copied, resolvers read ``model``."""

    model: Any

    @classmethod
    def from_model(cls, model: Any) -> Self:
        values = {name: getattr(model, name) for name in _copied_fields(cls, type(model))}
        return cls(model=model, **values)  # type: ignore[call-arg]


def _provenance(root: _Wraps) -> Provenance:
    m = root.model
    return Provenance(
        source=m.source,
        source_id=m.source_id,
        sources=list(m.sources),
        first_seen=m.first_seen,
        last_seen=m.last_seen,
        content_hash=m.content_hash,
    )


def provenance_field() -> Any:
    return strawberry.field(resolver=_provenance, description="Where this came from.")


@cache
def _copied_fields(cls: type, model_type: type[domain.Node]) -> tuple[str, ...]:
    """The GraphQL fields without a resolver that the domain model has under the same name."""
    fields = cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
    return tuple(f.python_name for f in fields if f.base_resolver is None and f.python_name in model_type.model_fields)


# --- node types ----------------------------------------------------------------------------------


@strawberry.type(description="One of the six digital innovation centres (Digitale Innovationszentren) of MV.")
class Space(_Wraps, relay.Node):
    id: relay.NodeID[str]
    name: str
    short_name: str
    city: str
    host: str = strawberry.field(description="Host university or partner.")
    latitude: float | None
    longitude: float | None
    website: str
    model: strawberry.Private[domain.Space]
    provenance: Provenance = provenance_field()

    @strawberry.field(description="Events this centre hosts, in id order.")
    async def events(self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None) -> Connection[Event]:
        return await _related_page(info, self.model, [RelType.HOSTED_BY], "in", domain.Event, first, after)

    @strawberry.field(description="Actors active in this centre, in id order.")
    async def actors(self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None) -> Connection[Actor]:
        return await _related_page(info, self.model, [RelType.ACTIVE_IN], "in", domain.Actor, first, after)


@strawberry.type(description="A theme of the taxonomy (Mobilität, Energie, …), with German and English labels.")
class Theme(_Wraps, relay.Node):
    id: relay.NodeID[str]
    label_de: str
    label_en: str
    synonyms: list[str]
    model: strawberry.Private[domain.Theme]
    provenance: Provenance = provenance_field()

    @strawberry.field(description="The German label (the taxonomy's primary language).")
    def label(self) -> str:
        return self.model.label_de

    @strawberry.field(description="The broader theme, if any.")
    async def parent(self, info: Info) -> Theme | None:
        if self.model.parent_id is None:
            return None
        parent = await info.context.loaders.nodes(domain.Theme).load(self.model.parent_id)
        return None if parent is None else Theme.from_model(parent)

    @strawberry.field(description="The narrower themes, in id order.")
    async def children(self, info: Info) -> list[Theme]:
        themes = await info.context.loaders.all_themes()
        children = sorted((t for t in themes if t.parent_id == self.model.id), key=lambda t: t.id)
        return [Theme.from_model(t) for t in children]

    @strawberry.field(description="Events about this theme, in id order.")
    async def events(self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None) -> Connection[Event]:
        return await _related_page(info, self.model, [RelType.ABOUT], "in", domain.Event, first, after)


@strawberry.type(description="An organisation (company, start-up, university, public body, association) or a person.")
class Actor(_Wraps, relay.Node):
    id: relay.NodeID[str]
    name: str
    kind: ActorKind
    aliases: list[str]
    websites: list[str]
    description: str
    resolution: list[str] = strawberry.field(description="Why each alias was taken to be this actor.")
    model: strawberry.Private[domain.Actor]
    provenance: Provenance = provenance_field()

    # A person's contact details are personal data: the request's store (hub.access.store)
    # has already blanked them for roles that must not see them.
    @strawberry.field(description="Contact e-mail; a person's only for coordinators and admins.")
    def email(self) -> str | None:
        return self.model.email

    @strawberry.field(description="Contact phone; a person's only for coordinators and admins.")
    def phone(self) -> str | None:
        return self.model.phone

    @strawberry.field(description="What a curator set for this actor (the importer keeps it).")
    def curated(self) -> list[str]:
        return self.model.curated

    @strawberry.field(description="The centre this actor is based at.")
    async def home_space(self, info: Info) -> Space | None:
        if self.model.home_space_id is None:
            return None
        space = await info.context.loaders.nodes(domain.Space).load(self.model.home_space_id)
        return None if space is None else Space.from_model(space)

    @strawberry.field(description="Events this actor takes part in (in any of the given roles), in id order.")
    async def events(
        self, info: Info, roles: Roles = None, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Event]:
        keep = _rel_types(roles)
        return await _related_page(info, self.model, PARTICIPATION_TYPES, "out", domain.Event, first, after, keep)

    @strawberry.field(description="Centres this actor is active in.")
    async def spaces(self, info: Info) -> list[Space]:
        return await _related_list(info, self.model, [RelType.ACTIVE_IN], "out", domain.Space)

    @strawberry.field(description="Projects this actor contributes to.")
    async def projects(self, info: Info) -> list[Project]:
        return await _related_list(info, self.model, [RelType.CONTRIBUTES_TO], "out", domain.Project)


@strawberry.type(description="A named initiative that recurs across events and centres.")
class Project(_Wraps, relay.Node):
    id: relay.NodeID[str]
    name: str
    aliases: list[str]
    description: str
    website: str
    model: strawberry.Private[domain.Project]
    provenance: Provenance = provenance_field()

    @strawberry.field(description="Events that are part of this project, in id order.")
    async def events(self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None) -> Connection[Event]:
        return await _related_page(info, self.model, [RelType.PART_OF], "in", domain.Event, first, after)

    @strawberry.field(description="Actors contributing to this project, in id order.")
    async def actors(self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None) -> Connection[Actor]:
        return await _related_page(info, self.model, [RelType.CONTRIBUTES_TO], "in", domain.Actor, first, after)


@strawberry.type(description="An actor's part in an event.")
class Participant:
    actor: Actor
    role: Role


@strawberry.type(description="An event as the centres' feeds publish it, normalised.")
class Event(_Wraps, relay.Node):
    id: relay.NodeID[str]
    title: str
    description: str
    start: datetime = strawberry.field(description="When it starts (UTC).")
    end: datetime | None = strawberry.field(description="When it ends (UTC).")
    timezone: str = strawberry.field(description="The zone the feed gave: an IANA name or an offset like +02:00.")
    all_day: bool
    status: EventStatus
    attendance: Attendance
    url: str
    categories: list[str]
    keywords: list[str]
    cost: str
    removed_at: datetime | None = strawberry.field(description="When it disappeared from its feed.")
    model: strawberry.Private[domain.Event]
    provenance: Provenance = provenance_field()

    @strawberry.field(description="The start as wall-clock time in the event's zone (ISO 8601, with offset).")
    def local_start(self) -> str:
        return self.model.local_start().isoformat()

    @strawberry.field(description="The end as wall-clock time in the event's zone (ISO 8601, with offset).")
    def local_end(self) -> str | None:
        local_end = self.model.local_end()
        return None if local_end is None else local_end.isoformat()

    @strawberry.field(description="Where it takes place.")
    def location(self) -> Location:
        m = self.model
        return Location(name=m.location_name, address=m.address, latitude=m.latitude, longitude=m.longitude)

    @strawberry.field(description="The centre that hosts it.")
    async def space(self, info: Info) -> Space | None:
        spaces = await _related_list(info, self.model, [RelType.HOSTED_BY], "out", domain.Space)
        return spaces[0] if spaces else None

    @strawberry.field(description="Its themes.")
    async def themes(self, info: Info) -> list[Theme]:
        return await _related_list(info, self.model, [RelType.ABOUT], "out", domain.Theme)

    @strawberry.field(description="The projects it is part of.")
    async def projects(self, info: Info) -> list[Project]:
        return await _related_list(info, self.model, [RelType.PART_OF], "out", domain.Project)

    @strawberry.field(description="Who takes part, and how (organisers first).")
    async def participants(self, info: Info, roles: Roles = None) -> list[Participant]:
        keep = _rel_types(roles)
        loader = info.context.loaders.related(domain.Event, PARTICIPATION_TYPES, "in", domain.Actor)
        taking_part = sorted(
            (r for r in await loader.load(self.model.id) if keep is None or r.rel_type in keep),
            key=lambda r: (PARTICIPATION_TYPES.index(r.rel_type), r.node.id),
        )
        return [Participant(actor=Actor.from_model(r.node), role=Role(r.rel_type.value)) for r in taking_part]


@strawberry.type(description="One sync of one feed source: what happened, with counts and errors.")
class ImportRun(_Wraps, relay.Node):
    id: relay.NodeID[str]
    source_key: str = strawberry.field(description="The registry id of the synced source.")
    started_at: datetime
    finished_at: datetime | None
    status: str = strawberry.field(
        description="running, ok, partial, failed, not_modified, or interrupted (its process died; the next "
        "sync of the source rewrote every item)."
    )
    new: int
    changed: int
    cancelled: int
    unchanged: int
    removed: int
    failed: int
    errors: list[str]
    warnings: list[str]
    changes: list[str] = strawberry.field(description="One line per new, changed or removed event.")
    model: strawberry.Private[domain.ImportRun]
    provenance: Provenance = provenance_field()


# --- domain <-> GraphQL ----------------------------------------------------------------------------

#: The GraphQL type of each domain label; its name is also the type part of a global id.
GRAPHQL_TYPES: dict[type[domain.Node], Any] = {
    domain.Space: Space,
    domain.Theme: Theme,
    domain.Actor: Actor,
    domain.Project: Project,
    domain.Event: Event,
    domain.ImportRun: ImportRun,
}
LABELS_BY_TYPE_NAME: dict[str, type[domain.Node]] = {label.LABEL: label for label in GRAPHQL_TYPES}


def to_graphql(node: domain.Node) -> Any:
    return GRAPHQL_TYPES[type(node)].from_model(node)


def _rel_types(roles: Sequence[Role] | None) -> set[RelType] | None:
    return None if roles is None else {role.rel_type for role in roles}


async def _related_list(
    info: Info, node: domain.Node, rel_types: Sequence[RelType], direction: Literal["out", "in"], target: type[N]
) -> list[Any]:
    """The ``target`` nodes at the other end of the node's relationships, each once, in id order."""
    loader = info.context.loaders.related(type(node), tuple(rel_types), direction, target)
    related = {r.node.id: r.node for r in await loader.load(node.id)}
    return [to_graphql(related[node_id]) for node_id in sorted(related)]


async def _related_page(
    info: Info,
    node: domain.Node,
    rel_types: Sequence[RelType],
    direction: Literal["out", "in"],
    target: type[N],
    first: int,
    after: str | None,
    keep: Collection[RelType] | None = None,
) -> Connection[Any]:
    """One page of related nodes: the page of ids cut in the store (batched across parents), then its nodes.

    A selection of ``totalCount`` alone asks the store for the totals only, and reads no nodes.
    """
    page = window(first, after)
    types = [t for t in rel_types if keep is None or t in keep]
    selections = info.selected_fields[0].selections
    limit = page.limit if selects(selections, "edges") or selects(selections, "pageInfo") else 0
    loader = info.context.loaders.neighbour_pages(type(node), tuple(types), direction, page.offset, limit)
    related = await loader.load(node.id)
    nodes = await info.context.loaders.load(target, related.other_ids)
    return connection([to_graphql(other) for other in nodes], total=related.total, offset=page.offset)
