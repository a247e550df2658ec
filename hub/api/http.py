"""GraphQL over HTTP: the transport rules of the GraphQL-over-HTTP specification, as plain functions.

:class:`hub.api.view.HubGraphQL` (strawberry's view) calls these pieces; each names
the rule of the specification (https://graphql.github.io/graphql-over-http/draft/)
it serves, and docs/graphql-over-http.md sums them up.

* :func:`negotiate` picks the response media type from ``Accept`` (406 when none fits).
* :func:`admit` checks what can be checked before any GraphQL work: method, media
  types, body size (413), and reads the body under the size cap.
* :func:`graphql_params` turns a decoded request into strawberry's request data,
  refusing (400) parameters of the wrong type.
* :func:`is_request_error` / :func:`status_of` give a GraphQL response its HTTP status.
* Anything refused before execution becomes an :class:`HttpError`, answered by
  :func:`error_response` with a GraphQL-style body (``{"errors": [...]}``, no ``data``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from hub.api.errors import (
    BAD_USER_INPUT,
    GRAPHQL_PARSE_FAILED,
    GRAPHQL_VALIDATION_FAILED,
    QUERY_TOO_COMPLEX,
    SERVICE_UNAVAILABLE,
    TIMEOUT,
)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
#: Response media types, in the server's order of preference for clients that name both.
RESPONSE_MEDIA_TYPES = (GRAPHQL_RESPONSE_JSON, JSON)

# extensions.code of the errors this layer raises (the GraphQL layer's codes are in hub.api.errors).
BAD_REQUEST = "BAD_REQUEST"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"

#: HTTP status of a request error (a response without ``data``) by error code, for
#: ``application/graphql-response+json``.  Unknown codes count as server errors.
_REQUEST_ERROR_STATUS = {
    GRAPHQL_PARSE_FAILED: 400,
    GRAPHQL_VALIDATION_FAILED: 400,
    QUERY_TOO_COMPLEX: 400,
    BAD_USER_INPUT: 400,
    OPERATION_RESOLUTION_FAILURE: 400,
    SERVICE_UNAVAILABLE: 503,
    TIMEOUT: 504,
}

ALLOWED_METHODS = ("GET", "POST")


class HttpError(Exception):
    """A request the transport refuses before (or instead of) executing it."""

    def __init__(self, status: int, message: str, code: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})


def content_type_header(media_type: str) -> str:
    # Spec "Media Types": responses are utf-8 encoded, and say so.
    return f"{media_type}; charset=utf-8"


def error_response(
    status: int,
    message: str,
    code: str,
    media_type: str = JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A GraphQL-style error body: ``errors`` only, since nothing was executed (GraphQL spec 7.1.2)."""
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(
        json.dumps(body, separators=(",", ":")).encode("utf-8"),
        status_code=status,
        media_type=content_type_header(media_type),
        headers=dict(headers or {}),
    )


# --- content negotiation --------------------------------------------------------------------------------


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    """``(type, subtype, q)`` of each well-formed media range of an Accept header (RFC 9110 §12.5.1)."""
    ranges = []
    for part in accept.split(","):
        media, *params = (item.strip() for item in part.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0  # an unreadable weight: ignore the range
        if 0.0 <= q <= 1.0:
            ranges.append((kind, subtype, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> tuple[float, int]:
    """The weight the most specific matching range gives ``media_type``, and how specific it was (2 exact)."""
    kind, _, subtype = media_type.partition("/")
    best: tuple[int, float] | None = None
    for range_kind, range_subtype, q in ranges:
        if (range_kind, range_subtype) == (kind, subtype):
            specificity = 2
        elif (range_kind, range_subtype) == (kind, "*"):
            specificity = 1
        elif (range_kind, range_subtype) == ("*", "*"):
            specificity = 0
        else:
            continue
        if best is None or specificity > best[0]:
            best = (specificity, q)
    return (0.0, -1) if best is None else (best[1], best[0])


@functools.lru_cache(maxsize=256)  # clients send the same few headers; asked twice per request
def negotiate(accept: str | None) -> str | None:
    """The response media type for this ``Accept`` header, or None if the client accepts neither.

    Spec "Accept": without an Accept header the server SHOULD treat the request as
    ``Accept: application/json`` (legacy clients); a client that names
    ``application/graphql-response+json`` gets it; wildcards (``*/*``,
    ``application/*``) get ``application/json``, which every client understands.
    When both are named with the same weight, graphql-response+json wins.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _media_ranges(accept)
    best: tuple[tuple[float, int, bool], str] | None = None
    for media_type in RESPONSE_MEDIA_TYPES:
        q, specificity = _quality(media_type, ranges)
        if q <= 0:
            continue
        # Named explicitly: prefer graphql-response+json; reached only by a wildcard: prefer application/json.
        preferred = media_type == (GRAPHQL_RESPONSE_JSON if specificity == 2 else JSON)
        key = (q, specificity, preferred)
        if best is None or key > best[0]:
            best = (key, media_type)
    return None if best is None else best[1]


# --- admission: method, media types, body size ----------------------------------------------------------


def limit_body(receive: Receive, max_bytes: int) -> Receive:
    """``receive`` refusing (413) a body that grows past ``max_bytes`` while it is read.

    This catches chunked bodies and bodies longer than their Content-Length said.
    """
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise _too_large(max_bytes)
        return message

    return limited


def _too_large(max_bytes: int) -> HttpError:
    return HttpError(413, f"The request body is larger than the limit of {max_bytes} bytes.", PAYLOAD_TOO_LARGE)


def check_method(method: str) -> None:
    """Spec "Request": GET and POST; anything else is 405 with the Allow header RFC 9110 §15.5.6 requires."""
    if method not in ALLOWED_METHODS:
        raise HttpError(
            405, f"GraphQL requests use GET or POST, not {method}.", METHOD_NOT_ALLOWED, {"Allow": "GET, POST"}
        )


def check_accept(accept: str | None) -> str:
    """Spec "Accept": a client accepting no supported media type gets 406 (the RECOMMENDED choice)."""
    media_type = negotiate(accept)
    if media_type is None:
        raise HttpError(
            406,
            f"None of the media types in the Accept header is served; accept {GRAPHQL_RESPONSE_JSON} or {JSON}.",
            NOT_ACCEPTABLE,
        )
    return media_type


def check_content_type(content_type: str | None) -> None:
    """Spec "POST": a server MUST accept ``application/json`` bodies, in utf-8.

    A POST without a Content-Type SHOULD get a 4xx; other media types (and other
    charsets than utf-8, which the spec assumes when none is given) get 415.
    """
    media, *params = (item.strip() for item in (content_type or "").split(";"))
    charsets = [
        value.strip(' "').lower() for name, _, value in (p.partition("=") for p in params) if name.lower() == "charset"
    ]
    if media.lower() != JSON:
        shown = f"'{content_type}'" if content_type else "none"
        raise HttpError(
            415,
            f"A GraphQL POST request must have the content type {JSON} (got {shown}).",
            UNSUPPORTED_MEDIA_TYPE,
            {"Accept-Post": JSON},
        )
    if any(charset not in ("utf-8", "utf8") for charset in charsets):
        raise HttpError(415, "A GraphQL request body must be encoded in utf-8.", UNSUPPORTED_MEDIA_TYPE)


def check_content_length(headers: Mapping[str, str], max_bytes: int) -> None:
    """Refuse (413) a body whose declared length is over the cap, before reading any of it."""
    declared = headers.get("content-length")
    if declared is None:
        return
    if not declared.strip().isdigit():
        raise HttpError(400, "The Content-Length header is not a number.", BAD_REQUEST)
    if int(declared) > max_bytes:
        raise _too_large(max_bytes)


async def admit(request: Request, max_bytes: int) -> str:
    """Every check that needs no GraphQL, cheapest first (405, 406, 415, 413); returns the response media type.

    A POST body is read here, under the size cap, so that the request's time budget
    (which starts afterwards) measures the server's work, not the client's upload.
    """
    check_method(request.method)
    media_type = check_accept(request.headers.get("accept"))
    if request.method == "POST":
        check_content_type(request.headers.get("content-type"))
        check_content_length(request.headers, max_bytes)
        await request.body()  # cached by Starlette; raises HttpError(413) from limit_body
    return media_type


# --- request parameters ---------------------------------------------------------------------------------


def decode_json_body(body: bytes) -> Any:
    """Spec "JSON Encoding": a POST body is one JSON object, utf-8 encoded; anything else is 400."""
    if not body.strip():
        raise HttpError(400, "The request body is empty; send a JSON object with a 'query'.", BAD_REQUEST)
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise HttpError(400, f"The request body is not valid utf-8: {error.reason}.", BAD_REQUEST) from error
    except json.JSONDecodeError as error:
        raise HttpError(400, f"The request body is not valid JSON: {error}.", BAD_REQUEST) from error
    except RecursionError as error:  # json recurses per nesting level; a body of brackets would be a 500
        raise HttpError(400, "The request body is nested too deeply.", BAD_REQUEST) from error


def decode_json_param(name: str, value: str) -> Any:
    """Spec "GET": ``variables`` and ``extensions`` in a query string are JSON-encoded."""
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise HttpError(400, f"The '{name}' parameter is not valid JSON: {error}.", BAD_REQUEST) from error
    except RecursionError as error:
        raise HttpError(400, f"The '{name}' parameter is nested too deeply.", BAD_REQUEST) from error


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


_PARAMETERS: tuple[tuple[str, tuple[type, ...], str], ...] = (
    ("query", (str,), "a string"),
    ("operationName", (str, type(None)), "a string or null"),
    ("variables", (dict, type(None)), "an object or null"),
    ("extensions", (dict, type(None)), "an object or null"),
)


def graphql_params(data: Any) -> GraphQLRequestData:
    """Spec "Request Parameters": ``query`` a string (required); ``operationName`` a string or null;
    ``variables`` and ``extensions`` maps or null.  Anything else is not a well-formed
    GraphQL-over-HTTP request, answered with 400 whatever the Accept header."""
    if not isinstance(data, dict):
        raise HttpError(400, f"The request must be a JSON object, not {_json_type(data)}.", BAD_REQUEST)
    if data.get("query") is None:
        raise HttpError(400, "The request has no 'query': send the GraphQL document as a string.", BAD_REQUEST)
    for name, types, wanted in _PARAMETERS:
        value = data.get(name)
        if not isinstance(value, types):
            raise HttpError(400, f"'{name}' must be {wanted}, not {_json_type(value)}.", BAD_REQUEST)
    return GraphQLRequestData(
        query=data["query"],
        variables=data.get("variables"),
        operation_name=data.get("operationName"),
        extensions=data.get("extensions"),
    )


# --- response status ------------------------------------------------------------------------------------


def is_request_error(result: ExecutionResult) -> bool:
    """Whether the operation failed before execution began: parse, validation or variable coercion errors.

    Such a response has no ``data`` entry (GraphQL spec 7.1.2).  Field errors always
    carry a ``path``, so a null ``data`` with only path-less errors is a request error.
    """
    return result.data is None and bool(result.errors) and all(error.path is None for error in result.errors)


def status_of(response: Mapping[str, Any] | list[Any], media_type: str) -> int:
    """The HTTP status of a GraphQL response (spec "Response" sections).

    * ``application/json``: 200 for every well-formed request, whatever its errors.
    * ``application/graphql-response+json``: 200 when ``data`` is present (even if null);
      without ``data`` (a request error) a 4xx or 5xx: 400 for the client's mistakes,
      503 when the store is unavailable, 504 on timeout, 500 otherwise; the client's
      mistake wins when errors of both kinds occur.
    """
    if media_type != GRAPHQL_RESPONSE_JSON or not isinstance(response, Mapping) or "data" in response:
        return 200
    codes = [
        (error.get("extensions") or {}).get("code") if isinstance(error, Mapping) else None
        for error in response.get("errors") or []
    ]
    statuses = [_REQUEST_ERROR_STATUS.get(code, 500) for code in codes] or [500]
    client = [status for status in statuses if status < 500]
    return min(client) if client else max(statuses)


def etag_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: ``*`` or any listed tag, compared weakly (a ``W/`` prefix does not matter)."""
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags
