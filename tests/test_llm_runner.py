"""Runs of the LLM coder: cache, resume, concurrency, dry run, chunking, CLI, accounting."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakeserver import FakeServer, Reply, article_text, completion
from llm_helpers import answer, article, run_llm, settings

from coder.cli import cli
from coder.llm.accounting import article_usage
from coder.llm.chunking import chunk_text
from coder.llm.pricing import estimate_tokens, price_for
from coder.llm.ratelimit import BackoffWait, RateLimiter, retry_after
from coder.llm.runner import plan
from coder.store import Store

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _ok(req: dict, n: int) -> Reply:
    return completion(req, answer(), usage=(120, 40))


def _store(tmp_path: Path, n: int) -> Store:
    store = Store(tmp_path / "coder.db")
    store.add_articles([article(i) for i in range(1, n + 1)])
    return store


def test_identical_requests_never_reach_the_api_twice(tmp_path: Path) -> None:
    with FakeServer(_ok) as server, _store(tmp_path, 3) as store:
        first = run_llm(store, settings(server.base_url))
        again = run_llm(store, settings(server.base_url), recode=True)
        assert len(server.requests) == 3
        runs = store.runs()
        events = store.events()
    assert (first.usage.requests, first.usage.cache_hits) == (3, 0)
    assert (again.usage.requests, again.usage.cache_hits, again.coded) == (0, 3, 3)
    assert len(events) == 3  # re-coding replaced the first run's events
    assert runs[1]["cache_hits"] == 3 and runs[1]["tokens_in"] == 0
    # another model is another key
    with FakeServer(_ok) as server, Store(tmp_path / "coder.db") as store:
        other = run_llm(store, settings(server.base_url, model="other-model"), recode=True)
    assert other.usage.requests == 3


def test_killed_run_resumes_and_loses_nothing(tmp_path: Path) -> None:
    done: list[str] = []

    def kill_after_two(a: Any, events: int) -> None:
        done.append(a.id)
        if len(done) == 2:
            raise KeyboardInterrupt

    with FakeServer(_ok) as server, _store(tmp_path, 10) as store:
        s = settings(server.base_url, concurrency=3)
        with pytest.raises(KeyboardInterrupt):
            run_llm(store, s, on_article=kill_after_two)
        assert store.runs()[-1]["status"] == "interrupted"
        coded_first = {e.article_id for e in store.events()}
        asked_before = len(server.requests)
        assert 2 <= len(coded_first) < 10
        rest = run_llm(store, s)
        assert len(store.events()) == 10 and rest.coded == 10 - len(coded_first)
        asked_again = [article_text(r) for r in server.requests[asked_before:]]
    texts = {article(i).id: f"Report {i}:" for i in range(1, 11)}
    # nothing coded by the killed run is asked again; answers that had arrived before the
    # kill come from the cache; only requests cut off in flight are sent again
    assert not [t for t in asked_again for done_id in coded_first if texts[done_id] in t]
    assert rest.usage.requests + rest.usage.cache_hits == rest.coded
    assert len(asked_again) == rest.usage.requests


def test_requests_run_concurrently_up_to_the_limit(tmp_path: Path) -> None:
    lock, state = threading.Lock(), {"now": 0, "max": 0}

    def responder(req: dict, n: int) -> Reply:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        threading.Event().wait(0.4)  # long enough to overlap even on a loaded machine
        with lock:
            state["now"] -= 1
        return _ok(req, n)

    with FakeServer(responder) as server, _store(tmp_path, 12) as store:
        summary = run_llm(store, settings(server.base_url, concurrency=4))
    assert summary.coded == 12
    assert 2 <= state["max"] <= 4


def test_usage_and_cost_are_stored_per_article_and_per_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text('{"fake-model": [1.0, 2.0]}')
    monkeypatch.setenv("CODER_LLM_PRICES", str(prices))
    with FakeServer(_ok) as server, _store(tmp_path, 2) as store:
        # a non-local base URL name so the price table applies: the server is reached by IP
        s = settings(server.base_url.replace("127.0.0.1", "localhost"))
        assert price_for("fake-model", s.base_url) == (0.0, 0.0)  # localhost is free
        assert price_for("fake-model") == (1.0, 2.0)
        summary = run_llm(store, s)
        rows = article_usage(store, summary.run_id)
        run = store.runs()[-1]
    assert [(r["requests"], r["tokens_in"], r["tokens_out"]) for r in rows] == [(1, 120, 40), (1, 120, 40)]
    assert (run["tokens_in"], run["tokens_out"], run["requests"]) == (240, 80, 2)
    assert run["cost"] == 0.0 and run["model"] == "fake-model" and run["prompt_hash"] == summary.prompt_hash


def test_cost_uses_the_price_table() -> None:
    from coder.llm.pricing import cost

    assert price_for("gpt-4o-mini-2024-07-18") == (0.15, 0.60)
    assert price_for("unknown-model") is None
    assert cost((0.15, 0.60), 1_000_000, 100_000) == pytest.approx(0.21)
    assert cost((0.15, 0.60), 1_000_000, 100_000, batch=True) == pytest.approx(0.105)
    assert cost(None, 10, 10) is None


def test_dry_run_estimates_and_calls_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    db = tmp_path / "coder.db"
    with Store(db) as store:
        store.add_articles([article(i) for i in range(1, 5)])
        p = plan(store, settings(None, model="gpt-4o-mini"))
    assert (p.articles, p.requests, p.cached) == (4, 4, 0)
    assert p.tokens_in > 4 * estimate_tokens(article(1).text) and p.tokens_out == 4 * 300
    assert p.cost == pytest.approx((p.tokens_in * 0.15 + p.tokens_out * 0.60) / 1e6, abs=1e-6)
    result = CliRunner().invoke(
        cli, ["code", "--coder", "llm", "--model", "gpt-4o-mini", "--dry-run", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "requests" in result.output and f"{p.tokens_in:,}" in result.output and "$" in result.output
    with Store(db) as store:
        assert store.runs() == []  # nothing ran


def test_long_article_is_chunked_and_events_merged(tmp_path: Path) -> None:
    sentence = "Regime artillery shelled the town of Sarmin in Idlib on Sunday, killing two civilians. "
    filler = "Residents described the damage to homes and the market in detail for reporters. " * 40
    text = sentence + filler + sentence

    def responder(req: dict, n: int) -> Reply:
        events = answer() if "Sarmin" in article_text(req) else {"events": []}
        return completion(req, events)

    with FakeServer(responder) as server, Store(tmp_path / "c.db") as store:
        store.add_articles([article(1, text=text)])
        summary = run_llm(store, settings(server.base_url, max_input_tokens=2950))
        parts = [r["messages"][-1]["content"] for r in server.requests]
        events = store.events()
    assert summary.usage.requests == len(parts) >= 2
    assert all(f"of {len(parts)} of a long article" in p for p in parts)
    assert len(events) == 1  # the same event from two chunks, merged
    spans = events[0].event.evidence["location"]
    assert len(spans) == 2 and spans[1].start > len(sentence)
    assert all(text[s.start : s.end] == "Sarmin" for s in spans)


def test_chunks_overlap_and_cover_the_text() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    chunks = chunk_text(text, budget=150, overlap=30)
    assert len(chunks) > 3
    assert all(estimate_tokens(c.text) <= 150 for c in chunks)
    for c in chunks:
        assert text[c.offset : c.offset + len(c.text)] == c.text
    for a, b in itertools.pairwise(chunks):
        assert b.offset < a.offset + len(a.text)  # overlap
    assert chunks[-1].offset + len(chunks[-1].text) == len(text)
    assert chunk_text("short", 100, 10)[0].text == "short"


def test_retry_after_forms_and_backoff_bounds() -> None:
    import httpx2
    import openai

    def status(headers: dict[str, str]) -> openai.APIStatusError:
        response = httpx2.Response(429, headers=headers, request=httpx2.Request("POST", "http://x"))
        return openai.RateLimitError("slow", response=response, body=None)

    assert retry_after(status({"retry-after": "3"})) == 3.0
    assert retry_after(status({"retry-after-ms": "250"})) == 0.25
    assert retry_after(status({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0  # in the past
    assert retry_after(status({})) is None

    class State:
        def __init__(self, n: int) -> None:
            self.attempt_number, self.outcome = n, None

    wait = BackoffWait(initial=0.5, maximum=4.0)
    for n, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        assert ceiling / 2 <= wait(State(n)) <= ceiling  # type: ignore[arg-type]


def test_rate_limiter_accepts_requests_bigger_than_the_bucket() -> None:
    import asyncio

    async def go() -> None:
        limiter = RateLimiter(rpm=100, tpm=1000)
        await limiter.acquire(5000)  # clamped to the bucket, not an error

    asyncio.run(go())


def test_cli_codes_with_llm_and_lists_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    db = tmp_path / "coder.db"
    with Store(db) as store:
        store.add_articles([article(1), article(2)])
    runner = CliRunner()
    with FakeServer(_ok) as server:
        args = [
            "code",
            "--coder",
            "llm",
            "--model",
            "fake-model",
            "--base-url",
            server.base_url,
            "--db",
            str(db),
        ]
        result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (
        "articles coded" in result.output
        and "tokens in / out" in result.output
        and "240 / 80" in result.output
    )
    listed = runner.invoke(cli, ["runs", "--db", str(db), "--format", "json"])
    [run] = json.loads(listed.output)
    assert (run["model"], run["tokens_in"], run["tokens_out"], run["requests"]) == ("fake-model", 240, 80, 2)
    assert run["prompt_hash"] and run["cost"] == 0.0 and run["finished_at"]
    assert runner.invoke(cli, ["runs", "--db", str(db)]).exit_code == 0
    missing = runner.invoke(cli, ["code", "--coder", "llm", "--db", str(db)], env={"CODER_LLM_MODEL": ""})
    assert missing.exit_code != 0 and "--model" in missing.output
