"""Per-request DataLoaders: each level of a nested selection costs one store call per loader.

Resolvers never call the store for a single parent.  They ask a loader, which
collects every key asked for in the same tick of the event loop and reads them
in one batched port call: ``get_nodes`` by label; ``related_nodes`` by label,
relationship types, direction and the label at the other end, which brings the
related nodes with the relationships; ``neighbour_pages`` for paged relations.
Loaders live in the request context, so nothing is cached across requests.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from itertools import chain
from typing import Literal, TypeVar

from strawberry.dataloader import DataLoader

from hub.domain import Node, RelType, Theme
from hub.store.port import GraphStore, NeighbourPage, NodeQuery, Related

N = TypeVar("N", bound=Node)

PageDirection = Literal["out", "in"]
RelatedKey = tuple[type[Node], tuple[RelType, ...], PageDirection, type[Node]]
PageKey = tuple[type[Node], tuple[RelType, ...], PageDirection, int, int]
_NO_NEIGHBOURS = NeighbourPage(total=0, other_ids=[])

#: Upper bound for the taxonomy, read whole to find a theme's children (the port has no parent filter).
_MAX_THEMES = 10_000


class Loaders:
    """The loaders of one request, created lazily per label and per neighbour key."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._nodes: dict[type[Node], DataLoader[str, Node | None]] = {}
        self._related: dict[RelatedKey, DataLoader[str, list[Related[Node]]]] = {}
        self._pages: dict[PageKey, DataLoader[str, NeighbourPage]] = {}
        self._themes: asyncio.Future[list[Theme]] | None = None

    def nodes(self, label: type[N]) -> DataLoader[str, N | None]:
        if label not in self._nodes:
            self._nodes[label] = DataLoader(load_fn=self._node_batch(label))
        return self._nodes[label]  # type: ignore[return-value]

    def related(
        self, label: type[Node], rel_types: Sequence[RelType], direction: PageDirection, target: type[N]
    ) -> DataLoader[str, list[Related[N]]]:
        """Per node: the ``target`` nodes related over ``rel_types``, read with the relationships."""
        key = (label, tuple(rel_types), direction, target)
        if key not in self._related:
            self._related[key] = DataLoader(load_fn=self._related_batch(key))
        return self._related[key]  # type: ignore[return-value]

    def neighbour_pages(
        self, label: type[Node], rel_types: Sequence[RelType], direction: PageDirection, offset: int, limit: int
    ) -> DataLoader[str, NeighbourPage]:
        """Pages of related ids cut in the store, batched across the parents asking for the same page."""
        key = (label, tuple(rel_types), direction, offset, limit)
        if key not in self._pages:
            self._pages[key] = DataLoader(load_fn=self._page_batch(key))
        return self._pages[key]

    def prime(self, nodes: Iterable[Node]) -> None:
        """Remember nodes a list read already returned, so nested lookups of them cost nothing."""
        for node in nodes:
            self.nodes(type(node)).prime(node.id, node)

    async def load(self, label: type[N], ids: Sequence[str]) -> list[N]:
        """The existing nodes among ``ids``, in the order of ``ids``."""
        found = await self.nodes(label).load_many(ids)
        return [node for node in found if node is not None]

    async def all_themes(self) -> list[Theme]:
        """The whole taxonomy, read once per request however many resolvers ask at the same time."""
        if self._themes is None:
            self._themes = asyncio.ensure_future(self._read_themes())
        return await self._themes

    async def _read_themes(self) -> list[Theme]:
        page = await self.store.list_nodes(Theme, NodeQuery(limit=_MAX_THEMES))
        self.prime(page.items)
        return page.items

    def _node_batch(self, label: type[N]) -> Callable[[list[str]], Awaitable[list[N | None]]]:
        async def load(ids: list[str]) -> list[N | None]:
            found = await self.store.get_nodes(label, ids)
            return [found.get(node_id) for node_id in ids]

        return load

    def _related_batch(self, key: RelatedKey) -> Callable[[list[str]], Awaitable[list[list[Related[Node]]]]]:
        label, rel_types, direction, target = key

        async def load(ids: list[str]) -> list[list[Related[Node]]]:
            by_node: dict[str, list[Related[Node]]] = defaultdict(list)
            for related in await self.store.related_nodes(label, ids, rel_types, direction, target):
                by_node[related.of_id].append(related)
            self.prime(related.node for related in chain.from_iterable(by_node.values()))
            return [by_node.get(node_id, []) for node_id in ids]

        return load

    def _page_batch(self, key: PageKey) -> Callable[[list[str]], Awaitable[list[NeighbourPage]]]:
        label, rel_types, direction, offset, limit = key

        async def load(ids: list[str]) -> list[NeighbourPage]:
            pages = await self.store.neighbour_pages(label, ids, rel_types, direction, offset, limit)
            return [pages.get(node_id, _NO_NEIGHBOURS) for node_id in ids]

        return load
