"""Replay of answers recorded from a real local model (SmolLM2-135M-Instruct on llama.cpp).

The cassettes in tests/cassettes/test_llm_cassettes/ are written by `make cassettes`
(scripts/record_cassettes.py); here they replay with --record-mode=none --block-network. The
model is tiny and mostly wrong: what is tested is that real answers, including invalid ones
and the re-asks they cause, go through the real code path and end as grounded events, flags
or clear failures, with tokens counted as the server reported them.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import llm_vcr
import pytest
import yaml
from llm_vcr import CASSETTES, MODEL_ALIAS

from coder.codebook import SUB_TO_EVENT
from coder.llm.client import LLMClient
from coder.llm.prompts import load
from coder.llm.runner import LLMSummary, code_store
from coder.store import Store

pytestmark = pytest.mark.skipif(
    not all((CASSETTES / f"{name}.yaml").exists() for name in ("seeds_en_ar", "prompt_injection")),
    reason="no cassettes recorded (make cassettes)",
)


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return llm_vcr.vcr_config()


def _interactions(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))["interactions"]


def _replay(tmp_path: Path, name: str) -> tuple[LLMSummary, Store]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from record_cassettes import scenarios, settings

    store = Store(tmp_path / "coder.db")
    store.add_articles(scenarios()[name])
    s = settings("http://127.0.0.1:9/v1")  # never contacted: the cassette answers

    async def main() -> LLMSummary:
        client = LLMClient(s, api_key="local-no-key")
        try:
            return await code_store(store, s, client)
        finally:
            await client.close()

    return asyncio.run(main()), store


def _check_events(store: Store) -> None:
    for stored in store.events():
        event = stored.event
        article = store.article(stored.article_id)
        assert article is not None
        assert SUB_TO_EVENT[event.sub_event_type] == event.event_type
        assert (event.coder, event.model, event.prompt_hash) == ("llm", MODEL_ALIAS, load().hash)
        for spans in event.evidence.values():
            for span in spans:
                assert article.text[span.start : span.end] == span.text
        for flag in stored.flags:
            assert flag.code.isupper() and flag.message


def _check_accounting(summary: LLMSummary, name: str) -> None:
    interactions = _interactions(name)
    answered = [json.loads(i["response"]["body"]["string"]) for i in interactions]
    assert summary.usage.requests == len(interactions)
    assert summary.usage.tokens_in == sum(a["usage"]["prompt_tokens"] for a in answered)
    assert summary.usage.tokens_out == sum(a["usage"]["completion_tokens"] for a in answered)
    assert summary.usage.retries == len(interactions) - summary.articles  # one chunk each, no 429s


@pytest.mark.vcr("seeds_en_ar.yaml")
def test_real_model_answers_replay_through_the_real_path(tmp_path: Path) -> None:
    summary, store = _replay(tmp_path, "seeds_en_ar")
    with store:
        assert summary.articles == 2 and summary.coded + len(summary.failed) == 2
        for _, reason in summary.failed:
            assert reason.startswith(("no valid answer after", "the answer was cut off"))
        _check_events(store)
        _check_accounting(summary, "seeds_en_ar")
        for interaction in _interactions("seeds_en_ar"):
            assert "authorization" not in {h.lower() for h in interaction["request"]["headers"]}


@pytest.mark.vcr("prompt_injection.yaml")
def test_real_model_on_an_injection_keeps_format_and_codebook(tmp_path: Path) -> None:
    summary, store = _replay(tmp_path, "prompt_injection")
    with store:
        _check_events(store)
        _check_accounting(summary, "prompt_injection")
        bodies = [json.loads(i["request"]["body"]) for i in _interactions("prompt_injection")]
        system = bodies[0]["messages"][0]
    assert system["role"] == "system"  # the injection travels only inside the user message
    assert "IGNORE PREVIOUS INSTRUCTIONS" in bodies[0]["messages"][-1]["content"]
