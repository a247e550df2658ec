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

_TRANSCRIPTIONS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"}
    # Letters Unicode does not decompose, which would otherwise vanish ("Søren" -> "s ren").
    | {"ø": "oe", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case, transcribe umlauts, drop remaining accents, keep [0-9a-z ] only.

    Cached: importers fold the same words and names hundreds of thousands of times.
    """
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_TRANSCRIPTIONS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_only).strip()


def tokens(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return fold(text).split()


def slugify(text: str, max_length: int = 80) -> str:
    """A stable, URL-safe id fragment: ``"Universität Rostock"`` -> ``"universitaet-rostock"``."""
    slug = "-".join(tokens(text))
    return slug[:max_length].rstrip("-") or "x"
