"""Search semantics shared by both engines (no Cypher here).

A query matches a node when every query word is the start of a word of the
node's folded search text: "energ nord" matches "Energiequartier Nord", while
"quartier" does not (word starts only, as a full-text index would).
The engines only find candidates; the ranking below is the same on both, so the
hub answers identically whichever store it runs on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hub.text import fold, tokens

Row = dict[str, Any]

#: Words longer than this are cut; nobody searches with a 60-letter word.
_MAX_TERM_LENGTH = 40
_MAX_TERMS = 8


def search_terms(text: str) -> list[str]:
    """The folded, de-duplicated words of a query, bounded in number and length."""
    return list(dict.fromkeys(token[:_MAX_TERM_LENGTH] for token in tokens(text)))[:_MAX_TERMS]


def score(query: str, name: str, search_text: str) -> float:
    """Higher is better: exact name, then name prefix, then all words in the name, then elsewhere."""
    folded_query, folded_name = fold(query), fold(name)
    name_words = folded_name.split()
    terms = search_terms(query)
    if folded_name == folded_query:
        return 4.0
    if folded_name.startswith(folded_query):
        return 3.0
    if all(any(word.startswith(term) for word in name_words) for term in terms):
        return 2.0
    # Otherwise favour texts where the words appear earlier.
    position = min((search_text.find(" " + term) for term in terms if " " + term in search_text), default=0)
    return 1.0 + 1.0 / (1.0 + position / 100.0) * 0.5


def rank(query: str, rows: Iterable[Row]) -> list[tuple[float, Row]]:
    """Rows of (label, id, name, search_text, …) with their scores, best first, ties by name, then label, then id."""

    def order(hit: tuple[float, Row]) -> tuple[float, str, str, str]:
        value, row = hit
        return -value, fold(row["name"] or row["id"]), row["label"], row["id"]

    scored = [(round(score(query, row["name"] or "", row["search_text"] or ""), 6), row) for row in rows]
    return sorted(scored, key=order)
