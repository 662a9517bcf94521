"""OpenAI Batch API: export the requests of a run to JSONL, import the results file.

Each request line is built by instructor's `BatchRequest` (strict JSON-schema structured
output of the response contract). Its `custom_id` names the article, the chunk, the prompt
hash and the model, so the results file alone is enough to import: the same chunks are cut
again, each answer is checked and grounded like a live one, cached, and stored as one run.
A batch cannot re-ask: evidence not in the text is flagged at once.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from instructor.batch import BatchRequest
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from coder.llm import CODER_NAME, CODER_VERSION
from coder.llm.accounting import cache_key, cache_put, close_run, record_usage
from coder.llm.client import Usage, _flaggable, answer_text
from coder.llm.grounding import build_event
from coder.llm.pricing import cost, price_for
from coder.llm.prompts import article_hash, load, versions
from coder.llm.response import ArticleEvents
from coder.llm.runner import LLMSummary, chunks_for, pending
from coder.llm.settings import Settings
from coder.merge import merge_events
from coder.models import CodedEvent
from coder.store import Store

SEP = "|"


class BatchError(Exception):
    """The results file cannot be imported (unreadable, unknown prompt)."""


def export_batch(store: Store, settings: Settings, path: Path, recode: bool = False) -> tuple[int, int]:
    """Write one request per article chunk not answered yet; return (requests, articles)."""
    from coder.llm.accounting import cache_get

    template = load(settings.prompt_version)
    lines: list[str] = []
    articles = 0
    for article in pending(store, recode, None):
        chunks = chunks_for(article, template, settings)
        wanted = 0
        for part, chunk in enumerate(chunks, start=1):
            messages = template.messages(article, chunk.text, part, len(chunks))
            if cache_get(store, cache_key(settings.model, template.hash, article_hash(messages))):
                continue
            custom_id = SEP.join([article.id, str(part), str(len(chunks)), template.hash, settings.model])
            request = BatchRequest[ArticleEvents](
                custom_id=custom_id,
                messages=messages,
                response_model=ArticleEvents,
                model=settings.model,
                max_tokens=settings.max_output_tokens,
                temperature=settings.temperature,
            )
            line = request.to_openai_format()
            # instructor's BatchRequest knows only max_tokens/temperature; reasoning models differ
            for name in ("max_tokens", "temperature"):
                line["body"].pop(name, None)
            line["body"].update(settings.sampling())
            lines.append(json.dumps(line, ensure_ascii=False))
            wanted += 1
        articles += wanted > 0
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines), articles


def _results(path: Path) -> dict[str, dict[int, dict[str, Any]]]:
    """{article id: {part: result line}} with each line's parsed custom_id attached."""
    grouped: dict[str, dict[int, dict[str, Any]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            article_id, part, parts, prompt_hash, model = row["custom_id"].split(SEP, 4)
        except (ValueError, KeyError, AttributeError) as exc:
            raise BatchError(
                f"{path} line {number} is not a batch result of `coder batch export`: {exc}"
            ) from exc
        row["_parts"], row["_prompt"], row["_model"] = int(parts), prompt_hash, model
        grouped.setdefault(article_id, {})[int(part)] = row
    return grouped


def _template_with_hash(prompt_hash: str) -> Any:
    for version in versions():
        template = load(version)
        if template.hash == prompt_hash:
            return template
    raise BatchError(
        f"no prompt version in prompts/ has hash {prompt_hash}: the results need the export's prompt"
    )


def _usage(row: dict[str, Any]) -> Usage:
    """Tokens billed for one result line (answered requests are billed even when unusable)."""
    body = (row.get("response") or {}).get("body") or {}
    usage = body.get("usage") or {}
    return Usage(
        requests=1,
        tokens_in=int(usage.get("prompt_tokens") or 0),
        tokens_out=int(usage.get("completion_tokens") or 0),
    )


def _answer(row: dict[str, Any], text: str) -> ArticleEvents:
    """A checked answer from one result line; raises ValueError with the reason."""
    response = row.get("response") or {}
    if row.get("error") or response.get("status_code") != 200:
        detail = row.get("error") or (response.get("body") or {}).get("error") or response.get("status_code")
        raise ValueError(f"the batch request failed: {detail}")
    raw = answer_text(ChatCompletion.model_validate(response["body"]))
    try:
        return ArticleEvents.model_validate_json(raw, context={"text": text}, strict=False)
    except ValidationError as exc:
        if not _flaggable(exc):
            raise ValueError(f"invalid answer: {' '.join(str(exc).split())[:300]}") from exc
    return ArticleEvents.model_validate_json(raw, context={"text": text, "lenient": True}, strict=False)


def import_batch(store: Store, path: Path, max_input_tokens: int = 6000) -> LLMSummary:
    """Store the events of a Batch API results file as one LLM run."""
    from coder.pipeline import id_prefix

    grouped = _results(path)
    if not grouped:
        raise BatchError(f"{path} holds no results")
    first = next(iter(next(iter(grouped.values())).values()))
    template = _template_with_hash(first["_prompt"])
    model = first["_model"]
    settings = Settings(model=model, max_input_tokens=max_input_tokens, prompt_version=template.version)
    price = price_for(model)
    run_id = store.start_run(CODER_NAME, CODER_VERSION, model, template.hash)
    summary = LLMSummary(run_id, model, template.hash, articles=len(grouped))
    started = time.perf_counter()
    for article_id, parts in grouped.items():
        article = store.article(article_id)
        if article is None:
            summary.failed.append((article_id, "not in this store"))
            continue
        usage = Usage()
        coded: list[CodedEvent] = []
        try:
            chunks = chunks_for(article, template, settings)
            expected = next(iter(parts.values()))["_parts"]
            if len(chunks) != expected:
                raise ValueError(
                    f"cut into {len(chunks)} chunks, the export had {expected}: use its --max-input-tokens"
                )
            for number, chunk in enumerate(chunks, start=1):
                if number not in parts:
                    raise ValueError(f"the results lack part {number} of {len(chunks)}")
                spent = _usage(parts[number])
                usage.add(spent)
                answer = _answer(parts[number], chunk.text)
                messages = template.messages(article, chunk.text, number, len(chunks))
                a_hash = article_hash(messages)
                cache_put(store, cache_key(model, template.hash, a_hash), model, template.hash, a_hash,
                          answer.model_dump_json(), spent)  # fmt: skip
                coded += [
                    build_event(d, article, chunk.text, chunk.offset, model, template.hash)
                    for d in answer.events
                ]
            coded = merge_events(coded)
        except ValueError as exc:
            store.save_failure(article.id, CODER_NAME, run_id, str(exc))
            summary.failed.append((article.source_path or article.id, str(exc)))
        else:
            store.save_coding(article.id, CODER_NAME, run_id, coded, id_prefix)
            summary.coded += 1
            summary.events += len(coded)
        record_usage(
            store, run_id, article.id, usage, cost(price, usage.tokens_in, usage.tokens_out, batch=True), 0.0
        )
        summary.usage.add(usage)
    close_run(store, run_id, "done", price is not None)
    summary.cost = cost(price, summary.usage.tokens_in, summary.usage.tokens_out, batch=True)
    summary.seconds = time.perf_counter() - started
    return summary
