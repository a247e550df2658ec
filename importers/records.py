"""What every parser produces: feed items normalised into one shape, plus what went wrong.

A parser turns the bytes of one feed document into a :class:`ParseResult`. It never
raises for bad content: a broken item becomes an :class:`ItemError` naming the item,
and a document that cannot be read at all sets :attr:`ParseResult.fatal`. Whether a
result is :attr:`~ParseResult.complete` decides whether the sync may treat items
missing from it as removed from the feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.domain import MAX_DESCRIPTION_CHARS, ActorKind, Attendance, EventStatus, utc

Role = Literal["organiser", "speaker", "partner", "sponsor", "attendee", "author"]


class ActorMention(BaseModel):
    """An actor as one feed item names it, before resolution across feeds."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    role: Role
    kind: ActorKind | None = None  # when the feed says (schema.org @type, iCal CUTYPE, …)
    email: str | None = None
    website: str | None = None
    phone: str | None = None
    feed_ref: str | None = None  # the feed's own id for the actor (TEC organizer id, JSON-LD @id)


class ParsedEvent(BaseModel):
    """One event of one feed, normalised; times are aware, text is plain."""

    model_config = ConfigDict(extra="forbid")

    source_id: str = Field(min_length=1, description="The item's id in its feed (UID, guid, TEC id, @id).")
    title: str = Field(min_length=1)
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    start: datetime
    end: datetime | None = None
    timezone: str = "Europe/Berlin"
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
    theme_hints: list[str] = Field(default_factory=list, description="Labels the feed marks as themes.")
    project_hints: list[str] = Field(default_factory=list, description="Names the feed marks as projects.")
    cost: str = ""
    actors: list[ActorMention] = Field(default_factory=list)
    previous_start: datetime | None = None  # a rescheduled event's old start
    modified: datetime | None = None  # the feed's own last-modified for the item

    @field_validator("start", "end", "previous_start", "modified", mode="after")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("times must carry a zone or offset")
        return None if value is None else utc(value)


@dataclass(frozen=True)
class ItemError:
    """A problem with one item (or, without ``item``, with the document)."""

    message: str
    item: str | None = None  # the item's id, or "#3" for the third item when it has none
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"item {self.item}: " if self.item else ""
        position = f" (line {self.line}, column {self.column})" if self.line is not None else ""
        return f"{where}{self.message}{position}"


@dataclass
class ParseResult:
    """The events a document yielded, the items it rejected, and whether it was whole."""

    events: list[ParsedEvent] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fatal: str | None = None  # set when nothing could be read: "empty response", "not iCalendar", …
    complete: bool = True  # False when items may be missing (truncated, unreadable parts)
    next_url: str | None = None  # the next page of a paginated feed

    @classmethod
    def failed(cls, message: str) -> ParseResult:
        return cls(fatal=message, complete=False)
