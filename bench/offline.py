"""Offline coder speed: articles per second for notes-length texts and 5 KB articles.

    .venv/bin/python bench/offline.py [GOLD.csv] [--n 1000]

Notes-length inputs are the `notes` of an ACLED-format file you point to (default
../shared/eval/acled_dev.csv, read only, never copied); 5 KB articles are built from the
seed articles in seeds/ (each repeated paragraph by paragraph up to 5,000 characters).
Prints a table; the issue's target is >= 100 articles/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import polars as pl
from rich.console import Console
from rich.table import Table

from coder.classifier import counts
from coder.ingest import ingest_paths
from coder.models import Article
from coder.offline import OfflineCoder

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
        text, k = "", 0
        while len(text) < 5000:
            text += paragraphs[k % len(paragraphs)] + "\n"
            k += 1
        out.append(seed.model_copy(update={"id": f"long{i}", "text": text[:5000]}))
    return out


def _rate(articles: list[Article]) -> tuple[float, int]:
    coder = OfflineCoder()
    # load the gazetteer, dictionaries, model and scikit-learn outside the timing
    coder(articles[0])
    counts(["warm up"])
    started = time.perf_counter()
    events = sum(len(coder(a)) for a in articles)
    return len(articles) / (time.perf_counter() - started), events


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "gold", nargs="?", type=Path, default=ROOT.parent / "shared" / "eval" / "acled_dev.csv"
    )
    parser.add_argument("--n", type=int, default=1000, help="articles per input kind")
    args = parser.parse_args()
    table = Table(title="offline coder (one process, one core)")
    for column in ("input", "articles", "events", "articles/s", "target"):
        table.add_column(column, justify="right" if column != "input" else "left")
    if args.gold.exists():
        notes = _notes(args.gold, args.n)
        rate, events = _rate(notes)
        table.add_row(f"notes ({args.gold.name})", str(len(notes)), str(events), f"{rate:.1f}", ">= 100")
    long = _long_articles(max(1, args.n // 5))
    rate, events = _rate(long)
    table.add_row("5 KB articles (seeds)", str(len(long)), str(events), f"{rate:.1f}", ">= 100")
    Console().print(table)


if __name__ == "__main__":
    main()
