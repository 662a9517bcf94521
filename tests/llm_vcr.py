"""Cassette settings shared by the replay tests and scripts/record_cassettes.py.

Requests are normalised before they are recorded *and* before they are matched on replay
(vcrpy applies `before_record_request` to both), so a cassette keeps only what this project
decides: the model, the system prompt, the examples, the article and the order of turns.
What instructor generates (the tool or response-format schema, the wording of its re-ask
messages, JSON mode's schema appendix) and sampling options are dropped, so the cassettes
survive library upgrades; a change to our prompt still misses and says "re-record".
Authorization and other credential headers are never written.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

CASSETTES = Path(__file__).resolve().parent / "cassettes" / "test_llm_cassettes"
MODEL_ALIAS = "smollm2-135m-instruct"  # the name the local server is started with
SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie"]
_JSON_MODE_APPENDIX = re.compile(r"\s*As a genius expert, your task is.*\Z", re.DOTALL)


def _turn(message: dict[str, Any]) -> dict[str, str]:
    if "content" not in message and "tool_calls" not in message:
        return message  # normalised already (vcrpy normalises recorded requests again on replay)
    role = message.get("role", "")
    content = message.get("content")
    text = content if isinstance(content, str) else json.dumps(content, sort_keys=True)
    if role == "system":
        text = _JSON_MODE_APPENDIX.sub("", text)
        return {"role": role, "sha256": hashlib.sha256(text.encode()).hexdigest()}
    if role == "user" and "<article>" in text:
        return {"role": role, "content": text}
    if role == "assistant" and message.get("tool_calls") is None and text.startswith('{"events"'):
        return {"role": role, "content": text}  # a few-shot example: ours
    return {"role": role}  # re-asks: instructor's wording and the model's own previous answer


def normalise_request(request: Any) -> Any:
    """vcrpy before_record_request: keep the project's part of a chat-completions body."""
    if not request.body or "chat/completions" not in request.path:
        return request
    try:
        body = json.loads(request.body)
    except (ValueError, TypeError):
        return request
    kept = {"model": body.get("model"), "messages": [_turn(m) for m in body.get("messages", [])]}
    request.body = json.dumps(kept, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return request


def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": SECRET_HEADERS,
        "before_record_request": normalise_request,
        "match_on": ["method", "path", "body"],
        "decode_compressed_response": True,
    }
