"""Response times of the review page on stores of synthetic flagged events.

    .venv/bin/python bench/review_web.py [--events 1000 10000] [--repeat 5]

For each size: a store with one article and that many flagged events (each with an error flag),
then, through Starlette's TestClient (no network, same code as `coder review serve`), the
median time of: the queue page, one event's page, the live form check, and a decision (an
edit-accept, which re-runs the validator over the whole store so duplicates are seen).
Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from starlette.testclient import TestClient

from coder.models import Article, CodedEvent, Event, Flag
from coder.store import Store
from coder.web.app import create_app

TEXT = "Regime artillery shelled the town of Sarmin in Idlib on Sunday, killing two civilians."
ARTICLE = Article(id="0" * 16, text=TEXT, language="en", published=dt.date(2020, 3, 2), outlet="Bench")
FLAG = Flag(code="BATTLE_ACTOR_NOT_ARMED", severity="error", field="inter2", message="synthetic")


def _event(i: int) -> Event:
    """A shelling event; the place name and toll differ, so no two events are duplicates."""
    return Event(
        event_date=dt.date(2020, 3, 1),
        year=2020,
        time_precision=1,
        disorder_type="Political violence",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        actor1="Military Forces of Syria (2000-2024)",
        inter1=1,
        actor2="Civilians (Syria)",
        inter2=7,
        interaction=17,
        civilian_targeting="Civilian targeting",
        iso=760,
        region="Middle East",
        country="Syria",
        admin1="Idleb",
        location=f"Place {i}",
        latitude=35.9,
        longitude=36.7,
        geo_precision=1,
        source="Bench",
        notes="On 1 March 2020, regime artillery shelled a town in Idleb.",
        fatalities=i % 50,
        article_ids=[ARTICLE.id],
        coder="offline",
    )


def build(path: Path, n: int) -> list[str]:
    with Store(path) as store:
        store.add_articles([ARTICLE])
        run = store.start_run("offline", "bench")
        coded = [CodedEvent(event=_event(i), flags=[FLAG]) for i in range(n)]
        ids = store.save_coding(ARTICLE.id, "offline", run, coded, lambda e: "SYR")
        store.finish_run(run)
        store.set_validation({i: ("flagged", []) for i in ids})
    return ids


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(path: Path, n: int, repeat: int) -> tuple[float, float, float, float]:
    """Median seconds of: queue page, event page, form check, decision."""
    ids = build(path, n)
    client = TestClient(create_app(path, reviewer="bench"), base_url="http://127.0.0.1")
    page = client.get(f"/events/{ids[0]}").text  # warms the gazetteer and the templates
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert found is not None
    form = {"csrf_token": found[1], "fatalities": "1", "reviewer": "bench", "action": "accept"}
    pending = iter(ids[2 : 2 + repeat])

    def decide() -> None:
        response = client.post(f"/events/{next(pending)}", data={**form, "version": "1"})
        assert response.status_code in (200, 303), response.text[:300]

    return (
        median_seconds(lambda: client.get("/"), repeat),
        median_seconds(lambda: client.get(f"/events/{ids[n // 2]}"), repeat),
        median_seconds(lambda: client.post(f"/events/{ids[1]}/check", data=form), repeat),
        median_seconds(decide, repeat),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    table = Table(title="review page, median seconds per request")
    for column in ("events", "queue page", "event page", "form check", "decision (edit + re-validate)"):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.events:
            times = measure(Path(tmp) / f"bench{n}.db", n, args.repeat)
            table.add_row(f"{n:,}", *(f"{t:.3f}" for t in times))
    Console().print(table)


if __name__ == "__main__":
    main()
