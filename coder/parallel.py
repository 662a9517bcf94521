"""Offline coding on several processes, results in article order.

The offline coder is CPU-bound Python, so one process uses one core; `coder code --jobs N`
spreads a large run over N worker processes. Articles are cut into consecutive chunks and
each chunk is coded by a fresh coder that first reads the CONTEXT_WINDOW articles before the
chunk (results thrown away), so the run context it relies on (the country most recent
articles were about, the provinces of recent events) is the one a single process would have
had. Results come back in article order, so the store is written exactly as a one-process
run writes it, one article at a time.

On Linux the parent loads the gazetteer, the actor dictionary and
the classifier once and the workers inherit them, so they start coding at once. Forking a
process that has used polars is safe here because coding never calls polars after the load
(the gazetteer keeps plain lists): a forked child must not touch polars' thread pool. Elsewhere
workers are spawned and each loads the data itself (a few seconds). Runs under MIN_PARALLEL
articles stay in one process.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from coder.models import Article
from coder.offline import OfflineCoder
from coder.pipeline import Outcome, attempt

CHUNK = 500  # at most; a run is cut into at least `jobs` chunks
MIN_PARALLEL = 400


class WorkerDied(RuntimeError):
    """A worker process ended abruptly (killed, out of memory)."""


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _load_everything() -> None:
    """Load what coding needs (gazetteer, dictionaries, classifier, compiled patterns) by coding
    two small articles, so forked workers inherit it instead of loading it each."""
    coder = OfflineCoder()
    day = dt.date(2020, 1, 2)
    coder(
        Article(
            id="warm-up-en",
            text="Police shot two protesters in Nairobi on Monday.",
            language="en",
            published=day,
        )
    )
    coder(Article(id="warm-up-ar", text="قصفت قوات النظام بلدة كفرنبل أمس.", language="ar", published=day))


def _code_chunk(country: str | None, warm: list[Article], chunk: list[Article]) -> list[Outcome]:
    coder = OfflineCoder(country)
    for article in warm:
        attempt(coder, article)
    return [attempt(coder, article) for article in chunk]


def code_offline(
    articles: Sequence[Article], country: str | None = None, jobs: int = 1
) -> Iterator[tuple[Article, Outcome]]:
    """(article, events or failure reason) for every article, in order, on `jobs` processes."""
    if jobs <= 1 or len(articles) < MIN_PARALLEL:
        coder = OfflineCoder(country)
        for article in articles:
            yield article, attempt(coder, article)
        return
    window = OfflineCoder.CONTEXT_WINDOW
    # big chunks: each re-reads the CONTEXT_WINDOW articles before it, so small ones waste work
    chunk = min(CHUNK, -(-len(articles) // jobs))
    starts = deque(range(0, len(articles), chunk))
    # fork only on Linux: macOS' system libraries are not fork-safe (Python spawns there too)
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    if method == "fork":
        _load_everything()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context(method))
    pending: deque[tuple[int, Future[list[Outcome]]]] = deque()

    def submit() -> None:
        start = starts.popleft()
        warm = list(articles[max(0, start - window) : start])
        pending.append(
            (start, pool.submit(_code_chunk, country, warm, list(articles[start : start + chunk])))
        )

    try:
        while starts and len(pending) < 2 * jobs:  # bounded: results wait in memory only briefly
            submit()
        while pending:
            start, future = pending.popleft()
            try:
                outcomes = future.result()
            except BrokenProcessPool as exc:
                raise WorkerDied(
                    "a coding process ended abruptly (out of memory?); the articles coded so far"
                    " are saved: run the command again, with --jobs 1 if it happens again"
                ) from exc
            if starts:
                submit()
            yield from zip(articles[start : start + chunk], outcomes, strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
