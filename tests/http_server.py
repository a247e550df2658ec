"""A real HTTP server on loopback for tests: Starlette served by uvicorn in a background thread.

    with FeedServer() as server:                      # or: async with FeedServer() as server
        server.serve_file("/diz.ics", FEEDS / "diz-schwerin.ics")
        server.serve_bytes("/a.json", b"[]", etag='"v1"', last_modified="Mon, 01 Sep 2025 10:00:00 GMT")
        server.fail("/a.json", 500, times=2)          # two 500s, then the content
        server.slow("/slow", 1.0)                     # wait before answering
        server.redirect("/old", "/a.json")
        url = server.url("/a.json")
        ...
        server.request_log                            # [(method, path, headers), ...]

Routes can be changed at any time, also while the server runs: calling ``serve_bytes`` again on a path
replaces its content (a changed feed), and ``serve_file`` reads the file on every request, so editing
the file changes the feed. ``serve_file`` and ``serve_directory`` give each answer an ETag (from the
content) and a Last-Modified (from the file's mtime); the server answers 304 when the request's
If-None-Match / If-Modified-Since match.

The server runs on its own event loop in its own thread, so sync and async tests use it alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import mimetypes
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import NamedTuple, Self

import uvicorn
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

FEED_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
}


class LoggedRequest(NamedTuple):
    method: str
    path: str  # with the query string, if any
    headers: Headers  # case-insensitive


@dataclass
class _Route:
    data: bytes | None = None
    file: Path | None = None
    content_type: str = "application/octet-stream"
    etag: str | None = None
    last_modified: str | None = None
    redirect_to: str | None = None
    redirect_status: int = 302
    stream_size: int | None = None
    stream_chunk: int = 64 * 1024
    stream_content_length: bool = False
    fail_status: int | None = None
    fail_times: int | None = None  # None: always
    fail_headers: dict[str, str] | None = None
    delay: float = 0.0


class FeedServer:
    """A real HTTP server on a free 127.0.0.1 port; start with ``with``/``async with`` or ``start()``."""

    def __init__(self, *, start_timeout: float = 5.0) -> None:
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._sent: dict[str, int] = {}
        self._start_timeout = start_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self.port: int | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            interface="asgi3",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(sock),), daemon=True)
        self._thread.name = f"FeedServer:{self.port}"
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not (self._server.started and self._loop is not None):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"FeedServer did not start on 127.0.0.1:{self.port}")
            time.sleep(0.005)
        with socket.create_connection(("127.0.0.1", self.port), timeout=self._start_timeout):
            pass  # the port accepts connections
        return self

    async def _serve(self, sock: socket.socket) -> None:
        self._loop, self._stopping = asyncio.get_running_loop(), asyncio.Event()
        assert self._server is not None
        await self._server.serve(sockets=[sock])

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        if self._loop is not None and self._stopping is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop may just have closed
                self._loop.call_soon_threadsafe(self._stopping.set)  # wake slow handlers
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=10)
        self._server = self._thread = self._loop = self._stopping = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self.stop)

    # --- configuration -----------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        if self.port is None:
            raise RuntimeError("FeedServer is not running")
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def serve_bytes(
        self,
        path: str,
        data: bytes,
        content_type: str = "application/octet-stream",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Serve ``data`` at ``path``; calling it again replaces the content (and validators)."""
        self._set(path, _Route(data=data, content_type=content_type, etag=etag, last_modified=last_modified))

    def serve_file(self, path: str, file: Path, content_type: str | None = None) -> None:
        """Serve ``file`` (read on every request) with an ETag from its content and its mtime."""
        self._set(path, _Route(file=Path(file), content_type=content_type or _guess_type(Path(file))))

    def serve_directory(self, prefix: str, directory: Path) -> dict[str, str]:
        """Serve every file below ``directory`` under ``prefix``; returns {relative name: url}."""
        urls = {}
        for file in sorted(Path(directory).rglob("*")):
            if file.is_file():
                name = file.relative_to(directory).as_posix()
                route = f"{prefix.rstrip('/')}/{name}"
                self.serve_file(route, file)
                urls[name] = self.url(route)
        return urls

    def serve_stream(self, path: str, size: int, *, chunk: int = 64 * 1024, content_length: bool = False) -> None:
        """Stream ``size`` zero bytes in chunks (no Content-Length unless asked); see :meth:`bytes_sent`."""
        route = _Route(stream_size=size, stream_chunk=chunk, stream_content_length=content_length)
        self._set(path, route)

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        """Redirect ``path`` to ``to`` (a path on this server or an absolute URL)."""
        self._set(path, _Route(redirect_to=to, redirect_status=status))

    def fail(self, path: str, status: int, times: int | None = 1, headers: dict[str, str] | None = None) -> None:
        """Answer ``status`` the next ``times`` requests (None: always), then serve the path as before."""
        with self._lock:
            route = self._routes.setdefault(_norm(path), _Route())
            route.fail_status, route.fail_times, route.fail_headers = status, times, headers

    def slow(self, path: str, seconds: float) -> None:
        """Wait ``seconds`` before answering ``path`` (before any header is sent)."""
        with self._lock:
            self._routes.setdefault(_norm(path), _Route()).delay = seconds

    def remove(self, path: str) -> None:
        """Forget ``path``: it answers 404 from now on."""
        with self._lock:
            self._routes.pop(_norm(path), None)

    def reset(self) -> None:
        """Forget all routes, the request log and the byte counters."""
        with self._lock:
            self._routes.clear()
            self._log.clear()
            self._sent.clear()

    # --- inspection --------------------------------------------------------------------------------

    @property
    def request_log(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def requests(self, path: str) -> list[LoggedRequest]:
        """The logged requests for ``path``."""
        path = _norm(path)
        return [entry for entry in self.request_log if entry.path.split("?", 1)[0] == path]

    def bytes_sent(self, path: str) -> int:
        """How many body bytes a ``serve_stream`` route handed to the server so far."""
        with self._lock:
            return self._sent.get(_norm(path), 0)

    # --- the app -----------------------------------------------------------------------------------

    def _set(self, path: str, route: _Route) -> None:
        """Install ``route`` at ``path``, keeping pending failures and delays set for it."""
        with self._lock:
            if (old := self._routes.get(_norm(path))) is not None:
                for name in ("fail_status", "fail_times", "fail_headers", "delay"):
                    setattr(route, name, getattr(old, name))
            self._routes[_norm(path)] = route

    async def _app(self, scope: dict, receive: object, send: object) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)  # type: ignore[arg-type]
        response = await self._respond(request)
        await response(scope, receive, send)  # type: ignore[arg-type]

    async def _respond(self, request: Request) -> Response:
        path = request.url.path
        full_path = path + (f"?{request.url.query}" if request.url.query else "")
        with self._lock:
            self._log.append(LoggedRequest(request.method, full_path, Headers(raw=list(request.headers.raw))))
            route = self._routes.get(path)
            failing = route is not None and route.fail_status is not None and route.fail_times != 0
            if failing and route.fail_times is not None:
                route.fail_times -= 1
        if route is None:
            return Response(b"not found", 404, media_type="text/plain")
        if route.delay:
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), route.delay)
        if failing:
            return Response(b"failure on purpose", route.fail_status, route.fail_headers, "text/plain")
        if route.redirect_to is not None:
            target = route.redirect_to if "://" in route.redirect_to else self.url(route.redirect_to)
            return RedirectResponse(target, route.redirect_status)
        if route.stream_size is not None:
            headers = {"Content-Length": str(route.stream_size)} if route.stream_content_length else None
            return StreamingResponse(self._stream(path, route), headers=headers, media_type="application/octet-stream")
        if route.file is not None:
            data = route.file.read_bytes()
            etag = f'"{hashlib.sha256(data).hexdigest()[:16]}"'
            last_modified = formatdate(route.file.stat().st_mtime, usegmt=True)
        elif route.data is not None:
            data, etag, last_modified = route.data, route.etag, route.last_modified
        else:
            return Response(b"not found", 404, media_type="text/plain")
        headers = {name: value for name, value in (("ETag", etag), ("Last-Modified", last_modified)) if value}
        if _not_modified(request.headers, etag, last_modified):
            return Response(status_code=304, headers=headers)
        if request.method == "HEAD":
            return Response(b"", headers=headers, media_type=route.content_type)
        return Response(data, headers=headers, media_type=route.content_type)

    async def _stream(self, path: str, route: _Route) -> AsyncIterator[bytes]:
        assert route.stream_size is not None
        block = b"\0" * route.stream_chunk
        left = route.stream_size
        while left > 0:
            piece = block[: min(left, route.stream_chunk)]
            with self._lock:
                self._sent[path] = self._sent.get(path, 0) + len(piece)
            yield piece
            left -= len(piece)
            await asyncio.sleep(0)  # lets the server cancel us once the client has hung up


def _norm(path: str) -> str:
    return "/" + path.lstrip("/")


def _guess_type(file: Path) -> str:
    return FEED_TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"


def _not_modified(headers: Headers, etag: str | None, last_modified: str | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if (if_none_match := headers.get("if-none-match")) is not None:
        if etag is None:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    if (if_modified_since := headers.get("if-modified-since")) is not None and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return if_modified_since == last_modified
    return False
