"""German-aware text folding, shared by search, slugs and entity resolution.

Feeds spell the same name as "Universität Rostock", "Universitaet Rostock" and
"UNIVERSITÄT ROSTOCK"; folding maps all three onto one key.  We fold umlauts to
their two-letter transcription (ä -> ae) rather than stripping accents (ä -> a),
because the transcription is what German writers themselves use when umlauts
are unavailable.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRANSCRIPTIONS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"} | {
    # Letters Unicode does not decompose, which would otherwise vanish ("Søren" -> "s ren").
    "ø": "oe",
    "æ": "ae",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
}
_NON_WORD = re.compile(r"[^0-9a-z]+")


class _Accents(dict[int, int | None]):
    """A ``str.translate`` table that deletes combining marks, filled in as characters turn up."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_ACCENTS = _Accents()


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case, transcribe umlauts, drop remaining accents, keep [0-9a-z ] only.

    Cached: importers fold the same words and names hundreds of thousands of times. Every
    event's search text is folded once, so the uncached path matters too: ``str.replace``
    and the table above take a third of the time of ``str.translate`` with the letters
    and a test of every character.
    """
    lowered = unicodedata.normalize("NFC", text).casefold()
    for letter, transcription in _TRANSCRIPTIONS.items():
        if letter in lowered:
            lowered = lowered.replace(letter, transcription)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = decomposed if decomposed.isascii() else decomposed.translate(_ACCENTS)
    return _NON_WORD.sub(" ", ascii_only).strip()


def tokens(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return fold(text).split()


def slugify(text: str, max_length: int = 80) -> str:
    """A stable, URL-safe id fragment: ``"Universität Rostock"`` -> ``"universitaet-rostock"``."""
    slug = "-".join(tokens(text))
    return slug[:max_length].rstrip("-") or "x"
