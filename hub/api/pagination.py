"""Relay cursor connections over offset pages (the store port paginates by offset)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry
from strawberry import relay
from strawberry.types.nodes import SelectedField, Selection

from hub.api.errors import ApiError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_CURSOR_PREFIX = "offset:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; a cursor we did not hand out is the client's error."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(text)
        offset = int(text.removeprefix(_CURSOR_PREFIX))
    except (ValueError, binascii.Error, UnicodeError):
        raise ApiError(f"{cursor!r} is not a valid cursor; pass an endCursor or edge cursor from this API") from None
    if offset < 0:
        raise ApiError(f"{cursor!r} is not a valid cursor")
    return offset


@dataclass(frozen=True)
class Window:
    """Which slice of a list a connection field asks for."""

    offset: int
    limit: int


def window(first: int, after: str | None) -> Window:
    """Checks ``first``/``after``; a page may not exceed MAX_PAGE_SIZE items."""
    if first < 0:
        raise ApiError(f"first must not be negative (got {first})")
    if first > MAX_PAGE_SIZE:
        raise ApiError(f"first must be at most {MAX_PAGE_SIZE} (got {first}); page through larger lists with after")
    # A cursor names the last item seen, so the page starts after it.
    offset = 0 if after is None else decode_cursor(after) + 1
    return Window(offset=offset, limit=first)


@strawberry.type(description="An item of a connection, with the cursor to continue after it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="One page of a list, with the total count of the whole list.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: relay.PageInfo
    total: strawberry.Private[int | None]

    @strawberry.field(description="How many items the whole list has, over all pages.")
    def total_count(self) -> int:
        if self.total is None:  # the resolver asked the store not to count: its check of the selection was wrong
            raise RuntimeError("this connection's total was not counted")
        return self.total


def connection(items: Sequence[T], total: int | None, offset: int, has_next: bool | None = None) -> Connection[T]:
    """A connection for ``items``, the page of a list starting at ``offset``.

    ``total`` is the whole list's length; without it (it was not selected, so not counted) the caller
    says whether another page follows.
    """
    edges = [Edge(cursor=encode_cursor(offset + index), node=item) for index, item in enumerate(items)]
    if has_next is None:
        if total is None:
            raise ValueError("a connection needs its total or whether another page follows")
        has_next = offset + len(items) < total
    page_info = relay.PageInfo(
        has_next_page=has_next,
        has_previous_page=offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=page_info, total=total)


def selects(selections: Iterable[Selection], field_name: str) -> bool:
    """Whether these selections ask for the field ``field_name`` (its GraphQL name), directly or in fragments.

    A field under ``@skip``/``@include`` counts as asked for: reading it once too often is only slower.
    """
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == field_name:
                return True
        elif selects(selection.selections, field_name):
            return True
    return False
