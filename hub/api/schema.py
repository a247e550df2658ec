"""The GraphQL schema: the Query root, the schema's limits and error policy, and the SDL export.

``python -m hub.api.schema`` writes ``schema/schema.graphql``; a test fails when
that file and this code drift apart.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Collection, Iterable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule, execute, specified_rules
from strawberry import relay
from strawberry.exceptions import MissingQueryError
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.tools import merge_types
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe
from strawberry.utils.operation import get_operation_type

from hub import domain
from hub.api.complexity import Documents, alias_rule, depth_rule
from hub.api.context import Info
from hub.api.curation import AccessQuery, Mutation
from hub.api.errors import ApiError, classify, log_errors, masked
from hub.api.ids import parse_global_id
from hub.api.inputs import (
    ActorFilter,
    ActorOrder,
    EventFilter,
    EventOrder,
    ProjectFilter,
    ProjectOrder,
    ThemeFilter,
    actor_query,
    event_query,
    project_query,
)
from hub.api.ministry import MinistryQuery
from hub.api.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Connection,
    connection,
    selects,
    window,
)
from hub.api.partners import PartnerQuery
from hub.api.research import ResearchQuery
from hub.api.types import Actor, After, Event, First, ImportRun, Project, Space, Theme, to_graphql
from hub.config import Settings
from hub.reference import SCHEMA_DIR
from hub.store.port import NodeQuery
from hub.store.search import search_terms

SDL_PATH: Path = SCHEMA_DIR / "schema.graphql"

#: Import runs are filtered by source in Python (the port filters ``source``, not ``source_key``),
#: over at most this many of the most recent runs.
MAX_IMPORT_RUNS_SCANNED = 10_000


@strawberry.enum(description="The kinds of node full-text search looks at.")
class SearchKind(Enum):
    EVENT = domain.Event.LABEL
    ACTOR = domain.Actor.LABEL
    PROJECT = domain.Project.LABEL
    THEME = domain.Theme.LABEL
    SPACE = domain.Space.LABEL


SearchResult = Annotated[Event | Actor | Project | Theme | Space, strawberry.union("SearchResult")]


@strawberry.type(description="A search result: the node and how well it matches (higher is better).")
class SearchHit:
    score: float
    node: SearchResult


async def _node(info: Info, global_id: str, argument: str) -> Any:
    label, node_id = parse_global_id(global_id, argument)
    found = await info.context.loaders.nodes(label).load(node_id)
    if found is None or found.id != node_id:
        # A pseudonymised person is reached through the graph only, never by their real id:
        # ids are made from names, so a lookup by id would tell who hides behind a pseudonym.
        return None
    return to_graphql(found)


async def _page(info: Info, label: type[domain.Node], first: int, after: str | None, **filters: Any) -> Connection[Any]:
    """One page of a top-level list, read by the store (filtered, sorted, and counted if totalCount is asked)."""
    page = window(first, after)
    counted = selects(info.selected_fields[0].selections, "totalCount")
    query = NodeQuery(**filters, offset=page.offset, limit=page.limit, count_total=counted)
    result = await info.context.store.list_nodes(label, query)
    info.context.loaders.prime(result.items)
    items = [to_graphql(node) for node in result.items]
    return connection(items, total=result.total, offset=page.offset, has_next=result.has_next)


@strawberry.type
class GraphQuery:
    """The graph itself: nodes by id, filtered lists, search, import runs."""

    @strawberry.field(description="The node with this global id, or null if there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return await _node(info, id, "id")

    @strawberry.field(description="The nodes with these global ids (at most 100), null where there is none.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise ApiError(f"ids must name at most {MAX_PAGE_SIZE} nodes (got {len(ids)})")
        return list(await asyncio.gather(*(_node(info, value, f"ids[{i}]") for i, value in enumerate(ids))))

    @strawberry.field(description="Events, filtered and sorted (by default: by start).")
    async def events(
        self,
        info: Info,
        filter: EventFilter | None = None,
        order_by: EventOrder | None = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Event]:
        return await _page(info, domain.Event, first, after, **event_query(filter, order_by))

    @strawberry.field(description="Actors, filtered and sorted (by default: by name).")
    async def actors(
        self,
        info: Info,
        filter: ActorFilter | None = None,
        order_by: ActorOrder | None = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Actor]:
        return await _page(info, domain.Actor, first, after, **actor_query(filter, order_by))

    @strawberry.field(description="Projects, filtered and sorted (by default: by name).")
    async def projects(
        self,
        info: Info,
        filter: ProjectFilter | None = None,
        order_by: ProjectOrder | None = None,
        first: First = DEFAULT_PAGE_SIZE,
        after: After = None,
    ) -> Connection[Project]:
        return await _page(info, domain.Project, first, after, **project_query(filter, order_by))

    @strawberry.field(description="The innovation centres, by name.")
    async def spaces(self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None) -> Connection[Space]:
        return await _page(info, domain.Space, first, after, order_by="name")

    @strawberry.field(description="The themes of the taxonomy, by id.")
    async def themes(
        self, info: Info, filter: ThemeFilter | None = None, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[Theme]:
        text = filter.text if filter else None
        return await _page(info, domain.Theme, first, after, text=text or None)

    @strawberry.field(description="Import runs, most recent first; only those of one source if given.")
    async def import_runs(
        self, info: Info, source: str | None = None, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[ImportRun]:
        if source is None:
            return await _page(info, domain.ImportRun, first, after, order_by="started_at", descending=True)
        return await _import_runs_of(info, source, first, after)

    @strawberry.field(description="Full-text search over names, titles, labels and keywords, best match first.")
    async def search(
        self,
        info: Info,
        text: str,
        kinds: list[SearchKind] | None = None,
        first: Annotated[int, strawberry.argument(description="How many hits, at most 100.")] = DEFAULT_PAGE_SIZE,
    ) -> list[SearchHit]:
        return await _search(info, text, kinds, first)


async def _import_runs_of(info: Info, source: str, first: int, after: str | None) -> Connection[ImportRun]:
    page = window(first, after)
    query = NodeQuery(order_by="started_at", descending=True, limit=MAX_IMPORT_RUNS_SCANNED)
    runs = [
        run for run in (await info.context.store.list_nodes(domain.ImportRun, query)).items if run.source_key == source
    ]
    shown = runs[page.offset : page.offset + page.limit]
    return connection([ImportRun.from_model(run) for run in shown], total=len(runs), offset=page.offset)


async def _search(info: Info, text: str, kinds: list[SearchKind] | None, first: int) -> list[SearchHit]:
    limit = window(first, None).limit
    if not search_terms(text):
        raise ApiError("text must contain at least one word to search for")
    labels = [domain.NODE_TYPES[kind.value] for kind in (kinds or list(SearchKind))]
    hits = await info.context.store.search(text, labels, limit=limit)
    info.context.loaders.prime(hit.node for hit in hits)
    return [SearchHit(score=hit.score, node=to_graphql(hit.node)) for hit in hits]


# --- the schema ---------------------------------------------------------------------------------------

#: The root type: the graph, then the insights for each user group (each in its own module).
Query = merge_types("Query", (GraphQuery, MinistryQuery, PartnerQuery, ResearchQuery, AccessQuery))


class HubSchema(strawberry.Schema):
    """strawberry's schema; each operation runs through the hub's own pass (:meth:`execute`).

    * parse: the document from :class:`Documents` (each text parsed once, with the token limit);
    * the operation type, checked against what the transport allows (a mutation over GET is not run);
    * validate: graphql-core's rules with the depth and alias limits (once per document)
      and the cost limit (every request: it reads the variables), each a QUERY_TOO_COMPLEX;
    * execute: graphql-core over the schema strawberry built (its resolvers run as always);
    * afterwards: every error is logged, gets its code (:func:`classify`), unexpected ones are masked.

    Why not strawberry's ``execute`` with these steps as a schema extension: strawberry enters
    four context managers per request, looks up and wraps every hook of every extension in
    each, builds an execution context and converts the result; for a node lookup that was
    60 of the 220 µs the operation took in process, more than the checks (profiled).  The hub
    uses no other extension, no middleware and no incremental delivery.
    """

    def __init__(self, *, documents: Documents, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.documents = documents

    async def execute(  # strawberry's signature
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """One operation.  Raises as strawberry's does: MissingQueryError for an empty query,
        CannotGetOperationTypeError when no operation can be chosen, InvalidOperationTypeError
        for one the transport does not allow; every other failure is an error in the result."""
        if not query:
            raise MissingQueryError
        try:
            document = self.documents.parse(query)
        except GraphQLError as error:
            return self._failed([error], parsed=False)
        try:
            operation_type = get_operation_type(document, operation_name)
        except RuntimeError as error:
            raise CannotGetOperationTypeError(operation_name) from error
        if operation_type not in (allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES):
            raise InvalidOperationTypeError(operation_type)
        errors = self.documents.errors(self._schema, query, document, variable_values, operation_name)
        if errors:
            return self._failed(errors, validation_errors=frozenset(map(id, errors)))
        try:
            result = await await_maybe(
                execute(
                    self._schema,
                    document,
                    root_value=root_value,
                    context_value=context_value,
                    variable_values=variable_values,
                    operation_name=operation_name,
                    is_awaitable=optimized_is_awaitable,
                )
            )
        except Exception as error:  # outside any resolver: as in strawberry, the operation's one error
            return self._failed([GraphQLError(str(error), original_error=error)])
        return ExecutionResult(data=result.data, errors=self._coded(result.errors) if result.errors else None)

    def execute_sync(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        raise NotImplementedError("the hub's resolvers are asynchronous: use execute")

    def _failed(
        self, errors: list[GraphQLError], *, parsed: bool = True, validation_errors: Collection[int] = ()
    ) -> ExecutionResult:
        return ExecutionResult(
            data=None, errors=self._coded(errors, parsed=parsed, validation_errors=validation_errors)
        )

    def _coded(
        self, errors: list[GraphQLError], *, parsed: bool = True, validation_errors: Collection[int] = ()
    ) -> list[GraphQLError]:
        """Logged as they are, answered with their codes; unexpected ones masked."""
        log_errors(errors)
        return [masked(classify(error, parsed=parsed, validation_errors=validation_errors)) for error in errors]


def introspection_enabled(settings: Settings) -> bool:
    if settings.graphql_introspection is not None:
        return settings.graphql_introspection
    return settings.env == "development"


def documents(settings: Settings) -> Documents:
    """The document limits ``settings`` ask for, on top of graphql-core's validation rules."""
    rules = [*specified_rules, depth_rule(settings.graphql_max_depth), alias_rule(settings.graphql_max_aliases)]
    if not introspection_enabled(settings):
        rules.append(NoSchemaIntrospectionCustomRule)
    return Documents(rules, max_tokens=settings.graphql_max_tokens, max_cost=settings.graphql_max_cost)


def create_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the limits and error policy ``settings`` ask for."""
    settings = settings or Settings()
    return HubSchema(query=Query, mutation=Mutation, documents=documents(settings))


def export_sdl() -> str:
    """The schema in SDL, as ``schema/schema.graphql`` holds it."""
    return strawberry.Schema(query=Query, mutation=Mutation).as_str() + "\n"


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else SDL_PATH
    target.write_text(export_sdl(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
