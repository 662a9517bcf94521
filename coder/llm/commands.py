"""Command-line parts of the LLM coder: shared options, `code --coder llm`, `prompts`, `batch`.

Heavy imports (instructor, openai) happen inside the functions, so `coder --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from coder.llm.settings import MODE_NAMES, Settings
from coder.options import db_option
from coder.progress import coding_progress

_OPTIONS = [
    click.option(
        "--model",
        envvar="CODER_LLM_MODEL",
        help="LLM: model name as the endpoint knows it (or $CODER_LLM_MODEL).",
    ),
    click.option(
        "--base-url",
        envvar="OPENAI_BASE_URL",
        help="LLM: OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (or $OPENAI_BASE_URL;"
        " default OpenAI). The key is read from $OPENAI_API_KEY.",
    ),
    click.option(
        "--mode",
        type=click.Choice(MODE_NAMES),
        default="tools",
        show_default=True,
        help="LLM: how the answer's structure is requested: function calling, structured outputs,"
        " or JSON mode.",
    ),
    click.option("--prompt", "prompt_version", help="LLM: prompt version in prompts/ (default: the newest)."),
    click.option(
        "--concurrency",
        type=click.IntRange(1, 1000),
        default=8,
        show_default=True,
        help="LLM: requests in flight.",
    ),
    click.option("--rpm", type=click.IntRange(1), help="LLM: at most this many requests per minute."),
    click.option(
        "--tpm", type=click.IntRange(1), help="LLM: at most this many (estimated) tokens per minute."
    ),
    click.option("--timeout", type=float, default=60.0, show_default=True, help="LLM: seconds per request."),
    click.option(
        "--max-retries",
        type=click.IntRange(0),
        default=2,
        show_default=True,
        help="LLM: re-asks after an invalid answer.",
    ),
    click.option(
        "--max-input-tokens",
        type=click.IntRange(200),
        default=6000,
        show_default=True,
        help="LLM: longer articles are split into overlapping chunks below this.",
    ),
    click.option(
        "--max-output-tokens",
        type=click.IntRange(16),
        default=1024,
        show_default=True,
        help="LLM: answer limit.",
    ),
]
SETTING_NAMES = (
    "model",
    "base_url",
    "mode",
    "prompt_version",
    "concurrency",
    "rpm",
    "tpm",
    "timeout",
    "max_retries",
    "max_input_tokens",
    "max_output_tokens",
)


def llm_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The LLM options on a command (they reach it as keyword arguments, see settings_from)."""
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def settings_from(options: dict[str, Any]) -> Settings:
    if not options.get("model"):
        raise click.ClickException("--coder llm needs --model NAME (or $CODER_LLM_MODEL)")
    return Settings(**{name: options[name] for name in SETTING_NAMES})


def _money(value: float | None) -> str:
    return "unknown (no price for this model)" if value is None else f"${value:,.4f}"


def dry_run_report(store: Any, settings: Settings, recode: bool, limit: int | None, out: Console) -> None:
    from coder.llm.runner import plan

    p = plan(store, settings, recode, limit)
    table = Table(title=f"dry run: {settings.model} (nothing was sent)")
    table.add_column("")
    table.add_column("estimate", justify="right")
    table.add_row("articles to code", str(p.articles))
    table.add_row("requests", f"{p.requests:,}")
    table.add_row("already cached (free)", f"{p.cached:,}")
    table.add_row("input tokens", f"{p.tokens_in:,}")
    table.add_row("output tokens", f"{p.tokens_out:,}")
    price = "unknown" if p.price is None else f"${p.price[0]:g} in / ${p.price[1]:g} out per 1M tokens"
    table.add_row("price", price)
    table.add_row("cost", _money(p.cost))
    out.print(table)
    out.print(
        "Estimates: tokens ≈ UTF-8 bytes / 4; ~300 output tokens per request; re-asks after invalid"
        " answers add to this. The Batch API (coder batch export) costs half."
    )


def code_llm(
    store: Any, settings: Settings, recode: bool, limit: int | None, out: Console, console: Console
) -> int:
    """Run the LLM coder with a progress bar and print the end-of-run summary; return the exit status."""
    from coder.llm.client import LLMError
    from coder.llm.runner import pending, run

    total = len(pending(store, recode, limit))
    with coding_progress(console, total) as advance:
        try:
            summary = run(store, settings, advance, recode, limit)
        except KeyboardInterrupt:
            console.print(
                "[yellow]interrupted[/yellow]: coded articles and every answer received are saved;"
                " run the same command again to continue"
            )
            return 130
        except LLMError as exc:
            raise click.ClickException(str(exc)) from exc
    for source, reason in summary.failed:
        console.print(f"[red]failed[/red] {source}: {reason}", highlight=False)
    u = summary.usage
    table = Table(title=f"LLM run {summary.run_id}: {summary.model}, prompt {summary.prompt_hash}")
    table.add_column("")
    table.add_column("", justify="right")
    table.add_row("articles coded", str(summary.coded))
    table.add_row("articles failed", str(len(summary.failed)))
    table.add_row("events", str(summary.events))
    table.add_row("requests", str(u.requests))
    table.add_row("retries", str(u.retries))
    table.add_row("cached answers used", str(u.cache_hits))
    table.add_row("tokens in / out", f"{u.tokens_in:,} / {u.tokens_out:,}")
    table.add_row("cost", _money(summary.cost))
    table.add_row("time", f"{summary.seconds:.1f}s")
    out.print(table)
    if summary.stopped:
        console.print(f"[red]stopped[/red]: {summary.stopped}", highlight=False)
    return 1 if summary.failed or summary.stopped else 0


# --- prompts ------------------------------------------------------------------------------------
@click.group()
def prompts() -> None:
    """The LLM coder's versioned prompt templates (prompts/)."""


@prompts.command("list")
def prompts_list() -> None:
    """List prompt versions with the hash stored on the events they code.

    \b
    Example:
        coder prompts list
    """
    from coder.llm.prompts import describe, load, versions

    table = Table()
    for column in ("version", "hash", "examples", "system prompt chars"):
        table.add_column(column)
    for version in versions():
        d = describe(load(version))
        table.add_row(d["version"], d["hash"], str(d["examples"]), str(d["system_chars"]))
    Console().print(table)


@prompts.command("show")
@click.argument("version", required=False)
def prompts_show(version: str | None) -> None:
    """Print a prompt version (default: the newest) as the model receives it, with its hash.

    \b
    Example:
        coder prompts show v1
    """
    from coder.llm.prompts import PromptError, load

    try:
        template = load(version)
    except PromptError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"# prompt {template.version}  hash {template.hash}\n")
    click.echo(f"## system\n{template.system}\n")
    for message in template.examples:
        click.echo(f"## {message['role']} (example)\n{message['content']}\n")
    click.echo(f"## user (template)\n{template.user_source}")


# --- batch --------------------------------------------------------------------------------------
@click.group()
def batch() -> None:
    """Large runs through the OpenAI Batch API (half price, results within 24 hours)."""


@batch.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--model", envvar="CODER_LLM_MODEL", required=True, help="Model name (or $CODER_LLM_MODEL).")
@click.option("--prompt", "prompt_version", help="Prompt version in prompts/ (default: the newest).")
@click.option("--max-input-tokens", type=click.IntRange(200), default=6000, show_default=True)
@click.option("--max-output-tokens", type=click.IntRange(16), default=1024, show_default=True)
@click.option("--recode", is_flag=True, help="Export every article, not only those the LLM has not coded.")
@db_option
def batch_export(
    path: Path,
    model: str,
    prompt_version: str | None,
    max_input_tokens: int,
    max_output_tokens: int,
    recode: bool,
    db_path: Path,
) -> None:
    """Write an OpenAI Batch API request file (JSONL) for the articles not coded yet.

    Answers already in the cache are left out. Upload the file (purpose "batch", endpoint
    /v1/chat/completions), then import the results file with `coder batch import`.

    \b
    Example:
        coder batch export requests.jsonl --model gpt-4o-mini
    """
    from coder.llm.batch import export_batch
    from coder.store import Store

    settings = Settings(
        model=model,
        prompt_version=prompt_version,
        max_input_tokens=max_input_tokens,
        max_output_tokens=max_output_tokens,
    )
    with Store(db_path) as store:
        n, articles = export_batch(store, settings, path, recode)
    Console().print(f"wrote {n} request(s) for {articles} article(s) to {path}")


@batch.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max-input-tokens", type=click.IntRange(200), default=6000, show_default=True)
@db_option
def batch_import(path: Path, max_input_tokens: int, db_path: Path) -> None:
    """Read an OpenAI Batch API results file (JSONL) into the store as one LLM run.

    Use the same --max-input-tokens as for the export. An answer whose evidence is not in the
    article is kept and flagged (a batch cannot re-ask); an unusable answer fails its article.

    \b
    Example:
        coder batch import results.jsonl
    """
    from coder.llm.batch import BatchError, import_batch
    from coder.store import Store

    with Store(db_path) as store:
        try:
            summary = import_batch(store, path, max_input_tokens)
        except BatchError as exc:
            raise click.ClickException(str(exc)) from exc
    console = Console(stderr=True)
    for source, reason in summary.failed:
        console.print(f"[red]failed[/red] {source}: {reason}", highlight=False)
    Console().print(
        f"run {summary.run_id}: {summary.coded} article(s) coded into {summary.events} event(s),"
        f" {len(summary.failed)} failed; tokens {summary.usage.tokens_in:,} in / {summary.usage.tokens_out:,}"
        f" out; cost {_money(summary.cost)}"
    )
    if summary.failed:
        sys.exit(1)
