"""The parts of the import that exist for speed (issue #3) do not change what is imported.

* Documents are parsed, and their new items extracted, in worker processes when they are
  large (``importers.sync.read_document``); a sync through workers writes the same graph
  as one through threads.
* LadybugDB reads batch writes from Parquet files; when that fails, the batch is written
  again with its rows as parameters, and nothing is lost.
* ``hub.text.fold`` takes a faster route to the same keys.
"""

from __future__ import annotations

import logging
import random
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

import hub.store.ladybug_store as ladybug_store
import importers.sync as sync_module
from hub.domain import Actor, Event, RelType
from hub.store.ladybug_store import LadybugStore
from hub.text import fold
from importers.demo_feeds import write_demo_feeds
from importers.extract import ThemeMatcher, extract
from importers.fetch import Fetcher
from importers.registry import Source, load_registry
from importers.sync import Syncer, item_hash, parse_document, read_document


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Source], datetime]:
    """Demo feeds of all six formats, with documents above and below the worker-process threshold."""
    folder = tmp_path_factory.mktemp("demo-feeds")
    feeds = write_demo_feeds(folder, events=400)
    return load_registry(feeds.write_registry(folder / "sources.yaml")), feeds.generated_at.astimezone(UTC)


def _content(source: Source) -> bytes:
    return Path(source.urls[0].removeprefix("file://")).read_bytes()


def test_read_document_extracts_new_items_and_skips_known_ones(demo: tuple[list[Source], datetime]) -> None:
    sources, now = demo
    source = next(s for s in sources if s.format == "atom")
    themes = ThemeMatcher.from_reference()
    parsed, extracted = read_document(source, _content(source), source.urls[0], now, frozenset(), themes)
    assert parsed == parse_document(source, _content(source), source.urls[0], now)
    assert set(extracted) == {item.source_id for item in parsed.events}
    for item in parsed.events:
        assert extracted[item.source_id].event is item
        assert extracted[item.source_id] == extract(item, themes)

    known = frozenset(item_hash(item) for item in parsed.events[::2])
    _, some = read_document(source, _content(source), source.urls[0], now, known, themes)
    assert set(some) == {item.source_id for item in parsed.events[1::2]}


async def _sync_into(path: Path, sources: list[Source], now: datetime) -> LadybugStore:
    store = LadybugStore(path, buffer_pool_mb=256)
    await store.open()
    async with Fetcher() as fetcher:
        runs = await Syncer(store, fetcher, clock=lambda: now).sync(sources)
    assert all(run.status == "ok" for run in runs), [run.errors for run in runs]
    return store


async def _graph(store: LadybugStore) -> tuple[list[dict[str, object]], list[dict[str, object]], dict[str, list]]:
    events = await store.read_fields(Event, ["content_hash", "title", "start", "status"])
    actors = await store.read_fields(Actor, ["name", "kind", "aliases", "resolution"])
    rels = {t.value: await store.relationship_pairs(t) for t in RelType}
    return events, actors, rels


async def test_workers_and_threads_import_the_same_graph(
    demo: tuple[list[Source], datetime], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources, now = demo
    monkeypatch.setattr(sync_module, "_PROCESS_PARSE_BYTES", 1 << 40)  # every document in a thread
    threads = await _sync_into(tmp_path / "threads" / "graph.lbdb", sources, now)
    monkeypatch.setattr(sync_module, "_PROCESS_PARSE_BYTES", 0)  # every document in a worker process
    workers = await _sync_into(tmp_path / "workers" / "graph.lbdb", sources, now)
    try:
        assert await _graph(workers) == await _graph(threads)
    finally:
        await threads.close()
        await workers.close()


async def test_a_batch_that_cannot_be_read_from_its_file_is_written_as_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise OSError("disk full")

    store = LadybugStore(tmp_path / "graph.lbdb", buffer_pool_mb=64)
    await store.open()
    try:
        await store.upsert_nodes([Actor(id="kept", name="Kept", aliases=["K"])])
        monkeypatch.setattr(ladybug_store, "_write_parquet", broken)
        with caplog.at_level(logging.WARNING, logger="hub.store.ladybug_store"):
            result = await store.upsert_nodes([Actor(id="kept", name="Kept"), Actor(id="new", name="New", source="f")])
        assert (result.created, result.updated) == (1, 1)
        assert "writing it as parameters" in caplog.text
        stored = await store.get_nodes(Actor, ["kept", "new"])
        assert stored["new"].sources == ["f"] and stored["kept"].name == "Kept"
        monkeypatch.undo()
        again = await store.upsert_nodes([Actor(id="later", name="Later")])  # files again
        assert again.created == 1
    finally:
        await store.close()


def _fold_by_definition(text: str) -> str:
    """fold as its docstring defines it, character by character."""
    lowered = unicodedata.normalize("NFC", text).casefold()
    transcriptions = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss", "ø": "oe", "æ": "ae", "œ": "oe"}
    transcriptions |= {"ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
    lowered = "".join(transcriptions.get(ch, ch) for ch in lowered)
    decomposed = unicodedata.normalize("NFKD", lowered)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isascii() and (ch.isdigit() or ch.islower()) else " " for ch in kept).split())


def test_fold_gives_the_keys_its_definition_gives() -> None:
    rnd = random.Random(3)
    alphabet = "aAäÄöÖüÜßẞøØæÆœŒłŁđĐðÐþÞıİéèçñ–—“”€ ǅﬁ\u0301\u0308-_.,;:!?09" + "".join(map(chr, range(0x370, 0x400)))
    texts = ["Universität Rostock", "Søren Łódź", "Café – „Digital“", "ǅemal ﬁsch", "e\u0301t\u0308"]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 40))) for _ in range(3000)]
    texts += ["".join(chr(rnd.randrange(0x20, 0x3000)) for _ in range(30)) for _ in range(3000)]
    for text in texts:
        assert fold.__wrapped__(text) == _fold_by_definition(text), text
