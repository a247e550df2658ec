"""The GraphQL endpoint: strawberry's ASGI app, with a fresh context (and loaders) per request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from hub.api.context import Context
from hub.api.schema import create_schema
from hub.config import Settings


class HubGraphQL(GraphQL[Context, None]):
    """Serves the schema over HTTP; the store is the one the Starlette app holds in ``app.state``."""

    def __init__(self, settings: Settings) -> None:
        graphiql = "graphiql" if settings.env == "development" else None
        super().__init__(create_schema(settings), graphql_ide=graphiql)
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(store=request.app.state.store, settings=self.settings)
