"""Batch API export and import (the results file is built here in the Batch API's format)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from llm_helpers import answer, article

from coder.cli import cli
from coder.llm.prompts import load
from coder.store import Store


def _result(request: dict[str, Any], content: dict | str | None, status: int = 200) -> dict[str, Any]:
    """One line of a Batch API output file answering `request`."""
    body: dict[str, Any] = {"error": {"message": "server error"}}
    if content is not None:
        body = {
            "id": "chatcmpl-batch",
            "object": "chat.completion",
            "created": 1700000000,
            "model": request["body"]["model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {
                        "role": "assistant",
                        "content": content if isinstance(content, str) else json.dumps(content),
                    },
                }
            ],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
        }
    return {
        "id": "batch_req_1",
        "custom_id": request["custom_id"],
        "response": {"status_code": status, "request_id": "r", "body": body},
        "error": None,
    }


def test_export_then_import_codes_and_accounts(tmp_path: Path) -> None:
    db = tmp_path / "coder.db"
    with Store(db) as store:
        store.add_articles([article(1), article(2), article(3), article(4)])
    runner = CliRunner()
    requests_file, results_file = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    exported = runner.invoke(
        cli, ["batch", "export", str(requests_file), "--model", "gpt-4o-mini", "--db", str(db)]
    )
    assert exported.exit_code == 0, exported.output
    requests = [json.loads(line) for line in requests_file.read_text(encoding="utf-8").splitlines()]
    assert len(requests) == 4
    first = requests[0]
    assert first["method"] == "POST" and first["url"] == "/v1/chat/completions"
    assert first["body"]["model"] == "gpt-4o-mini"
    assert first["body"]["response_format"]["json_schema"]["strict"] is True
    assert first["custom_id"].split("|")[3] == load().hash
    assert "<article>" in first["body"]["messages"][-1]["content"]

    answers = [
        answer(),
        answer(location="Aleppo", evidence_location="in Aleppo"),  # cannot be re-asked: flagged
        "I cannot help with that.",  # unusable: the article fails
        None,  # the batch request itself failed
    ]
    results_file.write_text(
        "".join(
            json.dumps(_result(r, a, 200 if a else 500)) + "\n"
            for r, a in zip(requests, answers, strict=True)
        ),
        encoding="utf-8",
    )
    imported = runner.invoke(cli, ["batch", "import", str(results_file), "--db", str(db)])
    assert imported.exit_code == 1, imported.output  # two articles failed
    assert "2 article(s) coded" in imported.output

    with Store(db) as store:
        events = {e.article_id: e for e in store.events()}
        failures = {f["article_id"]: f["error"] for f in store.failures()}
        [run] = store.runs()
    assert set(events) == {article(1).id, article(2).id}
    assert events[article(1).id].flags == []
    assert events[article(1).id].event.model == "gpt-4o-mini"
    assert [f.code for f in events[article(2).id].flags] == ["EVIDENCE_NOT_IN_TEXT"]
    assert failures[article(3).id].startswith("invalid answer")
    assert failures[article(4).id].startswith("the batch request failed")
    assert (run["model"], run["prompt_hash"], run["articles_coded"], run["articles_failed"]) == (
        "gpt-4o-mini",
        load().hash,
        2,
        2,
    )
    assert run["tokens_in"] == 3000 and run["tokens_out"] == 600  # three answered requests
    assert run["cost"] == round((3000 * 0.15 + 600 * 0.60) / 1e6 * 0.5, 6)

    # the imported answers are cached: a new export leaves them out
    again = runner.invoke(
        cli, ["batch", "export", str(requests_file), "--model", "gpt-4o-mini", "--recode", "--db", str(db)]
    )
    assert again.exit_code == 0
    remaining = [
        json.loads(line)["custom_id"].split("|")[0] for line in requests_file.read_text().splitlines()
    ]
    assert sorted(remaining) == sorted([article(3).id, article(4).id])


def test_import_refuses_a_file_that_is_not_a_batch_result(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"hello": "world"}\n')
    result = CliRunner().invoke(cli, ["batch", "import", str(bad), "--db", str(tmp_path / "c.db")])
    assert result.exit_code != 0 and "not a batch result" in result.output


def test_export_for_a_reasoning_model_uses_max_completion_tokens(tmp_path: Path) -> None:
    db = tmp_path / "coder.db"
    with Store(db) as store:
        store.add_articles([article(1)])
    out = tmp_path / "requests.jsonl"
    result = CliRunner().invoke(cli, ["batch", "export", str(out), "--model", "o3-mini", "--db", str(db)])
    assert result.exit_code == 0, result.output
    (body,) = [json.loads(line)["body"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert "max_completion_tokens" in body and "max_tokens" not in body and "temperature" not in body
