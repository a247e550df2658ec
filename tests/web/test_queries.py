"""Every GraphQL query of the dashboard (``hub/web/js/api.js``) is valid against the hub's schema.

A renamed or removed field fails here, naming the query, before any browser starts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from hub.api.schema import create_schema
from hub.config import Settings

API_JS = Path(__file__).resolve().parents[2] / "hub" / "web" / "js" / "api.js"


def dashboard_queries() -> dict[str, str]:
    source = API_JS.read_text(encoding="utf-8")
    block = source[source.index("export const QUERIES = {") :]
    block = block[: block.index("\n};")]
    return dict(re.findall(r"^  (\w+): `([^`]*)`", block, flags=re.MULTILINE))


def test_the_queries_are_found() -> None:
    names = set(dashboard_queries())
    assert {"meta", "activity", "links", "network", "searchActors", "actor", "events"} <= names
    assert {"partnersForActor", "partnersForThemes"} <= names


@pytest.mark.parametrize("name", sorted(dashboard_queries()))
def test_a_dashboard_query_is_valid(name: str) -> None:
    schema = create_schema(Settings(env="production"))
    errors = validate(schema._schema, parse(dashboard_queries()[name]))
    assert errors == [], f"{name}: {[error.message for error in errors]}"
