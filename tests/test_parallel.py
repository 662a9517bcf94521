"""Offline coding on several processes gives what one process gives, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder import parallel
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
