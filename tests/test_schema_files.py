"""The graph DDL files under schema/ must match the domain model, for both engines."""

from __future__ import annotations

import re

import pytest

from hub.domain import NODE_TYPES, REL_ENDPOINTS, Relationship
from hub.store.cypher_store import load_schema_statements

LADYBUG = load_schema_statements("graph.ladybug.cypher")
NEO4J = load_schema_statements("graph.neo4j.cypher")


def _ladybug_table(kind: str, name: str) -> str:
    matches = [s for s in LADYBUG if re.match(rf"CREATE {kind} TABLE IF NOT EXISTS {name}\(", s)]
    assert len(matches) == 1, f"{kind} table {name} is defined {len(matches)} times"
    return matches[0]


def _columns(statement: str) -> set[str]:
    body = statement[statement.index("(") + 1 : statement.rindex(")")]
    columns = {part.strip().split()[0].strip("`") for part in body.split(",")}
    return {c for c in columns if c not in ("FROM",)}


@pytest.mark.parametrize("label", sorted(NODE_TYPES))
def test_ladybug_node_table_has_every_model_field(label: str) -> None:
    columns = _columns(_ladybug_table("NODE", label))
    assert columns == set(NODE_TYPES[label].model_fields) | {"search_text"}


@pytest.mark.parametrize("rel_type", sorted(REL_ENDPOINTS, key=lambda t: t.value))
def test_ladybug_rel_table_matches_endpoints_and_provenance(rel_type) -> None:
    statement = _ladybug_table("REL", rel_type.value)
    start, end = REL_ENDPOINTS[rel_type]
    assert f"(FROM {start.LABEL} TO {end.LABEL}," in statement
    provenance = set(Relationship.model_fields) - {"type", "start_id", "end_id"}
    assert _columns(statement) - {start.LABEL} == provenance


@pytest.mark.parametrize("label", sorted(NODE_TYPES))
def test_neo4j_has_a_uniqueness_constraint_per_label(label: str) -> None:
    assert any(f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in s for s in NEO4J)


def test_every_statement_is_idempotent() -> None:
    assert all("IF NOT EXISTS" in statement for statement in LADYBUG + NEO4J)
