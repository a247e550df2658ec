"""The calendar feeds through the real ASGI app, on both engines: status codes, media types, caching, parsing.

The seeded graph is the API tests' one (``tests/api/conftest.py``): generated events
from September 2025 on, plus the hand-built ``t-winter`` (15.01.2026, 10:00 in
Berlin, DIZ Rostock, part of ``t-project``) and ``t-mention`` (DIZ Greifswald).
"""

from __future__ import annotations

from datetime import datetime

import feedparser
import httpx
from icalendar import Calendar

from hub.domain import Event, EventStatus
from tests.api.support import Seeded

ALL = "from=2025-09-01"


def _uids(body: bytes) -> set[str]:
    return {str(event["UID"]) for event in Calendar.from_ical(body).walk("VEVENT")}


async def test_ical_calendar(client: httpx.AsyncClient, seeded: Seeded) -> None:
    response = await client.get(f"/calendar.ics?{ALL}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'inline; filename="regionalkalender-mv.ics"'
    assert "max-age" in response.headers["cache-control"]
    uids = _uids(response.content)
    assert {"t-winter", "t-mention"} <= uids
    shown = {event.id for event in seeded.nodes(Event) if event.status is not EventStatus.REMOVED}
    assert uids <= shown, "only events of the graph, none removed"
    winter = next(e for e in Calendar.from_ical(response.content).walk("VEVENT") if str(e["UID"]) == "t-winter")
    assert winter["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert winter["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 1, 15, 10, 0)
    assert str(winter["SUMMARY"]) == "Workshop Zebrafunk"


async def test_unchanged_calendar_answers_304(client: httpx.AsyncClient) -> None:
    first = await client.get(f"/calendar.ics?{ALL}")
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = await client.get(f"/calendar.ics?{ALL}")
    assert again.headers["etag"] == etag and again.content == first.content, "same data, same bytes"

    not_modified = await client.get(f"/calendar.ics?{ALL}", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    weak = await client.get(f"/calendar.ics?{ALL}", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = await client.get(f"/calendar.ics?{ALL}", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_rss_feed_filtered_by_space(client: httpx.AsyncClient) -> None:
    response = await client.get("/calendar.rss?space=diz-rostock&from=2026-01-01&to=2026-01-31")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert response.headers["content-disposition"] == 'inline; filename="regionalkalender-mv-diz-rostock.rss"'
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title.endswith("– DIZ Rostock")
    assert parsed.feed.link == "http://hub.test/calendar.ics?space=diz-rostock&from=2026-01-01&to=2026-01-31"
    winter = next(entry for entry in parsed.entries if entry.id == "t-winter")
    assert winter.title == "Do., 15.01.2026, 10:00 – Workshop Zebrafunk"
    assert "Angekündigt von: DIZ Rostock" in winter.summary
    assert all("DIZ Rostock" in entry.summary for entry in parsed.entries), "only events DIZ Rostock announces"
    assert all(entry.title[5:15].endswith(".01.2026") for entry in parsed.entries), "only January"


async def test_atom_feed_filtered_by_project(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/calendar.atom?project=t-project&{ALL}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.title for entry in parsed.entries] == ["Do., 15.01.2026, 10:00 – Workshop Zebrafunk"]
    assert {tag.term for tag in parsed.entries[0].tags} == {"daten", "maritime-wirtschaft"}


async def test_repeated_and_comma_separated_ids_are_the_same(client: httpx.AsyncClient) -> None:
    repeated = await client.get(f"/calendar.ics?space=diz-rostock&space=diz-greifswald&{ALL}")
    listed = await client.get(f"/calendar.ics?space=diz-rostock,diz-greifswald&{ALL}")
    assert repeated.status_code == listed.status_code == 200
    assert repeated.headers["etag"] == listed.headers["etag"]
    assert {"t-winter", "t-mention"} <= _uids(repeated.content)
    only_greifswald = _uids((await client.get(f"/calendar.ics?space=diz-greifswald&{ALL}")).content)
    assert "t-mention" in only_greifswald and "t-winter" not in only_greifswald


async def test_unknown_ids_are_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/calendar.ics?space=diz-ruegen")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "'diz-ruegen'" in response.text and "space" in response.text and "diz-rostock" in response.text
    theme = await client.get("/calendar.rss?theme=raumfahrt")
    assert theme.status_code == 404 and "'raumfahrt'" in theme.text
    project = await client.get("/calendar.atom?project=nope")
    assert project.status_code == 404 and "'nope'" in project.text


async def test_malformed_parameters_are_400(client: httpx.AsyncClient) -> None:
    for query in ("from=gestern", "from=2026-02-30", "to=31.12.2026"):
        response = await client.get(f"/calendar.ics?{query}")
        assert response.status_code == 400, query
        assert "ISO date" in response.text and query.split("=")[0] in response.text
    for query in ("from=0001-01-01", "to=9999-12-31"):
        response = await client.get(f"/calendar.ics?{query}")
        assert response.status_code == 400 and "between the years" in response.text, query
    backwards = await client.get("/calendar.rss?from=2026-03-01&to=2026-02-01")
    assert backwards.status_code == 400 and "'to'" in backwards.text
    typo = await client.get("/calendar.atom?spaces=diz-rostock")
    assert typo.status_code == 400 and "'spaces'" in typo.text


async def test_head_and_wrong_method(client: httpx.AsyncClient) -> None:
    head = await client.head(f"/calendar.ics?{ALL}")
    assert head.status_code == 200 and head.headers["content-type"] == "text/calendar; charset=utf-8"
    assert (await client.post("/calendar.ics")).status_code == 405
