"""Command-line options shared by the CLI's modules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--db on every command (after the command name, as users type it)."""
    return click.option(
        "--db",
        "db_path",
        default="coder.db",
        envvar="CODER_DB",
        show_default=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="SQLite store file (or $CODER_DB).",
    )(func)


def jobs_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs: processes for the offline coder."""
    return click.option(
        "--jobs",
        type=click.IntRange(1),
        help="Offline coder: worker processes (default: one per core; runs of fewer than"
        " 400 articles stay in one process).",
    )(func)
