"""Nested selections cost a bounded number of store round trips, whatever the page size.

The store is wrapped in a proxy that counts every awaited port call; the same
query over 10 and over 100 events must make the same, small number of calls.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from hub.access.roles import Role
from hub.store.port import GraphStore, NodeQuery
from tests.api.support import SEARCH_WORD, Seeded, data_of, make_client


class CountingStore:
    """Forwards to a store and counts each awaited port method call by name."""

    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner
        self.engine = inner.engine
        self.calls: Counter[str] = Counter()
        self.arguments: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute
        return self._counted(name, attribute)

    def _counted(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            self.arguments.append((name, args))
            return await method(*args, **kwargs)

        return counted


THREE_LEVELS = """
query($first: Int!) {
  events(first: $first) {
    edges { node {
      title
      participants { role actor { name events(first: 5) { totalCount edges { node { title } } } } }
      themes { label }
    } }
  }
}"""

#: One more level, and more fields per level: space, projects, theme hierarchy, actors' spaces.
#: Each relationship field costs a related_nodes call (a paged one a neighbour_pages and a get_nodes call)
#: per wave of parents that reach it in the same tick; parents served from a loader's cache arrive a
#: wave earlier than those fetched, so a field may take two batches.  Which waves merge depends on
#: timing (16 to 19 calls seen), but not on the number of items, so the test fixes a bound for the
#: shape, and the same bound for both sizes.
WIDE_AND_DEEP = """
query($first: Int!) {
  events(first: $first) {
    edges { node {
      space { name events(first: 3) { edges { node { themes { label parent { label } } } } } }
      projects { name actors(first: 3) { edges { node { name } } } }
      participants { actor { spaces { name } homeSpace { name } projects { name }
        events(first: 5) { edges { node { space { name } themes { children { label } } } } } } }
    } }
  }
}"""


async def data_and_calls(
    seeded: Seeded, query: str, variables: dict[str, Any], role: Role = Role.ADMIN
) -> tuple[dict[str, Any], Counter[str]]:
    """The data of one request and the port calls it made."""
    counting = CountingStore(seeded.store)
    async with make_client(counting, role=role) as http:  # type: ignore[arg-type]
        await data_of(http, "{ __typename }")  # checks the API key once; the server keeps it for a few seconds
        counting.calls.clear()
        counting.arguments.clear()
        data = await data_of(http, query, variables)
    return data, counting.calls


async def list_queries(seeded: Seeded, query: str) -> list[NodeQuery]:
    """The NodeQuery of each list_nodes call one request made."""
    counting = CountingStore(seeded.store)
    async with make_client(counting) as http:  # type: ignore[arg-type]
        await data_of(http, query)
    return [args[1] for name, args in counting.arguments if name == "list_nodes"]


async def count_calls(seeded: Seeded, query: str, first: int, role: Role = Role.ADMIN) -> Counter[str]:
    data, calls = await data_and_calls(seeded, query, {"first": first}, role)
    assert len(data["events"]["edges"]) == first
    return calls


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PUBLIC], ids=["admin", "public"])
@pytest.mark.parametrize(("query", "most"), [(THREE_LEVELS, 5), (WIDE_AND_DEEP, 24)], ids=["three-levels", "wide"])
async def test_store_calls_do_not_grow_with_the_page(seeded: Seeded, query: str, most: int, role: Role) -> None:
    # The public role hides people: finding out who is a person costs a bounded number of calls more.
    most += 3 if role is Role.PUBLIC else 0
    small = await count_calls(seeded, query, first=10, role=role)
    large = await count_calls(seeded, query, first=100, role=role)
    print(f"\n{seeded.engine}: 10 items {dict(small)}; 100 items {dict(large)}")
    assert sum(small.values()) <= most and sum(large.values()) <= most, (small, large)


@pytest.mark.parametrize("first", [10, 100])
async def test_three_level_query_makes_one_call_per_loader(seeded: Seeded, first: int) -> None:
    calls = await count_calls(seeded, THREE_LEVELS, first=first)
    # The page; participants with their actors; the actors' pages of events (cut in the store) and those
    # events; themes with their nodes.
    assert calls == Counter(list_nodes=1, related_nodes=2, neighbour_pages=1, get_nodes=1)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.RESEARCHER, Role.PUBLIC], ids=["admin", "researcher", "public"])
async def test_search_reads_its_hits_with_the_candidates(seeded: Seeded, role: Role) -> None:
    # Every role: leaving people out of the hits needs no read of its own either.
    query = "query($text: String!) { search(text: $text, first: 5) { score node { ... on Node { id } } } }"
    data, calls = await data_and_calls(seeded, query, {"text": SEARCH_WORD}, role)
    assert data["search"]
    assert calls == Counter(search=1)


@pytest.mark.parametrize(
    ("selection", "counted"),
    [
        ("edges { node { id } }", False),
        ("pageInfo { hasNextPage } edges { node { id } }", False),
        ("totalCount", True),
        ("... on EventConnection { totalCount }", True),
        ("...Total", True),
        ("totalCount @skip(if: true)", True),  # asked for under a directive: counted, to be safe
    ],
)
async def test_lists_count_their_total_only_when_asked(seeded: Seeded, selection: str, counted: bool) -> None:
    # Counting a whole label is a second read of every match; a page without totalCount does without it.
    fragment = "fragment Total on EventConnection { totalCount }" if "...Total" in selection else ""
    queries = await list_queries(seeded, f"{{ events(first: 5) {{ {selection} }} }} {fragment}")
    assert [query.count_total for query in queries] == [counted]


async def test_a_related_count_alone_reads_no_nodes(seeded: Seeded) -> None:
    counts = "{ actors(first: 30) { edges { node { id events(first: 2) { totalCount } } } } }"
    pages = "{ actors(first: 30) { edges { node { id events(first: 2) { totalCount edges { node { id } } } } } } }"
    counted, calls = await data_and_calls(seeded, counts, {})
    paged, paged_calls = await data_and_calls(seeded, pages, {})
    assert calls == Counter(list_nodes=1, neighbour_pages=1), "the totals only: no page of ids, no nodes"
    assert paged_calls == Counter(list_nodes=1, neighbour_pages=1, get_nodes=1)
    totals = [edge["node"]["events"]["totalCount"] for edge in counted["actors"]["edges"]]
    assert totals == [edge["node"]["events"]["totalCount"] for edge in paged["actors"]["edges"]]
    assert any(totals), "some actor takes part in events, so the totals are not all zero by accident"
