"""The GraphQL endpoint: strawberry's ASGI app, made to follow the GraphQL-over-HTTP specification.

strawberry executes the operation; what the specification asks of the transport is
added here (each piece says which rule it serves; the rules themselves live in
:mod:`hub.api.http`):

* ``__call__``: admission before any GraphQL work (405 / 406 / 415 / 413), the body
  size cap, the per-request time budget, and GraphQL-style error bodies instead of
  strawberry's plain-text ones.
* ``_execute``: one request, in the negotiated media type with the status
  ``application/graphql-response+json`` asks for (strawberry's ``run``, less what the
  hub does not serve).
* ``parse_http_body``: strict request parameters (400 for wrong types).
* ``execute_single``: 405 for a mutation over GET; an operation that cannot be
  determined is a GraphQL request error, not a plain-text 400.
* ``process_result``: no ``data`` entry for request errors.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from cross_web import AsyncHTTPRequestAdapter
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from hub.api import http
from hub.api.admission import Admission
from hub.api.auth import principal_of
from hub.api.context import Context
from hub.api.schema import create_schema
from hub.config import Settings

log = logging.getLogger(__name__)


class HubGraphQL(GraphQL[Context, None]):
    """Serves the schema over HTTP; the store is the one the Starlette app holds in ``app.state``."""

    def __init__(self, settings: Settings) -> None:
        graphiql = "graphiql" if settings.env == "development" else None
        super().__init__(create_schema(settings), graphql_ide=graphiql)
        self.settings = settings
        self.admission = Admission(settings.max_concurrent_requests)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        state = request.app.state
        return Context(
            graph=state.store,
            settings=self.settings,
            principal=principal_of(request),  # type: ignore[arg-type]
            pseudonymise=state.pseudonymise,
            all_insights=state.insights,
        )

    # --- transport: admission, size cap, time budget --------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=http.limit_body(receive, self.settings.max_body_bytes))
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        media_type = http.negotiate(request.headers.get("accept")) or http.JSON
        adapter = self.request_adapter_class(request)
        try:
            if self.should_render_graphql_ide(adapter):
                return await self.render_graphql_ide(request)
            media_type = await http.admit(request, self.settings.max_body_bytes)
            return await self._run_within_budget(request, adapter, media_type)
        except http.HttpError as error:
            return http.error_response(error.status, error.message, error.code, media_type, error.headers)

    async def _run_within_budget(self, request: Request, adapter: AsyncHTTPRequestAdapter, media_type: str) -> Response:
        """The per-request time budget (``HUB_REQUEST_TIMEOUT_S``) over the wait for admission
        (``HUB_MAX_CONCURRENT_REQUESTS``, :mod:`hub.api.admission`), parsing, validation and execution.

        On expiry the operation is cancelled and the client gets a GraphQL error with
        code TIMEOUT and no ``data``.  Its status follows the spec's response rules:
        a response without ``data`` MUST be 4xx/5xx for graphql-response+json (504:
        the store, upstream of the API, did not answer in time), while for
        application/json the server SHOULD answer a well-formed request with 200.
        """
        budget = self.settings.request_timeout_s
        timeout = asyncio.timeout(budget)
        try:
            async with timeout, self.admission.slot():
                return await self._execute(request, adapter, media_type)
        except TimeoutError:
            if not timeout.expired():
                raise
            log.warning("GraphQL request cancelled after its time budget of %s s", budget)
            # A curation change that had begun is completed (hub.curation), so its outcome is not "nothing".
            message = (
                f"The request took longer than its time budget of {budget:g} s and was stopped; "
                "a change it had already begun is completed (see the audit log)."
            )
            status = 504 if media_type == http.GRAPHQL_RESPONSE_JSON else 200
            return http.error_response(status, message, http.TIMEOUT, media_type)

    async def _execute(self, request: Request, adapter: AsyncHTTPRequestAdapter, media_type: str) -> Response:
        """One GraphQL request over HTTP (``adapter`` is strawberry's view of it), answered in ``media_type``.

        strawberry's ``run`` without what the hub does not serve (websockets, batches,
        file uploads, subscriptions, streamed or incremental results): each of those
        steps cost every request its checks and objects.
        """
        request_data = await self.parse_http_body(adapter)
        # No sub-response: the hub's resolvers set no headers or status of their own.
        context = await self.get_context(request, None)  # type: ignore[arg-type]
        result = await self.execute_single(request, adapter, None, context, None, request_data)  # type: ignore[arg-type]
        body = await self.process_result(request, result)
        # Spec "Response": the status depends on the media type and on whether data is present.
        return Response(
            self.encode_json(body),
            status_code=http.status_of(body, media_type),
            media_type=http.content_type_header(media_type),
        )

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # Only when there is an IDE to render: otherwise a GET without a query is a
        # malformed GraphQL request (400), not a missing page (strawberry's 404).
        return self.graphql_ide is not None and super().should_render_graphql_ide(request)

    # --- request parameters ----------------------------------------------------------------------------

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """Spec "Request Parameters", for GET (query string) and POST (JSON body).

        strawberry accepts a non-string ``operationName`` and reports a missing query
        only after parsing; here every parameter of the wrong type is a 400 with a
        GraphQL-style error, before any GraphQL work.
        """
        if request.method == "GET":
            params = dict(request.query_params)
            data: Any = {name: params[name] for name in ("query", "operationName") if name in params}
            for name in ("variables", "extensions"):
                if params.get(name) is not None:
                    data[name] = http.decode_json_param(name, str(params[name]))
        else:
            data = http.decode_json_body(await request.get_body())
        return http.graphql_params(data)

    # --- execution ---------------------------------------------------------------------------------------

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # GET may run queries only (no subscriptions over HTTP here); POST runs anything.
        allowed = {OperationType.QUERY} if request_adapter.method == "GET" else OperationType.from_http("POST")
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as error:
            # Spec "GET": a mutation requested over GET MUST get 405 and not be executed;
            # RFC 9110 §15.5.6: a 405 names the allowed methods.
            kind = error.operation_type.value
            raise http.HttpError(
                405, f"A {kind} cannot be sent with GET; use POST.", http.METHOD_NOT_ALLOWED, {"Allow": "POST"}
            ) from error
        except CannotGetOperationTypeError as error:
            # GraphQL spec GetOperation(): a request error, answered like a validation error.
            message = (
                "The document contains several operations; operationName must name one of them."
                if error.operation_name is None
                else f"Unknown operation named '{error.operation_name}'."
            )
            return ExecutionResult(
                data=None, errors=[GraphQLError(message, extensions={"code": http.OPERATION_RESOLUTION_FAILURE})]
            )
        except MissingQueryError as error:  # an empty query string
            raise http.HttpError(400, "The 'query' is empty.", http.BAD_REQUEST) from error

    # --- response ----------------------------------------------------------------------------------------

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if http.is_request_error(result):
            # GraphQL spec 7.1.2: an error raised before execution began leaves no data entry.
            response.pop("data", None)
        return response
