"""The client's shortcuts around openai's and instructor's per-request overhead change nothing.

`LLMClient._send` posts the body without openai's request transform: every body the coder
sends (each mode, first asks and re-asks after a wrong answer) must come out of that
transform unchanged. `async_check` memoises instructor's refusal of async validators: a
model that declares them must still be refused, every time.
"""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fakeserver import FakeServer, Reply, completion
from instructor.v2.validation.async_validators import async_field_validator
from llm_helpers import answer, article, run_llm, settings
from openai._utils._transform import async_maybe_transform
from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
from pydantic import BaseModel

from coder.llm import async_check
from coder.llm.client import LLMClient
from coder.llm.response import ArticleEvents
from coder.store import Store

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json"])
def test_posted_bodies_are_what_openais_transform_would_send(
    tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted: list[dict[str, Any]] = []
    post = LLMClient.__init__

    def init(self: LLMClient, *args: Any, **kwargs: Any) -> None:
        post(self, *args, **kwargs)
        original = self._post

        async def recording_post(body: dict[str, Any]) -> Any:
            posted.append(copy.deepcopy(body))  # instructor appends re-asks in place
            return await original(body)

        self._post = recording_post  # type: ignore[method-assign]

    monkeypatch.setattr(LLMClient, "__init__", init)
    invented = answer(location="Atlantis", evidence_location="Atlantis")

    def responder(req: dict, n: int) -> Reply:  # a wrong answer first: instructor re-asks
        return completion(req, invented if n == 0 else answer())

    with FakeServer(responder) as server, Store(tmp_path / "c.db") as store:
        store.add_articles([article(1)])
        summary = run_llm(store, settings(server.base_url, mode=mode))
        wire = server.requests
    assert summary.coded == 1 and summary.usage.retries == 1
    assert len(posted) == 2 and len(posted[1]["messages"]) > len(posted[0]["messages"])
    for body in posted:
        transformed = asyncio.run(async_maybe_transform(body, CompletionCreateParamsNonStreaming))
        assert transformed == body
    assert [json.loads(json.dumps(b)) for b in posted] == wire  # the server got exactly that


def test_a_model_with_async_validators_is_still_refused() -> None:
    class Checked(BaseModel):
        name: str

        @async_field_validator("name")
        async def _name(self, value: str) -> str:
            return value

    async_check.install()
    for _ in range(2):  # a refusal is never remembered as a pass
        with pytest.raises(ValueError, match="async validators are not supported"):
            async_check.reject_async_validators(Checked)


def test_a_model_that_passed_is_not_walked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[Any] = []

    def counting(model: Any) -> None:
        walked.append(model)

    class Fresh(BaseModel):
        name: str

    monkeypatch.setattr(async_check, "_INSTRUCTOR_CHECK", counting)
    for _ in range(3):
        async_check.reject_async_validators(Fresh)
        async_check.reject_async_validators(ArticleEvents | None)  # not a class: checked each time
    assert walked.count(Fresh) == 1 and len(walked) == 4


@pytest.mark.parametrize(
    ("model", "reasoning"),
    [
        ("o3-mini", True),
        ("gpt-5", True),
        ("openai/o4-mini", True),
        ("gpt-4o-mini", False),
        ("smollm2", False),
    ],
)
def test_reasoning_models_get_max_completion_tokens(tmp_path: Path, model: str, reasoning: bool) -> None:
    with FakeServer(lambda req, n: completion(req, answer())) as server, Store(tmp_path / "c.db") as store:
        store.add_articles([article(1)])
        summary = run_llm(store, settings(server.base_url, model=model, max_output_tokens=300))
        (body,) = server.requests
    assert summary.coded == 1
    if reasoning:
        assert body["max_completion_tokens"] == 300 and "max_tokens" not in body and "temperature" not in body
    else:
        assert (
            body["max_tokens"] == 300 and body["temperature"] == 0.0 and "max_completion_tokens" not in body
        )
