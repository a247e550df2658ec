"""The feed registry: which sources to sync, for which centre, in which format, how often.

A YAML file (``schema/sources.yaml`` by default, ``HUB_SOURCES_FILE`` to override);
see its header for the fields. Relative paths in ``urls`` are taken relative to the
registry file, so a registry and its local feeds can travel together (the demo does).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hub.reference import SCHEMA_DIR, load_spaces

Format = Literal["ical", "rss", "atom", "tec_json", "jsonld_html"]
DEFAULT_REGISTRY = SCHEMA_DIR / "sources.yaml"


class RegistryError(ValueError):
    """The registry file is malformed; the message names the file and the entry."""


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    space: str
    format: Format
    urls: tuple[str, ...] = Field(min_length=1)
    schedule: timedelta = Field(default=timedelta(hours=1), description="ISO 8601 duration, e.g. PT1H.")
    max_pages: int = Field(default=50, ge=1, le=1000, description="Cap on pages followed through next links.")

    @field_validator("schedule")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("schedule must be a positive duration")
        return value


def _resolve_url(url: str, base: Path) -> str:
    """http(s) and file URIs stay; a path becomes a file URI, relative to the registry."""
    if "://" in url:
        return url
    path = Path(url)
    return (path if path.is_absolute() else base / path).resolve().as_uri()


def load_registry(path: Path | None = None) -> list[Source]:
    path = path or DEFAULT_REGISTRY
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RegistryError(f"{path}: cannot read the source registry: {error}") from error
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a list of sources")
    spaces = {space.id for space in load_spaces()}
    sources: list[Source] = []
    for index, entry in enumerate(entries, start=1):
        label = entry.get("id") if isinstance(entry, dict) else None
        try:
            source = Source.model_validate(entry)
        except ValidationError as error:
            raise RegistryError(f"{path}: source {index} ({label!r}): {error}") from error
        if source.space not in spaces:
            raise RegistryError(f"{path}: source {source.id!r}: unknown space {source.space!r}")
        urls = tuple(_resolve_url(url, path.parent) for url in source.urls)
        sources.append(source.model_copy(update={"urls": urls}))
    duplicates = {s.id for s in sources if sum(t.id == s.id for t in sources) > 1}
    if duplicates:
        raise RegistryError(f"{path}: duplicate source ids: {', '.join(sorted(duplicates))}")
    return sources
