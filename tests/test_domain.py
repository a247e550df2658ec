"""The domain model validates what enters the graph and keeps times honest."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from hub.domain import Actor, Event, Relationship, RelType
from hub.text import fold, slugify


def test_naive_and_aware_times_become_utc() -> None:
    event = Event(id="e", title="T", start=datetime(2026, 7, 1, 18, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    assert event.start == datetime(2026, 7, 1, 16, 0, tzinfo=UTC)
    assert event.local_start().hour == 18
    assert Event(id="e", title="T", start=datetime(2026, 7, 1, 16, 0)).start.tzinfo == UTC


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"name": ""}, "name"),
        ({"id": ""}, "id"),
        ({"aliases": "not a list"}, "aliases"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_actor_rejects_bad_fields_by_name(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Actor(**({"id": "a", "name": "A"} | fields))


def test_event_rejects_end_before_start_and_unknown_zones() -> None:
    start = datetime(2026, 1, 1, 10, tzinfo=UTC)
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        Event(id="e", title="T", start=start, end=datetime(2026, 1, 1, 9, tzinfo=UTC))
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        Event(id="e", title="T", start=start, timezone="Mars/Olympus")


def test_content_hash_ignores_provenance_but_not_content() -> None:
    a = Actor(id="a", name="Sonnenwerk", source="feed:1", last_seen=datetime(2025, 1, 1, tzinfo=UTC))
    b = Actor(id="a", name="Sonnenwerk", source="feed:2", last_seen=datetime(2026, 1, 1, tzinfo=UTC))
    assert a.compute_hash() == b.compute_hash()
    assert a.compute_hash() != Actor(id="a", name="Sonnenwerk GmbH").compute_hash()


def test_source_is_always_listed_in_sources() -> None:
    assert Relationship(type=RelType.ABOUT, start_id="e", end_id="t", source="feed:x").sources == ["feed:x"]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Universität Rostock", "universitaet rostock"),
        ("UNIVERSITÄT  ROSTOCK", "universitaet rostock"),
        ("Straße & Söhne", "strasse soehne"),
        ("Café Zoë", "cafe zoe"),
        ("Ärztekammer M-V", "aerztekammer m v"),
        ("Søren Ærø", "soeren aeroe"),
        ("Łukasz", "lukasz"),
    ],
)
def test_fold_is_german_aware(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_slugify() -> None:
    assert slugify("  Offene Werkstatt – Lötkurs für Kinder! ") == "offene-werkstatt-loetkurs-fuer-kinder"
    assert slugify("!!!") == "x"
