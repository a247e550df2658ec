"""The ``hub`` command: serve the API, load demo data, migrate between stores, inspect.

Every command reads the same configuration as the service (``HUB_*`` variables or
``.env``, see :mod:`hub.config`); flags override it for one run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from hub.config import Settings
from hub.store import create_store
from hub.store.port import GraphCounts, GraphStore, StoreError

app = typer.Typer(
    help="The network hub of the digital innovation centres of Mecklenburg-Vorpommern.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
# Piped or logged output (cron, docker logs) gets a width that fits the summary table.
console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)
T = TypeVar("T")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Embedded store directory (overrides HUB_DATA_DIR).", show_default=False),
]
Neo4jUri = Annotated[
    str | None,
    typer.Option("--neo4j-uri", help="Use Neo4j at this Bolt URI (overrides HUB_NEO4J_URI).", show_default=False),
]


def _settings(data_dir: Path | None = None, neo4j_uri: str | None = None, **overrides: Any) -> Settings:
    values = {k: v for k, v in {"data_dir": data_dir, "neo4j_uri": neo4j_uri, **overrides}.items() if v is not None}
    return Settings(**values)


def _run(work: Callable[[], Awaitable[T]]) -> T:
    """Run async work; a store error becomes a one-line message and exit code 1, not a traceback."""
    try:
        return asyncio.run(work())
    except StoreError as error:
        console.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(1) from error


@contextlib.contextmanager
def _progress_reporter() -> Iterator[Callable[[str, int, int], None]]:
    """A ``report(phase, done, total)`` callback drawing one rich progress bar per phase."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        yield report


async def _opened(settings: Settings) -> GraphStore:
    store = create_store(settings)
    await store.open()
    return store


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (HUB_HOST).", show_default=False)] = None,
    port: Annotated[int | None, typer.Option(help="Port (HUB_PORT).", show_default=False)] = None,
    data_dir: DataDir = None,
    neo4j_uri: Neo4jUri = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    sync: Annotated[
        bool | None,
        typer.Option(
            "--sync/--no-sync",
            help="Also sync the feeds on their schedules, in this process (HUB_SERVE_SYNC); "
            "the way to keep an embedded store fresh while serving it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the hub's HTTP API with uvicorn."""
    import uvicorn

    from hub.api.app import create_app

    settings = _settings(data_dir, neo4j_uri, host=host, port=port, serve_sync=sync)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    store = "Neo4j at " + settings.neo4j_uri if settings.uses_neo4j else f"embedded store in {settings.ladybug_path}"
    console.print(f"hub: serving the {store} on http://{settings.host}:{settings.port}")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=log_level)


@app.command()
def demo(
    events: Annotated[int, typer.Option(min=10, help="How many events to generate across the six centres.")] = 1_200,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same feeds.")] = 7,
    data_dir: DataDir = None,
    neo4j_uri: Neo4jUri = None,
) -> None:
    """Write realistic demo feeds for all six centres and sync them, as the importer does real ones.

    The feeds go to DATA_DIR/demo-feeds with their own registry (sources.yaml); running it
    again with the same seed reports no changes.
    """
    from importers.demo_feeds import write_demo_feeds
    from importers.registry import load_registry
    from importers.runner import run_sync

    settings = _settings(data_dir, neo4j_uri)
    target = settings.data_dir / "demo-feeds"
    feeds = write_demo_feeds(target, events=events, seed=seed)
    registry = feeds.write_registry(target / "sources.yaml")
    console.print(f"wrote {feeds.total:,} demo events for {len(feeds.registry)} sources to {target}")

    async def work() -> bool:
        store = await _opened(settings)
        try:
            return await run_sync(store, load_registry(registry), console)
        finally:
            await store.close()

    if not _run(work):
        raise typer.Exit(2)


@app.command()
def sync(
    space: Annotated[
        list[str] | None, typer.Option("--space", help="Only the sources of this centre (repeatable).")
    ] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source id (repeatable).")] = None,
    registry: Annotated[
        Path | None, typer.Option(help="Feed registry YAML (overrides HUB_SOURCES_FILE).", show_default=False)
    ] = None,
    watch: Annotated[bool, typer.Option(help="Keep running; sync each source on its schedule.")] = False,
    data_dir: DataDir = None,
    neo4j_uri: Neo4jUri = None,
) -> None:
    """Sync the centres' feeds into the graph, incrementally; print a summary per source.

    Exit code 0 when every source synced (fully, partly or unchanged), 2 when one failed.
    """
    from importers.registry import load_registry
    from importers.runner import run_sync, watch_sync

    settings = _settings(data_dir, neo4j_uri)
    sources = load_registry(registry or settings.sources_file)
    chosen = [s for s in sources if (not space or s.space in space) and (not source or s.id in source)]
    unknown = sorted(set(source or ()) - {s.id for s in sources})
    if unknown or not chosen:
        console.print(f"[bold red]error:[/] no such source: {', '.join(unknown)}" if unknown else "nothing to sync")
        raise typer.Exit(1)

    async def work() -> bool:
        store = await _opened(settings)
        try:
            if watch:
                await watch_sync(store, chosen, console)
                return True
            return await run_sync(store, chosen, console)
        finally:
            await store.close()

    if not _run(work):
        raise typer.Exit(2)


@app.command()
def migrate(
    target: Annotated[
        str,
        typer.Argument(
            help="Where to copy the graph: a Bolt URI (bolt://host:7687, neo4j+s://…) "
            "or a directory for the embedded store.",
        ),
    ],
    target_user: Annotated[str, typer.Option(help="Neo4j user of the target.")] = "neo4j",
    target_password: Annotated[
        str, typer.Option(envvar="HUB_TARGET_NEO4J_PASSWORD", help="Neo4j password of the target.", show_default=False)
    ] = "",
    target_database: Annotated[str, typer.Option(help="Neo4j database of the target.")] = "neo4j",
    clear_target: Annotated[bool, typer.Option(help="Empty the target first (it must be empty otherwise).")] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=50_000, help="Nodes or relationships per write.")] = 2_000,
    data_dir: DataDir = None,
    neo4j_uri: Neo4jUri = None,
) -> None:
    """Copy the whole graph from the configured store to another one, and verify the counts.

    Moving a grown installation from the embedded store to Neo4j:

        hub migrate bolt://neo4j.example:7687 --target-password …

    then set HUB_NEO4J_URI (and HUB_NEO4J_PASSWORD) and restart the hub.
    """
    from hub.migrate import migrate as copy_graph
    from hub.store.ladybug_store import LadybugStore
    from hub.store.neo4j_store import Neo4jStore

    settings = _settings(data_dir, neo4j_uri)
    destination: GraphStore
    if "://" in target:
        destination = Neo4jStore(target, target_user, target_password, database=target_database)
    else:
        destination = LadybugStore(Path(target) / "graph.lbdb", buffer_pool_mb=settings.ladybug_buffer_pool_mb)

    async def work() -> None:
        source = await _opened(settings)
        try:
            await destination.open()
            with _progress_reporter() as report:
                result = await copy_graph(
                    source, destination, batch_size=batch_size, clear_target=clear_target, progress=report
                )
            console.print(f"copied and verified in {result.elapsed_s:.1f} s")
            _print_counts(await destination.counts())
        finally:
            await destination.close()
            await source.close()

    _run(work)


@app.command()
def status(data_dir: DataDir = None, neo4j_uri: Neo4jUri = None) -> None:
    """Show which store is configured and how many nodes and relationships it holds."""
    settings = _settings(data_dir, neo4j_uri)

    async def work() -> None:
        store = await _opened(settings)
        try:
            console.print(f"engine: {store.engine}")
            _print_counts(await store.counts())
        finally:
            await store.close()

    _run(work)


# --- API keys and erasure -----------------------------------------------------------------------------

keys_app = typer.Typer(
    help="Issue, list and revoke API keys (kept hashed in the store). Without a key, the API is public.",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")
_ROLES_HELP = "public data plus: ministry (import runs), researcher (pseudonymised people), coordinator, admin"


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Whom the key is for (shown in lists and the audit log).")],
    role: Annotated[str, typer.Option(help=f"One of: ministry, researcher, coordinator, admin ({_ROLES_HELP}).")],
    space: Annotated[
        str | None,
        typer.Option(help="A coordinator's centre, e.g. diz-rostock (coordinators only).", show_default=False),
    ] = None,
    data_dir: DataDir = None,
    neo4j_uri: Neo4jUri = None,
) -> None:
    """Issue a key; its secret is printed once and cannot be shown again."""
    from hub.access.keys import ApiKeys, KeyRequestError
    from hub.access.roles import Role

    try:
        chosen = Role(role)
    except ValueError:
        console.print(
            f"[bold red]error:[/] unknown role {role!r}; choose one of ministry, researcher, coordinator, admin"
        )
        raise typer.Exit(2) from None

    async def work() -> None:
        store = await _opened(_settings(data_dir, neo4j_uri))
        try:
            issued = await ApiKeys(store).issue(name, chosen, space)
        except KeyRequestError as error:
            console.print(f"[bold red]error:[/] {error}")
            raise typer.Exit(2) from error
        finally:
            await store.close()
        console.print(f"issued key {issued.key.id} ({chosen.value}{', ' + space if space else ''}) for {name}")
        console.print("send it as 'Authorization: Bearer <key>'; it is shown only now:")
        print(issued.token)  # alone on stdout, for scripts

    _run(work)


@keys_app.command("list")
def keys_list(data_dir: DataDir = None, neo4j_uri: Neo4jUri = None) -> None:
    """List the keys (never their secrets)."""
    from hub.access.keys import ApiKeys

    async def work() -> None:
        store = await _opened(_settings(data_dir, neo4j_uri))
        try:
            keys = await ApiKeys(store).list()
        finally:
            await store.close()
        table = Table("id", "name", "role", "centre", "created", "revoked", title="API keys")
        for key in keys:
            revoked = f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else ""
            table.add_row(key.id, key.name, key.role, key.space_id or "", f"{key.created_at:%Y-%m-%d %H:%M}", revoked)
        # Piped output (scripts, logs) gets a width that keeps ids and names whole.
        Console(width=None if sys.stdout.isatty() else 160).print(table)

    _run(work)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (the part after 'hub_', as `hub keys list` shows).")],
    data_dir: DataDir = None,
    neo4j_uri: Neo4jUri = None,
) -> None:
    """Revoke a key; running servers refuse it within a few seconds."""
    from hub.access.keys import CACHE_SECONDS, ApiKeys

    async def work() -> None:
        store = await _opened(_settings(data_dir, neo4j_uri))
        try:
            key = await ApiKeys(store).revoke(key_id)
        finally:
            await store.close()
        if key is None:
            console.print(f"[bold red]error:[/] there is no key {key_id!r} (see `hub keys list`)")
            raise typer.Exit(1)
        console.print(f"revoked key {key.id} ({key.name}); servers refuse it within {CACHE_SECONDS:g} s")

    _run(work)


@app.command()
def forget(
    actor_id: Annotated[str, typer.Argument(help="The person's actor id (as the API shows it, decoded).")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
    neo4j_uri: Neo4jUri = None,
) -> None:
    """Remove a person completely, on their request; only the fact of the removal is kept.

    Their actor and relationships go, their names leave other actors' aliases and the
    audit log, and the importer will not bring them back from a feed.
    """
    from hub.access.roles import Principal, Role
    from hub.curation import CurationError, Curator

    if not yes:
        typer.confirm(f"Remove the person {actor_id!r} and everything the hub holds about them?", abort=True)

    async def work() -> None:
        store = await _opened(_settings(data_dir, neo4j_uri))
        try:
            erasure = await Curator(store, Principal(Role.ADMIN, key_name="cli")).forget_person(actor_id)
        except CurationError as error:
            console.print(f"[bold red]error:[/] {error}")
            raise typer.Exit(1) from error
        finally:
            await store.close()
        console.print(
            f"forgotten: {actor_id} (erasure record {erasure.id[:12]}…, {erasure.erased_at:%Y-%m-%d %H:%M} UTC)"
        )

    _run(work)


def _print_counts(counts: GraphCounts) -> None:
    table = Table("kind", "name", "count", title="graph")
    for label, count in counts.nodes.items():
        table.add_row("node", label, f"{count:,}")
    for rel_type, count in counts.relationships.items():
        table.add_row("relationship", rel_type, f"{count:,}")
    Console().print(table)


if __name__ == "__main__":
    app()
