"""Offline coder speed: articles per second for notes-length texts and 5 KB articles.

    .venv/bin/python bench/offline.py [GOLD.csv] [--n 1000]

Notes-length inputs are the `notes` of an ACLED-format file you point to (default
../shared/eval/acled_dev.csv, read only, never copied); 5 KB articles are built from the
seed articles in seeds/ (each repeated paragraph by paragraph up to 5,000 characters).
Each kind is coded twice: by one OfflineCoder in this process (one core), and the way
`coder code` codes a large run, by `coder.parallel.code_offline` on one worker process per
core (`--jobs`; the time includes starting the workers and loading their data); a last row
codes the 5 KB articles into a fresh store as `coder code` does (events written, one
transaction per article).
Prints a table; the issue's target is >= 100 articles/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from coder.classifier import counts
from coder.ingest import ingest_paths
from coder.models import Article
from coder.offline import OfflineCoder
from coder.parallel import code_offline, default_jobs
from coder.pipeline import code_articles
from coder.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _notes(path: Path, n: int) -> list[Article]:
    frame = pl.read_csv(path, infer_schema_length=0, columns=["notes"]).drop_nulls().head(n)
    return [
        Article(id=f"n{i}", text=t, language="en", published=dt.date(2020, 5, 10), source_path=f"row {i}")
        for i, t in enumerate(frame["notes"])
    ]


def _long_articles(n: int) -> list[Article]:
    seeds = ingest_paths([ROOT / "seeds"]).articles
    out = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        paragraphs = [p for p in seed.text.split("\n") if p.strip()]
        # every text distinct (its number first), so no cache can serve one article from another
        text, k = f"Report {i}.\n", 0
        while len(text) < 5000:
            text += paragraphs[k % len(paragraphs)] + "\n"
            k += 1
        out.append(
            seed.model_copy(update={"id": f"long{i}", "text": text[:5000], "source_path": f"long{i:05d}"})
        )
    return out


def _rate(articles: list[Article]) -> tuple[float, int]:
    coder = OfflineCoder()
    # load the gazetteer, dictionaries, model and scikit-learn outside the timing
    coder(articles[0])
    counts(["warm up"])
    started = time.perf_counter()
    events = sum(len(coder(a)) for a in articles)
    return len(articles) / (time.perf_counter() - started), events


def _parallel_rate(articles: list[Article], jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    events = sum(len(o) for _, o in code_offline(articles, jobs=jobs) if isinstance(o, list))
    return len(articles) / (time.perf_counter() - started), events


def _store_rate(articles: list[Article], jobs: int) -> tuple[float, int]:
    """`coder code` end to end: the same articles coded into a fresh store, one transaction each."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "coder.db") as store:
        store.add_articles(articles)
        started = time.perf_counter()
        summary = code_articles(store, "offline", jobs=jobs)
        return len(articles) / (time.perf_counter() - started), summary.events


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "gold", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval" / "acled_dev.csv"
    )
    parser.add_argument("--n", type=int, default=1000, help="articles per input kind")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="worker processes")
    args = parser.parse_args()
    table = Table(title=f"offline coder ({default_jobs()} cores)")
    for column in ("input", "articles", "processes", "events", "articles/s", "target"):
        table.add_column(column, justify="right" if column != "input" else "left")
    kinds = []
    if args.gold.exists():
        kinds.append((f"notes ({args.gold.name})", _notes(args.gold, args.n)))
    kinds.append(("5 KB articles (seeds)", _long_articles(args.n)))
    for name, articles in kinds:
        rate, events = _rate(articles)
        table.add_row(name, str(len(articles)), "1", str(events), f"{rate:.1f}", ">= 100")
        if args.jobs > 1:
            rate, events = _parallel_rate(articles, args.jobs)
            table.add_row(name, str(len(articles)), str(args.jobs), str(events), f"{rate:.1f}", ">= 100")
    # what a user of `coder code` sees: coding plus writing every article's events to the store
    long = kinds[-1][1]
    rate, events = _store_rate(long, args.jobs)
    table.add_row(
        "5 KB articles, `coder code` into a store",
        str(len(long)),
        str(args.jobs),
        str(events),
        f"{rate:.1f}",
        "—",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
