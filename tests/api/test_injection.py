"""Injection payloads in every text argument of the API, on both engines.

Every String and ID argument of every root query field, and every String/ID field of
their input objects (lists included), is found in the live schema, so a new argument
is tested without a change here.  Each gets Cypher fragments, quotes, backslashes,
null bytes, odd Unicode, regular-expression and Lucene syntax: as they are, and for
ids also inside a well-formed global id (so that the payload reaches the store as a
node id).  Then:

* no answer is a 5xx, every error has a code and only the client's codes occur
  (never INTERNAL_SERVER_ERROR);
* the graph is exactly as it was: the same graph version and the same counts;
* text filters and search take the payload literally: every hit really has, for each
  word of the payload, a word of its text starting with it; a node whose name holds
  quotes, backticks and ``$`` is found by them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import graphql
import httpx
import pytest
import pytest_asyncio

from hub.access.keys import ApiKeys
from hub.access.roles import Role
from hub.api.ids import parse_global_id
from hub.api.schema import create_schema
from hub.config import Settings
from hub.domain import Actor, Event, Relationship, RelType
from hub.store.search import search_terms
from tests.api.support import Seeded, gid, make_client

#: Who sends the payloads: an admin, who may read everything (import runs, the audit log, people).
ADMIN = Role.ADMIN

#: A node whose text is made of the characters injections use; it must be found by them, literally.
TRICKY_NAME = 'O\'Brien "Söhne" `Backtick` $param \\ ; DROP {Zebrafunk}'
TRICKY = Actor(id="t-tricky' OR 1=1 //", name=TRICKY_NAME, aliases=["Robert'); DROP TABLE Students;--"])
TRICKY_EVENT = Event.model_validate(
    {
        "id": 'ev-"}) MATCH (n) DETACH DELETE n //',
        "title": "Cypher `MATCH (n)` Abend",
        "keywords": ["$param", "*:*"],
        "start": "2026-05-05T17:00:00Z",
        "timezone": "Europe/Berlin",
    }
)

PAYLOADS: list[str] = [
    # Cypher
    "' OR 1=1 //",
    "' OR '1'='1",
    '" OR "1"="1',
    '"}) MATCH (n) DETACH DELETE n //',
    "'}) MATCH (n) DETACH DELETE n //",
    "x') MATCH (n) DETACH DELETE n RETURN 1 //",
    "\\' OR 1=1 //",
    "\\u0027 OR 1=1 //",
    "$param",
    "$id",
    "{id: $id}",
    "`Actor`",
    "x` DETACH DELETE n //",
    "CALL db.labels()",
    "CALL dbms.components() YIELD name RETURN name",
    "; DROP",
    "'; DROP TABLE events; --",
    "1; MATCH (n) SET n.name = 'pwned'",
    "/* comment */ RETURN 1",
    # quotes and backslashes
    "'",
    '"',
    "''",
    '"\'"',
    "\\",
    "\\\\",
    "\\n\\r\\t",
    "\\x00",
    # control characters and null bytes
    "\x00",
    "Zebra\x00funk",
    "\x01\x1f\x7f",
    "line\nbreak\r\ttab",
    # Unicode
    "\u202eknufarbeZ",  # right-to-left override
    "Ze\u0301\u0301bra\u0308funk",  # combining marks
    "🦓 Zebrafunk 👩‍👩‍👧",  # emoji, zero-width joiner
    "\ufeff\u200b\u200dZebrafunk",  # BOM, zero-width space
    "Ｚｅｂｒａｆｕｎｋ",  # full width
    "ß ẞ İ ı ﬁ",  # case folding oddities
    "\ud800",  # a lone surrogate: valid JSON, no valid Unicode
    "x" * 200,
    ("Zebrafunk' OR 1=1 // " * 10)[:200],
    # regular expressions
    ".*",
    "(?i).*",
    "^.*$",
    "[a-z]+",
    "(a+)+$",
    "\\d+|.*",
    # Lucene
    "*:*",
    "*",
    "?",
    "name:x~",
    "title:Zebra*",
    "Zebrafunk*",
    "Daten*",
    "AND OR NOT",
    "Zebrafunk AND NOT Nord",
    '"Zebrafunk Nord"~2',
    "+Zebrafunk -Nord",
    "Zebra^10",
    "/.*/",
    "{a TO z}",
    "[* TO *]",
    "Zebra\\ funk",
    "&& || !",
]

#: Longer than any text filter allows, and still far below the body limit: refused, never a 5xx.
LONG_PAYLOADS = ["Zebrafunk " * 1_000, "' OR 1=1 //" * 1_000]

#: Which node type an ID argument names, by its name (for payloads wrapped in a global id).
_LABEL_OF_ARGUMENT = {
    "spaces": "Space",
    "space": "Space",
    "forSpace": "Space",
    "themes": "Theme",
    "projects": "Project",
    "project": "Project",
    "actor": "Actor",
    "from": "Actor",
    "to": "Actor",
}
_LABELS = ("Event", "Actor", "Project", "Theme", "Space", "ImportRun")
#: Error codes a payload may get: the client's mistake, nothing else.
CLIENT_CODES = {"BAD_USER_INPUT"}
BATCH = 25  # aliases per request, below the alias limit


# --- the arguments, from the live schema ----------------------------------------------------------------


@dataclass(frozen=True)
class TextArgument:
    """A String or ID somewhere in one argument of a root query field."""

    field: str
    argument: str
    path: tuple[str, ...]  # input object fields and "[]" for list items, below the argument
    scalar: str  # "String" or "ID"

    @property
    def name(self) -> str:
        return ".".join([self.field, self.argument, *self.path])

    @property
    def is_text_filter(self) -> bool:
        """A free-text filter or search: its results must match the payload literally."""
        return self.scalar == "String" and (
            self.path[-1:] == ("text",) or (self.field, self.argument) == ("search", "text")
        )


def _text_paths(
    type_: graphql.GraphQLInputType, path: tuple[str, ...] = (), seen: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], str]]:
    inner = graphql.get_nullable_type(type_)
    if graphql.is_list_type(inner):
        yield from _text_paths(inner.of_type, (*path, "[]"), seen)
    elif graphql.is_scalar_type(inner) and inner.name in ("String", "ID"):
        yield path, inner.name
    elif graphql.is_input_object_type(inner) and inner.name not in seen:
        for name, spec in inner.fields.items():
            yield from _text_paths(spec.type, (*path, name), (*seen, inner.name))


def text_arguments(schema: graphql.GraphQLSchema) -> list[TextArgument]:
    return [
        TextArgument(field, argument, path, scalar)
        for field, definition in schema.query_type.fields.items()
        for argument, spec in definition.args.items()
        for path, scalar in _text_paths(spec.type)
    ]


SCHEMA = create_schema()._schema
ARGUMENTS = text_arguments(SCHEMA)


def test_the_schema_has_text_arguments_to_test() -> None:
    names = {argument.name for argument in ARGUMENTS}
    assert {"search.text", "events.filter.text", "node.id", "nodes.ids.[]", "importRuns.source"} <= names
    assert len(names) == len(ARGUMENTS) >= 30


# --- values ----------------------------------------------------------------------------------------------


def filler(type_: graphql.GraphQLInputType, name: str) -> Any:
    """A harmless valid value for a required argument or input field the test does not aim at."""
    inner = graphql.get_nullable_type(type_)
    if graphql.is_list_type(inner):
        return [filler(inner.of_type, name)]
    if graphql.is_enum_type(inner):
        return next(iter(inner.values))
    if graphql.is_input_object_type(inner):
        return {
            field: filler(spec.type, field)
            for field, spec in inner.fields.items()
            if graphql.is_non_null_type(spec.type) and spec.default_value is graphql.Undefined
        }
    return {
        "ID": _real_id(name),
        "String": "x",
        "Int": 1,
        "Float": 1.0,
        "Boolean": False,
        "Date": "2026-01-01",
        "DateTime": "2026-01-01T00:00:00Z",
    }[inner.name]


def _real_id(argument: str) -> str:
    label = _LABEL_OF_ARGUMENT.get(argument, "Actor")
    return gid(label, {"Space": "diz-rostock", "Theme": "daten", "Project": "t-project"}.get(label, "t-company"))


def argument_value(target: TextArgument, payload: str) -> Any:
    """The argument's value with ``payload`` at the target's place (and required siblings filled in)."""
    spec = SCHEMA.query_type.fields[target.field].args[target.argument]

    def build(type_: graphql.GraphQLInputType, path: tuple[str, ...]) -> Any:
        inner = graphql.get_nullable_type(type_)
        if not path:
            return payload
        if path[0] == "[]":
            return [build(inner.of_type, path[1:])]
        value = filler(inner, target.argument)
        value[path[0]] = build(inner.fields[path[0]].type, path[1:])
        return value

    return build(spec.type, target.path)


def payload_values(target: TextArgument) -> list[str]:
    """The payloads as they are; for ids also inside well-formed global ids, so they reach the store."""
    values = [*PAYLOADS, *LONG_PAYLOADS]
    if target.scalar == "ID":
        label = _LABEL_OF_ARGUMENT.get(target.path[-2] if len(target.path) > 1 else target.argument)
        for payload in PAYLOADS:
            values += [gid(one, payload) for one in ([label] if label else _LABELS)]
    return values


def _selection(type_: graphql.GraphQLOutputType, literal: bool) -> str:
    named = graphql.get_named_type(type_)
    if not graphql.is_composite_type(named):
        return ""
    if literal and "edges" in named.fields:
        return " { totalCount edges { node { id } } }"
    if literal and "node" in named.fields:
        return " { node { ... on Node { id } } }"
    return " { __typename }"


def document(target: TextArgument, count: int) -> str:
    """An operation calling the field ``count`` times (aliases), the target argument as $v0…, the rest filled in."""
    definition = SCHEMA.query_type.fields[target.field]
    literal = target.is_text_filter
    declared = [f"$v{i}: {definition.args[target.argument].type}" for i in range(count)]
    shared = []
    for name, spec in definition.args.items():
        if name == target.argument:
            continue
        if name == "first" and literal:
            shared.append((name, "$first", "Int!"))
        elif graphql.is_non_null_type(spec.type) and spec.default_value is graphql.Undefined:
            shared.append((name, f"$o_{name}", str(spec.type)))
    declared += [f"{var}: {type_}" for _, var, type_ in shared]
    passed = ", ".join(f"{name}: {var}" for name, var, _ in shared)
    calls = " ".join(
        f"a{i}: {target.field}({target.argument}: $v{i}{', ' if passed else ''}{passed})"
        f"{_selection(definition.type, literal)}"
        for i in range(count)
    )
    return f"query Injection({', '.join(declared)}) {{ {calls} }}"


def shared_variables(target: TextArgument) -> dict[str, Any]:
    definition = SCHEMA.query_type.fields[target.field]
    variables: dict[str, Any] = {"first": 100} if target.is_text_filter and "first" in definition.args else {}
    for name, spec in definition.args.items():
        if name != target.argument and graphql.is_non_null_type(spec.type) and spec.default_value is graphql.Undefined:
            variables[f"o_{name}"] = filler(spec.type, name)
    return variables


# --- the test ----------------------------------------------------------------------------------------------


@dataclass
class Injected:
    seeded: Seeded
    http: httpx.AsyncClient


@pytest_asyncio.fixture(scope="module")
async def injected(seeded: Seeded) -> AsyncIterator[Injected]:
    store = seeded.store
    await store.upsert_nodes([TRICKY, TRICKY_EVENT])
    await store.upsert_relationships([Relationship(type=RelType.ORGANISES, start_id=TRICKY.id, end_id=TRICKY_EVENT.id)])
    token = (await ApiKeys(store).issue("injection tests", ADMIN)).token
    settings = Settings(env="development", rate_limit_per_minute=0)
    async with make_client(store, settings) as http:
        http.headers["authorization"] = f"Bearer {token}"
        yield Injected(seeded, http)


async def post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> httpx.Response:
    # ensure_ascii keeps a lone surrogate as the escape "\ud800", which is valid JSON.
    content = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"content-type": "application/json", "accept": "application/graphql-response+json"}
    return await http.post("/graphql", content=content, headers=headers)


def checked(response: httpx.Response, what: str) -> dict[str, Any]:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:500]}"
    body = response.json()
    assert isinstance(body, dict) and ("data" in body or "errors" in body), f"{what}: {body}"
    for error in body.get("errors", []):
        code = (error.get("extensions") or {}).get("code")
        assert code in CLIENT_CODES, f"{what}: {error}"
        assert "Traceback" not in error["message"], f"{what}: {error}"
    return body


async def literal_hits(injected: Injected, body: dict[str, Any], payload: str, what: str) -> int:
    """Every node a text filter or search returned has, for each word of the payload, a word starting with it.

    Returns how many nodes were checked."""
    checked_nodes = 0
    data = body.get("data") or {}
    terms = search_terms(payload)
    for result in data.values():
        if result is None:
            continue
        hits = result["edges"] if isinstance(result, dict) else result  # a connection, or search's list
        by_label: dict[Any, list[str]] = {}
        for hit in hits:
            label, node_id = parse_global_id(hit["node"]["id"])
            by_label.setdefault(label, []).append(node_id)
        found = [
            node
            for label, ids in by_label.items()
            for node in (await injected.seeded.store.get_nodes(label, ids)).values()
        ]
        assert len(found) == len(hits), what
        for stored in found:
            words = stored.search_text().split()
            missing = [term for term in terms if not any(word.startswith(term) for word in words)]
            assert not missing, f"{what}: {stored.display_name()!r} does not contain {missing} of {payload!r}"
            checked_nodes += 1
    return checked_nodes


@pytest.mark.parametrize("target", ARGUMENTS, ids=lambda target: target.name)
async def test_payloads_are_only_data(injected: Injected, target: TextArgument) -> None:
    store = injected.seeded.store
    version, counts = await store.graph_version(), await store.counts()
    values = payload_values(target)
    shared = shared_variables(target)
    batch = 1 if target.is_text_filter else BATCH
    hits = 0
    for start in range(0, len(values), batch):
        chunk = values[start : start + batch]
        variables = {**shared, **{f"v{i}": argument_value(target, value) for i, value in enumerate(chunk)}}
        what = f"{target.name} = {chunk if batch > 1 else chunk[0]!r}"
        body = checked(await post(injected.http, document(target, len(chunk)), variables), what)
        if target.is_text_filter:
            hits += await literal_hits(injected, body, chunk[0], what)
    # Some payloads hold real words ("Zebrafunk*", "Daten*"): the literal check saw real hits.
    assert hits > 0 or not target.is_text_filter
    assert await store.graph_version() == version
    assert await store.counts() == counts


@pytest.mark.parametrize(
    ("field", "text"),
    [("search", "O'Brien"), ("search", "`Backtick` $param"), ("actors", 'O\'Brien "Söhne"'), ("events", "`MATCH (n)`")],
)
async def test_text_with_injection_characters_is_found_literally(injected: Injected, field: str, text: str) -> None:
    if field == "search":
        query = "query($t: String!) { search(text: $t) { node { ... on Node { id } } } }"
        nodes = [hit["node"] for hit in checked(await post(injected.http, query, {"t": text}), text)["data"]["search"]]
    else:
        query = f"query($t: String) {{ {field}(filter: {{text: $t}}) {{ edges {{ node {{ id }} }} }} }}"
        body = checked(await post(injected.http, query, {"t": text}), text)
        nodes = [edge["node"] for edge in body["data"][field]["edges"]]
    found = {parse_global_id(node["id"])[1] for node in nodes}
    assert found & {TRICKY.id, TRICKY_EVENT.id}, f"{text!r} found {found}"


async def test_ids_made_of_injection_characters_name_their_node(injected: Injected) -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Actor { name } ... on Event { title } } }"
    ids = [gid("Actor", TRICKY.id), gid("Event", TRICKY_EVENT.id), gid("Actor", "t-tricky")]
    body = checked(await post(injected.http, query, {"ids": ids}), "ids")
    assert body["data"]["nodes"] == [
        {"id": ids[0], "name": TRICKY_NAME},
        {"id": ids[1], "title": TRICKY_EVENT.title},
        None,
    ]
