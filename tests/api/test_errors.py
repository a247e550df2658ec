"""Bad input over HTTP, on both engines: each request gets a GraphQL error with a specific message and
code, nothing leaks a stack trace or an internal message, and the server keeps serving."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hub.config import Settings
from hub.store.port import GraphStore, InvalidQueryError, StoreTimeoutError, StoreUnavailableError
from tests.api.support import Seeded, data_of, gid, make_client, post_query


def nested_parents(depth: int) -> str:
    """A theme query nesting ``parent`` so that its leaf is ``depth`` levels below the root field."""
    inner = "id"
    for _ in range(depth - 1):
        inner = f"parent {{ {inner} }}"
    return f'{{ node(id: "{gid("Theme", "wasserstoff")}") {{ ... on Theme {{ {inner} }} }} }}'


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: spaces(first: 1) {{ totalCount }}" for i in range(count)) + " }"


def many_tokens(count: int) -> str:
    return "{ spaces { totalCount " + " ".join(["__typename"] * count) + " } }"


BAD_REQUESTS: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("syntax error", "{ events(first: ) { totalCount } }", {}, "GRAPHQL_PARSE_FAILED", "Syntax Error: Unexpected ')'"),
    ("unterminated", "{ events { totalCount ", {}, "GRAPHQL_PARSE_FAILED", "Syntax Error: Expected Name, found <EOF>"),
    (
        "unknown field",
        "{ events { edges { node { venue } } } }",
        {},
        "GRAPHQL_VALIDATION_FAILED",
        "Cannot query field 'venue' on type 'Event'",
    ),
    (
        "unknown argument",
        "{ events(last: 5) { totalCount } }",
        {},
        "GRAPHQL_VALIDATION_FAILED",
        "Unknown argument 'last' on field 'Query.events'",
    ),
    (
        "unknown enum value",
        "{ events(filter: {statuses: [POSTPONED]}) { totalCount } }",
        {},
        "GRAPHQL_VALIDATION_FAILED",
        "Value 'POSTPONED' does not exist in 'EventStatus' enum",
    ),
    (
        "wrong variable type",
        "query($n: Int!) { events(first: $n) { totalCount } }",
        {"n": "many"},
        "BAD_USER_INPUT",
        "Variable '$n' has invalid value: Int cannot represent non-integer value: 'many'",
    ),
    (
        "variable of the wrong declared type",
        "query($n: String!) { events(first: $n) { totalCount } }",
        {"n": "5"},
        "GRAPHQL_VALIDATION_FAILED",
        "Variable '$n' of type 'String!' used in position expecting type 'Int!'",
    ),
    (
        "missing variable",
        "query($id: ID!) { node(id: $id) { id } }",
        {},
        "BAD_USER_INPUT",
        "Variable '$id' has invalid value: Expected a value of non-null type 'ID!' to be provided.",
    ),
    (
        "absurd page size",
        "{ events(first: 1000000) { totalCount } }",
        {},
        "BAD_USER_INPUT",
        "first must be at most 100 (got 1000000)",
    ),
    (
        "absurd nested page size",
        "{ spaces { edges { node { events(first: 101) { totalCount } } } } }",
        {},
        "BAD_USER_INPUT",
        "first must be at most 100 (got 101)",
    ),
    ("negative page size", "{ actors(first: -1) { totalCount } }", {}, "BAD_USER_INPUT", "first must not be negative"),
    (
        "forged cursor",
        '{ events(after: "bm90LWEtY3Vyc29y") { totalCount } }',
        {},
        "BAD_USER_INPUT",
        "'bm90LWEtY3Vyc29y' is not a valid cursor",
    ),
    (
        "invalid global id",
        '{ node(id: "not-an-id") { id } }',
        {},
        "BAD_USER_INPUT",
        "id: 'not-an-id' is not a valid id",
    ),
    (
        "global id of an unknown type",
        f'{{ node(id: "{gid("FeedDocument", "x")}") {{ id }} }}',
        {},
        "BAD_USER_INPUT",
        "is not a valid id",
    ),
    (
        "id of the wrong type in a filter",
        f'{{ events(filter: {{spaces: ["{gid("Theme", "energie")}"]}}) {{ totalCount }} }}',
        {},
        "BAD_USER_INPUT",
        "filter.spaces: " + repr(gid("Theme", "energie")) + " is the id of a Theme, not of a Space",
    ),
    (
        "too many ids",
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [gid("Space", "diz-rostock")] * 101},
        "BAD_USER_INPUT",
        "ids must name at most 100 nodes (got 101)",
    ),
    ("empty search", '{ search(text: " -- ") { score } }', {}, "BAD_USER_INPUT", "text must contain at least one word"),
    (
        "huge text filter",
        "query($t: String) { events(filter: {text: $t}) { totalCount } }",
        {"t": "x" * 201},
        "BAD_USER_INPUT",
        "filter.text must be at most 200 characters",
    ),
    (
        "over-deep query",
        nested_parents(11),
        {},
        "QUERY_TOO_COMPLEX",
        "'anonymous' exceeds maximum operation depth of 10",
    ),
    ("too many aliases", aliases(31), {}, "QUERY_TOO_COMPLEX", "31 aliases found. Allowed: 30"),
    (
        "too many tokens",
        many_tokens(2100),
        {},
        "QUERY_TOO_COMPLEX",
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.",
    ),
]


async def assert_still_serving(http: httpx.AsyncClient) -> None:
    assert (await data_of(http, "{ spaces { totalCount } }"))["spaces"]["totalCount"] == 6


def the_error(body: dict[str, Any]) -> dict[str, Any]:
    assert len(body.get("errors", [])) == 1, body
    error = body["errors"][0]
    assert set(error) <= {"message", "locations", "path", "extensions"}, error  # no trace, no stray fields
    assert "Traceback" not in str(error)
    return error


@pytest.mark.parametrize(
    ("query", "variables", "code", "message"),
    [pytest.param(query, variables, code, message, id=name) for name, query, variables, code, message in BAD_REQUESTS],
)
async def test_bad_input_gets_a_specific_error(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], code: str, message: str
) -> None:
    error = the_error(await post_query(client, query, variables))
    assert error["extensions"] == {"code": code}
    assert message in error["message"]
    await assert_still_serving(client)


async def test_limits_leave_room_for_real_queries(client: httpx.AsyncClient) -> None:
    assert (await data_of(client, nested_parents(10)))["node"] is not None
    assert len(await data_of(client, aliases(30))) == 30


async def test_limits_are_configurable(seeded: Seeded) -> None:
    settings = Settings(env="development", graphql_max_depth=4, graphql_max_aliases=2, graphql_max_tokens=100)
    async with make_client(seeded.store, settings) as http:
        assert "exceeds maximum operation depth of 4" in the_error(await post_query(http, nested_parents(5)))["message"]
        assert the_error(await post_query(http, aliases(3)))["message"] == "3 aliases found. Allowed: 2"
        assert "more than 100 tokens" in the_error(await post_query(http, many_tokens(100)))["message"]
        await assert_still_serving(http)


async def test_a_request_body_that_is_not_json_is_rejected(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    await assert_still_serving(client)


# --- errors from below the API -------------------------------------------------------------------------


class FailingStore:
    """The seeded store, except that list reads raise ``error``."""

    def __init__(self, inner: GraphStore, error: Exception) -> None:
        self._inner = inner
        self._error = error
        self.engine = inner.engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def list_nodes(self, *args: Any, **kwargs: Any) -> Any:
        raise self._error


async def _error_from(seeded: Seeded, error: Exception) -> dict[str, Any]:
    async with make_client(FailingStore(seeded.store, error)) as http:  # type: ignore[arg-type]
        body = await post_query(http, "{ events { totalCount } }")
        # Reads that do not list still work: one failing call does not take the API down.
        node = await data_of(http, f'{{ node(id: "{gid("Space", "diz-rostock")}") {{ id }} }}')
        assert node["node"] is not None
    return the_error(body)


async def test_unexpected_errors_are_masked(seeded: Seeded) -> None:
    error = await _error_from(seeded, RuntimeError("password=hunter2 at bolt://db.internal:7687"))
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert error["path"] == ["events"]


async def test_a_store_query_over_its_time_limit_is_a_timeout(seeded: Seeded) -> None:
    error = await _error_from(seeded, StoreTimeoutError("a Neo4j query took longer than its limit of 30 s"))
    assert error["extensions"] == {"code": "TIMEOUT"}
    assert error["message"].startswith("The graph store did not answer in time")
    assert "30 s" in error["message"]


async def test_an_unavailable_store_is_reported_without_its_details(seeded: Seeded) -> None:
    error = await _error_from(seeded, StoreUnavailableError("cannot reach 10.0.0.7:7687 (user neo4j)"))
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
    assert error["message"] == "The graph store is unavailable; please try again later."


async def test_a_store_rejecting_the_query_is_the_clients_error(seeded: Seeded) -> None:
    error = await _error_from(seeded, InvalidQueryError("cannot sort Event by 'colour'"))
    assert error == {**error, "message": "cannot sort Event by 'colour'", "extensions": {"code": "BAD_USER_INPUT"}}


# --- development and production --------------------------------------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_and_graphiql_in_development(client: httpx.AsyncClient) -> None:
    assert (await data_of(client, INTROSPECTION))["__schema"]["queryType"]["name"] == "Query"
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_production_turns_off_introspection_and_graphiql(seeded: Seeded) -> None:
    async with make_client(seeded.store, Settings(env="production")) as http:
        errors = (await post_query(http, INTROSPECTION))["errors"]
        assert {error["extensions"]["code"] for error in errors} == {"GRAPHQL_VALIDATION_FAILED"}
        assert "introspection has been disabled" in errors[0]["message"]
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert "graphiql" not in page.text.lower()
        await assert_still_serving(http)


async def test_introspection_can_be_allowed_in_production(seeded: Seeded) -> None:
    async with make_client(seeded.store, Settings(env="production", graphql_introspection=True)) as http:
        assert (await data_of(http, INTROSPECTION))["__schema"]["queryType"]["name"] == "Query"


async def test_queries_over_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ spaces { totalCount } }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"spaces": {"totalCount": 6}}}
