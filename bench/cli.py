"""What the benchmarks' command lines share: help from the module docstring, and the measurement options."""

from __future__ import annotations

import argparse
from pathlib import Path


def bench_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser whose description is the docstring's first paragraph and whose epilog is the rest."""
    summary, _, details = (doc or "").partition("\n\n")
    return argparse.ArgumentParser(
        description=summary, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=details
    )


def add_measurement_arguments(
    parser: argparse.ArgumentParser,
    *,
    requests: int,
    warmup: int,
    concurrency: str,
    max_seconds: float,
    sides: str,
    profiled: str,
) -> None:
    """The options of a benchmark that times queries side by side on a generated graph in Neo4j.

    ``sides`` names what alternates ("hub/floor"); ``profiled`` what ``--profile`` profiles.
    ``args.concurrency`` is parsed into a list of levels (:func:`concurrency_levels`).
    """
    parser.add_argument("--actors", type=int, default=20_000, help="Actors in the generated graph (default 20,000).")
    parser.add_argument("--events", type=int, default=100_000, help="Events in the generated graph (default 100,000).")
    parser.add_argument("--requests", type=int, default=requests, help="Measured requests per query, side and level.")
    parser.add_argument("--warmup", type=int, default=warmup, help="Unmeasured requests per query and side first.")
    parser.add_argument(
        "--concurrency",
        type=concurrency_levels,  # argparse applies it to the text default too
        default=concurrency,
        help=f"Requests in flight, comma-separated (default {concurrency}).",
    )
    parser.add_argument("--blocks", type=int, default=4, help=f"Alternating {sides} blocks per measurement.")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=max_seconds,
        help=f"Time bound per query, side and level (default {max_seconds:g}).",
    )
    parser.add_argument(
        "--profile", type=int, nargs="?", const=100, default=0, metavar="RUNS",
        help=f"Also profile {profiled} in process over RUNS runs (default 100).",
    )  # fmt: skip
    parser.add_argument(
        "--neo4j-home", type=Path, help="Run Neo4j in this directory and keep it; the same graph is not loaded twice."
    )


def concurrency_levels(text: str) -> list[int]:
    """``"1,8,32"`` as ``[1, 8, 32]``."""
    return [int(level) for level in text.split(",")]
