"""Pipeline steps over the store: code every un-coded article, one transaction per article.

The CLI's `code` and `run` commands call `code_articles`; it never lets one bad article stop
the batch: a failure is recorded with its reason and the next article is coded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coder.models import Article, CodedEvent, Event
from coder.store import Store

if TYPE_CHECKING:
    from coder.llm.settings import Settings

Coder = Callable[[Article], list[CodedEvent]]
#: What coding one article gave: its events, or the reason it failed ("ValueError: ...").
Outcome = list[CodedEvent] | str


@dataclass
class CodeSummary:
    run_id: int
    articles: int = 0
    coded: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article, reason)
    events: int = 0
    seconds: float = 0.0
    interrupted: bool = False


def id_prefix(event: Event) -> str:
    """ISO3 letters of the event's country (ACLED-style ids), XXX when unknown."""
    from coder.gazetteer import get_gazetteer

    country = get_gazetteer().country(event.country) if event.country else None
    return country.iso3 if country else "XXX"


def get_coder(name: str, country: str | None = None, llm: Settings | None = None) -> tuple[Coder, str]:
    """The coding function and its version for a coder name.

    `country`: the country the collection is about, used by the offline coder for articles
    that name none (otherwise it learns it from the run). `llm`: how the LLM coder reaches
    its model (model name, endpoint, mode, ...); required for "llm". The LLM coder holds an
    HTTP client and an event loop: call its `close()` when done (`code_articles` does).
    """
    if name == "offline":
        from coder import offline

        return offline.OfflineCoder(country), offline.CODER_VERSION
    if name == "llm":
        if llm is None:
            raise ValueError("the LLM coder needs settings: at least a model name (--model)")
        from coder.llm import CODER_VERSION
        from coder.llm.runner import LLMCoder

        return LLMCoder(llm), CODER_VERSION
    raise ValueError(f"unknown coder {name!r}; choose offline or llm")


def code_articles(
    store: Store,
    coder_name: str,
    on_article: Callable[[Article, int], None] | None = None,
    recode: bool = False,
    country: str | None = None,
    jobs: int = 1,
    llm: Settings | None = None,
) -> CodeSummary:
    """Code every article this coder has not done; commit each article on its own.

    `jobs` > 1 spreads the offline coder over that many processes (coder.parallel); the
    store is still written here, one article at a time, in article order. For the LLM coder
    this codes one article at a time; `coder code --coder llm` uses coder.llm.runner instead,
    which keeps several requests in flight, caches answers and accounts tokens per article.
    """
    code, version = get_coder(coder_name, country, llm)
    articles = store.articles() if recode else store.uncoded_articles(coder_name)
    run_id = store.start_run(coder_name, version)
    summary = CodeSummary(run_id=run_id, articles=len(articles))
    started = time.perf_counter()
    if coder_name == "offline":
        from coder.parallel import code_offline

        outcomes: Iterable[tuple[Article, Outcome]] = code_offline(articles, country, jobs)
    else:
        outcomes = ((article, attempt(code, article)) for article in articles)
    try:
        for article, outcome in outcomes:
            if isinstance(outcome, list):
                try:
                    store.save_coding(article.id, coder_name, run_id, outcome, id_prefix)
                except Exception as exc:  # e.g. an event the store's constraints refuse
                    outcome = f"{type(exc).__name__}: {exc}"
            if isinstance(outcome, str):
                store.save_failure(article.id, coder_name, run_id, outcome)
                summary.failed.append((article.source_path or article.id, outcome))
            else:
                summary.coded += 1
                summary.events += len(outcome)
            if on_article:
                on_article(article, len(outcome) if isinstance(outcome, list) else 0)
    except KeyboardInterrupt:
        summary.interrupted = True
        store.finish_run(run_id, status="interrupted")
        raise
    except Exception:
        store.finish_run(run_id, status="failed")
        raise
    finally:
        summary.seconds = time.perf_counter() - started
        close = getattr(code, "close", None)
        if close is not None:
            close()
    store.finish_run(run_id)
    return summary


def attempt(code: Coder, article: Article) -> Outcome:
    """Code one article; a failure becomes its reason, so one bad article never stops a batch."""
    try:
        return code(article)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
