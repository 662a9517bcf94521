"""Coding a store's articles with the LLM: concurrent workers, cache, resume, accounting.

Each article is committed on its own as soon as it is coded (or recorded as failed with its
reason), and every usable model answer is cached the moment it arrives, keyed by (model,
prompt hash, article-chunk hash). So a killed run resumes where it stopped: finished articles
are skipped and answers already paid for are not asked again.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from coder.llm import CODER_NAME, CODER_VERSION
from coder.llm.accounting import cache_get, cache_key, cache_put, close_run, record_usage
from coder.llm.chunking import Chunk, chunk_text
from coder.llm.client import CURRENT_USAGE, LLMClient, LLMError, Usage
from coder.llm.grounding import build_event
from coder.llm.pricing import EXPECTED_OUTPUT_TOKENS, cost, estimate_messages, estimate_tokens, price_for
from coder.llm.prompts import PromptTemplate, article_hash, load
from coder.llm.response import ArticleEvents
from coder.llm.settings import Settings
from coder.merge import merge_events
from coder.models import Article, CodedEvent
from coder.store import Store

MIN_CHUNK_TOKENS = 100


@dataclass
class LLMSummary:
    run_id: int
    model: str
    prompt_hash: str
    articles: int = 0
    coded: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article, reason)
    events: int = 0
    seconds: float = 0.0
    usage: Usage = field(default_factory=Usage)
    cost: float | None = None
    stopped: str | None = None  # why the run stopped early (a fatal error), if it did
    interrupted: bool = False


@cache
def schema_tokens() -> int:
    """The response schema travels with every request (tool or response_format)."""
    return estimate_tokens(json.dumps(ArticleEvents.model_json_schema()))


def chunks_for(article: Article, template: PromptTemplate, settings: Settings) -> list[Chunk]:
    overhead = estimate_messages(template.messages(article, "", 1, 2)) + schema_tokens()
    budget = settings.max_input_tokens - overhead
    if budget < MIN_CHUNK_TOKENS:
        raise LLMError(
            f"--max-input-tokens {settings.max_input_tokens} leaves no room for the article: the prompt"
            f" alone takes ~{overhead} tokens",
            fatal=True,
        )
    return chunk_text(article.text, budget, overlap=budget // 8)


class ArticleCoder:
    """Codes one article: chunks, cached or fresh answers, grounding, merged events."""

    def __init__(self, settings: Settings, client: LLMClient | None, store: Store | None = None) -> None:
        self.settings = settings
        self.client = client
        self.store = store
        self.template = load(settings.prompt_version)

    async def code(self, article: Article, usage: Usage) -> list[CodedEvent]:
        token = CURRENT_USAGE.set(usage)
        try:
            chunks = chunks_for(article, self.template, self.settings)
            coded: list[CodedEvent] = []
            for part, chunk in enumerate(chunks, start=1):
                answer = await self._answer(article, chunk, part, len(chunks), usage)
                coded += [
                    build_event(d, article, chunk.text, chunk.offset, self.settings.model, self.template.hash)
                    for d in answer.events
                ]
            return merge_events(coded)
        finally:
            CURRENT_USAGE.reset(token)

    async def _answer(
        self, article: Article, chunk: Chunk, part: int, parts: int, usage: Usage
    ) -> ArticleEvents:
        messages = self.template.messages(article, chunk.text, part, parts)
        a_hash = article_hash(messages)
        key = cache_key(self.settings.model, self.template.hash, a_hash)
        cached = cache_get(self.store, key) if self.store is not None else None
        if cached is not None:
            usage.cache_hits += 1
            return ArticleEvents.model_validate_json(cached, context={"lenient": True})
        if self.client is None:
            raise LLMError("no cached answer and no client (batch import needs the results file)")
        before = Usage(tokens_in=usage.tokens_in, tokens_out=usage.tokens_out)
        answer = await self.client.ask(messages, chunk.text)
        if self.store is not None:
            spent = Usage(
                tokens_in=usage.tokens_in - before.tokens_in, tokens_out=usage.tokens_out - before.tokens_out
            )
            cache_put(
                self.store,
                key,
                self.settings.model,
                self.template.hash,
                a_hash,
                answer.events.model_dump_json(),
                spent,
            )
        return answer.events


def pending(store: Store, recode: bool, limit: int | None) -> list[Article]:
    articles = store.articles() if recode else store.uncoded_articles(CODER_NAME)
    return articles[:limit] if limit else articles


async def code_store(
    store: Store,
    settings: Settings,
    client: LLMClient,
    on_article: Callable[[Article, int], None] | None = None,
    recode: bool = False,
    limit: int | None = None,
) -> LLMSummary:
    """Code every article the LLM coder has not done, `settings.concurrency` at a time."""
    from coder.pipeline import id_prefix

    coder = ArticleCoder(settings, client, store)
    articles = pending(store, recode, limit)
    price = price_for(settings.model, settings.base_url)
    run_id = store.start_run(CODER_NAME, CODER_VERSION, settings.model, coder.template.hash)
    summary = LLMSummary(run_id, settings.model, coder.template.hash, articles=len(articles))
    queue: asyncio.Queue[Article] = asyncio.Queue()
    for article in articles:
        queue.put_nowait(article)
    started = time.perf_counter()

    async def worker() -> None:
        while summary.stopped is None and not queue.empty():
            article = queue.get_nowait()
            usage = Usage()
            t0 = time.perf_counter()
            coded: list[CodedEvent] = []
            reason = None
            try:
                coded = await coder.code(article, usage)
            except LLMError as exc:
                reason = str(exc)
                if exc.fatal:
                    summary.stopped = reason
            except Exception as exc:  # one bad article must not stop the batch
                reason = f"{type(exc).__name__}: {exc}"
            article_cost = cost(price, usage.tokens_in, usage.tokens_out)
            record_usage(store, run_id, article.id, usage, article_cost, time.perf_counter() - t0)
            summary.usage.add(usage)
            if reason is None:
                store.save_coding(article.id, CODER_NAME, run_id, coded, id_prefix)
                summary.coded += 1
                summary.events += len(coded)
            else:
                store.save_failure(article.id, CODER_NAME, run_id, reason)
                summary.failed.append((article.source_path or article.id, reason))
            if on_article:
                try:
                    on_article(article, len(coded))
                except KeyboardInterrupt:
                    # A KeyboardInterrupt raised inside a task escapes the event loop and
                    # surfaces again while it shuts down; stop the way Ctrl-C does under
                    # asyncio.run instead: cancel the run, then raise it from the run itself.
                    interrupted_by_callback.append(True)
                    assert main is not None
                    main.cancel()
                    return

    main = asyncio.current_task()
    interrupted_by_callback: list[bool] = []
    tasks = [asyncio.create_task(worker()) for _ in range(max(1, min(settings.concurrency, len(articles))))]
    try:
        await asyncio.gather(*tasks)
    except (asyncio.CancelledError, KeyboardInterrupt):
        for task in tasks:
            task.cancel()
        summary.interrupted = True
        close_run(store, run_id, "interrupted", price is not None)
        if interrupted_by_callback:
            raise KeyboardInterrupt from None
        raise
    finally:
        summary.seconds = time.perf_counter() - started
    close_run(store, run_id, "stopped" if summary.stopped else "done", price is not None)
    summary.cost = cost(price, summary.usage.tokens_in, summary.usage.tokens_out)
    return summary


def run(
    store: Store,
    settings: Settings,
    on_article: Callable[[Article, int], None] | None = None,
    recode: bool = False,
    limit: int | None = None,
    client: LLMClient | None = None,
) -> LLMSummary:
    """Synchronous entry point (the CLI's): one event loop for the whole run."""

    async def main() -> LLMSummary:
        own = client or LLMClient(settings)
        try:
            return await code_store(store, settings, own, on_article, recode, limit)
        finally:
            if client is None:
                await own.close()

    return asyncio.run(main())


@dataclass
class Plan:
    """What a run would send, estimated without calling anything (`--dry-run`)."""

    articles: int
    requests: int
    cached: int
    tokens_in: int
    tokens_out: int
    price: tuple[float, float] | None
    cost: float | None


def plan(store: Store, settings: Settings, recode: bool = False, limit: int | None = None) -> Plan:
    template = load(settings.prompt_version)
    articles = pending(store, recode, limit)
    requests = cached = tokens_in = 0
    extra = schema_tokens()
    for article in articles:
        chunks = chunks_for(article, template, settings)
        for part, chunk in enumerate(chunks, start=1):
            messages = template.messages(article, chunk.text, part, len(chunks))
            if cache_get(store, cache_key(settings.model, template.hash, article_hash(messages))) is not None:
                cached += 1
                continue
            requests += 1
            tokens_in += estimate_messages(messages) + extra
    tokens_out = requests * min(EXPECTED_OUTPUT_TOKENS, settings.max_output_tokens)
    price = price_for(settings.model, settings.base_url)
    return Plan(
        len(articles), requests, cached, tokens_in, tokens_out, price, cost(price, tokens_in, tokens_out)
    )


class LLMCoder:
    """The LLM coder as a plain `Coder` (Article -> events) for `coder eval`: no store, no cache.

    A failed article codes to no events (and is remembered in `failures`); a fatal error
    (bad key, unknown model) is raised.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.client = LLMClient(settings)
        self.coder = ArticleCoder(settings, self.client)
        self.usage = Usage()
        self.failures: list[tuple[str, str]] = []

    def __call__(self, article: Article) -> list[CodedEvent]:
        try:
            return self.loop.run_until_complete(self.coder.code(article, self.usage))
        except LLMError as exc:
            if exc.fatal:
                raise
            self.failures.append((article.id, str(exc)))
            return []
        except Exception as exc:  # one bad answer must not stop an evaluation, as in a run
            self.failures.append((article.id, f"{type(exc).__name__}: {exc}"))
            return []

    def close(self) -> None:
        self.loop.run_until_complete(self.client.close())
        self.loop.close()
