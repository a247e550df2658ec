"""Spaces and themes come from schema/*.yaml and load idempotently on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.domain import Space, Theme
from hub.reference import (
    ReferenceDataError,
    ensure_reference_data,
    load_spaces,
    load_themes,
)
from hub.store.port import GraphStore, NodeQuery

SIX_CENTRES = {
    "makerport-stralsund",
    "innovationport-wismar",
    "diz-neubrandenburg",
    "diz-rostock",
    "diz-greifswald",
    "diz-schwerin",
}


def test_the_six_centres_are_defined_with_coordinates_in_mv() -> None:
    spaces = load_spaces()
    assert {space.id for space in spaces} == SIX_CENTRES
    for space in spaces:
        assert 53.0 < (space.latitude or 0) < 54.8 and 10.5 < (space.longitude or 0) < 14.5, space.id


def test_theme_taxonomy_has_the_named_themes_and_valid_parents() -> None:
    themes = {theme.id: theme for theme in load_themes()}
    for theme_id in ("mobilitaet", "energie", "gesundheit", "wohnen", "tourismus", "bildung"):
        assert theme_id in themes
    assert themes["mobilitaet"].label_de == "Mobilität" and themes["mobilitaet"].label_en == "Mobility"
    assert themes["wasserstoff"].parent_id == "energie"


def test_broken_reference_files_name_the_entry(tmp_path: Path) -> None:
    broken = tmp_path / "themes.yaml"
    broken.write_text("- {id: a, label_de: A, label_en: A}\n- {id: b, label_de: B}\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"(?s)themes.yaml: entry 2 \('b'\).*label_en"):
        load_themes(broken)
    orphan = tmp_path / "orphan.yaml"
    orphan.write_text("- {id: a, label_de: A, label_en: A, parent: nowhere}\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="unknown parent 'nowhere'"):
        load_themes(orphan)


async def test_loading_twice_changes_nothing(store: GraphStore) -> None:
    await ensure_reference_data(store)
    first = await store.list_nodes(Theme, NodeQuery(limit=100))
    await ensure_reference_data(store)
    second = await store.list_nodes(Theme, NodeQuery(limit=100))
    assert first == second and first.total == len(load_themes())
    assert (await store.counts()).nodes["Space"] == 6
    rostock = (await store.get_nodes(Space, ["diz-rostock"]))["diz-rostock"]
    assert rostock.host == "Universität Rostock" and rostock.sources == ["reference"]
