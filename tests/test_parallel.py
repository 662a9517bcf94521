"""Offline coding on several processes gives what one process gives, in the same order."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder import parallel
from coder.cli import cli
from coder.ingest import ingest_paths
from coder.models import Article
from coder.pipeline import code_articles
from coder.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    seeds = ingest_paths([SEEDS]).articles
    # twice over, so chunks cut through the run and later chunks depend on earlier context
    return [a.model_copy(update={"id": f"{a.id}-{k}"}) for k in range(2) for a in seeds]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # the parent cuts the chunks: small ones make two workers share a dozen articles
    monkeypatch.setattr(parallel, "CHUNK", 4)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)


def test_two_processes_write_the_store_like_one(
    tmp_path: Path, articles: list[Article], small_chunks: None
) -> None:
    tables = []
    for jobs in (1, 2):
        with Store(tmp_path / f"jobs{jobs}.db") as store:
            store.add_articles(articles)
            seen: list[str] = []
            summary = code_articles(
                store, "offline", on_article=lambda a, _n, seen=seen: seen.append(a.id), jobs=jobs
            )
            assert seen == [a.id for a in store.articles()]
            assert summary.coded == len(articles) and not summary.failed
            events = [(e.article_id, e.event.model_dump(), e.flags) for e in store.events()]
            tables.append(sorted(events, key=lambda row: (row[0], row[1]["event_id_cnty"])))
    assert tables[0] == tables[1]
    assert len(tables[0]) > len(articles)  # real events, several per article


def test_small_runs_stay_in_one_process(articles: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a small run")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    assert len(list(parallel.code_offline(articles[:3], jobs=2))) == 3


_FATAL: set[str] = set()  # ids whose chunk kills its worker (forked workers see this set)


def _die_on_fatal(country: str | None, warm: list[Article], chunk: list[Article]) -> list:
    if any(a.id in _FATAL for a in chunk):
        os._exit(1)  # a worker killed mid-run (out of memory, kill -9)
    return _real_code_chunk(country, warm, chunk)


_real_code_chunk = parallel._code_chunk


def test_a_dead_worker_is_reported_and_finished_articles_are_kept(
    tmp_path: Path, articles: list[Article], small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the replaced chunk function reaches the workers only through fork")
    # forked workers inherit the replaced function and the ids that kill
    monkeypatch.setattr(parallel, "_code_chunk", _die_on_fatal)
    db = tmp_path / "c.db"
    with Store(db) as store:
        store.add_articles(articles)
        order = [a.id for a in store.uncoded_articles("offline")]
    _FATAL.clear()
    _FATAL.add(order[-1])  # the last chunk's worker dies
    try:
        result = CliRunner().invoke(cli, ["code", "--jobs", "2", "--db", str(db)])
    finally:
        _FATAL.clear()
    assert result.exit_code == 1
    assert "a coding process ended abruptly" in result.output
    with Store(db) as store:
        coded = {e.article_id for e in store.events()}
        (run,) = store.runs()
        left = [a.id for a in store.uncoded_articles("offline")]
    assert coded and order[-1] not in coded  # the chunks before the crash are saved
    assert run["status"] == "failed"
    assert order[-1] in left and not set(left) & coded  # running again codes the rest


@pytest.mark.parametrize(("n", "jobs"), [(400, 2), (1000, 2), (3000, 2), (5000, 3), (22, 2)])
def test_chunks_cover_the_run_and_take_equal_work(n: int, jobs: int) -> None:
    window = 50
    spans = parallel._spans(n, jobs, window)
    assert spans[0][0] == 0 and spans[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert len(spans) >= jobs
    # work = the chunk plus the articles re-read before it; the last chunk may be shorter
    work = [end - start + min(window, start) for start, end in spans]
    assert max(work[:-1]) - min(work[:-1]) <= 1
    if n >= 1000 and len(spans) == jobs:
        assert max(work) - min(work) <= 1  # 525 and 475 + 50 for 1,000 articles on two workers
