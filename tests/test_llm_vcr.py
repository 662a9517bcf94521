"""The cassette settings themselves: record against the fake server, replay without it."""

from __future__ import annotations

from pathlib import Path

import llm_vcr
import pytest
import vcr
from fakeserver import FakeServer, completion
from llm_helpers import answer, article, run_llm, settings

from coder.store import Store

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def test_record_then_replay_without_server_and_without_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-cassette-SECRET-42"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    cassette = tmp_path / "round_trip.yaml"
    truncated = '{"events": [{"event_type": "Expl'

    def responder(req: dict, n: int):  # type: ignore[no-untyped-def]
        return completion(req, truncated if n == 0 else answer())  # one re-ask on the way

    with FakeServer(responder) as server, Store(tmp_path / "a.db") as store:
        store.add_articles([article(1)])
        with vcr.VCR(record_mode="all", **llm_vcr.vcr_config()).use_cassette(str(cassette)):
            recorded = run_llm(store, settings(server.base_url, concurrency=1))
        recorded_events = [e.event.model_dump(exclude={"event_id_cnty"}) for e in store.events()]
    text = cassette.read_text(encoding="utf-8")
    assert secret not in text and "authorization" not in text.lower()
    assert '"tools"' not in text  # instructor's schema is not part of the match

    # replay: no server at that address, another port, nothing recorded anew
    with Store(tmp_path / "b.db") as store:
        store.add_articles([article(1)])
        with vcr.VCR(record_mode="none", **llm_vcr.vcr_config()).use_cassette(str(cassette)):
            replayed = run_llm(store, settings("http://127.0.0.1:9/v1", concurrency=1))
        replayed_events = [e.event.model_dump(exclude={"event_id_cnty"}) for e in store.events()]
    assert (recorded.usage.requests, recorded.usage.retries) == (2, 1)
    assert (replayed.usage.requests, replayed.usage.retries) == (2, 1)
    assert replayed_events == recorded_events and len(replayed_events) == 1


def test_a_changed_article_misses_the_cassette(tmp_path: Path) -> None:
    cassette = tmp_path / "one.yaml"
    with FakeServer(lambda req, n: completion(req, answer())) as server, Store(tmp_path / "a.db") as store:
        store.add_articles([article(1)])
        with vcr.VCR(record_mode="all", **llm_vcr.vcr_config()).use_cassette(str(cassette)):
            run_llm(store, settings(server.base_url, concurrency=1))
    with Store(tmp_path / "b.db") as store:
        store.add_articles([article(2)])  # another text: must not be answered from the cassette
        with vcr.VCR(record_mode="none", **llm_vcr.vcr_config()).use_cassette(str(cassette)):
            summary = run_llm(store, settings("http://127.0.0.1:9/v1", concurrency=1, max_attempts=1))
    assert summary.coded == 0 and summary.failed
