"""A store that cannot be reached or refuses us says exactly that."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from hub.store.ladybug_store import LadybugStore
from hub.store.neo4j_store import Neo4jStore
from hub.store.port import StoreAuthError, StoreUnavailableError
from tests.conftest import Neo4jEndpoint


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_neo4j_that_is_down_is_reported_as_unavailable() -> None:
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    store = Neo4jStore(uri, "neo4j", "irrelevant", connection_timeout_s=2)
    with pytest.raises(StoreUnavailableError, match=f"cannot reach Neo4j at {uri}"):
        await store.open()


@pytest.mark.neo4j
async def test_neo4j_with_wrong_credentials_is_reported_as_such(neo4j_endpoint: Neo4jEndpoint) -> None:
    store = Neo4jStore(neo4j_endpoint.uri, "neo4j", "wrong-password")
    with pytest.raises(StoreAuthError, match="rejected the credentials for user 'neo4j'"):
        await store.open()


async def test_neo4j_store_used_before_open_says_so() -> None:
    with pytest.raises(StoreUnavailableError, match="not open"):
        await Neo4jStore("bolt://127.0.0.1:1", "neo4j", "x").counts()


def test_embedded_store_open_in_another_process_is_reported(tmp_path: Path) -> None:
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "graph.lbdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import asyncio, sys
            from hub.store.ladybug_store import LadybugStore
            async def main():
                store = LadybugStore({str(path)!r}, buffer_pool_mb=64)
                await store.open()
                print("open", flush=True)
                sys.stdin.readline()
            asyncio.run(main())
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        import asyncio

        with pytest.raises(StoreUnavailableError, match="in use by another process"):
            asyncio.run(LadybugStore(path, buffer_pool_mb=64).open())
    finally:
        holder.kill()
        holder.wait()
