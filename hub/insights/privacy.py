"""The projection as a role may analyse it: people left out, or under pseudonyms.

Insights are computed from a :class:`~hub.insights.projection.Projection`; making a
restricted copy of it (rather than filtering each result) means every ranking, count,
path, community and export a role gets is computed without the people it must not
see — a person can neither be listed nor be inferred as the hidden link of a path.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

from hub.access.pseudonyms import Pseudonym
from hub.access.roles import PersonView
from hub.domain import PARTICIPATION_TYPES
from hub.insights.projection import EventFacts, Participation, Projection

_ROLE_RANK = {role: rank for rank, role in enumerate(PARTICIPATION_TYPES)}


def restrict(projection: Projection, view: PersonView, pseudonymise: Callable[[str], Pseudonym]) -> Projection:
    """``projection`` as ``view`` shows people (the same object for NAMED)."""
    if view is PersonView.NAMED:
        return projection
    people = {actor_id for actor_id, actor in projection.actors.items() if actor.is_person}
    if view is PersonView.HIDDEN:
        renamed: dict[str, str | None] = dict.fromkeys(people)
        actors = {actor_id: actor for actor_id, actor in projection.actors.items() if actor_id not in people}
    else:
        pseudonyms = {actor_id: pseudonymise(actor_id) for actor_id in people}
        renamed = {actor_id: pseudonym.id for actor_id, pseudonym in pseudonyms.items()}
        actors = dict(
            sorted(
                (
                    (pseudonyms[a.id].id, dataclasses.replace(a, id=pseudonyms[a.id].id, name=pseudonyms[a.id].name))
                    if a.id in people
                    else (a.id, a)
                )
                for a in projection.actors.values()
            )
        )
    events = {event_id: _event(event, renamed) for event_id, event in projection.events.items()}
    digest = hashlib.sha256(f"{projection.snapshot_id}:{view.value}".encode()).hexdigest()[:16]
    return dataclasses.replace(projection, actors=actors, events=events, snapshot_id=digest)


def _event(event: EventFacts, renamed: dict[str, str | None]) -> EventFacts:
    if not any(actor_id in renamed for actor_id in event.actor_ids):
        return event
    participants = sorted(
        (
            (renamed.get(p.actor_id, p.actor_id), p.role)
            for p in event.participants
            if renamed.get(p.actor_id, p.actor_id) is not None
        ),
        key=lambda item: (item[0], _ROLE_RANK[item[1]]),
    )
    return dataclasses.replace(
        event,
        participants=tuple(Participation(actor_id, role) for actor_id, role in participants),  # type: ignore[arg-type]
        actor_ids=tuple(sorted({actor_id for actor_id, _ in participants})),  # type: ignore[type-var]
    )
