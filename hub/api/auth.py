"""Who is asking, and how often: API keys and rate limits, before any route runs.

An ASGI middleware in front of every route.  A request without a key acts in the
public role; a request with a key (``Authorization: Bearer hub_…`` or ``X-API-Key``)
acts in the key's role, and an unknown, malformed or revoked key is refused with 401
rather than silently served as public (a client should learn its key stopped working).
Every principal (a key, or a client address for the public) has its own budget of
requests per minute; past it, 429 with ``Retry-After``.  Liveness and readiness
probes are exempt.  Errors come as GraphQL-shaped JSON, which every route's clients read.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Protocol

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.access.keys import InvalidKeyError
from hub.access.roles import PUBLIC, Principal
from hub.store.port import StoreError

log = logging.getLogger(__name__)

UNAUTHENTICATED = "UNAUTHENTICATED"
RATE_LIMITED = "RATE_LIMITED"
_EXEMPT_PATHS = frozenset({"/health", "/ready"})


def principal_of(request: Request) -> Principal:
    """The principal the middleware established for this request."""
    return getattr(request.state, "principal", PUBLIC)


def presented_key(headers: Headers) -> str | None:
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return headers.get("x-api-key") or None


class KeyChecker(Protocol):
    async def authenticate(self, token: str) -> Principal: ...


class AccessMiddleware:
    def __init__(self, app: ASGIApp, keys: KeyChecker, per_minute: int) -> None:
        self.app = app
        self.keys = keys
        self.limit = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None
        # A sliding-window counter: two counters per key, not a timestamp per request (the moving
        # window of `limits` keeps one and expires them through a thread hop on every request).
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        token = presented_key(headers)
        principal = PUBLIC
        if token is not None:
            try:
                principal = await self.keys.authenticate(token)
            except InvalidKeyError as error:
                await _refuse(401, f"{error}; send a valid key or none", UNAUTHENTICATED, scope, receive, send)
                return
            except StoreError as error:
                log.warning("cannot check an API key, the store is unavailable: %s", error)
                await _refuse(
                    503,
                    "The graph store is unavailable; please try again later.",
                    "SERVICE_UNAVAILABLE",
                    scope,
                    receive,
                    send,
                )
                return
        if self.limit is not None:
            client = scope.get("client") or ("unknown", 0)
            identity = f"key:{principal.key_id}" if principal.key_id else f"address:{client[0]}"
            if not await self.limiter.hit(self.limit, identity):
                stats = await self.limiter.get_window_stats(self.limit, identity)
                retry = max(1, math.ceil(stats.reset_time - time.time()))
                message = f"Too many requests: at most {self.limit.amount} per minute; retry in {retry} s."
                headers_out = {"Retry-After": str(retry)}
                await _refuse(429, message, RATE_LIMITED, scope, receive, send, headers_out)
                return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


async def _refuse(
    status: int,
    message: str,
    code: str,
    scope: Scope,
    receive: Receive,
    send: Send,
    headers: dict[str, str] | None = None,
) -> None:
    extra = dict(headers or {})
    if status == 401:
        extra["WWW-Authenticate"] = 'Bearer realm="hub"'
    response = JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status, extra)
    await response(scope, receive, send)
