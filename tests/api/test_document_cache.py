"""A document the server remembers (parsed and validated once, hub/api/complexity.py ``Documents``)
is still held to every limit that depends on the request: page sizes and the cost (its variables),
the body size cap and the time budget; and to the limits of the schema that serves it, not of
another one that remembered it first."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from hub.api.complexity import Documents
from hub.api.schema import create_schema, documents
from hub.config import Settings
from tests.api.support import Seeded, SlowLists, make_client

GRJ = "application/graphql-response+json"
#: A page size given as a variable: the document is the same whatever the request asks for.
PAGE = "query Page($n: Int!) { events(first: $n) { edges { node { id } } } }"


async def post(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
    return await http.post("/graphql", json={"query": query, "variables": variables or {}}, headers={"accept": GRJ})


def served(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def the_error(response: httpx.Response) -> dict[str, Any]:
    [error] = response.json()["errors"]
    return error


async def test_a_remembered_document_is_refused_a_page_over_the_cap(client: httpx.AsyncClient) -> None:
    for _ in range(2):
        assert len(served(await post(client, PAGE, {"n": 3}))["events"]["edges"]) == 3
        error = the_error(await post(client, PAGE, {"n": 101}))
        assert error["extensions"] == {"code": "BAD_USER_INPUT"}
        assert error["message"].startswith("first must be at most 100 (got 101)")


async def test_a_remembered_document_is_costed_with_each_requests_variables(client: httpx.AsyncClient) -> None:
    nested = (
        "query Nested($n: Int!) { events(first: $n) { edges { node { participants { actor { "
        "events(first: $n) { edges { node { id } } } } } } } } }"
    )
    for _ in range(2):
        assert len(served(await post(client, nested, {"n": 2}))["events"]["edges"]) == 2
        response = await post(client, nested, {"n": 100})
        assert response.status_code == 400 and "data" not in response.json()
        assert the_error(response)["extensions"] == {"code": "QUERY_TOO_COMPLEX"}


async def test_a_remembered_document_is_held_to_the_body_size_cap(seeded: Seeded) -> None:
    async with make_client(seeded.store, Settings(env="development", max_body_bytes=1_000)) as http:
        assert served(await post(http, PAGE, {"n": 1}))
        # The same document, with a variable the operation does not use making the body too large.
        body = json.dumps({"query": PAGE, "variables": {"n": 1, "pad": "x" * 1_000}})
        response = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 413
        assert the_error(response)["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}


async def test_a_remembered_document_is_held_to_the_time_budget(seeded: Seeded) -> None:
    store = SlowLists(seeded.store)
    async with make_client(store, Settings(env="development", request_timeout_s=0.3)) as http:  # type: ignore[arg-type]
        assert served(await post(http, PAGE, {"n": 1}))
        store.delay = 30
        response = await post(http, PAGE, {"n": 1})
        assert response.status_code == 504
        assert the_error(response)["extensions"] == {"code": "TIMEOUT"}


async def test_documents_are_remembered_per_schema_with_its_limits(seeded: Seeded) -> None:
    """A document another app found valid is checked again against this app's (lower) limits."""
    deep = "{ events(first: 1) { edges { node { space { events(first: 1) { edges { node { id } } } } } } } }"
    introspection = "{ __schema { queryType { name } } }"
    many_tokens = "{ " + " ".join(["__typename"] * 110) + " }"
    async with make_client(seeded.store, Settings(env="development")) as lenient:
        for query in (deep, introspection, many_tokens):
            assert served(await post(lenient, query))
    strict = Settings(env="production", graphql_max_depth=4, graphql_max_tokens=100)
    async with make_client(seeded.store, strict) as http:
        error = the_error(await post(http, deep))
        assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
        assert "exceeds maximum operation depth of 4" in error["message"]
        errors = (await post(http, introspection)).json()["errors"]
        assert "introspection has been disabled" in errors[0]["message"]
        assert "more than 100 tokens" in the_error(await post(http, many_tokens))["message"]


def test_a_text_is_parsed_once_and_an_invalid_document_validated_every_time() -> None:
    schema = create_schema()._schema
    remembered: Documents = documents(Settings())
    valid, invalid = "{ spaces { totalCount } }", "{ spaces { colour } }"
    assert remembered.parse(valid) is remembered.parse(valid)
    assert remembered.errors(schema, valid, remembered.parse(valid), None, None) == []
    for _ in range(2):
        [error] = remembered.errors(schema, invalid, remembered.parse(invalid), None, None)
        assert "Cannot query field 'colour'" in error.message


def test_a_long_text_is_answered_but_not_remembered() -> None:
    """A string literal may fill the body cap: such texts are parsed every time, never held."""
    schema = create_schema()._schema
    remembered: Documents = documents(Settings())
    long_text = '{ search(text: "%s") { score } }' % ("x" * remembered.max_chars)
    document = remembered.parse(long_text)
    assert remembered.parse(long_text) is not document, "parsed again: it was not kept"
    assert remembered.errors(schema, long_text, document, None, None) == []
    short = "{ spaces { totalCount } }"
    assert remembered.parse(short) is remembered.parse(short)


def test_the_schema_runs_no_operation_past_its_own_pass() -> None:
    """strawberry's ``execute_sync`` would run an operation without the hub's limits and error
    masking (``HubSchema.execute`` applies them); the hub's schema refuses it."""
    with pytest.raises(NotImplementedError, match="use execute"):
        create_schema(Settings()).execute_sync("{ __typename }")
