"""GraphQL over HTTP, as the GraphQL-over-HTTP specification says, through the real ASGI app on both engines.

Each behaviour of the transport (hub/api/http.py, hub/api/view.py) gets a request
that provokes it, a check of status, media type and GraphQL-style body, and a check
that the server answers a normal query afterwards.  The spec's own audit suite runs
against a real uvicorn server in test_graphql_http_audit.py.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from hub.config import Settings
from tests.api.support import Seeded, SlowLists, make_client

GRJ = "application/graphql-response+json"
JSON = "application/json"
SPACES = "{ spaces { totalCount } }"


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def charset(response: httpx.Response) -> str:
    return response.headers["content-type"].partition("charset=")[2].lower()


async def post(
    http: httpx.AsyncClient, body: Any, accept: str | None = GRJ, content_type: str | None = JSON, **headers: str
) -> httpx.Response:
    """POST ``body`` (JSON-encoded unless bytes) with exactly the headers given."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    if accept is not None:
        sent["accept"] = accept
    if content_type is not None:
        sent["content-type"] = content_type
    request = http.build_request("POST", "/graphql", content=content, headers=sent)
    if accept is None:
        del request.headers["accept"]  # httpx adds */* by default
    return await http.send(request)


async def assert_still_serving(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": SPACES})
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"spaces": {"totalCount": 6}}}


def the_error(response: httpx.Response, code: str) -> dict[str, Any]:
    """The one error of a response that carries no data, with its code."""
    body = response.json()
    assert "data" not in body, body
    assert len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert error["extensions"] == {"code": code}, error
    assert "Traceback" not in error["message"]
    return error


# --- GET ------------------------------------------------------------------------------------------------


async def test_get_runs_a_query_with_variables_and_operation_name(client: httpx.AsyncClient) -> None:
    params = {
        "query": "query Count($n: Int!) { spaces(first: $n) { totalCount edges { node { name } } } } "
        "query Other { __typename }",
        "operationName": "Count",
        "variables": json.dumps({"n": 2}),
        "extensions": json.dumps({"some": "value"}),
    }
    response = await client.get("/graphql", params=params, headers={"accept": GRJ})
    assert response.status_code == 200, response.text
    assert media_type(response) == GRJ and charset(response) == "utf-8"
    spaces = response.json()["data"]["spaces"]
    assert spaces["totalCount"] == 6 and len(spaces["edges"]) == 2


@pytest.mark.parametrize("accept", [GRJ, JSON])
async def test_get_refuses_a_mutation_with_405(client: httpx.AsyncClient, accept: str) -> None:
    response = await client.get("/graphql", params={"query": "mutation { __typename }"}, headers={"accept": accept})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert media_type(response) == accept
    assert "use POST" in the_error(response, "METHOD_NOT_ALLOWED")["message"]
    await assert_still_serving(client)


async def test_get_picks_the_operation_type_by_operation_name(client: httpx.AsyncClient) -> None:
    document = "query Q { __typename } mutation M { __typename }"
    mutation = await client.get("/graphql", params={"query": document, "operationName": "M"})
    assert mutation.status_code == 405
    # The query of the same document may go over GET, and only it runs.
    query = await client.get("/graphql", params={"query": document, "operationName": "Q"}, headers={"accept": JSON})
    assert query.status_code == 200
    assert query.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "no 'query'"),
        ({"query": SPACES, "variables": "{not json"}, "'variables' parameter is not valid JSON"),
        ({"query": SPACES, "variables": "[1]"}, "'variables' must be an object or null, not an array"),
        ({"query": SPACES, "extensions": "7"}, "'extensions' must be an object or null, not a number"),
    ],
    ids=["no query", "variables not json", "variables an array", "extensions a number"],
)
async def test_get_with_bad_parameters_is_400(client: httpx.AsyncClient, params: dict[str, str], message: str) -> None:
    response = await client.get("/graphql", params=params, headers={"accept": JSON})
    assert response.status_code == 400
    assert message in the_error(response, "BAD_REQUEST")["message"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_other_methods_are_405_with_allow(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql", json={"query": SPACES})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    the_error(response, "METHOD_NOT_ALLOWED")
    await assert_still_serving(client)


# --- content negotiation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),  # legacy clients: as if Accept: application/json
        ("*/*", JSON),
        ("application/*", JSON),
        (JSON, JSON),
        (GRJ, GRJ),
        (f"{GRJ}; charset=utf-8", GRJ),
        (f"{GRJ}, {JSON};q=0.9", GRJ),
        (f"{JSON}, {GRJ}", GRJ),  # both named with the same weight: the new media type
        (f"{JSON}, {GRJ};q=0.5", JSON),
        (f"text/html, {GRJ};q=0.8, */*;q=0.1", GRJ),
        (f"{JSON};q=0, */*", GRJ),
        ("text/html, */*;q=0.1", JSON),
    ],
)
async def test_the_response_media_type_follows_accept(
    client: httpx.AsyncClient, accept: str | None, expected: str
) -> None:
    response = await post(client, {"query": SPACES}, accept=accept)
    assert response.status_code == 200, response.text
    assert media_type(response) == expected
    assert charset(response) == "utf-8"
    assert response.json() == {"data": {"spaces": {"totalCount": 6}}}


@pytest.mark.parametrize("accept", ["text/html", "application/xml", f"{JSON};q=0, {GRJ};q=0", "image/*"])
async def test_an_unacceptable_accept_header_is_406(client: httpx.AsyncClient, accept: str) -> None:
    response = await post(client, {"query": SPACES}, accept=accept)
    assert response.status_code == 406
    assert media_type(response) == JSON
    assert GRJ in the_error(response, "NOT_ACCEPTABLE")["message"]
    get = await client.get("/graphql", params={"query": SPACES}, headers={"accept": accept})
    assert get.status_code == 406
    await assert_still_serving(client)


# --- POST bodies ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/graphql", "application/x-www-form-urlencoded", f"{JSON}; charset=latin-1"],
)
async def test_an_unsupported_content_type_is_415(client: httpx.AsyncClient, content_type: str | None) -> None:
    response = await post(client, {"query": SPACES}, content_type=content_type)
    assert response.status_code == 415
    assert media_type(response) == GRJ
    the_error(response, "UNSUPPORTED_MEDIA_TYPE")
    await assert_still_serving(client)


@pytest.mark.parametrize("content_type", [JSON, f"{JSON}; charset=utf-8", f"{JSON};charset=UTF-8"])
async def test_json_in_utf8_is_accepted(client: httpx.AsyncClient, content_type: str) -> None:
    response = await post(
        client,
        {"query": '{ spaces(first: 1) { totalCount } search(text: "Zebrafunk Größe") { score } }'},
        content_type=content_type,
    )
    assert response.status_code == 200, response.text


MALFORMED: list[tuple[str, bytes, str]] = [
    ("not json", b"{not json", "not valid JSON"),
    ("empty body", b"", "body is empty"),
    ("not utf-8", b'{"query": "{ spaces { totalCount } }", "x": "\xff"}', "not valid utf-8"),
    ("an array", b'[{"query": "{ __typename }"}]', "must be a JSON object, not an array"),
    ("a string", b'"{ __typename }"', "must be a JSON object, not a string"),
    ("no query", b'{"qeury": "{ __typename }"}', "no 'query'"),
    ("null query", b'{"query": null}', "no 'query'"),
    ("empty query", b'{"query": ""}', "'query' is empty"),
    ("number query", b'{"query": 1}', "'query' must be a string, not a number"),
    ("object query", b'{"query": {"a": 1}}', "'query' must be a string, not an object"),
    ("string variables", b'{"query": "{ __typename }", "variables": "{}"}', "'variables' must be an object or null"),
    ("array variables", b'{"query": "{ __typename }", "variables": []}', "not an array"),
    ("boolean operationName", b'{"query": "{ __typename }", "operationName": false}', "'operationName' must be"),
    ("object operationName", b'{"query": "{ __typename }", "operationName": {}}', "not an object"),
    ("number extensions", b'{"query": "{ __typename }", "extensions": 0}', "'extensions' must be an object or null"),
]


@pytest.mark.parametrize("accept", [GRJ, JSON])
@pytest.mark.parametrize(("body", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
async def test_a_malformed_request_is_400_whatever_the_accept(
    client: httpx.AsyncClient, body: bytes, message: str, accept: str
) -> None:
    response = await post(client, body, accept=accept)
    assert response.status_code == 400, response.text
    assert media_type(response) == accept
    assert message in the_error(response, "BAD_REQUEST")["message"]
    await assert_still_serving(client)


async def test_null_optional_parameters_are_allowed(client: httpx.AsyncClient) -> None:
    body = {"query": SPACES, "variables": None, "operationName": None, "extensions": None}
    assert (await post(client, body)).json() == {"data": {"spaces": {"totalCount": 6}}}


# --- GraphQL request errors: the status depends on the media type ----------------------------------------

REQUEST_ERRORS = [
    ("parse error", {"query": "{ spaces { totalCount "}, "GRAPHQL_PARSE_FAILED"),
    ("validation error", {"query": "{ spaces { colour } }"}, "GRAPHQL_VALIDATION_FAILED"),
    ("unknown mutation", {"query": "mutation { launchRocket }"}, "GRAPHQL_VALIDATION_FAILED"),
    ("too many tokens", {"query": "{ spaces { totalCount " + "__typename " * 2100 + "} }"}, "QUERY_TOO_COMPLEX"),
    (
        "too many aliases",
        {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"},
        "QUERY_TOO_COMPLEX",
    ),
    (
        "variable coercion",
        {"query": "query($n: Int!) { spaces(first: $n) { totalCount } }", "variables": {"n": "six"}},
        "BAD_USER_INPUT",
    ),
    ("missing variable", {"query": "query($id: ID!) { node(id: $id) { id } }"}, "BAD_USER_INPUT"),
    ("unknown operation", {"query": "query A { __typename }", "operationName": "B"}, "OPERATION_RESOLUTION_FAILURE"),
    ("anonymous among several", {"query": "query A { __typename } { __typename }"}, "GRAPHQL_VALIDATION_FAILED"),
]


@pytest.mark.parametrize(("body", "code"), [e[1:] for e in REQUEST_ERRORS], ids=[e[0] for e in REQUEST_ERRORS])
async def test_request_errors_are_400_for_graphql_response_json(
    client: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await post(client, body, accept=GRJ)
    assert response.status_code == 400, response.text
    assert media_type(response) == GRJ
    the_error(response, code)
    await assert_still_serving(client)


@pytest.mark.parametrize(("body", "code"), [e[1:] for e in REQUEST_ERRORS], ids=[e[0] for e in REQUEST_ERRORS])
async def test_request_errors_are_200_for_application_json(
    client: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    # Spec: with application/json, a well-formed request SHOULD get 200 whatever its GraphQL errors.
    response = await post(client, body, accept=JSON)
    assert response.status_code == 200, response.text
    assert media_type(response) == JSON
    the_error(response, code)


async def test_a_field_error_keeps_data_and_200(client: httpx.AsyncClient) -> None:
    # data is present (null: the non-null root field failed), so graphql-response+json is 200 too.
    response = await post(client, {"query": "{ events(first: 1000000) { totalCount } }"}, accept=GRJ)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["events"]
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_partial_data_is_200(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": '{ node(id: "nope") { id } spaces { totalCount } }'}, accept=GRJ)
    assert response.status_code == 200
    assert response.json()["errors"][0]["path"] == ["node"]


# --- body size cap --------------------------------------------------------------------------------------

SMALL = 300


def padded(size: int) -> bytes:
    """A valid request body of exactly ``size`` bytes."""
    body = json.dumps({"query": SPACES, "extensions": {"pad": ""}}).encode()
    return body.replace(b'"pad": ""', b'"pad": "' + b"x" * (size - len(body)) + b'"')


async def chunks(body: bytes, size: int = 64) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_a_body_over_the_cap_is_413(seeded: Seeded) -> None:
    async with make_client(seeded.store, Settings(env="development", max_body_bytes=SMALL)) as http:
        assert len(padded(SMALL)) == SMALL
        assert (await post(http, padded(SMALL))).status_code == 200  # the cap itself is allowed
        response = await post(http, padded(SMALL + 1))
        assert response.status_code == 413
        assert media_type(response) == GRJ
        assert f"limit of {SMALL} bytes" in the_error(response, "PAYLOAD_TOO_LARGE")["message"]
        await assert_still_serving(http)


async def test_a_chunked_body_over_the_cap_is_413_while_it_is_read(seeded: Seeded) -> None:
    async with make_client(seeded.store, Settings(env="development", max_body_bytes=SMALL)) as http:
        # No Content-Length: the body streams in chunks and is counted as it arrives.
        request = http.build_request(
            "POST", "/graphql", content=chunks(padded(SMALL * 10)), headers={"content-type": JSON}
        )
        assert "content-length" not in request.headers
        response = await http.send(request)
        assert response.status_code == 413
        the_error(response, "PAYLOAD_TOO_LARGE")
        small = http.build_request("POST", "/graphql", content=chunks(padded(SMALL)), headers={"content-type": JSON})
        assert (await http.send(small)).status_code == 200
        await assert_still_serving(http)


async def test_the_default_cap_is_one_mebibyte(client: httpx.AsyncClient) -> None:
    assert Settings().max_body_bytes == 1024 * 1024
    response = await post(client, padded(1024 * 1024 + 1))
    assert response.status_code == 413
    await assert_still_serving(client)


# --- time budget ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "status"), [(GRJ, 504), (JSON, 200)])
async def test_a_request_over_its_time_budget_is_cancelled(seeded: Seeded, accept: str, status: int) -> None:
    settings = Settings(env="development", request_timeout_s=0.3)
    async with make_client(SlowLists(seeded.store, delay=30), settings) as http:  # type: ignore[arg-type]
        started = time.monotonic()
        response = await post(http, {"query": "{ events { totalCount } }"}, accept=accept)
        elapsed = time.monotonic() - started
        assert response.status_code == status
        assert media_type(response) == accept
        assert "time budget of 0.3 s" in the_error(response, "TIMEOUT")["message"]
        assert elapsed < 3, elapsed
        # Reads that do not list are fast, and the server answers them within the budget.
        space = base64.b64encode(b"Space:diz-rostock").decode()
        node = await post(http, {"query": f'{{ node(id: "{space}") {{ id }} }}'})
        assert node.status_code == 200 and node.json()["data"]["node"] == {"id": space}


async def test_the_budget_leaves_room_for_normal_requests(seeded: Seeded) -> None:
    assert Settings().request_timeout_s == 10
    async with make_client(SlowLists(seeded.store, delay=0.05), Settings(request_timeout_s=2)) as http:  # type: ignore[arg-type]
        await assert_still_serving(http)


# --- GraphiQL and production ----------------------------------------------------------------------------


async def test_graphiql_is_served_to_browsers_in_development(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and media_type(page) == "text/html"


async def test_production_answers_a_browser_without_graphiql(seeded: Seeded) -> None:
    async with make_client(seeded.store, Settings(env="production")) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 406
        no_query = await http.get("/graphql", headers={"accept": "*/*"})
        assert no_query.status_code == 400
        the_error(no_query, "BAD_REQUEST")
        await assert_still_serving(http)
