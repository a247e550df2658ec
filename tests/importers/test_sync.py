"""The sync end to end: real feeds from a real loopback HTTP server into each engine.

The clock is fixed to the fixtures' own time (they show each centre around 1–2 Sept
2025, the MakerPort v2 snapshot one week later), so "future" and "past" mean what
the fixture authors meant.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.domain import Actor, ActorKind, Event, EventStatus, ImportRun, Relationship, RelType
from hub.store.port import GraphStore, NodeQuery
from importers.fetch import Fetcher
from importers.registry import Source
from importers.sync import Syncer
from tests.conftest import FEEDS_DIR
from tests.http_server import FeedServer

V1_TIME = datetime(2025, 9, 2, 8, 0, tzinfo=UTC)
V2_TIME = datetime(2025, 9, 9, 8, 0, tzinfo=UTC)
BAD = FEEDS_DIR / "bad"
ROSTOCK_PAGES = [
    "veranstaltungen.html",
    "veranstaltungen-seite-2.html",
    "vorschau-herbst-2026.html",
    "veranstaltung-ki-kompass-sprachmodelle.html",
    "veranstaltung-webinar-energiequartier.html",
]
#: Events per source in the good fixtures (MakerPort: 21 single events + 67 weekly occurrences).
EXPECTED_EVENTS = {
    "makerport-stralsund": 88,
    "innovationport-wismar": 20,
    "diz-neubrandenburg": 21,
    "diz-rostock": 19,
    "diz-greifswald": 18,
    "diz-schwerin": 18,
}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def fixture_sources(server: FeedServer) -> list[Source]:
    """The six centres' good fixture feeds, served over HTTP like the real sites."""

    def serve(name: str, path: Path | None = None) -> str:
        server.serve_file(f"/{name}", path or FEEDS_DIR / name)
        return server.url(f"/{name}")

    # TEC pagination: page 1's next_rest_url names the real site, so page 1 is served with
    # that one link pointing here instead (as the site itself would, on its own host).
    serve("p2.json", FEEDS_DIR / "diz-neubrandenburg-p2.json")
    real_next = rb"https:\/\/www.diz-neubrandenburg.de\/wp-json\/tribe\/events\/v1\/events\/?"
    page1 = (FEEDS_DIR / "diz-neubrandenburg-p1.json").read_bytes()
    assert real_next in page1
    here = server.url("/p2.json").replace("/", "\\/").encode() + b"?"
    server.serve_bytes("/p1.json", page1.replace(real_next, here), content_type="application/json", etag='"p1"')
    page1_url = server.url("/p1.json")
    return [
        Source(
            id="makerport-stralsund",
            space="makerport-stralsund",
            format="ical",
            urls=(serve("makerport-stralsund.ics"),),
        ),
        Source(
            id="innovationport-wismar",
            space="innovationport-wismar",
            format="rss",
            urls=(serve("innovationport-wismar.rss"),),
        ),
        Source(id="diz-neubrandenburg", space="diz-neubrandenburg", format="tec_json", urls=(page1_url,)),
        Source(
            id="diz-rostock",
            space="diz-rostock",
            format="jsonld_html",
            urls=tuple(serve(name, FEEDS_DIR / "diz-rostock" / name) for name in ROSTOCK_PAGES),
        ),
        Source(id="diz-greifswald", space="diz-greifswald", format="atom", urls=(serve("diz-greifswald.atom"),)),
        Source(id="diz-schwerin", space="diz-schwerin", format="ical", urls=(serve("diz-schwerin.ics"),)),
    ]


async def sync(store: GraphStore, sources: list[Source], at: datetime) -> dict[str, ImportRun]:
    async with Fetcher(base_delay=0.01, read_timeout=5) as fetcher:
        runs = await Syncer(store, fetcher, clock=lambda: at).sync(sources)
    return {run.source_key: run for run in runs}


async def events_of(store: GraphStore, source_id: str) -> dict[str, Event]:
    page = await store.list_nodes(Event, NodeQuery(sources=[source_id], limit=1000))
    return {event.source_id or "": event for event in page.items}


async def test_all_good_fixtures_import_and_a_second_run_changes_nothing(store: GraphStore, server: FeedServer) -> None:
    sources = fixture_sources(server)
    first = await sync(store, sources, V1_TIME)
    for source_id, expected in EXPECTED_EVENTS.items():
        run = first[source_id]
        assert (run.status, run.new, run.failed, run.errors) == ("ok", expected, 0, []), source_id
    assert (await store.counts()).nodes["Event"] == sum(EXPECTED_EVENTS.values())

    second = await sync(store, sources, V1_TIME)
    for source_id, expected in EXPECTED_EVENTS.items():
        run = second[source_id]
        assert (run.new, run.changed, run.removed, run.unchanged) == (0, 0, 0, expected), source_id
        assert run.status == "not_modified", source_id  # every document answered 304
    requests = [path for _, path, headers in server.request_log if "if-none-match" in headers]
    assert len(requests) >= 10  # the second run asked conditionally


async def test_unchanged_content_without_http_validators_is_not_rewritten(
    store: GraphStore, server: FeedServer
) -> None:
    content = (FEEDS_DIR / "diz-schwerin.ics").read_bytes()
    server.serve_bytes("/schwerin.ics", content, content_type="text/calendar")  # no ETag, no Last-Modified
    source = Source(id="diz-schwerin", space="diz-schwerin", format="ical", urls=(server.url("/schwerin.ics"),))
    await sync(store, [source], V1_TIME)
    before = await events_of(store, "diz-schwerin")
    later = datetime(2025, 9, 3, 8, 0, tzinfo=UTC)
    run = (await sync(store, [source], later))["diz-schwerin"]
    assert (run.status, run.new, run.changed, run.unchanged) == ("ok", 0, 0, 18)
    after = await events_of(store, "diz-schwerin")
    for key, event in after.items():
        assert event.last_seen == later  # touched ...
        assert event.model_copy(update={"last_seen": before[key].last_seen}) == before[key]  # ... not rewritten


async def test_makerport_v2_after_v1_reports_exactly_the_changes(store: GraphStore, server: FeedServer) -> None:
    server.serve_file("/makerport.ics", FEEDS_DIR / "makerport-stralsund.ics")
    source = Source(
        id="makerport-stralsund", space="makerport-stralsund", format="ical", urls=(server.url("/makerport.ics"),)
    )
    await sync(store, [source], V1_TIME)
    server.serve_file("/makerport.ics", FEEDS_DIR / "makerport-stralsund.v2.ics")
    run = (await sync(store, [source], V2_TIME))["makerport-stralsund"]

    def uids(prefix: str) -> list[str]:
        return sorted(line.split(": ", 1)[1].split(" ")[0] for line in run.changes if line.startswith(prefix))

    assert (run.new, run.changed, run.cancelled, run.removed) == (2, 3, 1, 1)
    events = await events_of(store, "makerport-stralsund")
    by_uid = {key.split("-")[0]: event for key, event in events.items() if "#" not in key}
    assert by_uid["10000437"].local_start().strftime("%Y-%m-%d %H:%M") == "2025-10-16 19:00"
    assert by_uid["10000437"].status is EventStatus.CHANGED
    assert by_uid["10000471"].title.startswith("Lasercutter-Führerschein")
    assert by_uid["10000450"].status is EventStatus.CANCELLED
    assert by_uid["10000453"].status is EventStatus.REMOVED and by_uid["10000453"].removed_at == V2_TIME
    assert {"10000527", "10000531"} <= set(by_uid)
    assert len(events) == 88 + 2  # nothing deleted: the removed event stays
    assert len([line for line in run.changes if line.startswith("removed: Filmabend")]) == 1


@pytest.mark.parametrize(
    ("bad_file", "feed_format", "imported", "error_fragment"),
    [
        ("empty.ics", "ical", 0, "empty response"),
        ("html-instead-of-ics.ics", "ical", 0, "not iCalendar"),
        ("truncated.ics", "ical", 71, "truncated"),
        ("missing-dtstart-and-invalid-date.ics", "ical", 2, "DTSTART"),
        ("huge-description.ics", "ical", 3, None),
        ("undefined-entity.rss", "rss", 3, "undefined entity"),
        ("billion-laughs.rss", "rss", 2, None),
        ("syntax-error.json", "tec_json", 0, "JSON syntax error at line 1, column 3575"),
        ("null-start-date.json", "tec_json", 3, "start_date is null"),
        ("invalid-jsonld.html", "jsonld_html", 1, "line 6"),
    ],
)
async def test_bad_feeds_report_clear_errors_and_keep_good_items(
    store: GraphStore, server: FeedServer, bad_file: str, feed_format: str, imported: int, error_fragment: str | None
) -> None:
    server.serve_file(f"/{bad_file}", BAD / bad_file)
    source = Source(id="bad-feed", space="diz-rostock", format=feed_format, urls=(server.url(f"/{bad_file}"),))
    run = (await sync(store, [source], V1_TIME))["bad-feed"]
    assert run.new == imported
    if error_fragment:
        assert any(error_fragment in error and error.startswith(f"bad-feed: {bad_file}") for error in run.errors), (
            run.errors
        )
    text = " ".join(e.description + e.title for e in (await events_of(store, "bad-feed")).values())
    assert "lol" * 10 not in text  # no entity was expanded


async def test_a_failing_feed_keeps_what_was_imported_before(store: GraphStore, server: FeedServer) -> None:
    server.serve_file("/makerport.ics", FEEDS_DIR / "makerport-stralsund.ics")
    source = Source(
        id="makerport-stralsund", space="makerport-stralsund", format="ical", urls=(server.url("/makerport.ics"),)
    )
    await sync(store, [source], V1_TIME)
    for broken in ("truncated.ics", "html-instead-of-ics.ics", "empty.ics"):
        server.serve_file("/makerport.ics", BAD / broken)
        run = (await sync(store, [source], V2_TIME))["makerport-stralsund"]
        assert run.removed == 0, broken
        assert run.status in ("partial", "failed"), broken
        events = await events_of(store, "makerport-stralsund")
        assert len(events) == 88 and all(e.status is not EventStatus.REMOVED for e in events.values()), broken


async def test_one_broken_source_does_not_stop_the_others(store: GraphStore, server: FeedServer) -> None:
    server.serve_file("/schwerin.ics", FEEDS_DIR / "diz-schwerin.ics")
    server.fail("/down.ics", 503, times=None)
    sources = [
        Source(id="down", space="diz-rostock", format="ical", urls=(server.url("/down.ics"),)),
        Source(id="diz-schwerin", space="diz-schwerin", format="ical", urls=(server.url("/schwerin.ics"),)),
    ]
    runs = await sync(store, sources, V1_TIME)
    assert runs["down"].status == "failed"
    assert any("HTTP 503" in error for error in runs["down"].errors)
    assert (runs["diz-schwerin"].status, runs["diz-schwerin"].new) == ("ok", 18)
    stored_runs = await store.list_nodes(ImportRun, NodeQuery(limit=10))
    assert {run.source_key for run in stored_runs.items} == {"down", "diz-schwerin"}
    down = await store.list_nodes(ImportRun, NodeQuery(sources=["down"]))
    assert [run.status for run in down.items] == ["failed"]


async def test_events_are_linked_to_space_themes_and_actors(store: GraphStore, server: FeedServer) -> None:
    await sync(store, fixture_sources(server), V1_TIME)
    events = await store.list_nodes(Event, NodeQuery(space_ids=["diz-schwerin"], limit=100))
    assert events.total == 18
    about = await store.neighbours(Event, [e.id for e in events.items], [RelType.ABOUT], "out")
    assert len({n.node_id for n in about}) >= 15  # themes inferred from text: Schwerin has no categories
    actors = await store.list_nodes(Actor, NodeQuery(limit=1))
    assert actors.total > 30
    active = await store.neighbours(
        Actor, [a.id for a in (await store.list_nodes(Actor, NodeQuery(limit=2000))).items], [RelType.ACTIVE_IN], "out"
    )
    spaces_per_actor: dict[str, set[str]] = {}
    for n in active:
        spaces_per_actor.setdefault(n.node_id, set()).add(n.other_id)
    assert sum(len(spaces) >= 2 for spaces in spaces_per_actor.values()) >= 3  # cross-regional actors


async def test_a_centre_named_in_its_own_feed_is_the_host_not_an_actor(store: GraphStore, server: FeedServer) -> None:
    """MakerPort's calendar names "MakerPort Stralsund" as the ORGANIZER of 39 events, Schwerin's
    "DIZ Schwerin – Veranstaltungen"; the events are hosted by those centres, and no actor stands
    for them (it would be the best-connected actor of every network)."""
    await sync(store, fixture_sources(server), V1_TIME)
    actors = (await store.list_nodes(Actor, NodeQuery(limit=2000))).items
    names = {actor.name for actor in actors}
    for centre in (
        "MakerPort Stralsund",
        "DIZ Schwerin – Veranstaltungen",
        "DIZ Neubrandenburg",
        "InnovationPort Wismar",
    ):
        assert centre not in names
    # The other organisers in the same feed still are actors, and organise MakerPort's events (among others).
    by_name = {actor.name: actor for actor in actors}
    organised = await store.neighbours(
        Actor, [by_name["Hochschule Stralsund"].id, by_name["Nordlicht 3D GmbH"].id], [RelType.ORGANISES], "out"
    )
    events = await store.get_nodes(Event, [n.other_id for n in organised])
    hosts = await store.neighbours(Event, list(events), [RelType.HOSTED_BY], "out")
    assert "makerport-stralsund" in {n.other_id for n in hosts}
    # Every MakerPort event is still hosted by MakerPort.
    makerport = await store.list_nodes(Event, NodeQuery(space_ids=["makerport-stralsund"], limit=200))
    assert makerport.total == EXPECTED_EVENTS["makerport-stralsund"]


async def test_a_graph_imported_before_loses_the_centres_part_in_their_own_events(
    store: GraphStore, server: FeedServer
) -> None:
    """Earlier imports made "MakerPort Stralsund" an actor organising MakerPort's events; the next
    sync takes that part away (and the actor, when nothing else is left), keeps its part in another
    centre's event, and leaves an actor a curator edited alone."""
    sources = fixture_sources(server)
    await sync(store, sources, V1_TIME)

    async def first_events(space_id: str, n: int) -> list[str]:
        page = await store.list_nodes(Event, NodeQuery(space_ids=[space_id], limit=n))
        return [event.id for event in page.items]

    makerport, rostock, schwerin = (
        await first_events("makerport-stralsund", 2),
        await first_events("diz-rostock", 1),
        await first_events("diz-schwerin", 2),
    )
    as_before = [
        Actor(id="makerport-stralsund", name="MakerPort Stralsund", kind=ActorKind.ORGANISATION),
        Actor(id="diz-schwerin-veranstaltungen", name="DIZ Schwerin – Veranstaltungen"),
        Actor(id="diz-schwerin", name="DIZ Schwerin", curated=["name"]),
    ]
    await store.upsert_nodes(as_before)
    await store.upsert_relationships(
        [
            *(Relationship(type=RelType.ORGANISES, start_id="makerport-stralsund", end_id=e) for e in makerport),
            Relationship(type=RelType.PARTNERS_IN, start_id="makerport-stralsund", end_id=rostock[0]),
            Relationship(type=RelType.ACTIVE_IN, start_id="makerport-stralsund", end_id="makerport-stralsund"),
            Relationship(type=RelType.ACTIVE_IN, start_id="makerport-stralsund", end_id="diz-rostock"),
            Relationship(type=RelType.ORGANISES, start_id="diz-schwerin-veranstaltungen", end_id=schwerin[0]),
            Relationship(type=RelType.ACTIVE_IN, start_id="diz-schwerin-veranstaltungen", end_id="diz-schwerin"),
            Relationship(type=RelType.ORGANISES, start_id="diz-schwerin", end_id=schwerin[1]),
        ]
    )

    runs = await sync(store, sources, V1_TIME)
    assert all(run.changed == 0 for run in runs.values())  # the feeds did not change; only the repair ran

    left = await store.get_nodes(Actor, [actor.id for actor in as_before])
    assert set(left) == {"makerport-stralsund", "diz-schwerin"}  # the calendar's own name had nothing else
    links = await store.neighbours(Actor, ["makerport-stralsund", "diz-schwerin"], list(RelType), "out")
    assert {(n.node_id, n.rel_type, n.other_id) for n in links} == {
        ("makerport-stralsund", RelType.PARTNERS_IN, rostock[0]),
        ("makerport-stralsund", RelType.ACTIVE_IN, "diz-rostock"),
        ("diz-schwerin", RelType.ORGANISES, schwerin[1]),  # curated: the curator's to decide
    }
    hosted = await store.neighbours(Event, makerport, [RelType.HOSTED_BY], "out")
    assert {n.other_id for n in hosted} == {"makerport-stralsund"}
