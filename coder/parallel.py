"""Offline coding on several processes, results in article order.

The offline coder is CPU-bound Python, so one process uses one core; `coder code --jobs N`
spreads a large run over N worker processes. Articles are cut into consecutive chunks and
each chunk is coded by a fresh coder that first reads the CONTEXT_WINDOW articles before the
chunk (results thrown away; the first chunk, which has none to read, is that much longer),
so the run context it relies on (the country most recent articles were about, the provinces
of recent events) is the one a single process would have had. Results come back in article
order, so the store is written exactly as a one-process run writes it, one article at a time.

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


def _spans(n: int, jobs: int, window: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) chunks of n articles, at least `jobs` of them, of equal work.

    Every chunk but the first also codes the `window` articles before it, so the first is that
    much longer: with two workers and 1,000 articles, 525 and 475 (+50), which end together,
    where 500 and 500 (+50) kept one worker waiting on the other for a tenth of the run.
    """
    chunks = max(jobs, -(-n // CHUNK))
    # the first chunk takes on the others' re-reading, up to half a chunk (small test chunks)
    extra = min(window, -(-n // chunks) // 2)
    size = -(-(n - extra) // chunks)
    ends = sorted({min(n, extra + size * i) for i in range(1, chunks)} | {n})
    return list(zip([0, *ends[:-1]], ends, strict=True))


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
    spans = deque(_spans(len(articles), jobs, window))
    # fork only on Linux: macOS' system libraries are not fork-safe (Python spawns there too)
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    if method == "fork":
        _load_everything()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context(method))
    pending: deque[tuple[int, int, Future[list[Outcome]]]] = deque()

    def submit() -> None:
        start, end = spans.popleft()
        warm = list(articles[max(0, start - window) : start])
        pending.append((start, end, pool.submit(_code_chunk, country, warm, list(articles[start:end]))))

    try:
        while spans and len(pending) < 2 * jobs:  # bounded: results wait in memory only briefly
            submit()
        while pending:
            start, end, future = pending.popleft()
            try:
                outcomes = future.result()
            except BrokenProcessPool as exc:
                raise WorkerDied(
                    "a coding process ended abruptly (out of memory?); the articles coded so far"
                    " are saved: run the command again, with --jobs 1 if it happens again"
                ) from exc
            if spans:
                submit()
            yield from zip(articles[start:end], outcomes, strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
