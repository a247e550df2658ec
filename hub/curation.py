"""Curation: people correcting the graph, within their rights, on the record.

A :class:`Curator` acts for one :class:`~hub.access.roles.Principal`.  Coordinators
curate within their own centre (an actor active there, an event hosted there),
admins everywhere.  Every change writes an :class:`~hub.domain.AuditEntry` with who,
when, what, and the facts before and after.

Curated facts survive the next sync: a curated field is listed in the node's
``curated`` and the importer leaves it alone (``importers.resolve`` for actors,
``importers.sync`` for an event's themes and projects); a merged actor's names
become aliases of the actor it was merged into, so the importer resolves them there.

Each operation reads what it needs, then writes its whole change together with its
audit entry as one :class:`~hub.store.port.ChangeSet`, in one transaction: a failure
leaves nothing half done, and a change is never without its audit entry.  In one
process, operations that touch the same node run one at a time (each claims the nodes
it changes, see :class:`_Claims`), so two curators cannot interleave a merge, while
changes of different nodes run side by side; an operation that has begun runs to its
end even when its request is cancelled (its time budget ran out).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from hub.access.roles import AccessDeniedError, Principal
from hub.domain import (
    PARTICIPATION_TYPES,
    Actor,
    ActorKind,
    AuditEntry,
    Erasure,
    Event,
    Node,
    Project,
    Relationship,
    RelType,
    Theme,
)
from hub.store.port import ChangeSet, GraphStore, NodeQuery
from hub.text import fold, slugify

log = logging.getLogger(__name__)
T = TypeVar("T")

CURATION_SOURCE = "curation"
_ACTOR_RELATIONSHIPS = (*PARTICIPATION_TYPES, RelType.CONTRIBUTES_TO, RelType.ACTIVE_IN)
_MAX_AUDIT_ENTRIES = 1_000
_MAX_SCRUBBED = 100_000


class CurationError(ValueError):
    """The change cannot be made as asked (unknown id, a person merged with an organisation, …)."""


@dataclass(frozen=True)
class ActorChanges:
    """What an actor update sets; None leaves a field as it is."""

    name: str | None = None
    kind: ActorKind | None = None
    aliases: Sequence[str] | None = None


def name_key(name: str) -> str:
    """The hash :class:`~hub.domain.Erasure` keeps of a forgotten name (folded, so spelling variants match)."""
    return hashlib.sha256(" ".join(fold(name).split()).encode()).hexdigest()


class Curator:
    """The curation operations, for one principal."""

    #: The nodes being changed, per event loop, i.e. per server process (see the module docstring).
    _all_claims: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Claims]] = weakref.WeakKeyDictionary()

    @property
    def _claims(self) -> _Claims:
        # Claims wait on asyncio events, which belong to one loop; tests and tools may run several loops in turn.
        return self._all_claims.setdefault(asyncio.get_running_loop(), _Claims())

    def __init__(self, store: GraphStore, principal: Principal, clock: Any = None) -> None:
        self.store = store
        self.principal = principal
        self._clock = clock or (lambda: datetime.now(UTC))

    async def _alone(self, change: Callable[[], Awaitable[T]], *nodes: str) -> T:
        """Run ``change`` when no other operation changes ``nodes`` (none given: any node), and to its end.

        ``nodes`` are ``Label:id`` keys, including the ids a new node may get.  A request
        whose time budget runs out is cancelled.  While it waits for its turn it leaves at
        once, having changed nothing; once its change has begun, the change completes (with
        its audit entry) before another operation on its nodes starts.
        """
        async with self._claims.claim(frozenset(nodes) or None):
            task = asyncio.ensure_future(change())
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                await asyncio.wait([task])
                error = None if task.cancelled() else task.exception()  # retrieved: nobody else will
                if error is not None and not isinstance(error, CurationError | AccessDeniedError):
                    log.warning("a curation operation whose request was cancelled failed: %s", error)
                raise

    # --- actors ---------------------------------------------------------------------------------

    async def update_actor(self, actor_id: str, changes: ActorChanges) -> Actor:
        self.principal.require_curator()

        async def change() -> Actor:
            actor = await self._actor(actor_id)
            await self._check_actor_rights(actor)
            update: dict[str, Any] = {}
            if changes.name is not None:
                update["name"] = _clean_name(changes.name, "name")
            if changes.kind is not None:
                update["kind"] = changes.kind
            if changes.aliases is not None:
                names = [_clean_name(alias, "alias") for alias in changes.aliases]
                update["aliases"] = list(
                    dict.fromkeys(alias for alias in names if alias != update.get("name", actor.name))
                )
            if not update:
                raise CurationError("nothing to change: give a name, a kind or aliases")
            curated = sorted({*actor.curated, *update})
            after = actor.model_copy(update={**update, "curated": curated})
            entry = self._audit_entry("update_actor", actor, _facts(actor, update), _facts(after, update))
            await self.store.apply(ChangeSet(nodes=[after, entry]))
            return after

        return await self._alone(change, f"Actor:{actor_id}")

    async def merge_actors(self, keep_id: str, absorb_id: str) -> Actor:
        """``absorb_id`` becomes part of ``keep_id``: its names, links and relationships move over."""
        self.principal.require_curator()

        async def change() -> Actor:
            keep, absorb = await self._actor(keep_id), await self._actor(absorb_id)
            for actor in (keep, absorb):
                await self._check_actor_rights(actor)
            if keep_id == absorb_id:
                raise CurationError("an actor cannot be merged with itself")
            if keep.is_person != absorb.is_person:
                raise CurationError("a person cannot be merged with an organisation")
            moved = await self._relationships_of(absorb.id)
            names = [absorb.name, *absorb.aliases]
            merged = keep.model_copy(
                update={
                    "aliases": list(dict.fromkeys(a for a in [*keep.aliases, *names] if a != keep.name)),
                    "websites": list(dict.fromkeys([*keep.websites, *absorb.websites])),
                    "email": keep.email or absorb.email,
                    "phone": keep.phone or absorb.phone,
                    "sources": list(dict.fromkeys([*keep.sources, *absorb.sources])),
                    "resolution": [*keep.resolution, *absorb.resolution, self._line(f"merged {absorb.id} into this")],
                    "curated": sorted({*keep.curated, "aliases"}),
                }
            )
            before = {"keep": _dump(keep), "absorbed": _dump(absorb), "relationships": [list(r.key) for r in moved]}
            entry = self._audit_entry("merge_actors", keep, before, {"keep": _dump(merged)})
            await self.store.apply(
                ChangeSet(
                    nodes=[merged, entry],
                    relationships=[self._moved(rel, absorb.id, keep.id) for rel in moved],
                    removed_nodes=[absorb],
                )
            )
            return merged

        return await self._alone(change, f"Actor:{keep_id}", f"Actor:{absorb_id}")

    async def split_actor(self, actor_id: str, alias: str, event_ids: Sequence[str]) -> Actor:
        """Undo a wrong merge: ``alias`` becomes an actor of its own, taking part in ``event_ids``."""
        self.principal.require_curator()
        new_ids = _id_candidates(alias)

        async def change() -> Actor:
            actor = await self._actor(actor_id)
            await self._check_actor_rights(actor)
            if alias not in actor.aliases:
                raise CurationError(f"{alias!r} is not an alias of {actor.id!r} (its aliases: {actor.aliases})")
            participations = [
                rel
                for rel in await self._relationships_of(actor.id)
                if rel.type in PARTICIPATION_TYPES and rel.end_id in set(event_ids)
            ]
            missing = sorted(set(event_ids) - {rel.end_id for rel in participations})
            if missing:
                raise CurationError(f"{actor.id!r} takes part in no event with id {', '.join(missing)}")
            new = Actor(
                id=await self._free_id(Actor, new_ids),
                name=alias,
                kind=actor.kind,
                home_space_id=actor.home_space_id,
                source=CURATION_SOURCE,
                resolution=[self._line(f"split from {actor.id}")],
                curated=["name"],
                first_seen=self._clock(),
                last_seen=self._clock(),
            )
            kept = actor.model_copy(
                update={
                    "aliases": [a for a in actor.aliases if a != alias],
                    "resolution": [*actor.resolution, self._line(f"split {alias!r} off as {new.id}")],
                    "curated": sorted({*actor.curated, "aliases"}),
                }
            )
            spaces = {
                n.other_id for n in await self.store.neighbours(Event, list(event_ids), [RelType.HOSTED_BY], "out")
            }
            moved = [self._moved(rel, actor.id, new.id) for rel in participations]
            active = [self._relationship(RelType.ACTIVE_IN, new.id, space_id) for space_id in sorted(spaces)]
            before = {"actor": _dump(actor), "relationships": [list(r.key) for r in participations]}
            after = {"actor": _dump(kept), "new": _dump(new), "relationships": [list(r.key) for r in moved]}
            entry = self._audit_entry("split_actor", actor, before, after)
            await self.store.apply(
                ChangeSet(
                    nodes=[new, kept, entry], relationships=[*moved, *active], removed_relationships=participations
                )
            )
            return new

        # Claiming the ids it may choose keeps a concurrent split or project from choosing the same.
        return await self._alone(change, f"Actor:{actor_id}", *(f"Actor:{i}" for i in new_ids))

    # --- events and projects ----------------------------------------------------------------------

    async def set_event_themes(self, event_id: str, theme_ids: Sequence[str]) -> Event:
        return await self._set_event_links(event_id, RelType.ABOUT, Theme, theme_ids, "themes")

    async def set_event_projects(self, event_id: str, project_ids: Sequence[str]) -> Event:
        return await self._set_event_links(event_id, RelType.PART_OF, Project, project_ids, "projects")

    async def create_project(self, name: str, description: str = "", website: str = "") -> Project:
        self.principal.require_curator()
        cleaned = _clean_name(name, "name")
        new_ids = _id_candidates(cleaned)

        async def change() -> Project:
            project = Project(
                id=await self._free_id(Project, new_ids),
                name=cleaned,
                description=description,
                website=website,
                source=CURATION_SOURCE,
                curated=["name", "description", "website"],
                first_seen=self._clock(),
                last_seen=self._clock(),
            )
            entry = self._audit_entry("create_project", project, None, _dump(project))
            await self.store.apply(ChangeSet(nodes=[project, entry]))
            return project

        return await self._alone(change, *(f"Project:{i}" for i in new_ids))

    async def update_project(self, project_id: str, name: str | None, description: str | None) -> Project:
        self.principal.require_curator()

        async def change() -> Project:
            project = (await self.store.get_nodes(Project, [project_id])).get(project_id)
            if project is None:
                raise CurationError(f"there is no project with id {project_id!r}")
            events = {n.other_id for n in await self.store.neighbours(Project, [project_id], [RelType.PART_OF])}
            hosts = await self._hosts(sorted(events))
            self._require_rights(hosts, f"project {project_id!r}")
            update = {k: v for k, v in {"name": name, "description": description}.items() if v is not None}
            if "name" in update:
                update["name"] = _clean_name(update["name"], "name")
            if not update:
                raise CurationError("nothing to change: give a name or a description")
            after = project.model_copy(update={**update, "curated": sorted({*project.curated, *update})})
            entry = self._audit_entry("update_project", project, _facts(project, update), _facts(after, update))
            await self.store.apply(ChangeSet(nodes=[after, entry]))
            return after

        return await self._alone(change, f"Project:{project_id}")

    async def _set_event_links(
        self, event_id: str, rel_type: RelType, label: type[Node], target_ids: Sequence[str], aspect: str
    ) -> Event:
        self.principal.require_curator()

        async def change() -> Event:
            event = (await self.store.get_nodes(Event, [event_id])).get(event_id)
            if event is None:
                raise CurationError(f"there is no event with id {event_id!r}")
            self._require_rights(await self._hosts([event_id]), f"event {event_id!r}")
            wanted = list(dict.fromkeys(target_ids))
            found = await self.store.get_nodes(label, wanted)
            if unknown := [target for target in wanted if target not in found]:
                raise CurationError(f"unknown {label.LABEL.lower()} id(s): {', '.join(unknown)}")
            current = [n.relationship() for n in await self.store.neighbours(Event, [event_id], [rel_type], "out")]
            after = event.model_copy(update={"curated": sorted({*event.curated, aspect})})
            before = {aspect: sorted(rel.end_id for rel in current)}
            entry = self._audit_entry(f"set_event_{aspect}", event, before, {aspect: wanted})
            await self.store.apply(
                ChangeSet(
                    nodes=[after, entry],
                    relationships=[self._relationship(rel_type, event_id, t) for t in wanted],
                    removed_relationships=[rel for rel in current if rel.end_id not in set(wanted)],
                )
            )
            return after

        return await self._alone(change, f"Event:{event_id}")

    # --- erasure -----------------------------------------------------------------------------------

    async def forget_person(self, actor_id: str) -> Erasure:
        """Remove a person completely, on their request, and keep only the fact of the removal.

        The actor goes with every relationship; their names leave other actors' aliases and
        resolution notes; audit entries about them lose their before/after; an
        :class:`~hub.domain.Erasure` keeps hashes of their names so the importer does not
        bring them back from a feed.
        """
        if not self.principal.reads_audit_log:
            raise AccessDeniedError("forgetting a person needs an admin (or the command line)")

        async def change() -> Erasure:
            person = await self._actor(actor_id)
            if not person.is_person:
                raise CurationError(f"{actor_id!r} is not a person (it is a {person.kind.value})")
            names = [person.name, *person.aliases]
            erasure = Erasure(
                id=name_key(f"actor:{person.id}"), erased_at=self._clock(), name_keys=[name_key(n) for n in names]
            )
            scrubbed = await self._scrubbed(set(names), person.id)
            entry = self._audit_entry("forget_person", erasure, None, {"erasure": erasure.id})
            await self.store.apply(ChangeSet(nodes=[erasure, *scrubbed, entry], removed_nodes=[person]))
            return erasure

        return await self._alone(change)  # every node: it scrubs names from any actor and audit entry

    async def _scrubbed(self, names: set[str], actor_id: str) -> list[Node]:
        """Actors and audit entries as they are without ``names`` and the facts about ``actor_id``."""
        # Names live in aliases (which the search text covers); resolution lines name an alias too.
        candidates: dict[str, Actor] = {}
        for name in names:
            page = await self.store.list_nodes(Actor, NodeQuery(text=name, limit=_MAX_SCRUBBED))
            candidates.update((actor.id, actor) for actor in page.items)
        changed = [
            actor.model_copy(
                update={
                    "aliases": [a for a in actor.aliases if a not in names],
                    "resolution": [line for line in actor.resolution if not any(n in line for n in names)],
                }
            )
            for actor in candidates.values()
            if set(actor.aliases) & names or any(n in line for line in actor.resolution for n in names)
        ]
        entries = await self.store.list_nodes(AuditEntry, NodeQuery(limit=_MAX_SCRUBBED))
        touched = [
            entry.model_copy(update={"before": '"[forgotten]"', "after": '"[forgotten]"'})
            for entry in entries.items
            if actor_id in entry.target or any(n in entry.before or n in entry.after for n in names)
        ]
        return [*changed, *touched]

    # --- the audit log -----------------------------------------------------------------------------

    async def audit_log(self, offset: int = 0, limit: int = 50) -> tuple[list[AuditEntry], int]:
        if not self.principal.reads_audit_log:
            raise AccessDeniedError("the audit log is readable with an admin key only")
        page = await self.store.list_nodes(
            AuditEntry, NodeQuery(order_by="at", descending=True, offset=offset, limit=min(limit, _MAX_AUDIT_ENTRIES))
        )
        return page.items, page.total

    def _audit_entry(self, action: str, target: Node, before: Any, after: Any) -> AuditEntry:
        """The audit log's record of a change, written in the change's own transaction."""
        now = self._clock()
        return AuditEntry(
            id=f"{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}",
            at=now,
            who=self.principal.label,
            role=self.principal.role.value,
            action=action,
            target=f"{target.LABEL}:{target.id}",
            before=json.dumps(before, ensure_ascii=False, sort_keys=True, default=str),
            after=json.dumps(after, ensure_ascii=False, sort_keys=True, default=str),
        )

    # --- rights and helpers ---------------------------------------------------------------------------

    async def _actor(self, actor_id: str) -> Actor:
        actor = (await self.store.get_nodes(Actor, [actor_id])).get(actor_id)
        if actor is None:
            raise CurationError(f"there is no actor with id {actor_id!r}")
        return actor

    async def _check_actor_rights(self, actor: Actor) -> None:
        active = {n.other_id for n in await self.store.neighbours(Actor, [actor.id], [RelType.ACTIVE_IN], "out")}
        self._require_rights(active | ({actor.home_space_id} if actor.home_space_id else set()), f"actor {actor.id!r}")

    def _require_rights(self, space_ids: set[str], what: str) -> None:
        self.principal.require_curator()
        if not self.principal.may_curate(space_ids):
            raise AccessDeniedError(
                f"{what} does not belong to your centre {self.principal.space_id!r} "
                f"(it belongs to: {', '.join(sorted(space_ids)) or 'no centre'})"
            )

    async def _hosts(self, event_ids: Sequence[str]) -> set[str]:
        if not event_ids:
            return set()
        return {n.other_id for n in await self.store.neighbours(Event, list(event_ids), [RelType.HOSTED_BY], "out")}

    async def _relationships_of(self, actor_id: str) -> list[Relationship]:
        found = await self.store.neighbours(Actor, [actor_id], _ACTOR_RELATIONSHIPS, "out")
        return [n.relationship() for n in found]

    async def _free_id(self, label: type[Node], candidates: Sequence[str]) -> str:
        """The first of ``candidates`` (see :func:`_id_candidates`) no node of ``label`` has yet."""
        taken = await self.store.get_nodes(label, list(candidates))
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        return f"{candidates[0]}-{secrets.token_hex(4)}"

    def _relationship(self, rel_type: RelType, start_id: str, end_id: str) -> Relationship:
        now = self._clock()
        return Relationship(
            type=rel_type, start_id=start_id, end_id=end_id, source=CURATION_SOURCE, first_seen=now, last_seen=now
        )

    def _moved(self, rel: Relationship, old_id: str, new_id: str) -> Relationship:
        start = new_id if rel.start_id == old_id else rel.start_id
        return self._relationship(rel.type, start, rel.end_id)

    def _line(self, what: str) -> str:
        return f"{what} by {self.principal.label} on {self._clock():%Y-%m-%d %H:%M} UTC (curation)"


def _id_candidates(name: str) -> list[str]:
    """The ids a new node named ``name`` may get, in order of preference: its slug, then numbered."""
    base = slugify(name)
    return [base, *(f"{base}-{n}" for n in range(2, 50))]


def _clean_name(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise CurationError(f"the {what} must not be empty")
    if len(cleaned) > 300:
        raise CurationError(f"the {what} is longer than 300 characters")
    return cleaned


def _dump(node: Node) -> dict[str, Any]:
    return node.model_dump(mode="json", exclude={"search_text"})


def _facts(node: Node, fields: dict[str, Any]) -> dict[str, Any]:
    dumped = node.model_dump(mode="json")
    return {name: dumped[name] for name in fields}


class _Claims:
    """Which nodes operations are changing, so that two operations never change the same node at once.

    A claim of ``None`` stands for every node (an erasure scrubs names from any actor);
    it waits until no claim is held, and new claims wait while it waits, so it is not
    starved.  Written by hand: asyncio has per-key locks for neither sets of keys nor
    "everything".  Releasing is synchronous, so a cancelled operation always releases.
    """

    def __init__(self) -> None:
        self._held: set[str] = set()
        self._everything = False
        self._everything_waiting = 0
        self._released = asyncio.Event()

    @contextlib.asynccontextmanager
    async def claim(self, nodes: frozenset[str] | None) -> AsyncIterator[None]:
        if nodes is None:
            self._everything_waiting += 1
        try:
            while not self._free(nodes):
                await self._released.wait()
        finally:
            if nodes is None:
                self._everything_waiting -= 1
        self._take(nodes)
        try:
            yield
        finally:
            self._give_back(nodes)

    def _free(self, nodes: frozenset[str] | None) -> bool:
        if self._everything:
            return False
        if nodes is None:
            return not self._held
        return not self._everything_waiting and self._held.isdisjoint(nodes)

    def _take(self, nodes: frozenset[str] | None) -> None:
        if nodes is None:
            self._everything = True
        else:
            self._held |= nodes

    def _give_back(self, nodes: frozenset[str] | None) -> None:
        if nodes is None:
            self._everything = False
        else:
            self._held -= nodes
        # Wake every waiter to look again; a fresh event for the next round of waiting.
        self._released.set()
        self._released = asyncio.Event()
