"""docker-compose.yml must stay consistent with the hub's configuration and CLI.

No Docker engine runs here, so this checks the file's content instead: every
HUB_* variable is a real setting, the hub reaches the neo4j service on its Bolt
port with the same password Neo4j is given, and every command exists.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from typer.main import get_command

from hub.cli import app
from hub.config import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
HUB_SERVICES = [name for name, service in SERVICES.items() if "build" in service]


def _variables(expression: str) -> set[str]:
    """The variables a compose value interpolates: ${VAR}, ${VAR:-x}, ${VAR:?msg}."""
    return set(re.findall(r"\$\{([A-Z0-9_]+)", expression))


def test_neo4j_service_is_5_26_community() -> None:
    assert SERVICES["neo4j"]["image"] == "neo4j:5.26-community"


@pytest.mark.parametrize("service", HUB_SERVICES)
def test_every_hub_variable_is_a_setting(service: str) -> None:
    settings_env = {f"HUB_{name.upper()}" for name in Settings.model_fields}
    used = {key for key in SERVICES[service]["environment"] if key.startswith("HUB_")}
    assert used, "the hub service sets no HUB_ variables"
    assert used <= settings_env, f"unknown settings: {sorted(used - settings_env)}"


@pytest.mark.parametrize("service", HUB_SERVICES)
def test_hub_reaches_neo4j_with_its_password(service: str) -> None:
    environment = SERVICES[service]["environment"]
    uri = urlparse(environment["HUB_NEO4J_URI"])
    assert uri.scheme in ("bolt", "neo4j") and uri.hostname == "neo4j" and uri.port == 7687
    neo4j_auth = SERVICES["neo4j"]["environment"]["NEO4J_AUTH"]
    assert neo4j_auth.startswith(environment["HUB_NEO4J_USER"] + "/")
    assert _variables(neo4j_auth) == _variables(environment["HUB_NEO4J_PASSWORD"]) == {"NEO4J_PASSWORD"}
    assert SERVICES[service]["depends_on"]["neo4j"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", HUB_SERVICES)
def test_commands_exist(service: str) -> None:
    command = SERVICES[service]["command"]
    assert command[0] == "hub"
    assert command[1] in get_command(app).commands  # type: ignore[attr-defined]


def test_the_importer_syncs_on_a_schedule() -> None:
    assert SERVICES["importer"]["command"] == ["hub", "sync", "--watch"]


def test_image_builds_from_the_project() -> None:
    dockerfile = (ROOT / SERVICES["hub"]["build"] / "Dockerfile").read_text(encoding="utf-8")
    for package in ("hub", "importers", "schema"):
        assert f"COPY {package} ./{package}" in dockerfile
    assert "constraints.txt" in dockerfile
