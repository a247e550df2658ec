"""The store port and its two adapters; :func:`open_store` picks one from the settings."""

from __future__ import annotations

from hub.config import Settings
from hub.store.port import GraphStore


def create_store(settings: Settings) -> GraphStore:
    """The configured adapter, not yet opened: Neo4j when a Bolt URI is set, else embedded."""
    if settings.uses_neo4j:
        from hub.store.neo4j_store import Neo4jStore

        return Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
            query_timeout_s=settings.store_timeout_s,
        )
    from hub.store.ladybug_store import LadybugStore

    return LadybugStore(settings.ladybug_path, buffer_pool_mb=settings.ladybug_buffer_pool_mb)


async def open_store(settings: Settings) -> GraphStore:
    store = create_store(settings)
    await store.open()
    return store
