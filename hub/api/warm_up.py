"""The API's common reads, run once while the server starts, so that its first clients do not pay for them.

Measured on a freshly started Neo4j with 20,000 events, one request at a time: the first
execution of each common read took 5 to 20 times as long as the ones after it (the
event list 1.0 s, then 60 ms), because the server plans each new statement and its JIT
is cold. The first insight queries computed their results from nothing (the network
1.1 s), even with Neo4j warm, and had no earlier result to answer from meanwhile. Fifty
clients arriving at once paid all of this together, and a load test's first 15 s held
all its timeouts.

So before ``/ready`` says yes, :func:`warm_up` runs :data:`OPERATIONS` through the
schema, once per way the API shows people (public, researcher, admin: hidden,
pseudonymised, named), since each asks the store and the insights differently. The
operations are those the dashboard opens with and the shapes clients ask most: lists by
centre, a nested page, search, node lookups, and the insight overviews. Nothing is
written. A failure is logged and skipped: a cold start is slower, not broken.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from graphql import GraphQLError
from strawberry import Schema
from strawberry.relay import GlobalID

from hub.access.roles import Principal, Role
from hub.api.context import Context
from hub.api.errors import FORBIDDEN, code_of
from hub.insights.projection import Projection

log = logging.getLogger(__name__)

#: One of each person view (:class:`hub.insights.privacy.PersonView`).
ROLES = (Role.PUBLIC, Role.RESEARCHER, Role.ADMIN)

OPERATIONS: Mapping[str, str] = {
    "dashboard": """query WarmUpDashboard {
  spaces(first: 50) { edges { node { id name shortName city latitude longitude } } }
  themes(first: 100) { edges { node { id label parent { id } } } }
  crossRegional { actorCount projectCount actors(first: 20) { name events } }
  collaboration { label weight sharedActors sharedProjects sharedEvents }
}""",
    "lists": """query WarmUpLists($space: ID!) {
  events(first: 20, filter: {spaces: [$space]}, orderBy: {field: START}) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id title start localStart status url space { id name } themes { id label } } } }
  actors(first: 20, filter: {spaces: [$space]}, orderBy: {field: NAME}) { totalCount edges { node { id name kind } } }
  projects(first: 20) { totalCount edges { node { id name events(first: 3) { totalCount } } } }
}""",
    "nested": """query WarmUpNested {
  events(first: 10) { edges { node { id title
    participants { role actor { id name events(first: 3) { edges { node { id title } } } } }
    themes { id label } space { id name } } } }
}""",
    "lookups": """query WarmUpLookups($actor: ID!, $event: ID!) {
  search(text: "digital", first: 10) { score node { __typename ... on Actor { id } ... on Event { id } } }
  actor: node(id: $actor) { ... on Actor { id name kind aliases homeSpace { id } spaces { id } projects { id }
    events(first: 5) { totalCount edges { node { id title } } } } }
  event: node(id: $event) { ... on Event { id title localStart themes { label } participants { role actor { name } } } }
}""",
    "insights": """query WarmUpInsights($space: ID!, $actor: ID!) {
  spaceProfile(space: $space) { events actors topThemes { events } topPartners { events } }
  activity(granularity: QUARTER) { periods spaceTotals { period events actors newActors } }
  trends(granularity: MONTH, by: THEME) { key period value change }
  partners(actor: $actor, first: 5) { score actor { id } }
  network(first: 20) { summary { nodes edges communities } nodes { name degree } }
}""",
}


def variables_for(projection: Projection) -> dict[str, str] | None:
    """Ids the operations ask about: the first centre, organisation (every role sees it) and event.

    ``None`` when the graph has none of one of them (nothing worth warming).
    """
    organisations = [actor_id for actor_id, actor in projection.actors.items() if not actor.is_person]
    if not (projection.spaces and organisations and projection.events):
        return None
    return {
        "space": str(GlobalID("Space", min(projection.spaces))),
        "actor": str(GlobalID("Actor", min(organisations))),
        "event": str(GlobalID("Event", min(projection.events))),
    }


async def warm_up(schema: Schema, context_for: Callable[[Principal], Context], projection: Projection) -> None:
    """Run the operations (:func:`failures`) for ``projection``'s ids, and log what failed."""
    variables = variables_for(projection)
    if variables is None:
        return
    began = time.perf_counter()
    failed = await failures(schema, context_for, variables)
    if failed:
        log.warning("warm-up: %d of its reads failed, e.g. %s", len(failed), failed[0])
    log.info("warm-up: the common reads ran in %.1f s", time.perf_counter() - began)


async def failures(
    schema: Schema, context_for: Callable[[Principal], Context], variables: Mapping[str, str]
) -> list[str]:
    """Every operation run as every role in :data:`ROLES`: one line for each that failed or answered nothing.

    Errors a role may get by design (FORBIDDEN) are not failures.
    """
    found: list[str] = []
    for role in ROLES:
        for name, document in OPERATIONS.items():
            used = {key: value for key, value in variables.items() if f"${key}" in document}
            result = await schema.execute(document, variable_values=used, context_value=context_for(Principal(role)))
            unexpected = [error.message for error in result.errors or [] if _unexpected(error)]
            if unexpected or not result.data:
                found.append(f"{role.value} {name}: {'; '.join(unexpected) or 'no data'}")
    return found


def _unexpected(error: GraphQLError) -> bool:
    return code_of(error) != FORBIDDEN
