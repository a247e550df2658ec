"""HTML fragments from feeds turned into plain text, with paragraphs and line breaks kept.

Feeds put HTML into descriptions (TEC ``description``, RSS CDATA, JSON-LD ``description``).
The hub stores plain text, so we strip the tags but keep the structure a reader sees:
paragraphs stay separated by a blank line, ``<br>`` and list items by a line break.
The stdlib parser is enough here: it tolerates broken markup, never fetches anything
and resolves entities itself (``convert_charrefs``).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hub.domain import MAX_DESCRIPTION_CHARS

#: Elements that end a paragraph: a blank line before and after them.
_PARAGRAPHS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table", "ul", "ol", "dl", "hr"}
    | {"figure", *(f"h{level}" for level in range(1, 7))}
)
#: Elements that start a new line but not a new paragraph.
_LINES = frozenset({"li", "tr", "dt", "dd", "figcaption"})
#: Elements whose content is never text for a reader.
_SKIPPED = frozenset({"script", "style", "template", "noscript", "head", "title"})

# Sentinels for breaks: private-use characters, because they are not whitespace (so they
# survive collapsing) and feed text does not contain them. (ASCII separators like \x1e count
# as whitespace for ``\s``.)
_LINE = "\ue000"
_PARAGRAPH = "\ue001"
_BR = "\ue002"  # not merged with its neighbours: <br><br> is how editors write a blank line
_BREAKS = re.compile(f"[{_LINE}{_PARAGRAPH}][{_LINE}{_PARAGRAPH}\\s]*")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<!--")
_SPACES = re.compile(r"[^\S\n]+")  # whitespace except newline (includes nbsp)


class _TextCollector(HTMLParser):
    """Collects character data, marking line and paragraph boundaries with sentinels."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._closing = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)
        if tag in _SKIPPED:
            self._skipping += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)  # <br/>, <hr/>: no content, no end tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1
        self._closing = True  # a stray </br> is not a second line break
        self._boundary(tag)
        self._closing = False

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)

    def _boundary(self, tag: str) -> None:
        if tag in _PARAGRAPHS:
            self.parts.append(_PARAGRAPH)
        elif tag in _LINES:
            self.parts.append(_LINE)
        elif tag == "br" and not self._closing:
            self.parts.append(_BR)


def html_to_text(html_text: str) -> str:
    """Plain text of an HTML fragment: tags gone, entities resolved, whitespace tidied.

    Paragraphs are separated by one blank line, ``<br>``/``<li>`` by a newline, runs of
    spaces collapse to one. Text without any tag is treated as plain text, so its own
    newlines are kept (JSON-LD descriptions are often plain text with line breaks).
    """
    if not html_text:
        return ""
    if not _TAG.search(html_text):
        return _tidy(html.unescape(html_text))
    collector = _TextCollector()
    collector.feed(html_text)
    collector.close()
    # In HTML a source newline is just whitespace; only the sentinels mark breaks.
    flat = re.sub(r"\s+", " ", "".join(collector.parts))
    return _tidy(_BREAKS.sub(_break_for, flat).replace(_BR, "\n"))


def _break_for(run: re.Match[str]) -> str:
    """One break for a run of boundaries: ``</li><li>`` is one line break, not two."""
    return "\n\n" if _PARAGRAPH in run.group() else "\n"


def _tidy(text: str) -> str:
    """Collapse spaces within lines, strip every line, keep at most one blank line."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut to at most ``limit`` characters (ending in "…" when cut), and whether it was cut."""
    if len(text) <= limit:
        return text, False
    return text[: limit - 1].rstrip() + "…", True


def limit_description(text: str, item: str) -> tuple[str, str | None]:
    """A description cut to the hub's limit, and the warning to report when it was cut."""
    kept, cut = truncate(text, MAX_DESCRIPTION_CHARS)
    if not cut:
        return kept, None
    return kept, f"item {item}: description of {len(text):,} characters truncated to {MAX_DESCRIPTION_CHARS:,}"
