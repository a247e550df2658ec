"""`hub serve --sync`: the importer runs inside the server, on the embedded store it owns."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from hub.api.app import create_app
from hub.config import Settings
from hub.domain import Event
from hub.store.port import NodeQuery, StoreUnavailableError
from tests.conftest import FEEDS_DIR


async def test_the_server_syncs_its_sources_while_it_serves(tmp_path: Path) -> None:
    registry = tmp_path / "sources.yaml"
    source = {"id": "diz-schwerin", "space": "diz-schwerin", "format": "ical",
              "urls": [str(FEEDS_DIR / "diz-schwerin.ics")], "schedule": "PT1H"}  # fmt: skip
    registry.write_text(yaml.safe_dump([source]), encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", sources_file=registry, serve_sync=True)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        store = app.state.store
        for _ in range(100):  # the first sync starts at once; give it up to 20 s
            if (await store.list_nodes(Event, NodeQuery(limit=1))).total == 18:
                break
            await asyncio.sleep(0.2)
        assert (await store.list_nodes(Event, NodeQuery(sources=["diz-schwerin"], limit=1))).total == 18
    with pytest.raises(StoreUnavailableError, match="not open"):  # the importer stopped, the store closed
        await store.counts()
