"""The domain model: the nodes and relationships of the hub's graph.

These classes are the language spoken across the store port: importers build
them, adapters persist them, the API reads them back.  They hold no storage
logic.  Every node and relationship carries its provenance inline (flat fields,
not a nested object) because both engines store flat properties best.

Times are always timezone-aware.  Engines store instants in UTC (LadybugDB
cannot store an offset at all), so an event also keeps the name of its original
zone in ``timezone``; :meth:`Event.local_start` gives the wall-clock time back.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.text import fold

#: Longest description kept on a node; feeds have been seen with 200 kB ones.
MAX_DESCRIPTION_CHARS = 20_000
#: How much of a description goes into the search text.
_SEARCH_DESCRIPTION_CHARS = 500


class ActorKind(str, Enum):
    COMPANY = "company"
    STARTUP = "startup"
    UNIVERSITY = "university"
    RESEARCH = "research"
    PUBLIC_BODY = "public_body"
    ASSOCIATION = "association"
    ORGANISATION = "organisation"  # an organisation of unknown kind
    PERSON = "person"


class EventStatus(str, Enum):
    SCHEDULED = "scheduled"
    TENTATIVE = "tentative"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    REMOVED = "removed"  # no longer in its feed; kept, never hard-deleted


class Attendance(str, Enum):
    OFFLINE = "offline"
    ONLINE = "online"
    MIXED = "mixed"


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def zone_of(name: str) -> timezone | ZoneInfo:
    """An IANA zone (``Europe/Berlin``) or a fixed offset (``+02:00``) by name."""
    if name in ("UTC", "Z", ""):
        return UTC
    if name[0] in "+-":
        sign = 1 if name[0] == "+" else -1
        hours, _, minutes = name[1:].partition(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))
    return ZoneInfo(name)


class _Record(BaseModel):
    """Shared behaviour: strict fields, provenance, UTC normalisation, hashing."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)

    source: str | None = Field(default=None, description="The feed (source id) that last wrote this fact.")
    source_id: str | None = Field(default=None, description="The id of this fact in that feed (UID, guid, …).")
    sources: list[str] = Field(default_factory=list, description="Every feed this fact has been seen in.")
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    content_hash: str | None = Field(default=None, description="Hash of the imported content, for change detection.")

    @field_validator("first_seen", "last_seen", mode="after", check_fields=False)
    @classmethod
    def _to_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else utc(value)

    @model_validator(mode="after")
    def _source_is_listed(self) -> _Record:
        if self.source and self.source not in self.sources:
            self.sources = [*self.sources, self.source]
        return self

    #: Fields that are bookkeeping, not content, and so stay out of the content hash.
    PROVENANCE_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"source", "source_id", "sources", "first_seen", "last_seen", "content_hash"}
    )

    def compute_hash(self) -> str:
        """A stable hash of the content fields, for "has this changed since last sync?"."""
        content = self.model_dump(mode="json", exclude=set(self.PROVENANCE_FIELDS))
        encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()[:32]

    def properties(self) -> dict[str, Any]:
        """The flat property map an adapter stores (enums as their values)."""
        # The dump keeps a field's enum member as it is: only those are replaced, in the dump itself.
        properties = self.model_dump(mode="python", round_trip=False)
        for name, value in properties.items():
            if isinstance(value, Enum):
                properties[name] = value.value
        return properties


class Node(_Record):
    """A node of the graph, keyed by ``id`` within its label."""

    LABEL: ClassVar[str] = ""
    #: False for bookkeeping (import runs, fetched documents): writing it leaves the graph version alone.
    IS_CONTENT: ClassVar[bool] = True
    #: Fields whose text is searchable, in order of importance.
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ()

    id: str = Field(min_length=1, max_length=300)

    def search_text(self) -> str:
        """Folded text the store indexes for full-text search."""
        parts: list[str] = []
        for name in self.SEARCH_FIELDS:
            value = getattr(self, name)
            if isinstance(value, list):
                parts.extend(value)
            elif value:
                text = str(value)
                parts.append(text[:_SEARCH_DESCRIPTION_CHARS] if name == "description" else text)
        return fold(" ".join(parts))

    def display_name(self) -> str:
        return str(getattr(self, "name", None) or getattr(self, "title", None) or self.id)


class Space(Node):
    """One of the six digital innovation centres."""

    LABEL: ClassVar[str] = "Space"
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ("name", "short_name", "city")

    name: str
    short_name: str
    city: str
    host: str = ""
    latitude: float | None = None
    longitude: float | None = None
    website: str = ""


class Theme(Node):
    """A theme of the taxonomy (Mobilität, Energie, …)."""

    LABEL: ClassVar[str] = "Theme"
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ("label_de", "label_en", "synonyms")

    label_de: str
    label_en: str
    synonyms: list[str] = Field(default_factory=list)
    parent_id: str | None = None

    def display_name(self) -> str:
        return self.label_de


class Actor(Node):
    """An organisation or a person."""

    LABEL: ClassVar[str] = "Actor"
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ("name", "aliases")

    name: str = Field(min_length=1)
    kind: ActorKind = ActorKind.ORGANISATION
    aliases: list[str] = Field(default_factory=list)
    home_space_id: str | None = None
    websites: list[str] = Field(default_factory=list)
    # Personal data when the actor is a person: shown only to roles that need it.
    email: str | None = None
    phone: str | None = None
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    resolution: list[str] = Field(
        default_factory=list,
        description="Why each alias was taken to be this actor, one line per decision (for curators).",
    )
    curated: list[str] = Field(
        default_factory=list,
        description="What a curator set (field names, or 'themes'/'projects' of an event); the importer keeps it.",
    )

    @property
    def is_person(self) -> bool:
        return self.kind is ActorKind.PERSON


class Project(Node):
    """A named initiative that recurs across events and centres."""

    LABEL: ClassVar[str] = "Project"
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ("name", "aliases", "description")

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    website: str = ""
    curated: list[str] = Field(
        default_factory=list,
        description="What a curator set (field names, or 'themes'/'projects' of an event); the importer keeps it.",
    )


class Event(Node):
    """An event as the feeds carry it, normalised."""

    LABEL: ClassVar[str] = "Event"
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ("title", "keywords", "categories", "location_name", "description")

    title: str = Field(min_length=1)
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    start: datetime
    end: datetime | None = None
    timezone: str = Field(default="Europe/Berlin", description="IANA zone or ±HH:MM offset the feed gave.")
    all_day: bool = False
    status: EventStatus = EventStatus.SCHEDULED
    attendance: Attendance = Attendance.OFFLINE
    location_name: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    url: str = ""
    categories: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    cost: str = ""
    removed_at: datetime | None = None
    curated: list[str] = Field(
        default_factory=list,
        description="What a curator set (field names, or 'themes'/'projects' of an event); the importer keeps it.",
    )

    @field_validator("start", "end", "removed_at", mode="after")
    @classmethod
    def _instants_to_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else utc(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zone_of(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Event:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"event ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})")
        return self

    def local_start(self) -> datetime:
        """The start as wall-clock time in the event's own zone."""
        return self.start.astimezone(zone_of(self.timezone))

    def local_end(self) -> datetime | None:
        return None if self.end is None else self.end.astimezone(zone_of(self.timezone))


class ImportRun(Node):
    """One sync of one source: what happened, with counts and errors."""

    LABEL: ClassVar[str] = "ImportRun"
    IS_CONTENT: ClassVar[bool] = False

    source_key: str = Field(description="The registry id of the synced source.")
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # running | ok | partial | failed | not_modified | interrupted (its process died)
    new: int = 0
    changed: int = 0
    cancelled: int = 0  # changed events that are now cancelled (also counted in changed)
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    changes: list[str] = Field(default_factory=list, description="One line per new, changed or removed event.")

    @field_validator("started_at", "finished_at", mode="after")
    @classmethod
    def _run_times_to_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else utc(value)


class FeedDocument(Node):
    """One fetched document of a source (a feed URL or a page), with its HTTP validators.

    Kept in the graph, not on local disk, so that every importer process (and a
    migrated installation) makes the same conditional requests.
    """

    LABEL: ClassVar[str] = "FeedDocument"
    IS_CONTENT: ClassVar[bool] = False

    url: str
    source_key: str
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime | None = None
    next_url: str | None = Field(default=None, description="The page this one led to, in a paginated feed.")

    @field_validator("fetched_at", mode="after")
    @classmethod
    def _fetch_time_to_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else utc(value)


class ApiKey(Node):
    """An API key: who may use the API in which role.  Only a hash of the secret is kept."""

    LABEL: ClassVar[str] = "ApiKey"
    IS_CONTENT: ClassVar[bool] = False

    name: str = Field(min_length=1, description="Whom the key was issued to, for people reading the key list.")
    role: str
    space_id: str | None = Field(default=None, description="The centre a coordinator's key is scoped to.")
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @field_validator("created_at", "revoked_at", mode="after")
    @classmethod
    def _key_times_to_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else utc(value)


class AuditEntry(Node):
    """One change made by a person (a curation, a key, an erasure): who, when, what, before and after."""

    LABEL: ClassVar[str] = "AuditEntry"
    IS_CONTENT: ClassVar[bool] = False

    at: datetime
    who: str = Field(description="The API key (id and name) or 'cli' for the command line.")
    role: str
    action: str
    target: str = Field(description="What was changed, as Label:id.")
    before: str = Field(default="null", description="JSON of the changed facts before the change.")
    after: str = Field(default="null", description="JSON of the changed facts after the change.")

    @field_validator("at", mode="after")
    @classmethod
    def _audit_time_to_utc(cls, value: datetime) -> datetime:
        return utc(value)


class Erasure(Node):
    """A person removed on request (``hub forget``), recorded without their personal data.

    ``id`` is a hash of the removed actor's id; ``name_keys`` are hashes of the folded
    names they were known by, so that the importer does not bring them back from a feed.
    """

    LABEL: ClassVar[str] = "Erasure"
    IS_CONTENT: ClassVar[bool] = False

    erased_at: datetime
    name_keys: list[str] = Field(default_factory=list)

    @field_validator("erased_at", mode="after")
    @classmethod
    def _erasure_time_to_utc(cls, value: datetime) -> datetime:
        return utc(value)


NODE_TYPES: dict[str, type[Node]] = {
    cls.LABEL: cls
    for cls in (Space, Theme, Actor, Project, Event, ImportRun, FeedDocument, ApiKey, AuditEntry, Erasure)
}


class RelType(str, Enum):
    """Relationship types; :data:`REL_ENDPOINTS` says what each connects."""

    ORGANISES = "ORGANISES"
    PRESENTS_AT = "PRESENTS_AT"
    SPONSORS = "SPONSORS"
    PARTNERS_IN = "PARTNERS_IN"
    ATTENDS = "ATTENDS"
    HOSTED_BY = "HOSTED_BY"
    ABOUT = "ABOUT"
    PART_OF = "PART_OF"
    CONTRIBUTES_TO = "CONTRIBUTES_TO"
    ACTIVE_IN = "ACTIVE_IN"


REL_ENDPOINTS: dict[RelType, tuple[type[Node], type[Node]]] = {
    RelType.ORGANISES: (Actor, Event),
    RelType.PRESENTS_AT: (Actor, Event),
    RelType.SPONSORS: (Actor, Event),
    RelType.PARTNERS_IN: (Actor, Event),
    RelType.ATTENDS: (Actor, Event),
    RelType.HOSTED_BY: (Event, Space),
    RelType.ABOUT: (Event, Theme),
    RelType.PART_OF: (Event, Project),
    RelType.CONTRIBUTES_TO: (Actor, Project),
    RelType.ACTIVE_IN: (Actor, Space),
}

#: The ways an actor takes part in an event.
PARTICIPATION_TYPES: tuple[RelType, ...] = (
    RelType.ORGANISES,
    RelType.PRESENTS_AT,
    RelType.SPONSORS,
    RelType.PARTNERS_IN,
    RelType.ATTENDS,
)


class Relationship(_Record):
    """A typed, directed relationship, keyed by (type, start_id, end_id)."""

    type: RelType
    start_id: str = Field(min_length=1)
    end_id: str = Field(min_length=1)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.type._value_, self.start_id, self.end_id)  # _value_: what .value reads, without its descriptor

    @property
    def start_label(self) -> str:
        return REL_ENDPOINTS[self.type][0].LABEL

    @property
    def end_label(self) -> str:
        return REL_ENDPOINTS[self.type][1].LABEL
