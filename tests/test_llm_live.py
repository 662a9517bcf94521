"""End to end against a real local model: `make test-live` (not part of `make test`).

Starts llama-cpp-python's server with SmolLM2-135M-Instruct from .llmvenv on 127.0.0.1 (see
scripts/record_cassettes.py), codes one short article written for this test through the
CLI, and checks that the run is stored with its accounting and that every event is grounded
or flagged. The model's quality is not judged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coder.cli import cli
from coder.store import Store

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.live,
    pytest.mark.block_network(allowed_hosts=["127.0.0.1"]),
    pytest.mark.skipif(os.environ.get("CODER_LIVE") != "1", reason="live test: run `make test-live`"),
]

TEXT = "Two civilians were killed on Sunday when government artillery shelled the village of Sarmin in Idlib."


def test_cli_codes_an_article_with_the_local_model(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from record_cassettes import MODEL_ALIAS, serve

    article = tmp_path / "sarmin.txt"
    article.write_text(TEXT, encoding="utf-8")
    db = str(tmp_path / "coder.db")
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(article), "--published", "2020-03-02", "--db", db])
    assert ingested.exit_code == 0, ingested.output
    with serve() as base_url:
        result = runner.invoke(
            cli,
            ["code", "--coder", "llm", "--model", MODEL_ALIAS, "--base-url", base_url, "--mode", "tools",
             "--timeout", "900", "--max-output-tokens", "512", "--concurrency", "1", "--db", db],
        )  # fmt: skip
    assert result.exit_code in (0, 1), result.output  # 1: the tiny model's answer was unusable
    with Store(db) as store:
        [run] = store.runs()
        events = store.events()
        failures = store.failures()
    assert run["model"] == MODEL_ALIAS and run["requests"] >= 1 and run["tokens_in"] > 0
    assert run["articles_coded"] + run["articles_failed"] == 1
    assert (len(failures) == 1) == (run["articles_failed"] == 1)
    for stored in events:
        for spans in stored.event.evidence.values():
            assert all(TEXT[s.start : s.end] == s.text for s in spans)
