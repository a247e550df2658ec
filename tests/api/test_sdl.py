"""schema/schema.graphql is the code's schema, exported; this fails when the two drift apart."""

from __future__ import annotations

from hub.api.schema import SDL_PATH, export_sdl


def test_exported_sdl_matches_the_code() -> None:
    assert SDL_PATH.exists(), "schema/schema.graphql is missing: run `python -m hub.api.schema`"
    assert SDL_PATH.read_text(encoding="utf-8") == export_sdl(), (
        "schema/schema.graphql differs from the code's schema: run `python -m hub.api.schema` and review the diff"
    )


def test_sdl_declares_the_relay_contract() -> None:
    sdl = export_sdl()
    for line in ("interface Node {", "node(id: ID!): Node", "type PageInfo {", "totalCount: Int!"):
        assert line in sdl
