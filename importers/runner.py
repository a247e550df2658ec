"""Running syncs for people: a progress display, a summary table, and the watch loop.

``hub sync`` and ``hub sync --watch`` (and so the docker-compose importer) call
these; the sync itself lives in :mod:`importers.sync`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from hub.domain import ImportRun
from hub.store.port import GraphStore
from importers.fetch import Fetcher
from importers.registry import Source
from importers.sync import Syncer

#: Errors shown per source under the table; the rest are in the ImportRun.
_ERRORS_SHOWN = 8


async def run_sync(store: GraphStore, sources: Sequence[Source], console: Console) -> bool:
    """Sync once with a progress bar per source; print the summary. True when no source failed."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        tasks: dict[str, TaskID] = {source.id: progress.add_task(source.id, total=None) for source in sources}

        def report(source_id: str, phase: str, done: int, total: int) -> None:
            progress.update(tasks[source_id], description=f"{source_id}: {phase}", completed=done, total=total)

        async with Fetcher() as fetcher:
            runs = await Syncer(store, fetcher).sync(sources, progress=report)
    print_summary(runs, console)
    return all(run.status != "failed" for run in runs)


def print_summary(runs: Sequence[ImportRun], console: Console) -> None:
    table = Table(title="sync", show_lines=False)
    for column in ("source", "status", "new", "changed", "cancelled", "unchanged", "removed", "failed", "seconds"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for run in runs:
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
        style = {"failed": "red", "partial": "yellow"}.get(run.status, "")
        table.add_row(
            run.source_key,
            f"[{style}]{run.status}[/]" if style else run.status,
            *(str(n) for n in (run.new, run.changed, run.cancelled, run.unchanged, run.removed, run.failed)),
            f"{seconds:.1f}",
        )
    console.print(table)
    for run in runs:
        for error in run.errors[:_ERRORS_SHOWN]:
            console.print(f"[red]error[/] {error}")
        if len(run.errors) > _ERRORS_SHOWN:
            console.print(
                f"[red]…[/] {len(run.errors) - _ERRORS_SHOWN} more errors of {run.source_key} in run {run.id}"
            )


async def watch_sync(store: GraphStore, sources: Sequence[Source], console: Console) -> None:
    """Sync every source when its schedule comes due, forever (Ctrl-C or SIGTERM stops it)."""
    due = {source.id: datetime.now(UTC) for source in sources}
    async with Fetcher() as fetcher:
        while True:
            now = datetime.now(UTC)
            ready = [source for source in sources if due[source.id] <= now]
            if ready:
                runs = await Syncer(store, fetcher).sync(ready)
                print_summary(runs, console)
                for source in ready:
                    due[source.id] = datetime.now(UTC) + source.schedule
            wait = min(due.values()) - datetime.now(UTC)
            console.print(f"next sync in {max(wait.total_seconds(), 0):.0f} s", style="dim")
            await asyncio.sleep(max(wait.total_seconds(), 1.0))
