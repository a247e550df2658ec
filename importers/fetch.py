"""The one way the importers get bytes: HTTP(S) with conditional GET, retries and limits, or a local file.

    async with Fetcher() as fetcher:
        result = await fetcher.fetch("https://example.org/events.ics", Validators(etag, last_modified))
        if result.status == "not_modified":
            ...  # keep what we have
        else:
            parse(result.content)

Every failure is a :class:`FetchError` whose message names the URL and what went wrong. Network
errors, timeouts, 5xx and 429 are retried with exponential backoff and jitter (``Retry-After`` is
honoured up to a cap); other 4xx are not. The body is read as a stream and abandoned as soon as it
exceeds ``max_bytes``. ``file://`` URLs and plain paths are read from disk under the same size limit.
"""

from __future__ import annotations

import asyncio
import mimetypes
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Literal, Self
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx

from hub import __version__

#: Says who is asking and why, so a centre's web admin can tell the hub from a scraper.
USER_AGENT = f"mv-innovation-hub/{__version__} (feed importer of the MV digital innovation centres' hub)"
MB = 1024 * 1024

_FEED_TYPES = {".ics": "text/calendar", ".atom": "application/atom+xml", ".rss": "application/rss+xml"}


@dataclass(frozen=True)
class Validators:
    """What a server told us last time, sent back as If-None-Match / If-Modified-Since."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects (a file:// URI for local files)
    status: Literal["ok", "not_modified"]
    content: bytes  # empty when not_modified
    etag: str | None
    last_modified: str | None
    content_type: str | None
    elapsed_s: float
    attempts: int

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


class FetchError(Exception):
    """A fetch that failed for good; the message says which URL and why."""

    def __init__(self, message: str, *, url: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.url = url
        self.status = status  # the HTTP status, when the failure was one
        self.attempts = attempts


class _Failed(Exception):
    """One failed attempt; ``retry`` says whether trying again may help."""

    def __init__(
        self, problem: str, *, retry: bool, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry = retry
        self.status = status
        self.retry_after = retry_after


class Fetcher:
    """One HTTP client for a whole import run. Use as ``async with Fetcher() as fetcher``."""

    def __init__(
        self,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        max_redirects: int = 5,
        max_attempts: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        max_retry_after: float = 60.0,
        max_bytes: int = 20 * MB,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_redirects = max_redirects
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self._client = httpx.AsyncClient(
            http1=True,
            http2=False,
            follow_redirects=True,
            max_redirects=max_redirects,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": user_agent},
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str | Path, validators: Validators | None = None) -> FetchResult:
        """Fetch ``url`` (http, https, file:// or a local path); conditional when ``validators`` are given."""
        url = str(url)
        try:
            parts = urlsplit(url)
            scheme, host = parts.scheme.lower(), parts.hostname
        except ValueError as exc:
            raise FetchError(f"invalid URL {url}: {exc}", url=url) from exc
        if scheme in ("", "file"):
            return await asyncio.to_thread(self._read_file, url)
        if scheme not in ("http", "https"):
            raise FetchError(f"unsupported URL scheme {scheme!r} in {url} (use http, https, file or a path)", url=url)
        if not host:
            raise FetchError(f"invalid URL {url}: no host", url=url)

        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified

        started = time.monotonic()
        for attempt in range(1, self.max_attempts + 1):
            try:
                result = await self._attempt(url, headers, validators)
            except _Failed as failure:
                if failure.retry and attempt < self.max_attempts:
                    await asyncio.sleep(self._delay(attempt, failure.retry_after))
                    continue
                message = failure.problem
                if failure.retry or failure.status is not None:
                    message += f" after {_plural(attempt, 'attempt')}"
                raise FetchError(message, url=url, status=failure.status, attempts=attempt) from failure.__cause__
            else:
                result.elapsed_s = time.monotonic() - started
                result.attempts = attempt
                return result
        raise AssertionError("unreachable")

    async def _attempt(self, url: str, headers: dict[str, str], validators: Validators | None) -> FetchResult:
        """One request: a result or a :class:`_Failed`."""
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                final_url = str(response.url)
                etag = response.headers.get("ETag")
                last_modified = response.headers.get("Last-Modified")
                content_type = response.headers.get("Content-Type")
                if response.status_code == 304:
                    return FetchResult(
                        url=final_url,
                        status="not_modified",
                        content=b"",
                        etag=etag or (validators.etag if validators else None),
                        last_modified=last_modified or (validators.last_modified if validators else None),
                        content_type=content_type,
                        elapsed_s=0.0,
                        attempts=0,
                    )
                if not response.is_success:
                    problem = f"HTTP {response.status_code} {response.reason_phrase} from {final_url}".rstrip()
                    retry = response.status_code >= 500 or response.status_code == 429
                    retry_after = _retry_after(response.headers.get("Retry-After"))
                    raise _Failed(problem, retry=retry, status=response.status_code, retry_after=retry_after)
                content = await self._read_body(response, final_url)
                return FetchResult(final_url, "ok", content, etag, last_modified, content_type, 0.0, 0)
        except httpx.ConnectTimeout as exc:
            where = _request_url(exc, url)
            raise _Failed(f"timed out after {self.connect_timeout:g} s connecting to {where}", retry=True) from exc
        except httpx.TimeoutException as exc:
            where = _request_url(exc, url)
            raise _Failed(f"timed out after {self.read_timeout:g} s waiting for {where}", retry=True) from exc
        except httpx.TooManyRedirects as exc:
            raise _Failed(f"too many redirects (more than {self.max_redirects}) from {url}", retry=False) from exc
        except httpx.UnsupportedProtocol as exc:
            where = _request_url(exc, url)
            raise _Failed(f"unsupported redirect from {url} to {where}", retry=False) from exc
        except httpx.ConnectError as exc:
            where = _request_url(exc, url)
            if _caused_by(exc, ConnectionRefusedError) or "refused" in str(exc).lower():
                raise _Failed(f"connection refused by {where}", retry=True) from exc
            raise _Failed(f"cannot connect to {where} ({exc or type(exc).__name__})", retry=True) from exc
        except httpx.DecodingError as exc:
            raise _Failed(f"cannot decode the response from {url}: {exc}", retry=False) from exc
        except httpx.TransportError as exc:  # read/write errors, protocol errors, dropped connections
            where = _request_url(exc, url)
            raise _Failed(f"network error ({exc or type(exc).__name__}) from {where}", retry=True) from exc
        except httpx.InvalidURL as exc:
            raise _Failed(f"invalid URL {url}: {exc}", retry=False) from exc

    async def _read_body(self, response: httpx.Response, url: str) -> bytes:
        too_large = f"response larger than {_size(self.max_bytes)} from {url}"
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _Failed(f"{too_large} (Content-Length: {declared})", retry=False)
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise _Failed(too_large, retry=False)  # leaving the stream closes the connection
        return bytes(body)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        backoff = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return backoff / 2 + random.uniform(0, backoff / 2)

    def _read_file(self, url: str) -> FetchResult:
        started = time.monotonic()
        parts = urlsplit(url)
        if parts.scheme.lower() == "file":
            if parts.netloc not in ("", "localhost"):
                raise FetchError(f"file URL with a remote host is not supported: {url}", url=url)
            path = Path(url2pathname(unquote(parts.path)))
        else:
            path = Path(url)
        try:
            with path.open("rb") as stream:
                content = stream.read(self.max_bytes + 1)
        except FileNotFoundError as exc:
            raise FetchError(f"file not found: {path}", url=url) from exc
        except OSError as exc:
            raise FetchError(f"cannot read {path}: {exc.strerror or exc}", url=url) from exc
        if len(content) > self.max_bytes:
            raise FetchError(f"file larger than {_size(self.max_bytes)}: {path}", url=url)
        content_type = _FEED_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return FetchResult(
            url=path.resolve().as_uri(),
            status="ok",
            content=content,
            etag=None,
            last_modified=None,
            content_type=content_type,
            elapsed_s=time.monotonic() - started,
            attempts=1,
        )


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            return max(0.0, float(value))  # not per the RFC, but some servers send "1.5"
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _request_url(exc: httpx.RequestError, fallback: str) -> str:
    """The URL of the request that failed (maybe a redirect target), else ``fallback``."""
    try:
        return str(exc.request.url)
    except RuntimeError:
        return fallback


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _size(n: int) -> str:
    for unit, factor in (("MB", MB), ("KB", 1024)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
