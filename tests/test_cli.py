"""The hub command as a user runs it (in-process, on the embedded store)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from hub.cli import app
from tests.conftest import FEEDS_DIR

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "demo", "sync", "migrate", "status", "keys", "forget"):
        assert command in result.output


def test_sync_from_a_registry_prints_a_summary_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        yaml.safe_dump(
            [
                {"id": "diz-schwerin", "space": "diz-schwerin", "format": "ical",
                 "urls": [str(FEEDS_DIR / "diz-schwerin.ics")], "schedule": "PT1H"},
                {"id": "broken", "space": "diz-rostock", "format": "tec_json",
                 "urls": [str(FEEDS_DIR / "bad" / "syntax-error.json")]},
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    args = ["sync", "--registry", str(registry), "--data-dir", str(tmp_path / "data")]
    first = runner.invoke(app, args)
    assert first.exit_code == 2, first.output  # the broken source failed; the other one synced
    assert "JSON syntax error at line 1, column 3575" in first.output
    only_good = runner.invoke(app, [*args, "--source", "diz-schwerin"])
    assert only_good.exit_code == 0, only_good.output
    row = next(line for line in only_good.output.splitlines() if "diz-schwerin" in line)
    cells = [cell.strip() for cell in row.split("│")[3:8]]
    assert cells == ["0", "0", "0", "18", "0"]  # new, changed, cancelled, unchanged, removed


def test_sync_names_unknown_sources(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sync", "--source", "nope", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "no such source: nope" in result.output


def test_demo_writes_feeds_and_imports_them(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--events", "120", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo-feeds" / "sources.yaml").exists()
    status = runner.invoke(app, ["status", "--data-dir", str(tmp_path)])
    assert status.exit_code == 0
    event_row = next(line for line in status.output.splitlines() if " Event " in line)
    assert int(event_row.split("│")[3].strip().replace(",", "")) >= 120
