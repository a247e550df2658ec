"""Reference data kept as files under ``schema/``: the six spaces and the theme taxonomy.

Both are loaded into the graph idempotently on start (:func:`ensure_reference_data`),
so editing a YAML file and restarting is how the taxonomy is maintained.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from hub.domain import Space, Theme
from hub.store.port import GraphStore

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
REFERENCE_SOURCE = "reference"
N = TypeVar("N", Space, Theme)


class ReferenceDataError(ValueError):
    """A reference file is malformed; the message names the file and the entry."""


def _load_yaml_list(path: Path) -> list[dict[str, object]]:
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ReferenceDataError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ReferenceDataError(f"{path.name}: expected a list of mappings")
    return entries


def _source_fields(path: Path, entry_id: object) -> dict[str, object]:
    return {"source": REFERENCE_SOURCE, "source_id": f"{path.name}#{entry_id}"}


def _hashed(node: N) -> N:
    node.content_hash = node.compute_hash()
    return node


@cache
def load_spaces(path: Path = SCHEMA_DIR / "spaces.yaml") -> tuple[Space, ...]:
    spaces = []
    for index, entry in enumerate(_load_yaml_list(path)):
        try:
            spaces.append(Space(**entry, **_source_fields(path, entry.get("id"))))
        except (ValidationError, TypeError) as error:
            raise ReferenceDataError(f"{path.name}: entry {index + 1} ({entry.get('id')!r}): {error}") from error
    return tuple(_hashed(space) for space in spaces)


@cache
def load_themes(path: Path = SCHEMA_DIR / "themes.yaml") -> tuple[Theme, ...]:
    themes = []
    for index, entry in enumerate(_load_yaml_list(path)):
        fields = dict(entry)
        fields["parent_id"] = fields.pop("parent", None)
        try:
            themes.append(Theme(**fields, **_source_fields(path, entry.get("id"))))
        except (ValidationError, TypeError) as error:
            raise ReferenceDataError(f"{path.name}: entry {index + 1} ({entry.get('id')!r}): {error}") from error
    ids = {theme.id for theme in themes}
    for theme in themes:
        if theme.parent_id is not None and theme.parent_id not in ids:
            raise ReferenceDataError(f"{path.name}: theme {theme.id!r} has unknown parent {theme.parent_id!r}")
    return tuple(_hashed(theme) for theme in themes)


async def ensure_reference_data(store: GraphStore) -> None:
    """Upsert the spaces and themes; running it again changes nothing."""
    await store.upsert_nodes([*load_spaces(), *load_themes()])
