"""The `coder` command line: ingest → code → validate → review → release."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from coder import __version__
from coder.store import Store

console = Console(stderr=True)
out = Console()


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--db on every command (after the command name, as users type it)."""
    return click.option(
        "--db",
        "db_path",
        default="coder.db",
        envvar="CODER_DB",
        show_default=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="SQLite store file (or $CODER_DB).",
    )(func)


def open_store(db_path: Path) -> Store:
    """Open (creating if needed) the store, turning SQLite's terse errors into advice."""
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        return Store(db_path)
    except (OSError, sqlite3.Error) as exc:
        raise click.ClickException(
            f"cannot open the store {db_path}: {exc}. Check the path and its permissions, "
            "or choose another file with --db."
        ) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coder")
def cli() -> None:
    """Turn news articles into ACLED-style event rows.

    \b
    Quick start:
        coder run seeds/ --out releases/
    Step by step:
        coder ingest seeds/
        coder code
        coder validate
        coder review export flagged.csv   # fill the decision column
        coder review import flagged.csv --reviewer you
        coder release --out releases/
    """


# --- ingest -------------------------------------------------------------------------------------
def _ingest(store: Store, paths: tuple[Path, ...], **overrides: Any) -> tuple[int, int, int, int]:
    from coder.ingest import ingest_paths

    result = ingest_paths(paths, **overrides)
    for error in result.errors:
        console.print(f"[red]skipped[/red] {error.path}: {error.reason}", highlight=False)
    for dup in result.duplicates:
        console.print(f"[yellow]duplicate[/yellow] {dup}: same text as an article already read")
    added, present = store.add_articles(result.articles)
    return added, present, len(result.errors), len(result.duplicates)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--language", help="ISO 639-1 code for all files (default: sidecar, else detected).")
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date (YYYY-MM-DD) for all files, overriding sidecars.",
)
@click.option("--outlet", help="Outlet name for all files, overriding sidecars.")
@db_option
def ingest(
    paths: tuple[Path, ...],
    language: str | None,
    published: dt.datetime | None,
    outlet: str | None,
    db_path: Path,
) -> None:
    """Read articles (txt, html, jsonl, csv; folders recursively) into the store.

    Metadata comes from a sidecar NAME.json next to each file (url, outlet, language,
    published, title) or from the options. Bad files are skipped with a reason; the rest is
    ingested and the exit status is 1.

    \b
    Example:
        coder ingest seeds/ --db coder.db
        coder ingest article.txt --published 2020-10-22 --outlet "Eye of Euphrates"
    """
    with open_store(db_path) as store:
        added, present, errors, dups = _ingest(
            store,
            paths,
            language=language,
            published=published.date() if published else None,
            outlet=outlet,
        )
    out.print(
        f"ingested {added} new article(s), {present} already in {db_path},"
        f" {dups} duplicate(s), {errors} error(s)"
    )
    if errors:
        sys.exit(1)


# --- code ---------------------------------------------------------------------------------------
def _code(store: Store, coder_name: str, recode: bool = False) -> Any:
    from coder.pipeline import code_articles

    pending = len(store.articles() if recode else store.uncoded_articles(coder_name))
    with Progress(
        TextColumn("coding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        disable=pending == 0,
    ) as progress:
        task = progress.add_task("", total=pending)

        def advance(article: Any, events: int) -> None:
            progress.update(task, advance=1, description=Path(article.source_path or article.id).name)

        try:
            summary = code_articles(store, coder_name, on_article=advance, recode=recode)
        except KeyboardInterrupt:
            console.print(
                "[yellow]interrupted[/yellow]: finished articles are saved; run the same command"
                " again to code the rest"
            )
            sys.exit(130)
    for source, reason in summary.failed:
        console.print(f"[red]failed[/red] {source}: {reason}", highlight=False)
    return summary


@cli.command()
@click.option(
    "--coder",
    "coder_name",
    type=click.Choice(["offline", "llm"]),
    default="offline",
    show_default=True,
    help="Which coder codes the articles.",
)
@click.option("--recode", is_flag=True, help="Code every article again, not only new ones.")
@db_option
def code(coder_name: str, recode: bool, db_path: Path) -> None:
    """Code every article the chosen coder has not coded yet.

    Each article is committed on its own: interrupting loses at most the one in flight, and
    running the command again continues where it stopped.

    \b
    Example:
        coder code --coder offline
    """
    if coder_name == "llm":
        raise click.ClickException("the LLM coder is not built yet (issue 5); use --coder offline")
    with open_store(db_path) as store:
        summary = _code(store, coder_name, recode)
    out.print(
        f"coded {summary.coded} article(s) into {summary.events} event(s),"
        f" {len(summary.failed)} failed, in {summary.seconds:.2f}s"
    )
    if summary.failed:
        sys.exit(1)


# --- validate -----------------------------------------------------------------------------------
@cli.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--out", "out_path", type=click.Path(path_type=Path), help="Write the flags to this CSV.")
@db_option
def validate(file: Path | None, fmt: str, out_path: Path | None, db_path: Path) -> None:
    """Check events against the JSON Schema and the codebook rules.

    Without FILE: validates the store and sets each event's status (events with an error flag,
    the coder's included, go to the review queue). With FILE: validates an ACLED-style export
    (CSV, Parquet, JSON Lines; numeric or word inter codes; any export date format).
    Exit status 0 no errors, 1 errors found, 2 input unreadable. `coder rules` lists the codes.

    \b
    Examples:
        coder validate
        coder validate export.csv --format json --out flags.csv
    """
    from coder.flag_output import flag_table, summary, write_flags
    from coder.validate import TableError, store_report, validate_table

    if file is None:
        with open_store(db_path) as store:
            report = store_report(store)
    else:
        try:
            report = validate_table(file)
        except TableError as exc:
            console.print(f"[red]error[/red] {exc}", highlight=False)
            sys.exit(2)
    if out_path:
        write_flags(report.flags, out_path)
    if fmt == "json":
        click.echo(json.dumps(summary(report), ensure_ascii=False, indent=2))
    else:
        out.print(flag_table(report))
    if report.rows_with_errors:
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "markdown"]), default="table", show_default=True)
def rules(fmt: str) -> None:
    """List every validation rule with its code, severity, fields and explanation.

    \b
    Examples:
        coder rules
        coder rules --format markdown   # the table in the README
    """
    from coder.validate import catalogue, rules_markdown

    if fmt == "markdown":
        click.echo(rules_markdown(), nl=False)
        return
    table = Table()
    for column in ("code", "severity", "fields", "explanation", "on"):
        table.add_column(column)
    for e in catalogue():
        table.add_row(e.code, e.severity, ", ".join(e.fields), e.explanation, e.applies_to)
    out.print(table)


# --- review -------------------------------------------------------------------------------------
@cli.group()
def review() -> None:
    """Work through flagged events: export to a spreadsheet, import decisions, read the log."""


@review.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def review_export(path: Path, db_path: Path) -> None:
    """Write the review queue (flagged events) to a CSV file.

    Fill the `decision` column with accept, edit or reject (edit: change the field columns),
    optionally `reviewer` and `note`, then import the file.

    \b
    Example:
        coder review export flagged.csv
    """
    from coder.review import export_queue

    with open_store(db_path) as store:
        n = export_queue(store, path)
    out.print(f"wrote {n} flagged event(s) to {path}")


@review.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", help="Reviewer name for rows whose reviewer column is empty.")
@db_option
def review_import(path: Path, reviewer: str | None, db_path: Path) -> None:
    """Apply the decisions of a filled-in review CSV (all or nothing).

    \b
    Example:
        coder review import flagged.csv --reviewer amal
    """
    from coder.review import ReviewFileError, import_decisions

    with open_store(db_path) as store:
        try:
            counts = import_decisions(store, path, reviewer)
        except ReviewFileError as exc:
            console.print(f"[red]refused[/red] {exc}", highlight=False)
            sys.exit(1)
    out.print(", ".join(f"{n} {action}" for action, n in counts.items()))


@review.command("log")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
def review_log(fmt: str, db_path: Path) -> None:
    """Print every review decision (the audit trail).

    \b
    Example:
        coder review log --format json
    """
    from coder.review import decision_log

    with open_store(db_path) as store:
        log = decision_log(store)
    if fmt == "json":
        out.print_json(json.dumps(log, ensure_ascii=False, default=str))
        return
    table = Table()
    for column in ("id", "event", "reviewer", "action", "changed", "note", "at"):
        table.add_column(column)
    for d in log:
        changed = ", ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in d["changed"].items())
        table.add_row(
            str(d["id"]), d["event_id"], d["reviewer"], d["action"], changed, d["note"] or "", d["decided_at"]
        )
    out.print(table)


# --- release ------------------------------------------------------------------------------------
@cli.command()
@click.option(
    "--out",
    "out_dir",
    default="releases",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that holds the versioned releases.",
)
@click.option("--version", "version", help="Release version (default: next minor version).")
@db_option
def release(out_dir: Path, version: str | None, db_path: Path) -> None:
    """Write a new versioned release: events.csv, events.parquet, metadata.json.

    Holds the events without error flags and those a reviewer accepted or edited. An existing
    release is never overwritten.

    \b
    Example:
        coder release --out releases/
    """
    from coder.release import ReleaseError, write_release

    with open_store(db_path) as store:
        try:
            info = write_release(store, out_dir, version)
        except ReleaseError as exc:
            raise click.ClickException(str(exc)) from exc
    out.print(f"release {info.version}: {info.events} event(s) in {info.path}")


# --- everything ---------------------------------------------------------------------------------
@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    default="releases",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--coder", "coder_name", type=click.Choice(["offline"]), default="offline", show_default=True)
@db_option
def run(paths: tuple[Path, ...], out_dir: Path, coder_name: str, db_path: Path) -> None:
    """Ingest, code, validate and release in one go, then print a summary table.

    Safe to repeat: articles already stored or coded are skipped.

    \b
    Example:
        coder run seeds/ --out releases/
    """
    from coder.release import write_release
    from coder.validate import validate_store

    started = time.perf_counter()
    with open_store(db_path) as store:
        added, present, errors, dups = _ingest(store, paths)
        summary = _code(store, coder_name)
        statuses = validate_store(store)
        info = write_release(store, out_dir)
        counts = store.counts()
    table = Table(title="coder run")
    table.add_column("step")
    table.add_column("result")
    table.add_row("ingest", f"{added} new, {present} already stored, {dups} duplicate(s), {errors} skipped")
    table.add_row("code", f"{summary.coded} article(s) coded, {len(summary.failed)} failed")
    table.add_row("articles in store", str(counts["articles"]))
    table.add_row("events in store", str(counts["events"]))
    table.add_row("flagged for review", str(statuses.get("flagged", 0)))
    table.add_row("released", f"{info.events} event(s) → {info.path}")
    table.add_row("time", f"{time.perf_counter() - started:.2f}s")
    out.print(table)
    if statuses.get("flagged"):
        out.print("Review the flagged events: coder review export flagged.csv")


# --- introspection ------------------------------------------------------------------------------
@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if schemas/event.schema.json differs from the models.")
@click.option("--write", is_flag=True, help="Regenerate schemas/event.schema.json from the models.")
def schema(check: bool, write: bool) -> None:
    """Print the JSON Schema of an event row (generated from coder/models.py).

    \b
    Example:
        coder schema > event.schema.json
    """
    from coder.schema import SCHEMA_PATH, render_schema

    text = render_schema()
    if write:
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        console.print(f"wrote {SCHEMA_PATH}")
        return
    if check:
        if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text(encoding="utf-8") != text:
            console.print(f"{SCHEMA_PATH} differs from coder/models.py: run `coder schema --write`")
            sys.exit(1)
        console.print("schema up to date")
        return
    click.echo(text, nl=False)


@cli.command()
@db_option
def runs(db_path: Path) -> None:
    """List coding runs with their coder, counts and time.

    \b
    Example:
        coder runs
    """
    with open_store(db_path) as store:
        rows = store.runs()
    table = Table()
    for column in ("id", "coder", "version", "model", "started", "status", "coded", "failed", "events"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["coder"],
            r["coder_version"],
            r["model"] or "",
            r["started_at"],
            r["status"],
            str(r["articles_coded"]),
            str(r["articles_failed"]),
            str(r["events"]),
        )
    out.print(table)


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--coder", "coder_name", type=click.Choice(["offline"]), default="offline", show_default=True)
@click.option("--limit", type=int, help="Score only the first N rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--holdout-only",
    is_flag=True,
    help="Score only the rows the shipped classifier held out of training (honest on its training file).",
)
def eval_command(gold: Path, coder_name: str, limit: int | None, fmt: str, holdout_only: bool) -> None:
    """Score a coder against human-coded rows of an ACLED export.

    Each row's notes are coded as an article (publication date from timestamp, else
    event_date); the coder's first event is compared with the row.

    \b
    Example:
        coder eval ../shared/eval/acled_dev.csv --limit 500 --format json
        coder eval ../shared/eval/acled_dev.csv --holdout-only
    """
    from coder.classifier import shipped_model
    from coder.evaluate import evaluate
    from coder.pipeline import get_coder
    from coder.validate import TableError

    code_fn, _ = get_coder(coder_name)
    try:
        holdout = None
        if holdout_only:
            model = shipped_model()
            if model is None or model.meta.get("holdout_bucket") is None:
                raise click.ClickException("--holdout-only needs a classifier trained with a held-out bucket")
            holdout = int(model.meta["holdout_bucket"])
        result = evaluate(gold, code_fn, limit, holdout)
    except TableError as exc:
        console.print(f"[red]error[/red] {exc}", highlight=False)
        sys.exit(2)
    if fmt == "json":
        out.print_json(json.dumps(result.metrics))
        return
    table = Table(title=f"{gold.name}: {result.metrics['n']} rows, coder {coder_name}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.metrics.items():
        table.add_row(key, "—" if value is None else str(value))
    out.print(table)


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Model file (default: datasets/models/sub_event_en.npz, the one the offline coder loads).",
)
@click.option(
    "--holdout", type=click.IntRange(0, 9), default=9, show_default=True, help="Text bucket never trained on."
)
@click.option(
    "-C", "c", type=float, default=1.0, show_default=True, help="SVM regularisation (larger: fit harder)."
)
def train(gold: Path, out_path: Path | None, holdout: int, c: float) -> None:
    """Train the offline coder's English sub-event-type classifier from an ACLED export.

    Reads the `notes` and `sub_event_type` columns, keeps one text bucket in ten out of
    training (score it with `coder eval GOLD --holdout-only`) and writes a small NumPy model
    file holding hashed-feature weights only, no training text.

    \b
    Example:
        coder train ../shared/eval/acled_dev.csv
    """
    from coder.classifier import MODEL_PATH, train_file

    report = train_file(gold, out_path or MODEL_PATH, holdout=holdout, c=c)
    out.print_json(json.dumps(report))
