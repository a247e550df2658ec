"""What every resolver gets in ``info.context``: the store and insights as the caller may see them, the loaders.

``store`` and ``insights`` are already restricted to the request's principal
(:mod:`hub.access.store`, :mod:`hub.insights.privacy`): a resolver reads through them
and cannot forget a role's rules.  Changes go through :attr:`Context.curator`, which
checks the principal's rights itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from hub.access.pseudonyms import Pseudonymiser
from hub.access.roles import Principal
from hub.access.store import AccessControlledStore
from hub.api.loaders import Loaders
from hub.config import Settings
from hub.curation import Curator
from hub.insights.engine import Insights, InsightsView
from hub.store.port import GraphStore


@dataclass
class Context:
    graph: GraphStore  # the whole store: only for the curator
    settings: Settings
    principal: Principal
    pseudonymise: Pseudonymiser
    all_insights: Insights  # shared by all requests: caches results per graph version
    store: AccessControlledStore = field(init=False)
    insights: InsightsView = field(init=False)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.store = AccessControlledStore(self.graph, self.principal, self.pseudonymise)
        self.insights = self.all_insights.view(self.principal.person_view)
        # One set of loaders per request: batching across resolvers, no caching across requests.
        self.loaders = Loaders(self.store)  # type: ignore[arg-type]

    @property
    def curator(self) -> Curator:
        return Curator(self.graph, self.principal)


Info = strawberry.Info[Context, None]
