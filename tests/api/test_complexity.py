"""The cost limit (hub/api/complexity.py) over HTTP on both engines: cheap queries pass, a query that
multiplies is refused before it runs (400, QUERY_TOO_COMPLEX, the estimate in the message), and
neither fragments nor variables nor a second operation get around it."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse

from hub.api.complexity import CostEstimator
from hub.api.schema import create_schema
from hub.config import Settings
from tests.api.support import Seeded, make_client

GRJ = "application/graphql-response+json"
LIMIT = Settings().graphql_max_cost

#: 1 (events) + 100 x [edges, node, participants, actor, events: 5 + 100 x (edges, node, id, title: 4)].
EXPENSIVE = """{
  events(first: 100) { edges { node { participants { actor {
    events(first: 100) { edges { node { id title } } }
  } } } } }
}"""
EXPENSIVE_COST = 1 + 100 * (5 + 100 * 4)

#: The same query in fragments: named ones, nested, and an inline one.
EXPENSIVE_IN_FRAGMENTS = """
query Fragmented { ...Outer }
fragment Outer on Query { events(first: 100) { edges { node { ...Taking } } } }
fragment Taking on Event { participants { ... on Participant { actor { ...Inner } } } }
fragment Inner on Actor { events(first: 100) { edges { node { ...Leaf } } } }
fragment Leaf on Event { id title }
"""

#: The same query with its page sizes as variables, the inner one with a default.
EXPENSIVE_WITH_VARIABLES = """
query Variables($outer: Int!, $inner: Int! = 100) {
  events(first: $outer) { edges { node { participants { actor {
    events(first: $inner) { edges { node { id title } } }
  } } } } }
}"""


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **extra: Any
) -> httpx.Response:
    return await http.post("/graphql", json={"query": query, "variables": variables, **extra}, headers={"accept": GRJ})


def refused(response: httpx.Response, cost: int, limit: int = LIMIT) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert "data" not in body, body  # refused before execution
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
    assert error["message"] == f"Query is too complex: estimated cost {cost} exceeds the limit {limit}."


def served(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def assert_still_serving(http: httpx.AsyncClient) -> None:
    assert served(await post(http, "{ spaces { totalCount } }"))["spaces"]["totalCount"] == 6


def cost_of(query: str, variables: dict[str, Any] | None = None) -> int:
    schema = create_schema()._schema
    document = parse(query)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return CostEstimator(schema, document, variables).operation_cost(operation)


# --- the estimate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ spaces { totalCount } }", None, 2),
        ("{ spaces { totalCount pageInfo { hasNextPage } edges { cursor } } }", None, 1 + 1 + 2 + 20 * 2),
        ("{ spaces { edges { node { id } } } }", None, 1 + 20 * 3),  # first left out: the default page size
        ("{ spaces(first: 3) { edges { node { id name } } } }", None, 1 + 3 * 4),
        ("{ events(first: 0) { edges { node { id } } } }", None, 1),
        ("{ events(first: 100000) { edges { cursor } } }", None, 1 + 100 * 2),  # clamped: refused anyway
        ("{ events(first: -5) { edges { cursor } } }", None, 1),
        ('{ search(text: "x", first: 7) { score node { __typename } } }', None, 1 + 7 * 3),
        ("query($n: Int!) { events(first: $n) { edges { cursor } } }", {"n": 9}, 1 + 9 * 2),
        ("query($n: Int!) { events(first: $n) { edges { cursor } } }", {"n": "nine"}, 1 + 100 * 2),  # the most
        ("query($n: Int = 4) { events(first: $n) { edges { cursor } } }", None, 1 + 4 * 2),
        ("query($n: Int) { events(first: $n) { edges { cursor } } }", None, 1 + 20 * 2),  # absent: field default
        ("{ __schema { types { name fields { name } } } }", None, 5),
        ("{ ...F ...F } fragment F on Query { spaces(first: 2) { edges { cursor } } }", None, 2 * (1 + 2 * 2)),
        ("{ a: spaces(first: 1) { totalCount } b: spaces(first: 1) { totalCount } }", None, 2 * (1 + 1)),
        (EXPENSIVE, None, EXPENSIVE_COST),
        (EXPENSIVE_IN_FRAGMENTS, None, EXPENSIVE_COST),
        (EXPENSIVE_WITH_VARIABLES, {"outer": 100}, EXPENSIVE_COST),
    ],
)
def test_the_estimate(query: str, variables: dict[str, Any] | None, cost: int) -> None:
    assert cost_of(query, variables) == cost


def test_fragments_are_costed_once_each_however_often_they_are_spread() -> None:
    """A fragment doubling at every level: the estimate is exact and immediate, not exponential work."""
    levels = 60
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    query = "{ ...F0 } " + " ".join([*fragments, f"fragment F{levels} on Query {{ spaces {{ totalCount }} }}"])
    assert cost_of(query) == 2**levels * 2


# --- over HTTP ---------------------------------------------------------------------------------------


async def test_cheap_queries_pass(client: httpx.AsyncClient) -> None:
    data = served(await post(client, "{ events(first: 100) { edges { node { id title participants { role } } } } }"))
    assert len(data["events"]["edges"]) == 100


async def test_an_expensive_nested_query_is_refused_before_it_runs(client: httpx.AsyncClient) -> None:
    refused(await post(client, EXPENSIVE), EXPENSIVE_COST)
    await assert_still_serving(client)


async def test_application_json_gets_the_same_error_with_200(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": EXPENSIVE}, headers={"accept": "application/json"})
    assert response.status_code == 200  # GraphQL over HTTP: application/json answers well-formed requests with 200
    assert response.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}


async def test_fragments_do_not_get_around_the_limit(client: httpx.AsyncClient) -> None:
    refused(await post(client, EXPENSIVE_IN_FRAGMENTS), EXPENSIVE_COST)
    levels = 30
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    doubling = "{ ...F0 } " + " ".join([*fragments, f"fragment F{levels} on Query {{ spaces {{ totalCount }} }}"])
    refused(await post(client, doubling), 2**levels * 2)
    await assert_still_serving(client)


async def test_variables_do_not_get_around_the_limit(client: httpx.AsyncClient) -> None:
    refused(await post(client, EXPENSIVE_WITH_VARIABLES, {"outer": 100}), EXPENSIVE_COST)
    refused(await post(client, EXPENSIVE_WITH_VARIABLES, {"outer": 100, "inner": 100}), EXPENSIVE_COST)
    # Variables that make it small make it pass: the estimate uses the request's values.
    data = served(await post(client, EXPENSIVE_WITH_VARIABLES, {"outer": 3, "inner": 2}))
    assert len(data["events"]["edges"]) == 3
    await assert_still_serving(client)


async def test_a_remembered_valid_document_is_still_costed_with_each_requests_variables(
    client: httpx.AsyncClient,
) -> None:
    # Validation is remembered per document (hub.api.complexity.Documents); the cost must not be.
    for _ in range(2):
        served(await post(client, EXPENSIVE_WITH_VARIABLES, {"outer": 3, "inner": 2}))
        refused(await post(client, EXPENSIVE_WITH_VARIABLES, {"outer": 100}), EXPENSIVE_COST)
    # … and a document that once failed validation fails again (invalid ones are not remembered).
    for _ in range(2):
        response = await post(client, "{ spaces { colour } }")
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_cheap_operation_beside_an_expensive_one_can_run(client: httpx.AsyncClient) -> None:
    document = f"query Cheap {{ spaces {{ totalCount }} }}\nquery Expensive {EXPENSIVE}"
    assert served(await post(client, document, operationName="Cheap"))["spaces"]["totalCount"] == 6
    refused(await post(client, document, operationName="Expensive"), EXPENSIVE_COST)


async def test_the_limit_is_configurable_and_inclusive(seeded: Seeded) -> None:
    query = "{ spaces(first: 3) { edges { node { id name } } } }"  # cost 13
    async with make_client(seeded.store, Settings(env="development", graphql_max_cost=13)) as http:
        assert len(served(await post(http, query))["spaces"]["edges"]) == 3
    async with make_client(seeded.store, Settings(env="development", graphql_max_cost=12)) as http:
        refused(await post(http, query), 13, limit=12)
        refused(await post(http, "{ spaces { edges { node { id } } } }"), 61, limit=12)
        assert served(await post(http, "{ spaces { totalCount } }")) == {"spaces": {"totalCount": 6}}


async def test_a_cyclic_fragment_is_a_validation_error_not_a_hang(client: httpx.AsyncClient) -> None:
    query = "{ ...A } fragment A on Query { ...B spaces { totalCount } } fragment B on Query { ...A }"
    response = await post(client, query)
    assert response.status_code == 400
    codes = {error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {"GRAPHQL_VALIDATION_FAILED"}
    await assert_still_serving(client)


async def test_every_limit_checks_a_document_in_linear_time(client: httpx.AsyncClient) -> None:
    """Fragments that each spread the next one twice: 2**40 fields in a few hundred tokens.

    strawberry's own depth and alias limiters walked every spread and kept the event
    loop busy for minutes on 30 levels; the hub's walk each fragment once.
    """
    levels = 40
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    query = "{ ...F0 } " + " ".join([*fragments, f"fragment F{levels} on Query {{ a: spaces {{ totalCount }} }}"])
    started = time.perf_counter()
    response = await post(client, query)
    assert time.perf_counter() - started < 5
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {error["extensions"]["code"] for error in errors} == {"QUERY_TOO_COMPLEX"}
    assert {error["message"] for error in errors} == {
        f"{2**levels} aliases found. Allowed: 30",
        f"Query is too complex: estimated cost {2**levels * 2} exceeds the limit {LIMIT}.",
    }
    await assert_still_serving(client)
