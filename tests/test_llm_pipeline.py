"""The pipeline builds the LLM coder like the offline one: `get_coder("llm", llm=settings)`."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakeserver import FakeServer, completion
from llm_helpers import answer, article, settings

from coder.llm import CODER_VERSION
from coder.pipeline import code_articles, get_coder
from coder.store import Store

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def test_get_coder_builds_the_llm_coder_from_its_settings() -> None:
    with FakeServer(lambda req, n: completion(req, answer())) as server:
        code, version = get_coder("llm", llm=settings(server.base_url))
        try:
            [coded] = code(article(1))
        finally:
            code.close()  # type: ignore[attr-defined]
        [request] = server.requests
    assert version == CODER_VERSION and request["model"] == "fake-model"
    event = coded.event
    assert (event.location, event.fatalities, event.coder) == ("Sarmin", 2, "llm")
    assert event.evidence["location"][0].text == "Sarmin"  # grounded in the article


def test_code_articles_runs_the_llm_coder_and_stores_its_events(tmp_path: Path) -> None:
    with FakeServer(lambda req, n: completion(req, answer())) as server, Store(tmp_path / "c.db") as store:
        store.add_articles([article(1), article(2)])
        summary = code_articles(store, "llm", llm=settings(server.base_url))
        events = store.events()
        left = store.uncoded_articles("llm")
    assert summary.coded == 2 and not summary.failed and len(events) == 2 and left == []


def test_the_llm_coder_needs_settings() -> None:
    with pytest.raises(ValueError, match="needs settings"):
        get_coder("llm")
    with pytest.raises(ValueError, match="unknown coder"):
        get_coder("gpt")
