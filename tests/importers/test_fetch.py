"""importers.fetch against a real HTTP server on loopback (tests/http_server.py): no mocks."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hub import __version__
from importers.fetch import MB, USER_AGENT, Fetcher, FetchError, FetchResult, Validators
from tests.http_server import FeedServer

FEEDS = Path(__file__).resolve().parents[3] / "shared" / "feeds"
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 01 Sep 2025 10:00:00 GMT"


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def feeds(server: FeedServer) -> Iterator[FeedServer]:
    """The module's server, with no routes and an empty log for each test."""
    server.reset()
    yield server
    server.reset()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """Short timeouts and tiny backoff delays, so failing cases stay fast."""
    async with Fetcher(connect_timeout=1, read_timeout=0.3, base_delay=0.01, max_retry_after=0.2) as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- success and conditional GET ------------------------------------------------------------------


async def test_ok_fetch_returns_content_and_validators(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/feed.ics", b"BEGIN:VCALENDAR", "text/calendar", etag=ETAG, last_modified=LAST_MODIFIED)

    result = await fetcher.fetch(feeds.url("/feed.ics"))

    assert result == FetchResult(
        url=feeds.url("/feed.ics"),
        status="ok",
        content=b"BEGIN:VCALENDAR",
        etag=ETAG,
        last_modified=LAST_MODIFIED,
        content_type="text/calendar; charset=utf-8",
        elapsed_s=result.elapsed_s,
        attempts=1,
    )
    assert 0 < result.elapsed_s < 1
    assert result.validators == Validators(ETAG, LAST_MODIFIED)
    (method, path, headers), *_ = feeds.request_log
    assert (method, path) == ("GET", "/feed.ics")
    assert "if-none-match" not in headers and "if-modified-since" not in headers


async def test_user_agent_names_the_hub_and_its_version(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/feed", b"x")
    await fetcher.fetch(feeds.url("/feed"))
    user_agent = feeds.requests("/feed")[0].headers["user-agent"]
    assert user_agent == USER_AGENT
    assert user_agent.startswith(f"mv-innovation-hub/{__version__} (") and "feed importer" in user_agent


async def test_conditional_get_maps_304_to_not_modified(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/feed", b"content", etag=ETAG, last_modified=LAST_MODIFIED)
    first = await fetcher.fetch(feeds.url("/feed"))

    second = await fetcher.fetch(feeds.url("/feed"), first.validators)

    assert second.status == "not_modified"
    assert second.content == b""
    assert (second.etag, second.last_modified) == (ETAG, LAST_MODIFIED)
    assert second.attempts == 1
    headers = feeds.requests("/feed")[-1].headers
    assert headers["if-none-match"] == ETAG
    assert headers["if-modified-since"] == LAST_MODIFIED


async def test_conditional_get_with_last_modified_only(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/feed", b"content", last_modified=LAST_MODIFIED)
    result = await fetcher.fetch(feeds.url("/feed"), Validators(etag=None, last_modified=LAST_MODIFIED))
    assert result.status == "not_modified"
    assert result.last_modified == LAST_MODIFIED
    headers = feeds.requests("/feed")[-1].headers
    assert "if-none-match" not in headers
    assert headers["if-modified-since"] == LAST_MODIFIED


async def test_changed_feed_is_fetched_again_with_new_validators(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/feed", b"version 1", etag='"v1"')
    first = await fetcher.fetch(feeds.url("/feed"))
    feeds.serve_bytes("/feed", b"version 2", etag='"v2"')

    second = await fetcher.fetch(feeds.url("/feed"), first.validators)

    assert (second.status, second.content, second.etag) == ("ok", b"version 2", '"v2"')
    assert feeds.requests("/feed")[-1].headers["if-none-match"] == '"v1"'


async def test_served_file_gets_validators_and_answers_304(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_file("/schwerin.ics", FEEDS / "diz-schwerin.ics")
    first = await fetcher.fetch(feeds.url("/schwerin.ics"))
    assert first.content == (FEEDS / "diz-schwerin.ics").read_bytes()
    assert first.etag and first.last_modified
    assert first.content_type is not None and first.content_type.startswith("text/calendar")

    again = await fetcher.fetch(feeds.url("/schwerin.ics"), first.validators)
    assert again.status == "not_modified"


async def test_redirects_are_followed_and_the_final_url_reported(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/new", b"moved here")
    feeds.redirect("/old", "/middle", status=301)
    feeds.redirect("/middle", "/new")

    result = await fetcher.fetch(feeds.url("/old"))

    assert (result.url, result.content, result.attempts) == (feeds.url("/new"), b"moved here", 1)


# --- retries --------------------------------------------------------------------------------------


async def test_500_twice_then_200_is_ok_after_three_attempts(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/flaky", b"finally")
    feeds.fail("/flaky", 500, times=2)

    result = await fetcher.fetch(feeds.url("/flaky"))

    assert (result.status, result.content, result.attempts) == ("ok", b"finally", 3)
    assert len(feeds.requests("/flaky")) == 3


async def test_500_always_fails_naming_status_url_and_attempts(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.fail("/broken", 500, times=None)
    url = feeds.url("/broken")

    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url)

    assert str(caught.value) == f"HTTP 500 Internal Server Error from {url} after 3 attempts"
    assert (caught.value.url, caught.value.status, caught.value.attempts) == (url, 500, 3)
    assert len(feeds.requests("/broken")) == 3


async def test_404_fails_at_once_without_retrying(feeds: FeedServer, fetcher: Fetcher) -> None:
    url = feeds.url("/missing")
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found from .*/missing after 1 attempt$") as caught:
        await fetcher.fetch(url)
    assert (caught.value.status, caught.value.attempts) == (404, 1)
    assert len(feeds.requests("/missing")) == 1


async def test_429_is_retried_honouring_retry_after_up_to_the_cap(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/busy", b"ok now")
    feeds.fail("/busy", 429, times=1, headers={"Retry-After": "3600"})  # capped to 0.2 s by the fixture

    started = time.monotonic()
    result = await fetcher.fetch(feeds.url("/busy"))

    assert (result.content, result.attempts) == (b"ok now", 2)
    assert 0.2 <= time.monotonic() - started < 1.5


async def test_backoff_grows_between_attempts(feeds: FeedServer) -> None:
    feeds.fail("/down", 503, times=None)
    async with Fetcher(max_attempts=3, base_delay=0.1) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError, match="HTTP 503"):
            await fetcher.fetch(feeds.url("/down"))
    # waits of 0.05-0.1 s, then 0.1-0.2 s (half the backoff plus jitter)
    assert 0.15 <= time.monotonic() - started < 1.0


async def test_slow_response_times_out(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.serve_bytes("/slow", b"too late")
    feeds.slow("/slow", 2)
    url = feeds.url("/slow")

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0.3 s") as caught:
        await fetcher.fetch(url)

    assert url in str(caught.value)
    assert caught.value.attempts == 3
    assert time.monotonic() - started < 1.8


async def test_connection_refused(fetcher: Fetcher) -> None:
    url = f"http://127.0.0.1:{free_port()}/feed.ics"
    with pytest.raises(FetchError, match="connection refused") as caught:
        await fetcher.fetch(url)
    assert url in str(caught.value)
    assert caught.value.attempts == 3


# --- limits ---------------------------------------------------------------------------------------


async def test_too_many_redirects(feeds: FeedServer, fetcher: Fetcher) -> None:
    for hop in range(7):
        feeds.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    feeds.serve_bytes("/hop7", b"never reached")
    url = feeds.url("/hop0")

    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(url)

    assert str(caught.value) == f"too many redirects (more than 5) from {url}"
    assert caught.value.attempts == 1
    assert not feeds.requests("/hop7")


async def test_redirect_loop_is_stopped(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.redirect("/a", "/b")
    feeds.redirect("/b", "/a")
    with pytest.raises(FetchError, match="too many redirects"):
        await fetcher.fetch(feeds.url("/a"))


async def test_streamed_body_over_the_limit_is_abandoned(feeds: FeedServer) -> None:
    feeds.serve_stream("/huge", 50 * MB)  # chunked, no Content-Length
    url = feeds.url("/huge")

    started = time.monotonic()
    async with Fetcher(max_bytes=1 * MB) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(url)

    assert str(caught.value) == f"response larger than 1 MB from {url}"
    assert time.monotonic() - started < 1.0
    assert feeds.bytes_sent("/huge") < 10 * MB  # the client hung up long before the end


async def test_declared_content_length_over_the_limit_is_refused_before_reading(feeds: FeedServer) -> None:
    feeds.serve_stream("/huge", 50 * MB, content_length=True)
    async with Fetcher(max_bytes=20 * MB) as fetcher:
        with pytest.raises(FetchError, match=r"response larger than 20 MB from .*/huge \(Content-Length: 52428800\)"):
            await fetcher.fetch(feeds.url("/huge"))
    assert feeds.bytes_sent("/huge") < 10 * MB


async def test_body_at_the_limit_is_accepted(feeds: FeedServer) -> None:
    feeds.serve_stream("/exact", 1 * MB)
    async with Fetcher(max_bytes=1 * MB) as fetcher:
        result = await fetcher.fetch(feeds.url("/exact"))
    assert len(result.content) == 1 * MB


async def test_redirect_to_a_local_file_is_refused(feeds: FeedServer, fetcher: Fetcher) -> None:
    feeds.redirect("/sneaky", "file:///etc/passwd")
    with pytest.raises(FetchError, match=r"unsupported redirect from .*/sneaky to file://"):
        await fetcher.fetch(feeds.url("/sneaky"))


async def test_unsupported_scheme(fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=r"unsupported URL scheme 'ftp' in ftp://example\.org/feed\.ics"):
        await fetcher.fetch("ftp://example.org/feed.ics")


# --- local files ----------------------------------------------------------------------------------


async def test_file_url_and_plain_path_are_read_from_disk(fetcher: Fetcher) -> None:
    path = FEEDS / "innovationport-wismar.rss"
    for source in (path.as_uri(), str(path), path):
        result = await fetcher.fetch(source)
        assert (result.status, result.content, result.attempts) == ("ok", path.read_bytes(), 1)
        assert (result.etag, result.last_modified) == (None, None)
        assert result.url == path.resolve().as_uri()  # the fetcher names the real file (symlinks resolved)
        assert result.content_type == "application/rss+xml"


async def test_relative_path_with_spaces(tmp_path: Path, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my feeds").mkdir()
    (tmp_path / "my feeds" / "a b.ics").write_bytes(b"BEGIN:VCALENDAR")
    monkeypatch.chdir(tmp_path)
    assert (await fetcher.fetch("my feeds/a b.ics")).content == b"BEGIN:VCALENDAR"
    assert (await fetcher.fetch((tmp_path / "my feeds" / "a b.ics").as_uri())).content == b"BEGIN:VCALENDAR"


async def test_missing_file(tmp_path: Path, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=r"file not found: .*nope\.ics"):
        await fetcher.fetch(tmp_path / "nope.ics")


async def test_file_over_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * (MB + 1))
    async with Fetcher(max_bytes=MB) as fetcher:
        with pytest.raises(FetchError, match=r"file larger than 1 MB: .*big\.json"):
            await fetcher.fetch(big)


# --- the test server itself -----------------------------------------------------------------------


def test_server_works_from_sync_code_and_serves_the_fixture_feeds() -> None:
    import httpx

    with FeedServer() as server:
        urls = server.serve_directory("/feeds", FEEDS)
        assert {"diz-rostock/veranstaltungen.html", "bad/truncated.ics"} <= urls.keys()
        response = httpx.get(urls["makerport-stralsund.ics"])
        assert response.content == (FEEDS / "makerport-stralsund.ics").read_bytes()
        assert response.headers["content-type"].startswith("text/calendar")
        port = server.port
    assert port is not None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/feeds/makerport-stralsund.ics")


async def test_server_stops_quickly_even_with_a_slow_request_pending() -> None:
    async with FeedServer() as server, Fetcher(read_timeout=0.1, max_attempts=1) as fetcher:
        server.slow("/slow", 30)
        with pytest.raises(FetchError, match="timed out"):
            await fetcher.fetch(server.url("/slow"))
        started = time.monotonic()
    assert time.monotonic() - started < 2
