"""The local Neo4j tooling starts a real 5.26 Community server and cleans up after it."""

from __future__ import annotations

import socket
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import AuthError

from tools import neo4j_local
from tools.neo4j_local import Neo4jLocalError, running_neo4j


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


@pytest.mark.neo4j
def test_running_neo4j_serves_bolt_and_cleans_up() -> None:
    with running_neo4j() as server:
        port, home = server.port, server.home
        assert server.uri == f"bolt://127.0.0.1:{port}"

        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
            records = driver.execute_query("CALL dbms.components()").records
        kernel = next(r for r in records if r["name"] == "Neo4j Kernel")
        assert kernel["versions"][0].startswith("5.26")
        assert kernel["edition"] == "community"

        wrong_auth = (server.user, "wrong-password")
        with neo4j.GraphDatabase.driver(server.uri, auth=wrong_auth) as driver, pytest.raises(AuthError):
            driver.verify_connectivity()

    assert server.process.returncode is not None
    assert not _accepts_connections(port)
    assert not home.exists()  # temporary home removed


def test_missing_maven_is_reported_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path))  # empty cache forces a fetch
    monkeypatch.setenv("PATH", str(tmp_path))  # no mvn, no java
    with pytest.raises(Neo4jLocalError, match="`mvn` not found"):
        neo4j_local.ensure_neo4j_jars()


def test_config_is_loopback_and_bolt_only(tmp_path: Path) -> None:
    conf = neo4j_local.render_config(tmp_path, 7777)
    assert "server.bolt.listen_address=127.0.0.1:7777\n" in conf
    assert "server.default_listen_address=127.0.0.1\n" in conf
    assert "server.http.enabled=false\n" in conf
    assert "server.https.enabled=false\n" in conf
    assert "dbms.security.auth_enabled=true\n" in conf
