"""The README documents every setting the hub reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(field: str) -> None:
    assert f"HUB_{field.upper()}" in README
