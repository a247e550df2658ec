"""Coordinators' partner finding: suggestions from other centres, each with its reasons.

``partners(actor | project | themes)`` answers "who in the other centres should this
start-up (project, theme) meet, and why?".  The computation lives in
:mod:`hub.insights.partners` (the module docstring there defines every rule and weight);
this module turns global ids into ids, runs it through the per-graph-version cache
(one result per request and day: recency is measured from today), and loads the
suggested actors, centres and path nodes through the request's loaders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import strawberry

from hub import domain
from hub.api.context import Info
from hub.api.errors import ApiError
from hub.api.ids import node_ids_of
from hub.api.types import Actor, ActorKind, Event, Project, Space
from hub.insights import partners as found
from hub.insights.periods import TimeWindow

#: The region's zone: "today", for recency, is the date in Mecklenburg-Vorpommern.
BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT_SUGGESTIONS = 10
MAX_SUGGESTIONS = 50

PartnerScoreKind = strawberry.enum(
    found.Component, name="PartnerScoreKind", description="The parts a partner score is made of."
)


def today() -> date:
    """The current date in the region (a function, so tests can fix it)."""
    return datetime.now(BERLIN).date()


@strawberry.input(description="Which actors may be suggested, and which events count; every given condition must hold.")
class PartnerFilter:
    kinds: list[ActorKind] | None = strawberry.field(
        default=None, description="Only actors of these kinds; PERSON also needs includePersons."
    )
    themes: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only actors with a counted event about one of these themes."
    )
    spaces: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only actors active in one of these centres."
    )
    starts_from: date | None = strawberry.field(
        default=None, name="from", description="Only events on or after this day (local date) count."
    )
    starts_before: date | None = strawberry.field(
        default=None, name="to", description="Only events before this day (local date) count."
    )
    include_persons: bool = strawberry.field(
        default=False, description="Also suggest persons (personal data, so off unless asked for)."
    )
    other_spaces_only: bool = strawberry.field(
        default=True,
        description="Only actors active in at least one centre the requester is not active in (the default).",
    )
    include_connected: bool = strawberry.field(
        default=True, description="Also suggest actors the requester already works with (marked alreadyConnected)."
    )


@strawberry.type(description="One part of a partner score: its value and how much it weighs.")
class PartnerScoreComponent:
    name: PartnerScoreKind
    label: str = strawberry.field(description="The part's German name, for display.")
    value: float = strawberry.field(description="Between 0 and 1, rounded to 4 places.")
    weight: float = strawberry.field(description="Its weight in the score; the weights sum to 1.")


@strawberry.type(description="One step of a path through the actor network, with what links its two actors.")
class PartnerPathHop:
    hop: strawberry.Private[found.Hop]

    @strawberry.field(name="from", description="The actor this step starts at (null only if it was deleted since).")
    async def from_actor(self, info: Info) -> Actor | None:
        return await _actor(info, self.hop.from_id)

    @strawberry.field(description="The actor this step leads to (null only if it was deleted since).")
    async def to(self, info: Info) -> Actor | None:
        return await _actor(info, self.hop.to_id)

    @strawberry.field(description="Events both took part in (within the window), in id order.")
    async def events(self, info: Info) -> list[Event]:
        return [Event.from_model(e) for e in await info.context.loaders.load(domain.Event, self.hop.event_ids)]

    @strawberry.field(description="Projects both contribute to, in id order.")
    async def projects(self, info: Info) -> list[Project]:
        return [Project.from_model(p) for p in await info.context.loaders.load(domain.Project, self.hop.project_ids)]


@strawberry.type(description="An actor worth meeting: its score, what the score is made of, and why.")
class PartnerSuggestion:
    actor: Actor
    score: float = strawberry.field(description="The weighted sum of the components, between 0 and 1 (4 places).")
    reasons: list[str] = strawberry.field(description="Why this actor is suggested, in German, most telling first.")
    already_connected: bool = strawberry.field(
        description="The requester already shares an event or a project with this actor (within the window)."
    )
    suggestion: strawberry.Private[found.Suggestion]

    @strawberry.field(description="The parts of the score, in a fixed order.")
    def components(self) -> list[PartnerScoreComponent]:
        return [
            PartnerScoreComponent(name=part.component, label=part.label, value=part.value, weight=part.weight)
            for part in self.suggestion.parts
        ]

    @strawberry.field(
        description="A fewest-steps path through the actor network from the requester (for a project: from one "
        "of the project's actors) to the suggested actor, leading through organisations only unless persons are "
        "included; empty when they are not connected, or when the suggested actor takes part in the project."
    )
    def path(self) -> list[PartnerPathHop]:
        return [PartnerPathHop(hop=hop) for hop in self.suggestion.path]

    @strawberry.field(description="The centres the suggested actor is active in or takes part in events of.")
    async def spaces(self, info: Info) -> list[Space]:
        return [Space.from_model(s) for s in await info.context.loaders.load(domain.Space, self.suggestion.space_ids)]


First = Annotated[int, strawberry.argument(description=f"How many suggestions, at most {MAX_SUGGESTIONS}.")]


@strawberry.type
class PartnerQuery:
    """Fields of the Query root; merged into it by :mod:`hub.api.schema`."""

    @strawberry.field(
        description="Partners in the other centres for an actor, a project or a set of themes (give exactly one), "
        "best first, each with its score, the score's components, German reasons and a path through the network. "
        "Persons are left out unless filter.includePersons is set."
    )
    async def partners(
        self,
        info: Info,
        actor: Annotated[strawberry.ID | None, strawberry.argument(description="Find partners for this actor.")] = None,
        project: Annotated[
            strawberry.ID | None, strawberry.argument(description="Find partners for this project.")
        ] = None,
        themes: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description="Find partners working on these themes.")
        ] = None,
        for_space: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="With themes: the centre asking, whose own actors are left out."),
        ] = None,
        filter: Annotated[
            PartnerFilter | None, strawberry.argument(description="Which actors may be suggested; which events count.")
        ] = None,
        first: First = DEFAULT_SUGGESTIONS,
    ) -> list[PartnerSuggestion]:
        request = partner_request(actor, project, themes, for_space, filter or PartnerFilter(), first)
        try:
            suggestions = await info.context.insights.compute(
                "partners", request, lambda projection: found.suggest_partners(projection, request)
            )
        except found.PartnerError as error:
            raise ApiError(str(error)) from None
        return await _with_actors(info, suggestions)


def partner_request(
    actor: str | None,
    project: str | None,
    themes: Sequence[str] | None,
    for_space: str | None,
    criteria: PartnerFilter,
    first: int,
) -> found.PartnerRequest:
    """The insight request the arguments ask for; everything the client got wrong is an ApiError."""
    given = [name for name, value in (("actor", actor), ("project", project), ("themes", themes)) if value is not None]
    if len(given) != 1:
        raise ApiError(f"give exactly one of actor, project or themes (got {', '.join(given) or 'none'})")
    if for_space is not None and themes is None:
        raise ApiError("forSpace goes with themes only; an actor or a project has centres of its own")
    if not 0 <= first <= MAX_SUGGESTIONS:
        raise ApiError(f"first must be between 0 and {MAX_SUGGESTIONS} (got {first})")
    kinds = None if criteria.kinds is None else frozenset(kind.value for kind in criteria.kinds)
    if kinds and domain.ActorKind.PERSON.value in kinds and not criteria.include_persons:
        raise ApiError("filter.kinds: PERSON needs filter.includePersons: true (persons are personal data)")
    return found.PartnerRequest(
        now=today(),
        actor_id=_one_id(actor, domain.Actor, "actor"),
        project_id=_one_id(project, domain.Project, "project"),
        theme_ids=None if themes is None else tuple(node_ids_of(themes, domain.Theme, "themes")),
        for_space_id=_one_id(for_space, domain.Space, "forSpace"),
        kinds=kinds,
        candidate_theme_ids=_id_set(criteria.themes, domain.Theme, "filter.themes"),
        candidate_space_ids=_id_set(criteria.spaces, domain.Space, "filter.spaces"),
        window=_window(criteria),
        include_persons=criteria.include_persons,
        other_centres_only=criteria.other_spaces_only,
        include_connected=criteria.include_connected,
        limit=first,
    )


def _one_id(value: str | None, label: type[domain.Node], argument: str) -> str | None:
    return None if value is None else node_ids_of([value], label, argument)[0]


def _id_set(values: list[strawberry.ID] | None, label: type[domain.Node], argument: str) -> frozenset[str] | None:
    return None if values is None else frozenset(node_ids_of(values, label, argument))


def _window(criteria: PartnerFilter) -> TimeWindow:
    try:
        return TimeWindow(criteria.starts_from, criteria.starts_before)
    except ValueError as error:
        raise ApiError(f"filter: {error}") from None


async def _actor(info: Info, actor_id: str) -> Actor | None:
    model = await info.context.loaders.nodes(domain.Actor).load(actor_id)
    return None if model is None else Actor.from_model(model)


async def _with_actors(info: Info, suggestions: list[found.Suggestion]) -> list[PartnerSuggestion]:
    """The suggestions with their actors, read in one batch (one whose node vanished since is left out)."""
    models = await info.context.loaders.nodes(domain.Actor).load_many([s.actor_id for s in suggestions])
    return [
        PartnerSuggestion(
            actor=Actor.from_model(model),
            score=suggestion.score,
            reasons=list(suggestion.reasons),
            already_connected=suggestion.already_connected,
            suggestion=suggestion,
        )
        for suggestion, model in zip(suggestions, models, strict=True)
        if model is not None
    ]
