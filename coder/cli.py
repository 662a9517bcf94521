"""The `coder` command line: ingest → code → validate → review → release."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from coder import __version__
from coder.llm.commands import batch, llm_options, prompts, settings_from
from coder.options import db_option, jobs_option
from coder.progress import coding_progress
from coder.store import Store

console = Console(stderr=True)
out = Console()


def open_store(db_path: Path, create: bool = False) -> Store:
    """Open the store (with `create`, a new one if there is none), turning SQLite's terse
    errors into advice.

    Only the commands that bring articles in create a store: any other, given a path with no
    store (a typo in --db), would otherwise work on a new empty one and report nothing to do,
    or write an empty release.
    """
    if not create and not db_path.exists():
        raise click.ClickException(
            f"no store at {db_path}: `coder ingest` or `coder run` creates one. Check --db"
            " (or $CODER_DB) if it should exist."
        )
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
    with open_store(db_path, create=True) as store:
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
def _code(
    store: Store,
    coder_name: str,
    recode: bool = False,
    country: str | None = None,
    jobs: int | None = None,
) -> Any:
    from coder.parallel import WorkerDied, default_jobs
    from coder.pipeline import code_articles, get_coder

    try:
        get_coder(coder_name, country)  # a bad --country stops here, before the run starts
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc

    pending = len(store.articles() if recode else store.uncoded_articles(coder_name))
    with coding_progress(console, pending) as advance:
        try:
            summary = code_articles(
                store,
                coder_name,
                on_article=advance,
                recode=recode,
                country=country,
                jobs=jobs or default_jobs(),
            )
        except KeyboardInterrupt:
            console.print(
                "[yellow]interrupted[/yellow]: finished articles are saved; run the same command"
                " again to code the rest"
            )
            sys.exit(130)
        except WorkerDied as exc:
            console.print(f"[red]error[/red] {exc}", highlight=False)
            sys.exit(1)
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
@llm_options
@click.option("--dry-run", is_flag=True, help="LLM: print requests, tokens and cost; send nothing.")
@click.option("--limit", type=click.IntRange(1), help="LLM: code at most N articles in this run.")
@click.option(
    "--country",
    help="Offline coder: the country the articles are about, for those that name none "
    "(default: learnt from the run).",
)
@jobs_option
@db_option
def code(
    coder_name: str,
    recode: bool,
    dry_run: bool,
    limit: int | None,
    country: str | None,
    jobs: int | None,
    db_path: Path,
    **llm: Any,
) -> None:
    """Code every article the chosen coder has not coded yet.

    Each article is committed on its own: interrupting loses at most the one in flight, and
    running the command again continues where it stopped. The LLM coder works with any
    OpenAI-compatible endpoint ($OPENAI_BASE_URL or --base-url, key in $OPENAI_API_KEY) and
    never asks twice for the same (model, prompt, article).

    \b
    Examples:
        coder code --coder offline
        coder code --coder offline --jobs 2 --country Kenya
        coder code --coder llm --model gpt-4o-mini --dry-run
        coder code --coder llm --model smollm2 --base-url http://127.0.0.1:8080/v1 --mode json_schema
    """
    if coder_name == "llm":
        from coder.llm.commands import code_llm, dry_run_report

        settings = settings_from(llm)
        with open_store(db_path) as store:
            if dry_run:
                dry_run_report(store, settings, recode, limit, out)
                return
            status = code_llm(store, settings, recode, limit, out, console)
        if status:
            sys.exit(status)
        return
    with open_store(db_path) as store:
        summary = _code(store, coder_name, recode, country, jobs)
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
    the coder's included, go to the review queue), then brings the release cache up to date.
    With FILE: validates an ACLED-style export (CSV, Parquet, JSON Lines; numeric or word inter
    codes; any export date format).
    Exit status 0 no errors, 1 errors found, 2 input unreadable. `coder rules` lists the codes.

    \b
    Examples:
        coder validate
        coder validate export.csv --format json --out flags.csv
    """
    from coder.flag_output import flag_table, summary, write_flags
    from coder.validate import TableError, store_report, validate_table

    if file is None:
        from coder.release_rows import refresh

        with open_store(db_path) as store:
            report = store_report(store)
            refresh(store)  # the statuses just set, folded into the release cache
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
@click.option(
    "--event",
    "event_ids",
    multiple=True,
    help="Only this event, whatever its status (a released event to correct); repeatable.",
)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["flagged", "valid", "accepted", "rejected"]),
    help="Events of this status instead of the flagged ones; repeatable.",
)
@db_option
def review_export(path: Path, event_ids: tuple[str, ...], statuses: tuple[str, ...], db_path: Path) -> None:
    """Write the review queue (flagged events) to a CSV file.

    Fill the `decision` column with accept, edit or reject (edit: change the field columns),
    optionally `reviewer` and `note`, then import the file. An edit or a rejection of a
    released event shows in the next release's changelog.

    \b
    Examples:
        coder review export flagged.csv
        coder review export fix.csv --event SYR8          # correct a released event
        coder review export spot-check.csv --status valid
    """
    from coder.review import UnknownEventsError, export_queue

    with open_store(db_path) as store:
        try:
            n = export_queue(store, path, event_ids, statuses or None)
        except UnknownEventsError as exc:
            raise click.ClickException(f"{exc}; nothing written") from exc
    what = "flagged " if not event_ids and not statuses else ""
    out.print(f"wrote {n} {what}event(s) to {path}")


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


@review.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--token", envvar="CODER_REVIEW_TOKEN", help="Access token; required when --host is not loopback."
)
@click.option("--reviewer", help="Default reviewer name in the decision form.")
@db_option
def review_serve(host: str, port: int, token: str | None, reviewer: str | None, db_path: Path) -> None:
    """Open the review page: work through the flagged events in a browser.

    Binds 127.0.0.1 unless told otherwise; any other --host needs --token (or
    $CODER_REVIEW_TOKEN), and the printed address carries it.

    \b
    Example:
        coder review serve --reviewer amal          # then open http://127.0.0.1:8765/
    """
    import secrets

    import uvicorn

    from coder.gazetteer import get_gazetteer
    from coder.web.app import create_app
    from coder.web.security import is_loopback

    loopback = is_loopback(host)
    if not loopback and not token:
        raise click.UsageError(
            f"--host {host} is reachable from other machines: pass --token (for example"
            f" --token {secrets.token_urlsafe(16)}) or $CODER_REVIEW_TOKEN."
        )
    open_store(db_path).close()  # upgrade the store, and report a bad path, before serving
    get_gazetteer()  # loaded now, not on the first place completion
    app = create_app(db_path, reviewer=reviewer, token=token, allowed_hosts=None if loopback else ["*"])
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console.print(f"review page: {address}  (Ctrl+C stops it)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


# --- release ------------------------------------------------------------------------------------
@cli.group(invoke_without_command=True)
@click.option(
    "--out",
    "out_dir",
    default="releases",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that holds the versioned releases.",
)
@click.option("--version", "version", help="Release version, MAJOR.MINOR.PATCH (default: next minor).")
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Only events on or after this day."
)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Only events on or before this day.")
@click.option("--country", "countries", multiple=True, help="Only this country (name or ISO3); repeatable.")
@click.option(
    "--min-status",
    type=click.Choice(["valid", "accepted"]),
    default="valid",
    show_default=True,
    help="accepted: only events a reviewer accepted.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Work out every row again, not only the events changed since the previous release.",
)
@db_option
@click.pass_context
def release(
    ctx: click.Context,
    out_dir: Path,
    version: str | None,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    countries: tuple[str, ...],
    min_status: str,
    full: bool,
    db_path: Path,
) -> None:
    """Write a new versioned release, or check and compare releases (verify, diff).

    A release holds the events without error flags and those a reviewer accepted, one row per
    event (rows of several articles reporting it are merged): events.csv, events.parquet,
    changes.parquet, deleted.csv, CHANGELOG.md, README.md, datapackage.json, metadata.json and
    SHA256SUMS. An existing release is never overwritten.

    When the previous release in the folder is the last one this store wrote, with the same
    filters and the same coder, only the events changed since (and the rows they may merge
    with) are worked out again; the rest are its rows. --full works out every row.

    \b
    Examples:
        coder release --out releases/
        coder release --out releases/ --country Syria --from 2017-01-01 --min-status accepted
        coder release verify releases/1.1.0
        coder release diff releases/1.0.0 releases/1.1.0
    """
    if ctx.invoked_subcommand is not None:
        return
    from coder.countries import closest_countries, resolve_country
    from coder.release import ReleaseError, ReleaseFilters, write_release

    resolved = []
    for name in countries:  # a misspelt country would make an empty, read-only release
        country = resolve_country(name)
        if country is None:
            close = closest_countries(name)
            raise click.BadParameter(
                f"{name!r} is no country datasets/countries.csv knows"
                + (f" (did you mean {' or '.join(close)}?)" if close else "; give its name or ISO3 code"),
                param_hint="--country",
            )
        resolved.append(country)
    filters = ReleaseFilters(
        date_from.date() if date_from else None,
        date_to.date() if date_to else None,
        tuple(dict.fromkeys(resolved)),
        min_status,
    )
    with open_store(db_path) as store:
        try:
            info = write_release(store, out_dir, version, filters, full=full)
        except ReleaseError as exc:
            raise click.ClickException(str(exc)) from exc
    since = f"; since {info.previous}: " + ", ".join(f"{n} {k}" for k, n in info.changes.items())
    out.print(
        f"release {info.version}: {info.events} event(s) in {info.path}"
        f" ({info.merged} duplicate row(s) merged{since if info.previous else ''})"
    )
    if info.recomputed is not None:
        out.print(f"{info.recomputed} row(s) worked out again; the others are {info.previous}'s")
    elif info.whole_because:
        out.print(f"every row worked out again: {info.whole_because}")


@release.command("verify")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def release_verify(folder: Path) -> None:
    """Re-check a release: checksums, schemas and row counts. Exit status 1 on any problem.

    \b
    Example:
        coder release verify releases/1.1.0
    """
    from coder.release_verify import verify_release

    problems = verify_release(folder)
    for problem in problems:
        console.print(f"[red]problem[/red] {problem}", highlight=False)
    if problems:
        sys.exit(1)
    out.print(f"{folder}: checksums, schemas and row counts are correct")


@release.command("diff")
@click.argument("old", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "csv"]), default="markdown", show_default=True
)
@click.option("--limit", type=int, default=1000, show_default=True, help="Ids listed per kind (markdown).")
def release_diff(old: Path, new: Path, fmt: str, limit: int) -> None:
    """Print what changed from release OLD to release NEW: events added, changed, deleted.

    \b
    Examples:
        coder release diff releases/1.0.0 releases/1.3.0
        coder release diff releases/1.0.0 releases/1.3.0 --format csv > changes.csv
    """
    from coder.changelog import diff_frames, render_changelog
    from coder.release import read_release

    changes = diff_frames(read_release(old), read_release(new))
    if fmt == "csv":
        click.echo(changes.drop("timestamp").write_csv(), nl=False)
        return
    click.echo(render_changelog(changes, new.name, old.name, limit))


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
@click.option(
    "--country",
    help="Offline coder: the country the articles are about, for those that name none "
    "(default: learnt from the run).",
)
@jobs_option
@db_option
def run(
    paths: tuple[Path, ...],
    out_dir: Path,
    coder_name: str,
    country: str | None,
    jobs: int | None,
    db_path: Path,
) -> None:
    """Ingest, code, validate and release in one go, then print a summary table.

    Safe to repeat: articles already stored or coded are skipped.

    \b
    Example:
        coder run seeds/ --out releases/
    """
    from coder.release import ReleaseError, write_release
    from coder.validate import validate_store

    started = time.perf_counter()
    with open_store(db_path, create=True) as store:
        added, present, errors, dups = _ingest(store, paths)
        summary = _code(store, coder_name, country=country, jobs=jobs)
        statuses = validate_store(store)
        try:
            info = write_release(store, out_dir)
            released = f"{info.events} event(s) → {info.path}"
        except ReleaseError as exc:  # the coding is kept; the table says why nothing was released
            info, released = None, str(exc)
        counts = store.counts()
    table = Table(title="coder run")
    table.add_column("step")
    table.add_column("result")
    table.add_row("ingest", f"{added} new, {present} already stored, {dups} duplicate(s), {errors} skipped")
    table.add_row("code", f"{summary.coded} article(s) coded, {len(summary.failed)} failed")
    table.add_row("articles in store", str(counts["articles"]))
    table.add_row("events in store", str(counts["events"]))
    table.add_row("flagged for review", str(statuses.get("flagged", 0)))
    table.add_row("released", released)
    if info is not None and info.previous:
        changed = ", ".join(f"{n} {kind}" for kind, n in info.changes.items())
        table.add_row(f"since {info.previous}", changed if any(info.changes.values()) else "nothing changed")
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
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def runs(fmt: str, db_path: Path) -> None:
    """List coding runs: coder, model, prompt hash, counts, requests, tokens, cost and time.

    \b
    Example:
        coder runs --format json
    """
    with open_store(db_path) as store:
        rows = store.runs()
    if fmt == "json":
        out.print_json(json.dumps(rows))
        return
    table = Table()
    columns = ("id", "coder", "model", "prompt", "started", "time", "status", "coded", "failed", "events")
    for column in (*columns, "requests", "retries", "tokens in", "tokens out", "cost"):
        table.add_column(column, justify="right" if column in ("time", "cost") else "left")
    for r in rows:
        seconds = ""
        if r["finished_at"]:
            elapsed = dt.datetime.fromisoformat(r["finished_at"]) - dt.datetime.fromisoformat(r["started_at"])
            seconds = f"{elapsed.total_seconds():.0f}s"
        llm = r["coder"] == "llm"
        table.add_row(
            str(r["id"]),
            f"{r['coder']} {r['coder_version']}",
            r["model"] or "",
            r["prompt_hash"] or "",
            r["started_at"],
            seconds,
            r["status"],
            str(r["articles_coded"]),
            str(r["articles_failed"]),
            str(r["events"]),
            str(r.get("requests", "")) if llm else "",
            str(r.get("retries", "")) if llm else "",
            f"{r['tokens_in']:,}" if llm else "",
            f"{r['tokens_out']:,}" if llm else "",
            ("?" if r["cost"] is None else f"${r['cost']:.4f}") if llm else "",
        )
    out.print(table)


cli.add_command(prompts)
cli.add_command(batch)


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--coder", "coder_name", type=click.Choice(["offline", "llm"]), default="offline", show_default=True
)
@llm_options
@click.option("--limit", type=int, help="Score only the first N rows.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--holdout-only",
    is_flag=True,
    help="Score only the rows the shipped classifier held out of training (honest on its training file).",
)
@click.option(
    "--cross-validate",
    is_flag=True,
    help="Offline coder: type each row with a classifier trained on GOLD's other nine tenths "
    "(10-fold cross-validation; honest on the file the shipped model was trained on).",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write an HTML report (scores, confusion matrix, worst rows) into this folder.",
)
@click.option(
    "--by",
    "by_column",
    metavar="COLUMN",
    help="Also score each group of rows sharing this gold column (country, origin, year, ...).",
)
def eval_command(
    gold: Path,
    coder_name: str,
    limit: int | None,
    fmt: str,
    holdout_only: bool,
    cross_validate: bool,
    report_dir: Path | None,
    by_column: str | None,
    **llm: Any,
) -> None:
    """Score a coder against human-coded rows of an ACLED export.

    Each row's notes are coded as an article (publication date from timestamp, else
    event_date); the coder's first event is compared with the row.

    \b
    Example:
        coder eval ../shared/eval/acled_dev.csv --limit 500 --format json
        coder eval ../shared/eval/acled_dev.csv --holdout-only --report eval-report/
        coder eval ../shared/eval/acled_dev.csv --cross-validate --format json
        coder eval ../shared/eval/acled_dev.csv --cross-validate --by country
        coder eval GOLD.csv --coder llm --model smollm2 --base-url http://127.0.0.1:8080/v1 --limit 50
    """
    from coder.classifier import shipped_model
    from coder.evaluate import evaluate
    from coder.pipeline import get_coder
    from coder.validate import TableError

    if cross_validate and (coder_name != "offline" or holdout_only):
        raise click.UsageError("--cross-validate is for the offline coder, without --holdout-only")
    code_fn: Any
    if cross_validate:
        from coder.classifier import bucket, fold_models
        from coder.offline import OfflineCoder

        console.print("training 10 fold models on GOLD (about a minute for 6,000 rows) ...", highlight=False)
        folds = fold_models(gold)
        code_fn = OfflineCoder(choose=lambda article: folds[bucket(article.text)])
    else:
        code_fn, _ = get_coder(coder_name, llm=settings_from(llm) if coder_name == "llm" else None)
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
    finally:
        if coder_name == "llm":
            code_fn.close()
    if coder_name == "llm":
        u = code_fn.usage
        console.print(
            f"LLM: {len(code_fn.failures)} article(s) without a usable answer, {u.requests} requests,"
            f" {u.retries} retries, tokens {u.tokens_in:,} in / {u.tokens_out:,} out",
            highlight=False,
        )
    if report_dir is not None:
        from coder.report import write_report

        page = write_report(result, report_dir, f"coder eval {gold.name} ({coder_name})")
        console.print(f"report: {page}", highlight=False)
    groups = None
    if by_column is not None:
        from coder.evaluate import score_by

        if result.comparisons and by_column not in result.comparisons[0].gold:
            raise click.BadParameter(f"{gold.name} has no column {by_column!r}", param_hint="--by")
        groups = score_by(result.comparisons, by_column)
    if fmt == "json":
        extra = {"by": {"column": by_column, "groups": groups}} if groups is not None else {}
        out.print_json(json.dumps(result.metrics | extra))
        return
    table = Table(title=f"{gold.name}: {result.metrics['n']} rows, coder {coder_name}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.metrics.items():
        table.add_row(key, "—" if value is None else str(value))
    out.print(table)
    if groups is not None:
        out.print(_groups_table(groups, by_column or ""))


#: The scores `coder eval --by` shows per group, with short headers so a table fits 80 columns
#: (all scores, unrounded, are in --format json).
_GROUP_COLUMNS = (
    ("n", "n"),
    ("event_type_accuracy", "type"),
    ("sub_event_type_accuracy", "sub"),
    ("actor1_accuracy", "act1"),
    ("inter1_accuracy", "int1"),
    ("country_accuracy", "ctry"),
    ("admin1_accuracy", "adm1"),
    ("location_within_25km", "25km"),
    ("date_accuracy", "date"),
    ("fatalities_accuracy", "fat"),
)


def _groups_table(groups: dict[str, dict[str, Any]], column: str) -> Table:
    table = Table(
        title=f"by {column}",
        caption="type, sub: event and sub-event type; act1, int1: actor1 and inter1; ctry, adm1: country"
        " and admin1; 25km: location within 25 km; fat: fatalities",
        box=None,
        padding=(0, 1),
    )
    table.add_column(column, no_wrap=True, max_width=18, overflow="ellipsis")
    for _, header in _GROUP_COLUMNS:
        table.add_column(header, justify="right", no_wrap=True, min_width=4)

    def cell(value: float | int | None) -> str:
        return "—" if value is None else str(value) if isinstance(value, int) else f"{value:.2f}"

    for name, metrics in groups.items():
        table.add_row(name, *(cell(metrics[k]) for k, _ in _GROUP_COLUMNS))
    return table


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

    Reads the `notes` and `sub_event_type` columns (and `inter1`, when the file has it: a
    second head learns which type of actor your coders name first, which the coder follows
    when it is sure), keeps one text bucket in ten out of training (score it with `coder eval
    GOLD --holdout-only`) and writes a small NumPy model file holding hashed-feature weights
    only, no training text. Training is seeded: the same file gives the same model.

    \b
    Example:
        coder train ../shared/eval/acled_dev.csv
    """
    from coder.classifier import MODEL_PATH, train_file

    report = train_file(gold, out_path or MODEL_PATH, holdout=holdout, c=c)
    out.print_json(json.dumps(report))
