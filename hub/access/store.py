"""The graph as one principal may read it: roles enforced where the data is read.

Every GraphQL request reads through an :class:`AccessControlledStore` made for its
principal, so no resolver can forget a rule: people are left out of lists, lookups,
search hits, relationship pages and counts for roles that must not see them, shown
under a stable pseudonym to researchers, and contact details are blanked for roles
without a need for them.  Bookkeeping (import runs, the audit log, API keys) is
readable only by the roles :mod:`hub.access.roles` names.

Only the reads the API uses are offered; writes go through
:class:`hub.curation.Curator`, which checks the principal itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, TypeVar

from hub.access.pseudonyms import Pseudonymiser
from hub.access.roles import AccessDeniedError, PersonView, Principal
from hub.domain import REL_ENDPOINTS, Actor, ActorKind, ApiKey, AuditEntry, Erasure, ImportRun, Node, RelType
from hub.store.port import (
    Direction,
    GraphCounts,
    GraphStore,
    Neighbour,
    NeighbourPage,
    NodeQuery,
    Page,
    Related,
    SearchHit,
)

N = TypeVar("N", bound=Node)

_ORGANISATION_KINDS = tuple(kind.value for kind in ActorKind if kind is not ActorKind.PERSON)
#: Search hits are over-fetched by this factor when people must be dropped from them.
_SEARCH_OVERFETCH = 2


class AccessControlledStore:
    """The reads of a :class:`GraphStore`, filtered and redacted for one principal (one per request)."""

    def __init__(self, store: GraphStore, principal: Principal, pseudonymise: Pseudonymiser) -> None:
        self.store = store
        self.principal = principal
        self.engine = store.engine
        self._view = principal.person_view
        self._pseudonymise = pseudonymise
        self._actors: dict[str, Actor | None] = {}  # per request: whether an id is a person is read once

    # --- what each label may show ------------------------------------------------------------

    def _check_label(self, label: type[Node]) -> None:
        if label is ApiKey or label is Erasure:
            raise AccessDeniedError(f"{label.LABEL} nodes are not readable through the API")
        if label is AuditEntry and not self.principal.reads_audit_log:
            raise AccessDeniedError("the audit log is readable with an admin key only")
        if label is ImportRun and not self.principal.sees_import_runs:
            raise AccessDeniedError("import runs are readable with a ministry, coordinator or admin key")

    def present(self, actor: Actor) -> Actor | None:
        """The actor as this principal may see it, or None when it must not be seen at all."""
        if actor.is_person and self._view is PersonView.HIDDEN:
            return None
        update: dict[str, object] = {}
        # An organisation's published address is public; a person's is personal data.
        if actor.is_person and not self.principal.sees_contacts and (actor.email or actor.phone):
            update |= {"email": None, "phone": None}
        if actor.is_person and self._view is PersonView.PSEUDONYMISED:
            pseudonym = self._pseudonymise(actor.id)
            update |= {
                "id": pseudonym.id,
                "name": pseudonym.name,
                "aliases": [],
                "websites": [],
                "description": "",
                "resolution": [],
                "source_id": None,
            }
        return actor.model_copy(update=update) if update else actor

    def _hides_people_in(self, query: NodeQuery) -> bool:
        # A text filter must not find a pseudonymised person by their real name.
        return self._view is PersonView.HIDDEN or (self._view is PersonView.PSEUDONYMISED and bool(query.text))

    # --- reads -------------------------------------------------------------------------------------

    async def get_nodes(self, label: type[N], ids: Sequence[str]) -> dict[str, N]:
        self._check_label(label)
        if label is not Actor:
            return await self.store.get_nodes(label, ids)
        await self._read_actors(ids)  # actors already read in this request (to find people) are not read again
        shown = {node_id: self.present(actor) for node_id in ids if (actor := self._actors.get(node_id)) is not None}
        return {node_id: actor for node_id, actor in shown.items() if actor is not None}  # type: ignore[misc]

    async def list_nodes(self, label: type[N], query: NodeQuery) -> Page[N]:
        self._check_label(label)
        if label is not Actor:
            return await self.store.list_nodes(label, query)
        if self._hides_people_in(query):
            kinds = [kind for kind in (query.kinds or _ORGANISATION_KINDS) if kind != ActorKind.PERSON.value]
            if not kinds:
                return Page(items=[], total=0, offset=query.offset, limit=query.limit, has_next=False)
            query = replace(query, kinds=kinds)
        page = await self.store.list_nodes(label, query)
        items = [shown for actor in page.items if (shown := self.present(actor)) is not None]  # type: ignore[arg-type]
        return replace(page, items=items)  # type: ignore[arg-type]

    async def search(self, text: str, labels: Sequence[type[Node]], limit: int = 20) -> list[SearchHit]:
        for label in labels:
            self._check_label(label)
        if self._view is PersonView.NAMED or Actor not in labels:
            hits = await self.store.search(text, labels, limit=limit)
        else:
            hits = await self.store.search(text, labels, limit=limit * _SEARCH_OVERFETCH)
            # Never by name: a pseudonymised person is not found by what they are really called.
            hits = [hit for hit in hits if not (isinstance(hit.node, Actor) and hit.node.is_person)][:limit]
        return [replace(hit, node=shown) for hit in hits if (shown := self._shown(hit.node)) is not None]

    def _shown(self, node: Node) -> Node | None:
        """A node as this principal may see it (see :meth:`present`)."""
        return self.present(node) if isinstance(node, Actor) else node

    async def neighbours(
        self, label: type[Node], ids: Sequence[str], rel_types: Sequence[RelType], direction: Direction = "both"
    ) -> list[Neighbour]:
        found = await self.store.neighbours(label, ids, rel_types, direction)
        if self._view is not PersonView.HIDDEN:
            return found
        people = await self._people([n.other_id for n in found if n.other_label == Actor.LABEL])
        return [n for n in found if not (n.other_label == Actor.LABEL and n.other_id in people)]

    async def related_nodes(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Literal["out", "in"],
        target: type[N],
    ) -> list[Related[N]]:
        self._check_label(target)
        found = await self.store.related_nodes(label, ids, rel_types, direction, target)
        if target is not Actor:
            return found
        shown = [(related, self.present(related.node)) for related in found]  # type: ignore[arg-type]
        return [replace(related, node=actor) for related, actor in shown if actor is not None]  # type: ignore[misc]

    async def neighbour_pages(
        self,
        label: type[Node],
        ids: Sequence[str],
        rel_types: Sequence[RelType],
        direction: Literal["out", "in"],
        offset: int,
        limit: int,
    ) -> dict[str, NeighbourPage]:
        leads_to_actors = any(REL_ENDPOINTS[t][0 if direction == "in" else 1] is Actor for t in rel_types)
        if self._view is not PersonView.HIDDEN or not leads_to_actors:
            return await self.store.neighbour_pages(label, ids, rel_types, direction, offset, limit)
        # People must not even be counted, so the page is cut here rather than in the database.
        by_node: dict[str, set[str]] = {}
        for neighbour in await self.neighbours(label, ids, rel_types, direction):
            by_node.setdefault(neighbour.node_id, set()).add(neighbour.other_id)
        return {
            node_id: NeighbourPage(total=len(others), other_ids=sorted(others)[offset : offset + limit])
            for node_id, others in by_node.items()
        }

    async def graph_version(self) -> int:
        return await self.store.graph_version()

    async def counts(self) -> GraphCounts:
        return await self.store.counts()

    async def _read_actors(self, actor_ids: Sequence[str]) -> None:
        """Read the actors this request has not read yet (missing ones are remembered as None)."""
        unknown = list(dict.fromkeys(actor_id for actor_id in actor_ids if actor_id not in self._actors))
        if unknown:
            found = await self.store.get_nodes(Actor, unknown)
            self._actors.update({actor_id: found.get(actor_id) for actor_id in unknown})

    async def _people(self, actor_ids: Sequence[str]) -> set[str]:
        """Which of these actor ids are people."""
        await self._read_actors(actor_ids)
        return {actor_id for actor_id in actor_ids if (actor := self._actors.get(actor_id)) and actor.is_person}
