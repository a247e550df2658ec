"""Filter and sort arguments of the top-level lists, and how they become a store ``NodeQuery``."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from hub import domain
from hub.api.errors import ApiError
from hub.api.ids import node_ids_of
from hub.api.types import ActorKind, EventStatus
from hub.insights.periods import Granularity


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum(description="What events can be sorted by (ties are broken by id).")
class EventSort(Enum):
    START = "start"
    TITLE = "title"
    LAST_SEEN = "last_seen"
    ID = "id"


@strawberry.enum(description="What actors can be sorted by (ties are broken by id).")
class ActorSort(Enum):
    NAME = "name"
    KIND = "kind"
    LAST_SEEN = "last_seen"
    ID = "id"


@strawberry.enum(description="What projects can be sorted by (ties are broken by id).")
class ProjectSort(Enum):
    NAME = "name"
    LAST_SEEN = "last_seen"
    ID = "id"


@strawberry.input
class EventOrder:
    field: EventSort = EventSort.START
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class ActorOrder:
    field: ActorSort = ActorSort.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class ProjectOrder:
    field: ProjectSort = ProjectSort.NAME
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Which events to list; every given condition must hold.")
class EventFilter:
    spaces: list[strawberry.ID] | None = strawberry.field(default=None, description="Hosted by one of these centres.")
    themes: list[strawberry.ID] | None = strawberry.field(default=None, description="About one of these themes.")
    projects: list[strawberry.ID] | None = strawberry.field(default=None, description="Part of one of these projects.")
    statuses: list[EventStatus] | None = None
    starts_from: datetime | None = strawberry.field(
        default=None, name="from", description="Starting at or after (no zone given: UTC)."
    )
    starts_before: datetime | None = strawberry.field(
        default=None, name="to", description="Starting before (no zone given: UTC)."
    )
    text: str | None = strawberry.field(default=None, description="Every word must start a word of the event's text.")


@strawberry.input(description="Which actors to list; every given condition must hold.")
class ActorFilter:
    spaces: list[strawberry.ID] | None = strawberry.field(default=None, description="Active in one of these centres.")
    themes: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Taking part in events about one of these themes."
    )
    projects: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Contributing to one of these projects."
    )
    kinds: list[ActorKind] | None = None
    text: str | None = strawberry.field(default=None, description="Every word must start a word of a name or alias.")


@strawberry.input(description="Which projects to list.")
class ProjectFilter:
    text: str | None = strawberry.field(default=None, description="Every word must start a word of the project's text.")


@strawberry.input(description="Which themes to list.")
class ThemeFilter:
    text: str | None = strawberry.field(default=None, description="Every word must start a word of a label or synonym.")


def _ids(values: list[strawberry.ID] | None, label: type[domain.Node], argument: str) -> list[str] | None:
    return None if values is None else node_ids_of(values, label, argument)


def _enum_values(values: list[Any] | None) -> list[str] | None:
    return None if values is None else [value.value for value in values]


def _text(text: str | None) -> str | None:
    if text is not None and len(text) > 200:
        raise ApiError("filter.text must be at most 200 characters")
    return text or None


def event_query(criteria: EventFilter | None, order: EventOrder | None) -> dict[str, Any]:
    f, o = criteria or EventFilter(), order or EventOrder()
    return {
        "space_ids": _ids(f.spaces, domain.Space, "filter.spaces"),
        "theme_ids": _ids(f.themes, domain.Theme, "filter.themes"),
        "project_ids": _ids(f.projects, domain.Project, "filter.projects"),
        "statuses": _enum_values(f.statuses),
        "starts_from": None if f.starts_from is None else domain.utc(f.starts_from),
        "starts_before": None if f.starts_before is None else domain.utc(f.starts_before),
        "text": _text(f.text),
        "order_by": o.field.value,
        "descending": o.direction is SortDirection.DESC,
    }


def actor_query(criteria: ActorFilter | None, order: ActorOrder | None) -> dict[str, Any]:
    f, o = criteria or ActorFilter(), order or ActorOrder()
    return {
        "space_ids": _ids(f.spaces, domain.Space, "filter.spaces"),
        "theme_ids": _ids(f.themes, domain.Theme, "filter.themes"),
        "project_ids": _ids(f.projects, domain.Project, "filter.projects"),
        "kinds": _enum_values(f.kinds),
        "text": _text(f.text),
        "order_by": o.field.value,
        "descending": o.direction is SortDirection.DESC,
    }


def project_query(criteria: ProjectFilter | None, order: ProjectOrder | None) -> dict[str, Any]:
    f, o = criteria or ProjectFilter(), order or ProjectOrder()
    return {"text": _text(f.text), "order_by": o.field.value, "descending": o.direction is SortDirection.DESC}


# The insights' period enum, exposed once for every field that buckets by period.
strawberry.enum(Granularity, description="How long a period is: a month, a quarter or a year.")
