"""The progress bar `code`, `run` and the LLM coder show while articles are coded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def coding_progress(console: Console, total: int) -> Iterator[Callable[[Any, int], None]]:
    """A bar over `total` articles; yields the callback that advances it by one article."""
    with Progress(
        TextColumn("coding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=total == 0,
    ) as progress:
        task = progress.add_task("", total=total)

        def advance(article: Any, events: int) -> None:
            progress.update(task, advance=1, description=Path(article.source_path or article.id).name)

        yield advance
