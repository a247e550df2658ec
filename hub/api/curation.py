"""Curation over GraphQL: the mutations of coordinators and admins, the audit log, and who is asking.

The rules (who may change what, what survives a sync, what is logged) live in
:mod:`hub.curation`; this module turns arguments into calls of a
:class:`~hub.curation.Curator` made for the request's principal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from hub import domain
from hub.api.context import Info
from hub.api.errors import ApiError
from hub.api.ids import node_ids_of
from hub.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Connection, connection, window
from hub.api.types import Actor, ActorKind, After, Event, First, Project, Space, to_graphql
from hub.curation import ActorChanges

IdList = Annotated[list[strawberry.ID], strawberry.argument(description="Global ids (at most 100).")]


def _one(value: strawberry.ID, label: type[domain.Node], argument: str) -> str:
    return node_ids_of([value], label, argument)[0]


def _many(values: list[strawberry.ID], label: type[domain.Node], argument: str) -> list[str]:
    if len(values) > MAX_PAGE_SIZE:
        raise ApiError(f"{argument} must name at most {MAX_PAGE_SIZE} nodes (got {len(values)})")
    return node_ids_of(values, label, argument)


@strawberry.type(description="One change made by a person: who, when, what, and the facts before and after (JSON).")
class AuditEntry:
    id: strawberry.ID
    at: datetime
    who: str
    role: str
    action: str
    target: str
    before: str
    after: str

    @classmethod
    def from_model(cls, entry: domain.AuditEntry) -> AuditEntry:
        return cls(
            id=strawberry.ID(entry.id),
            at=entry.at,
            who=entry.who,
            role=entry.role,
            action=entry.action,
            target=entry.target,
            before=entry.before,
            after=entry.after,
        )


@strawberry.type(description="Who this request acts as: the role of its API key, or public without one.")
class Viewer:
    role: str
    key_id: str | None
    key_name: str | None
    space_id: strawberry.Private[str | None]

    @strawberry.field(description="A coordinator's own centre.")
    async def centre(self, info: Info) -> Space | None:
        if self.space_id is None:
            return None
        found = await info.context.loaders.nodes(domain.Space).load(self.space_id)
        return None if found is None else to_graphql(found)


@strawberry.type
class AccessQuery:
    @strawberry.field(description="Who this request acts as.")
    def viewer(self, info: Info) -> Viewer:
        principal = info.context.principal
        return Viewer(
            role=principal.role.value, key_id=principal.key_id, key_name=principal.key_name, space_id=principal.space_id
        )

    @strawberry.field(description="The audit log, most recent first (admins only).")
    async def audit_log(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[AuditEntry]:
        page = window(first, after)
        entries, total = await info.context.curator.audit_log(page.offset, page.limit)
        return connection([AuditEntry.from_model(entry) for entry in entries], total=total, offset=page.offset)


@strawberry.type(description="Changes to the graph: coordinators within their own centre, admins everywhere.")
class Mutation:
    @strawberry.mutation(description="Correct an actor's name, kind or aliases; the importer keeps the correction.")
    async def update_actor(
        self,
        info: Info,
        id: strawberry.ID,
        name: str | None = None,
        kind: ActorKind | None = None,
        aliases: list[str] | None = None,
    ) -> Actor:
        changes = ActorChanges(name=name, kind=domain.ActorKind(kind.value) if kind else None, aliases=aliases)
        return to_graphql(await info.context.curator.update_actor(_one(id, domain.Actor, "id"), changes))

    @strawberry.mutation(description="Merge two actors that are one: `absorb` becomes part of `keep` and is gone.")
    async def merge_actors(self, info: Info, keep: strawberry.ID, absorb: strawberry.ID) -> Actor:
        keep_id, absorb_id = _one(keep, domain.Actor, "keep"), _one(absorb, domain.Actor, "absorb")
        return to_graphql(await info.context.curator.merge_actors(keep_id, absorb_id))

    @strawberry.mutation(description="Split a wrong merge: `alias` becomes an actor of its own, in `events`.")
    async def split_actor(self, info: Info, id: strawberry.ID, alias: str, events: IdList) -> Actor:
        event_ids = _many(events, domain.Event, "events")
        return to_graphql(await info.context.curator.split_actor(_one(id, domain.Actor, "id"), alias, event_ids))

    @strawberry.mutation(description="Set an event's themes (replacing the importer's); kept on the next sync.")
    async def set_event_themes(self, info: Info, id: strawberry.ID, themes: IdList) -> Event:
        theme_ids = _many(themes, domain.Theme, "themes")
        return to_graphql(await info.context.curator.set_event_themes(_one(id, domain.Event, "id"), theme_ids))

    @strawberry.mutation(description="Set the projects an event is part of (replacing the importer's); kept on sync.")
    async def set_event_projects(self, info: Info, id: strawberry.ID, projects: IdList) -> Event:
        project_ids = _many(projects, domain.Project, "projects")
        return to_graphql(await info.context.curator.set_event_projects(_one(id, domain.Event, "id"), project_ids))

    @strawberry.mutation(description="Add a project the feeds do not name.")
    async def create_project(self, info: Info, name: str, description: str = "", website: str = "") -> Project:
        return to_graphql(await info.context.curator.create_project(name, description, website))

    @strawberry.mutation(description="Correct a project's name or description; the importer keeps the correction.")
    async def update_project(
        self, info: Info, id: strawberry.ID, name: str | None = None, description: str | None = None
    ) -> Project:
        project_id = _one(id, domain.Project, "id")
        return to_graphql(await info.context.curator.update_project(project_id, name, description))
