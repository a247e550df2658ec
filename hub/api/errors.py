"""Errors the API returns: every GraphQL error carries ``extensions.code``, none carries a stack trace.

Resolvers raise :class:`ApiError` for what the client got wrong.  Everything else
is classified after the operation by :func:`classify` (parse, validation, variable
coercion, store errors); what stays unexplained is an ``INTERNAL_SERVER_ERROR`` whose
message :func:`masked` replaces, so an exception's text (which may name queries, hosts
or data) never reaches a client.  ``hub.api.schema.HubSchema.execute`` applies both to every
operation's errors.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from graphql import GraphQLError

from hub.access.roles import AccessDeniedError
from hub.curation import CurationError
from hub.store.port import InvalidQueryError, StoreAuthError, StoreTimeoutError, StoreUnavailableError

log = logging.getLogger(__name__)

BAD_USER_INPUT = "BAD_USER_INPUT"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
FORBIDDEN = "FORBIDDEN"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
TIMEOUT = "TIMEOUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"

STORE_UNAVAILABLE_MESSAGE = "The graph store is unavailable; please try again later."
STORE_TIMEOUT_MESSAGE = "The graph store did not answer in time; please try again later or narrow the query"
UNEXPECTED_MESSAGE = "Unexpected error."

# graphql-core reports the token limit as a syntax error; this is how its message reads.
_TOKEN_LIMIT_MARK = "tokens. Parsing aborted."


class ApiError(GraphQLError):
    """An error the client caused and can fix; its message is safe to show."""

    def __init__(self, message: str, code: str = BAD_USER_INPUT) -> None:
        super().__init__(message, extensions={"code": code})


def code_of(error: GraphQLError) -> str | None:
    return (error.extensions or {}).get("code")


def _with_code(error: GraphQLError, code: str, message: str | None = None) -> GraphQLError:
    if message is None:
        error.extensions = {**(error.extensions or {}), "code": code}
        return error
    return _reworded(error, message, code, error.original_error)


def _reworded(error: GraphQLError, message: str, code: str, original_error: Exception | None) -> GraphQLError:
    """``error`` at the same place in the document and the result, with another message and code."""
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original_error,
        extensions={"code": code},
    )


def _is_expected(original: Exception | None) -> bool:
    return original is None or isinstance(
        original,
        (GraphQLError, InvalidQueryError, StoreUnavailableError, StoreAuthError, AccessDeniedError, CurationError),
    )


def classify(error: GraphQLError, *, parsed: bool, validation_errors: Collection[int]) -> GraphQLError:
    """The error with a code (and store errors with a safe message).

    ``parsed``: whether the document was parsed; ``validation_errors``: the ids of the
    errors validation reported.
    """
    original = error.original_error
    if code_of(error):
        return error
    if isinstance(original, (InvalidQueryError, CurationError)):
        return _with_code(error, BAD_USER_INPUT, str(original))
    if isinstance(original, AccessDeniedError):
        return _with_code(error, FORBIDDEN, f"Forbidden: {original}")
    if isinstance(original, StoreTimeoutError):
        return _with_code(error, TIMEOUT, f"{STORE_TIMEOUT_MESSAGE} ({original})")
    if isinstance(original, (StoreUnavailableError, StoreAuthError)):
        return _with_code(error, SERVICE_UNAVAILABLE, STORE_UNAVAILABLE_MESSAGE)
    if not _is_expected(original) or error.path is not None:
        # A resolver failed in a way no ApiError describes (a bug, or data the schema cannot represent).
        return _with_code(error, INTERNAL_SERVER_ERROR)
    if not parsed:
        code = QUERY_TOO_COMPLEX if _TOKEN_LIMIT_MARK in error.message else GRAPHQL_PARSE_FAILED
        return _with_code(error, code)
    if id(error) in validation_errors:
        return _with_code(error, GRAPHQL_VALIDATION_FAILED)
    # What is left failed before any resolver ran: variables that do not fit their types.
    return _with_code(error, BAD_USER_INPUT)


def masked(error: GraphQLError) -> GraphQLError:
    """An unexpected error (code INTERNAL_SERVER_ERROR) with its message replaced and its cause dropped."""
    if code_of(error) != INTERNAL_SERVER_ERROR:
        return error
    return _reworded(error, UNEXPECTED_MESSAGE, INTERNAL_SERVER_ERROR, None)


def log_errors(errors: list[GraphQLError]) -> None:
    """Server-side log: unexpected errors with their traceback, store trouble as a warning, the rest briefly."""
    for error in errors:
        original = error.original_error
        if not _is_expected(original):
            log.error("GraphQL resolver failed: %s", error.message, exc_info=original)
        elif isinstance(original, (StoreUnavailableError, StoreAuthError)):
            log.warning("GraphQL request failed, the store is unavailable: %s", original)
        else:
            log.debug("GraphQL request error: %s", error.message)
