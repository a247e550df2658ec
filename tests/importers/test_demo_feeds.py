"""The demo feed generator: its files parse with the project's own parsers, and say what they should.

A small set (480 events: two TEC pages, three JSON-LD pages) is generated once per module and
read back with the real parsers: counts, statuses, attendance and all-day flags per centre must
match what the generator reports, with no errors and no warnings. Further tests check each format's quirks in the raw
bytes, determinism, the cross-centre spellings and that only example domains are used.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname
from zoneinfo import ZoneInfo

import pytest
import yaml

from hub.domain import Attendance, EventStatus
from hub.text import fold
from importers.demo_feeds import FORMATS, SCHEDULE, THEME_WORDS, DemoFeeds, default_start, write_demo_feeds
from importers.parsers.feeds import parse_rss_atom
from importers.parsers.ical import parse_ical
from importers.parsers.jsonld import parse_jsonld_html
from importers.parsers.tec_json import parse_tec_json
from importers.records import ParsedEvent, ParseResult

ROOT = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
START = date(2025, 9, 1)
SMALL = 480
FORMAT_OF = {
    "makerport-stralsund": "ical",
    "innovationport-wismar": "rss",
    "diz-neubrandenburg": "tec_json",
    "diz-rostock": "jsonld_html",
    "diz-greifswald": "atom",
    "diz-schwerin": "ical",
}
# Hosts that belong to the formats themselves, not to the synthetic content.
FORMAT_HOSTS = {
    "schema.org",
    "purl.org",
    "www.w3.org",
    "wordpress.org",
    "gohugo.io",
    "group.calendar.google.com",
    "google.com",  # Google Calendar UIDs
    "meet.google.com",
    "support.google.com",
}


def file_path(uri: str) -> Path:
    assert uri.startswith("file://"), uri
    return Path(url2pathname(urlparse(uri).path))


def parse_source(entry: dict, feeds: DemoFeeds) -> list[ParseResult]:
    """Every document of one registry entry, parsed; TEC pages followed through next_url."""
    source = entry["id"]
    match entry["format"]:
        case "ical":
            return [parse_ical(file_path(u).read_bytes(), source=source, now=feeds.generated_at) for u in entry["urls"]]
        case "rss" | "atom":
            return [parse_rss_atom(file_path(u).read_bytes(), source=source) for u in entry["urls"]]
        case "tec_json":
            results, url = [], entry["urls"][0]
            while url:
                results.append(parse_tec_json(file_path(url).read_bytes(), source=source))
                url = results[-1].next_url
                assert len(results) < 1000, "next_url loops"
            return results
        case "jsonld_html":
            return [parse_jsonld_html(file_path(u).read_bytes(), source=source) for u in entry["urls"]]
    raise AssertionError(entry["format"])


def events_of(results: list[ParseResult]) -> dict[str, ParsedEvent]:
    """Events by source id; a page repeating an event (JSON-LD detail page) counts once."""
    return {event.source_id: event for result in results for event in result.events}


def text_of(event: ParsedEvent) -> str:
    parts = [event.title, event.description, event.location_name, *event.categories, *event.keywords]
    parts += [*event.theme_hints, *event.project_hints, *(actor.name for actor in event.actors)]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> DemoFeeds:
    return write_demo_feeds(tmp_path_factory.mktemp("demo") / "feeds", events=SMALL, seed=7, start=START)


@pytest.fixture(scope="module")
def parsed(feeds: DemoFeeds) -> dict[str, list[ParseResult]]:
    return {entry["id"]: parse_source(entry, feeds) for entry in feeds.registry}


# --- registry -----------------------------------------------------------------------------------


def test_registry_has_one_source_per_centre_in_its_format(feeds: DemoFeeds) -> None:
    spaces = [space["id"] for space in yaml.safe_load((ROOT / "schema" / "spaces.yaml").read_text())]
    assert [entry["id"] for entry in feeds.registry] == spaces
    for entry in feeds.registry:
        assert list(entry) == ["id", "space", "format", "urls", "schedule"]
        assert entry["space"] == entry["id"]
        assert entry["format"] == FORMAT_OF[entry["id"]] and entry["format"] in FORMATS
        assert entry["schedule"] == SCHEDULE == "PT1H"
        assert entry["urls"] and all(file_path(u).is_file() for u in entry["urls"])
        assert entry["urls"] == feeds.urls[entry["id"]]
        assert {file_path(u) for u in entry["urls"]} <= {p.resolve() for p in feeds.files[entry["id"]]}
    by_id = {entry["id"]: entry for entry in feeds.registry}
    assert len(by_id["diz-neubrandenburg"]["urls"]) == 1 < len(feeds.files["diz-neubrandenburg"])
    assert len(by_id["diz-rostock"]["urls"]) >= 3


def test_write_registry_dumps_yaml(feeds: DemoFeeds, tmp_path: Path) -> None:
    path = feeds.write_registry(tmp_path / "conf" / "sources.yaml")
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert loaded == feeds.registry
    assert all(set(entry) == {"id", "space", "format", "urls", "schedule"} for entry in loaded)


def test_default_start_is_three_months_before_this_month() -> None:
    assert default_start(date(2026, 2, 17)) == date(2025, 11, 1)
    assert default_start(date(2025, 12, 1)) == date(2025, 9, 1)
    assert default_start().day == 1


# --- parsing back -------------------------------------------------------------------------------


@pytest.mark.parametrize("source", list(FORMAT_OF))
def test_each_feed_parses_cleanly_with_the_expected_count(
    source: str, feeds: DemoFeeds, parsed: dict[str, list[ParseResult]]
) -> None:
    results = parsed[source]
    assert [r.fatal for r in results if r.fatal] == []
    assert [str(e) for r in results for e in r.errors] == []
    assert [w for r in results for w in r.warnings] == []
    assert all(r.complete for r in results)
    assert len(events_of(results)) == feeds.counts[source]


def test_counts_add_up_to_the_requested_total(feeds: DemoFeeds) -> None:
    assert feeds.total == SMALL
    # Weighted by centre: Rostock is the busiest, Wismar and Neubrandenburg the quietest.
    assert max(feeds.counts, key=feeds.counts.__getitem__) == "diz-rostock"


@pytest.mark.parametrize("source", list(FORMAT_OF))
def test_status_attendance_and_all_day_survive_parsing(
    source: str, feeds: DemoFeeds, parsed: dict[str, list[ParseResult]]
) -> None:
    events = events_of(parsed[source]).values()
    expected = feeds.stats[source]
    assert sum(e.status is EventStatus.CANCELLED for e in events) == expected["cancelled"]
    assert sum(e.attendance is Attendance.ONLINE for e in events) == expected["online"]
    assert sum(e.attendance is Attendance.MIXED for e in events) == expected["mixed"]
    assert sum(e.all_day for e in events) == expected["all_day"]


def test_every_kind_of_event_occurs(feeds: DemoFeeds, parsed: dict[str, list[ParseResult]]) -> None:
    events = [e for results in parsed.values() for e in events_of(results).values()]
    statuses = Counter(e.status for e in events)
    assert statuses[EventStatus.CANCELLED] > 0 and statuses[EventStatus.CHANGED] > 0
    assert sum(e.attendance is Attendance.ONLINE for e in events) > 0
    assert sum(e.all_day for e in events) > 0
    assert any(e.end and e.end.date() > e.start.astimezone(BERLIN).date() and not e.all_day for e in events)
    assert any(e.previous_start for e in events)  # JSON-LD EventRescheduled


def test_events_spread_over_the_months_at_berlin_hours(feeds: DemoFeeds, parsed: dict[str, list[ParseResult]]) -> None:
    events = [e for results in parsed.values() for e in events_of(results).values()]
    months = Counter((e.start.astimezone(BERLIN).year, e.start.astimezone(BERLIN).month) for e in events)
    expected = {((START.month - 1 + i) // 12 + START.year, (START.month - 1 + i) % 12 + 1) for i in range(15)}
    assert set(months) == expected  # every month has events, none fall outside
    for event in events:
        local = event.start.astimezone(BERLIN)
        assert feeds.start <= local.date() < feeds.end
        if event.all_day:
            assert local.hour == 0
        else:
            assert 8 <= local.hour <= 19, (event.source_id, local)
            assert event.end is None or event.end > event.start
    hours = Counter(e.start.astimezone(BERLIN).hour for e in events if not e.all_day)
    assert sum(n for h, n in hours.items() if h < 12) > 0 and sum(n for h, n in hours.items() if h >= 17) > 0
    offsets = {e.start.astimezone(BERLIN).utcoffset() for e in events if not e.all_day}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # CET and CEST


def test_series_expands_weekly_without_its_exdate(parsed: dict[str, list[ParseResult]]) -> None:
    series = [e for e in events_of(parsed["makerport-stralsund"]).values() if e.title == "Offene Werkstatt"]
    assert len(series) > 10
    starts = sorted(e.start.astimezone(BERLIN) for e in series)
    assert {s.weekday() for s in starts} == {3} and {s.hour for s in starts} == {16}  # Thursdays 16 Uhr, CET and CEST
    gaps = Counter((b - a).days for a, b in pairwise(starts))
    assert gaps == Counter({7: len(starts) - 2, 14: 1})  # one week left out
    assert all("#" in e.source_id for e in series)


# --- themes ---------------------------------------------------------------------------------


def test_theme_words_are_labels_or_synonyms_of_their_theme() -> None:
    themes = {t["id"]: t for t in yaml.safe_load((ROOT / "schema" / "themes.yaml").read_text(encoding="utf-8"))}
    for theme_id, words in THEME_WORDS.items():
        known = {fold(themes[theme_id]["label_de"]), fold(themes[theme_id]["label_en"])}
        known |= {fold(s) for s in themes[theme_id]["synonyms"]}
        assert {fold(w) for w in words} <= known, theme_id


def test_feeds_mark_themes_where_their_format_can(parsed: dict[str, list[ParseResult]]) -> None:
    words = {fold(w) for ws in THEME_WORDS.values() for w in ws}
    for source, results in parsed.items():
        events = list(events_of(results).values())
        tagged = [e for e in events if {fold(x) for x in [*e.categories, *e.keywords, *e.theme_hints]} & words]
        if source == "diz-schwerin":  # Google Calendar has no categories: themes only in the text
            assert not tagged and all(not e.categories for e in events)
        else:
            assert len(tagged) >= 0.95 * len(events), source
    atom = list(events_of(parsed["diz-greifswald"]).values())
    assert all(e.theme_hints for e in atom) and any(e.project_hints for e in atom)


# --- raw format quirks ----------------------------------------------------------------------


def raw(feeds: DemoFeeds, source: str, index: int = 0) -> bytes:
    return feeds.files[source][index].read_bytes()


def unfold(ical: str) -> str:
    """Content lines joined again, with LF endings so that ``re.M``'s ``$`` works."""
    return ical.replace("\r\n ", "").replace("\r\n", "\n")


def test_tec_ical_quirks(feeds: DemoFeeds) -> None:
    data = raw(feeds, "makerport-stralsund")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    assert any(line.startswith(b" ") for line in data.split(b"\r\n"))  # folded lines
    text = data.decode("utf-8")
    for needle in ("BEGIN:VTIMEZONE", "DTSTART;TZID=Europe/Berlin:", "EXDATE;TZID=Europe/Berlin:", "\\,", "\\;"):
        assert needle in text, needle
    unfolded = unfold(text)
    assert re.search(r"^RRULE:FREQ=WEEKLY;BYDAY=TH;UNTIL=\d{8}T\d{6}Z$", unfolded, re.M)
    assert re.search(r'^ORGANIZER;CN="[^"]+":MAILTO:\S+@\S+\.example$', unfolded, re.M)
    assert re.search(r"^CATEGORIES:[^,\r\n]+,[^\r\n]+$", unfolded, re.M)
    assert re.search(r"^GEO:\d+\.\d+;\d+\.\d+$", unfolded, re.M)
    assert re.search(r"^UID:\d+-\d+-\d+@www\.makerport-stralsund\.example$", unfolded, re.M)
    assert "DTSTART;VALUE=DATE:" in unfolded and "STATUS:CANCELLED" in unfolded and "\\n\\n" in unfolded


def test_google_ical_quirks(feeds: DemoFeeds) -> None:
    text = unfold(raw(feeds, "diz-schwerin").decode("utf-8"))
    assert "X-WR-TIMEZONE:Europe/Berlin" in text and "CATEGORIES" not in text
    starts = re.findall(r"^DTSTART(?:;VALUE=DATE)?:(\d{8}(?:T\d{6}Z)?)$", text, re.M)
    assert starts and all(s.endswith("Z") or len(s) == 8 for s in starts)
    assert starts != sorted(starts)  # Google exports unsorted
    assert re.search(r"^ATTENDEE;CUTYPE=INDIVIDUAL;.*CN=[^;:]+;.*:mailto:", text, re.M)
    assert re.search(r"^ATTENDEE;CUTYPE=GROUP;", text, re.M)
    assert re.search(r"^SEQUENCE:[1-3]$", text, re.M) and "X-GOOGLE-CONFERENCE:" in text


def test_rss_quirks(feeds: DemoFeeds) -> None:
    text = raw(feeds, "innovationport-wismar").decode("utf-8")
    items = text.count("<item>")
    with_ev = text.count("<ev:startdate>")
    assert 0.1 <= (items - with_ev) / items <= 0.35  # about a fifth: the date only in German prose
    assert re.search(r"<ev:organizer>[^<;]+; [^<]+</ev:organizer>", text)
    assert re.search(r"<ev:startdate>\d{4}-\d{2}-\d{2}</ev:startdate>", text)  # all-day
    assert re.search(r"am \d{1,2}\. (?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November"
                     r"|Dezember) \d{4} um \d{2}:\d{2} Uhr", text)  # fmt: skip
    assert '<guid isPermaLink="false">' in text and "<![CDATA[<p>" in text


def test_tec_json_quirks(feeds: DemoFeeds) -> None:
    pages = feeds.files["diz-neubrandenburg"]
    text = b"".join(p.read_bytes() for p in pages).decode("ascii")  # PHP writes ASCII only
    assert "\\/" in text and "\\u00" in text and '"venue":[]' in text and '"timezone":"Europe\\/Berlin"' in text
    assert "&#8211;" in text and '"event_status":"canceled"' in text and '"all_day":true' in text
    assert re.search(r'"email":"[^"]*&#x?[0-9a-f]+;', text)  # antispambot()
    uris = [p.resolve().as_uri() for p in pages]
    for number, page in enumerate(pages):
        document = json.loads(page.read_bytes())
        assert document["rest_url"] == uris[number]
        assert document.get("next_rest_url") == (uris[number + 1] if number + 1 < len(pages) else None)
        assert document["total"] == feeds.counts["diz-neubrandenburg"] and document["total_pages"] == len(pages)
        assert len(document["events"]) <= 50


def test_jsonld_pages_quirks(feeds: DemoFeeds, parsed: dict[str, list[ParseResult]]) -> None:
    pages = {p.name: p.read_text(encoding="utf-8") for p in feeds.files["diz-rostock"]}
    assert '"@graph"' in pages["veranstaltungen.html"] and '"BreadcrumbList"' in pages["veranstaltungen.html"]
    assert '"ItemList"' in pages["veranstaltungen-seite-2.html"]
    detail = [name for name in pages if name.startswith("veranstaltung-")]
    assert len(detail) == 1
    ids = [e.source_id for r in parsed["diz-rostock"] for e in r.events]
    assert len(ids) == feeds.counts["diz-rostock"] + 1  # the detail page repeats one listed event
    text = "".join(pages.values())
    for needle in ("VirtualLocation", "EventCancelled", "previousStartDate", '"performer"', '"sponsor"', '"offers"'):
        assert needle in text, needle
    assert max(r.events.__len__() for r in parsed["diz-rostock"]) <= 50


def test_atom_quirks(feeds: DemoFeeds) -> None:
    text = raw(feeds, "diz-greifswald").decode("utf-8")
    assert '<content type="html">' in text and "/themen/" in text and "/projekte/" in text
    styles = {
        "emoji": "📅 ",
        "wann-wo": "&lt;strong&gt;Wann:&lt;/strong&gt;",
        "wann": "&lt;p&gt;Wann: ",
        "sentence": "Wir treffen uns am ",
        "numeric": "Termin: am ",
    }
    assert {name for name, needle in styles.items() if needle in text} == set(styles)
    assert "<ev:" not in text and "<summary>" in text


# --- people, organisations and projects across centres -----------------------------------------


def test_cross_centre_spellings_are_in_the_feeds(feeds: DemoFeeds, parsed: dict[str, list[ParseResult]]) -> None:
    texts = {s: "\n".join(text_of(e) for e in events_of(r).values()) for s, r in parsed.items()}
    differing = {name: sp for name, sp in feeds.aliases.items() if len(set(sp.values())) > 1}
    assert len(differing) >= 20
    for spellings in differing.values():
        for centre, spelling in spellings.items():
            assert spelling in texts[centre], (centre, spelling)
    # The kinds of difference the resolver has to see through:
    assert feeds.aliases["Universität Rostock"]["innovationport-wismar"] == "Uni Rostock"
    assert feeds.aliases["Hochschule Wismar"]["diz-rostock"] == "HS Wismar"
    assert feeds.aliases["Sonnenwerk Nord GmbH"]["diz-greifswald"] == "Sonnenwerk Nord"  # legal form
    assert feeds.aliases["Küstenstrom GmbH"]["diz-greifswald"] == "Kuestenstrom GmbH"  # umlaut
    assert feeds.aliases["Boddenblick Software GmbH"]["diz-rostock"] == "boddenblick software"  # case
    assert any(fold(a) == fold(b) and a != b for sp in differing.values() for a in sp.values() for b in sp.values())
    people = [sp for sp in differing.values() if any(re.fullmatch(r"(?:\w+\. )*[A-Z]\. \S+", s) for s in sp.values())]
    assert people  # "F. Lüdemann" next to "Dr. Friederike Lüdemann"


def test_lookalikes_and_projects_appear(feeds: DemoFeeds, parsed: dict[str, list[ParseResult]]) -> None:
    texts = "\n".join(text_of(e) for r in parsed.values() for e in events_of(r).values())
    assert ("Stadtwerke Rostock AG", "Stadtwerke Greifswald GmbH") in feeds.lookalikes
    assert len(feeds.lookalikes) >= 5
    for first, second in feeds.lookalikes:
        assert first in texts and second in texts
    kompass = feeds.projects["KI-Kompass MV"]
    assert len(set(kompass.values())) >= 3
    for centre, spelling in kompass.items():
        centre_text = "\n".join(text_of(e) for e in events_of(parsed[centre]).values())
        assert spelling in centre_text, (centre, spelling)
    assert "Ostsee-Shuttle" in feeds.projects


def test_only_example_domains_besides_format_artefacts(feeds: DemoFeeds) -> None:
    hosts: Counter[str] = Counter()
    for paths in feeds.files.values():
        for path in paths:
            text = unfold(path.read_bytes().decode("utf-8")).replace("\\/", "/")
            hosts.update(re.findall(r"https?://([\w.-]+)", text))
            hosts.update(re.findall(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", text))
    foreign = {h for h in hosts if not h.endswith(".example") and h not in FORMAT_HOSTS}
    assert foreign == set()


# --- determinism and size ---------------------------------------------------------------------


def snapshot(directory: Path) -> dict[str, bytes]:
    prefix = directory.resolve().as_uri().encode()
    return {
        str(p.relative_to(directory)): p.read_bytes().replace(prefix.replace(b"/", b"\\/"), b"").replace(prefix, b"")
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = write_demo_feeds(tmp_path / "a", events=150, seed=3, start=START)
    again = snapshot(tmp_path / "a")
    write_demo_feeds(tmp_path / "a", events=150, seed=3, start=START)
    assert snapshot(tmp_path / "a") == again  # byte for byte, in place
    second = write_demo_feeds(tmp_path / "b", events=150, seed=3, start=START)
    assert snapshot(tmp_path / "b") == again  # elsewhere: only the file:// URIs differ
    assert first.counts == second.counts and first.aliases == second.aliases
    write_demo_feeds(tmp_path / "c", events=150, seed=4, start=START)
    assert snapshot(tmp_path / "c") != again


def test_rerun_with_fewer_events_leaves_no_stale_pages(tmp_path: Path) -> None:
    write_demo_feeds(tmp_path, events=900, start=START)
    small = write_demo_feeds(tmp_path, events=60, start=START)
    assert sorted(tmp_path.glob("diz-neubrandenburg-p*.json")) == sorted(small.files["diz-neubrandenburg"])
    assert sorted((tmp_path / "diz-rostock").iterdir()) == sorted(small.files["diz-rostock"])


def test_tiny_feeds_still_parse(tmp_path: Path) -> None:
    feeds = write_demo_feeds(tmp_path, events=12, start=START, months=2)
    for entry in feeds.registry:
        results = parse_source(entry, feeds)
        assert not [r.fatal for r in results if r.fatal] and not [e for r in results for e in r.errors]
        assert len(events_of(results)) == feeds.counts[entry["id"]]
    assert feeds.total == 12


def test_generation_is_fast(tmp_path: Path) -> None:
    # 50,000 events take about 7 s on a developer machine; 5,000 keep the suite quick.
    began = time.perf_counter()
    feeds = write_demo_feeds(tmp_path, events=5_000, start=START)
    elapsed = time.perf_counter() - began
    assert feeds.total == 5_000
    assert elapsed < 20, f"5,000 events took {elapsed:.1f} s"


def test_generated_at_is_the_feeds_snapshot_moment(feeds: DemoFeeds) -> None:
    assert feeds.generated_at == datetime(2025, 12, 1, 5, 0, tzinfo=UTC)  # 06:00 in Berlin, three months in
    assert feeds.start == START and feeds.end == date(2026, 12, 1)
