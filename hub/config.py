"""Configuration: environment variables (prefix ``HUB_``), a ``.env`` file, or CLI flags.

The names here are the public configuration contract: README, docker-compose.yml
and tests/test_compose.py refer to them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = Field(
        default="development", description="production turns off GraphiQL and introspection by default."
    )
    data_dir: Path = Field(default=Path("data"), description="Where the embedded store and caches live.")
    ladybug_buffer_pool_mb: int = Field(default=512, ge=64, description="Memory for the embedded store's page cache.")

    neo4j_uri: str = Field(default="", description="Bolt URI; empty means: use the embedded store.")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"

    store_timeout_s: float = Field(default=30.0, gt=0, description="Longest a single store query may run.")

    graphql_introspection: bool | None = Field(
        default=None, description="Allow GraphQL schema introspection; unset: only in development."
    )
    graphql_max_depth: int = Field(default=10, ge=1, description="Deepest selection a GraphQL query may nest.")
    graphql_max_aliases: int = Field(default=30, ge=0, description="Most aliases one GraphQL document may use.")
    graphql_max_tokens: int = Field(default=2000, ge=100, description="Most tokens one GraphQL document may have.")
    graphql_max_cost: int = Field(
        default=20_000,
        ge=1,
        description="Highest estimated cost of a GraphQL operation: 1 per field, a selection under a paged "
        "field (first) counted once per item.",
    )

    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1, description="Largest GraphQL request body the API reads (HTTP 413 above)."
    )
    request_timeout_s: float = Field(
        default=10.0, gt=0, description="Time budget of one GraphQL request; past it, an error with code TIMEOUT."
    )
    max_concurrent_requests: int = Field(
        default=16,
        ge=0,
        description="GraphQL operations executed at once; the others wait their turn in arrival order (the wait "
        "counts against their time budget); 0: no limit.",
    )

    insights_refresh_s: float = Field(
        default=10.0,
        ge=0,
        description="Least time between two reloads of the insights' graph projection while the graph keeps "
        "changing: insights may then lag the graph by this much, plus one reload; 0: reload after every change.",
    )

    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests per minute per API key (per client address without one); 0: no limit."
    )
    pseudonym_secret: SecretStr = Field(
        default=SecretStr(""),
        description="Key of the researchers' stable pseudonyms; unset: generated once into the data directory.",
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    sources_file: Path | None = Field(default=None, description="Override the bundled feed registry.")
    serve_sync: bool = Field(
        default=False, description="Run the importer inside `hub serve`, each source on its schedule."
    )

    @property
    def uses_neo4j(self) -> bool:
        return bool(self.neo4j_uri)

    @property
    def ladybug_path(self) -> Path:
        return self.data_dir / "graph.lbdb"
