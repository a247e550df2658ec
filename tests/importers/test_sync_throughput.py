"""The parts of the import that exist for speed (issue #3) do not change what is imported.

* Documents are parsed, and their new items extracted, in worker processes when they are
  large (``importers.sync.read_document``); a sync through workers writes the same graph
  as one through threads.
* LadybugDB reads batch writes from Parquet files; when that fails, the batch is written
  again with its rows as parameters, and nothing is lost.
* LadybugDB updates the relationships of a batch that exist and creates the others, which
  is what the MERGE does.
* Parsing workers take the documents of the earliest unfinished source first.
* ``hub.text.fold`` and parts of extraction take faster routes to the same results.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

import hub.store.ladybug_store as ladybug_store
import importers.extract as extract_module
import importers.sync as sync_module
from hub.domain import Actor, Event, Relationship, RelType
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
    parsed, extracted, hashes = read_document(source, _content(source), source.urls[0], now, frozenset(), themes)
    assert parsed == parse_document(source, _content(source), source.urls[0], now)
    assert hashes == [item_hash(item) for item in parsed.events]
    assert set(extracted) == {item.source_id for item in parsed.events}
    for item in parsed.events:
        assert extracted[item.source_id].event is item
        assert extracted[item.source_id] == extract(item, themes)

    known = frozenset(item_hash(item) for item in parsed.events[::2])
    _, some, _ = read_document(source, _content(source), source.urls[0], now, known, themes)
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


async def test_relationships_written_from_files_are_those_the_merge_writes(tmp_path: Path) -> None:
    """LadybugDB updates the relationships that exist and creates the others; MERGE (with parameters) does both."""
    stored = []
    for name, as_parameters in (("files", False), ("parameters", True)):
        token = ladybug_store._ROWS_AS_PARAMETERS.set(as_parameters)
        store = LadybugStore(tmp_path / name / "graph.lbdb", buffer_pool_mb=64)
        await store.open()
        try:
            earlier, later = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
            await store.upsert_nodes([Actor(id="a", name="A"), Event(id="e1", title="1", start=earlier)])
            await store.upsert_nodes([Event(id=f"e{n}", title=str(n), start=earlier) for n in (2, 3)])

            def organises(event_id: str, source: str, seen: datetime, *sources: str) -> Relationship:
                return Relationship(
                    type=RelType.ORGANISES,
                    start_id="a",
                    end_id=event_id,
                    source=source,
                    sources=list(sources),
                    first_seen=seen,
                    last_seen=seen,
                )

            first = await store.upsert_relationships([organises("e1", "feed:a", earlier)])
            mixed = await store.upsert_relationships(
                [organises("e1", "feed:b", later), organises("e2", "feed:b", later)]
            )
            # A source listed twice: the MERGE keeps the repeat when it creates, and drops it when it updates.
            repeated = await store.upsert_relationships(
                [
                    organises("e1", "feed:c", later, "feed:c", "feed:c"),
                    organises("e3", "feed:c", later, "feed:c", "feed:c"),
                ]
            )
            assert (first.created, first.updated, mixed.created, mixed.updated) == (1, 0, 1, 1)
            assert (repeated.created, repeated.updated) == (1, 1)
            stored.append([rel async for batch in store.iter_relationships(RelType.ORGANISES) for rel in batch])
        finally:
            await store.close()
            ladybug_store._ROWS_AS_PARAMETERS.reset(token)
    from_files, as_parameters = stored
    assert from_files == as_parameters
    assert [(rel.end_id, rel.sources, rel.first_seen.month) for rel in from_files] == [
        ("e1", ["feed:a", "feed:b", "feed:c"], 1),
        ("e2", ["feed:b"], 2),
        ("e3", ["feed:c", "feed:c"], 2),
    ]


async def test_a_batch_of_new_relationships_is_only_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The update of existing relationships is skipped when the CREATE made every row; it runs when some existed."""
    queries: list[str] = []
    execute = LadybugStore._execute

    def recorded(self: LadybugStore, connection: object, query: str, params: object) -> object:
        queries.append(query)
        return execute(self, connection, query, params)

    monkeypatch.setattr(LadybugStore, "_execute", recorded)
    store = LadybugStore(tmp_path / "graph.lbdb", buffer_pool_mb=64)
    await store.open()
    try:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        await store.upsert_nodes(
            [Actor(id="a", name="A"), *(Event(id=f"e{n}", title="x", start=start) for n in (1, 2))]
        )
        attends = [Relationship(type=RelType.ATTENDS, start_id="a", end_id=f"e{n}", source="f") for n in (1, 2)]

        def updates() -> int:
            return sum("[x:ATTENDS]" in query and " SET " in query for query in queries)

        new = await store.upsert_relationships(attends[:1])
        assert (new.created, new.updated, updates()) == (1, 0, 0)
        mixed = await store.upsert_relationships(attends)
        assert (mixed.created, mixed.updated, updates()) == (1, 1, 1)
        assert await store.relationship_pairs(RelType.ATTENDS) == [("a", "e1"), ("a", "e2")]
    finally:
        await store.close()


async def test_parsing_workers_take_the_documents_of_the_earliest_unfinished_source_first() -> None:
    one_worker = sync_module._ParseOrder(["first", "second"], workers=1)
    started: list[str] = []

    async def parse(order: sync_module._ParseOrder, source_id: str) -> None:
        async with order.turn(source_id):
            started.append(source_id)
            await asyncio.sleep(0)

    later = asyncio.ensure_future(parse(one_worker, "second"))
    await asyncio.sleep(0.01)
    assert started == []  # "first" may still send its next page: the only worker waits for it
    await parse(one_worker, "first")
    await asyncio.sleep(0.01)
    assert started == ["first"]
    one_worker.finished("first")
    await later
    assert started == ["first", "second"]

    started.clear()
    two_workers = sync_module._ParseOrder(["first", "second"], workers=2)
    await parse(two_workers, "second")  # one worker may go ahead, the other stays free for "first"
    assert started == ["second"]


def _acronyms_one_by_one(themes: ThemeMatcher, text: str) -> set[str]:
    """The acronyms a text contains, looked for one pattern per acronym (as the matcher did before)."""
    acronyms = {term.text for term in themes._terms if term.acronym}
    return {acronym for acronym in acronyms if re.search(rf"(?<![^\W_]){re.escape(acronym)}(?![^\W_])", text)}


def test_the_shortcuts_of_extraction_find_what_the_full_patterns_find(demo: tuple[list[Source], datetime]) -> None:
    """One pattern for all acronyms, the cheap tests before costly patterns, and the bounded look back
    for an abbreviation before a full stop give what their plain forms give, on every demo text and more."""
    sources, now = demo
    themes = ThemeMatcher.from_reference()
    texts = [
        "KI/IoT-Tag: H2, ÖPNV und MINT. LLMs? Kein KIosk, kein AIDA, aber AI und IT_Sicherheit.",
        "Kontakt: info@diz.example, https://diz.example/x, www.diz.example und diz-schwerin.de/anmeldung.",
        "Treffpunkt Hauptstr. 5. Es spricht Dr. Anna Berg. Ein Donaudampfschifffahrtsgesellschaftskapitän. Danach",
        "Im Rahmen der Reihe „KI-Kompass“ zeigt das Fraunhofer IGD im Forschungsprojekt Landpuls MV, was geht.",
    ]
    for source in sources:
        parsed = parse_document(source, _content(source), source.urls[0], now)
        texts += [text for item in parsed.events for text in (item.title, item.description)]
    for text in texts:
        assert set(themes._acronym_pattern.findall(text)) == _acronyms_one_by_one(themes, text), text
        assert extract_module._without_addresses(text) == extract_module._ADDRESSES.sub(" ", text), text
        if extract_module._PROJECT_CUE.search(text):
            assert extract_module._PROJECT_CUE_HINT.search(text), text
        if extract_module._RESEARCH.search(text):
            assert any(name in text for name in extract_module._RESEARCH_NAMES), text
        if extract_module._INSTITUTION.search(text):
            assert any(hint in text for hint in extract_module._INSTITUTION_HINTS), text
        if extract_module._ORG_CUE.search(text):
            assert any(hint in text for hint in extract_module._ORG_CUE_HINTS), text
        for end in extract_module._SENTENCE_END.finditer(text):
            whole = re.search(r"(\w+)$", text[: end.start()])
            window = extract_module._LAST_WORD.search(
                text[max(0, end.start() - extract_module._LAST_WORD_WINDOW) : end.start()]
            )
            assert bool(whole) == bool(window), text
            if whole and window:
                assert (fold(whole.group(1)) in extract_module._ABBREVIATIONS or len(whole.group(1)) == 1) == (
                    fold(window.group(0)) in extract_module._ABBREVIATIONS or len(window.group(0)) == 1
                ), text


#: A text for every way of naming an institution, and for every cue before a list of partners or sponsors.
_INSTITUTIONS = [
    *("Universität Rostock", "Ernst-Moritz-Arndt-Universität Greifswald", "Hochschule Wismar", "Uni Greifswald"),
    *("Fachhochschule Stralsund", "Technische Universität Berlin", "Universitätsmedizin Greifswald", "TU Dresden"),
    *("Universitätsklinikum Rostock", "HS Wismar", "FH Stralsund", "Stadtwerke Schwerin", "den Stadtwerken Rostock"),
    *("Landkreis Rostock", "des Landkreises Rostock", "LK Vorpommern-Greifswald", "Hansestadt Stralsund"),
    *("Landeshauptstadt Schwerin", "Amt Peenetal", "Gemeinde Zingst", "Handwerkskammer Schwerin", "IHK Rostock"),
    *("HWK Schwerin", "Industrie- und Handelskammer zu Rostock", "WIS – Hochschule Wismar"),
]
_CUES = [
    *("In Zusammenarbeit mit Nordhub", "in Zusammenarbeit mit Nordhub", "In Kooperation mit Nordhub"),
    *("in Kooperation mit Nordhub", "Veranstaltet von Nordhub", "veranstaltet von Nordhub", "Partner: Nordhub"),
    *("Kooperationspartner: Nordhub", "Kooperationspartnerinnen: Nordhub", "Partnerinnen: Nordhub"),
    *("Gefördert durch Nordhub", "gefördert von Nordhub", "Mit freundlicher Unterstützung von Nordhub"),
    *("mit freundlicher Unterstützung des Landes", "Unterstützt von Nordhub", "unterstützt durch Nordhub"),
    *("Gesponsert von Nordhub", "gesponsert von Nordhub", "Sponsor: Nordhub", "Sponsoren: Nordhub"),
    "Förderer: Nordhub",
]


@pytest.mark.parametrize("text", _INSTITUTIONS)
def test_every_institution_name_has_a_hint_that_lets_the_pattern_run(text: str) -> None:
    sentence = f"Mit dabei: {text}, wie immer."
    assert extract_module._INSTITUTION.search(sentence), text
    assert any(hint in sentence for hint in extract_module._INSTITUTION_HINTS), text
    assert [span[2] for span in extract_module._organisation_spans(sentence)], text


@pytest.mark.parametrize("text", _CUES)
def test_every_partner_or_sponsor_cue_has_a_hint_that_lets_the_pattern_run(text: str) -> None:
    sentence = f"Ein Abend. {text} und Küstenstrom. Danach"
    assert extract_module._ORG_CUE.search(sentence), text
    assert any(hint in sentence for hint in extract_module._ORG_CUE_HINTS), text
    assert "Küstenstrom" in [span[2] for span in extract_module._listed_after_cue(sentence)], text
