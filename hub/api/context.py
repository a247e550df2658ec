"""What every resolver gets in ``info.context``: the store, the insights, this request's loaders, the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from hub.api.loaders import Loaders
from hub.config import Settings
from hub.insights.engine import Insights
from hub.store.port import GraphStore


@dataclass
class Context:
    store: GraphStore
    settings: Settings
    insights: Insights  # shared by all requests: caches results per graph version
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # One set of loaders per request: batching across resolvers, no caching across requests.
        self.loaders = Loaders(self.store)


Info = strawberry.Info[Context, None]
