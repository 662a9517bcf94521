"""`coder eval`: code each gold row's notes as an article and score the first event.

Only the notes text and a publication date (from `timestamp`, else `event_date`) are shown
to the coder. A field blank in the gold file is left out of that field's score; a score with
no gold rows is None.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from coder.classifier import bucket
from coder.codebook import parse_inter, parse_interaction
from coder.dates import parse_export_date
from coder.gazetteer import distance_km
from coder.models import Article, CodedEvent, Event
from coder.textnorm import name_key
from coder.validate import read_table

Coder = Callable[[Article], list[CodedEvent]]

SCORED = (
    "event_type",
    "sub_event_type",
    "disorder_type",
    "actor1",
    "inter1",
    "interaction",
    "country",
    "admin1",
    "date",
    "time_precision",
    "fatalities",
    "geo_precision",
    "location_name",
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def gold_article(row: dict[str, Any], number: int) -> Article:
    """The article the coder sees for a gold row: its notes and a publication date only."""
    text = (row.get("notes") or "").strip()
    published = None
    stamp = row.get("timestamp")
    if not _blank(stamp):
        try:
            published = dt.datetime.fromtimestamp(int(float(stamp)), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            published = None
    if published is None and not _blank(row.get("event_date")):
        published = parse_export_date(row["event_date"])
    digest = hashlib.sha256(f"{number}:{text}".encode()).hexdigest()[:16]
    return Article(id=digest, text=text, language="en", published=published, source_path=f"row {number}")


_OPEN_PERIOD = re.compile(r"\((\d{4})-\d{4}\)")
_ETHNIC = re.compile(r"ethnic militia", re.IGNORECASE)


def _actor_key(name: str) -> str:
    """Actor comparison key through ACLED's renamings: a closed period counts as the open one it
    was ("Police Forces of Kenya (2013-2022)" = "(2013-)"), since ACLED closes an actor's period
    after the fact, and "Ethnic Militia" is the older name of "Communal Militia"."""
    from coder.actors import actor_key

    key = _OPEN_PERIOD.sub(r"(\1-)", actor_key(name))
    return name_key(_ETHNIC.sub("communal militia", key))


def _admin1_key(country: str | None, name: str) -> str:
    from coder.gazetteer import get_gazetteer

    gazetteer = get_gazetteer()
    canonical = getattr(gazetteer, "canonical_admin1", None)
    if canonical is not None and country:
        found = canonical(country, name)
        if found:
            return name_key(found)
    return name_key(name)


@dataclass
class Comparison:
    """Gold vs predicted for one row."""

    row: int
    text: str
    gold: dict[str, Any]
    predicted: dict[str, Any]
    correct: dict[str, bool] = field(default_factory=dict)
    km: float | None = None
    events: int = 1  # how many events the coder made of the row's notes


def compare(
    number: int, gold: dict[str, Any], article: Article, event: Event | None, events: int | None = None
) -> Comparison:
    """Field-by-field comparison of the gold row with the coder's first event (of `events`)."""
    pred = event.model_dump(mode="python") if event else {}
    coded = events if events is not None else int(event is not None)
    comp = Comparison(row=number, text=article.text, gold=gold, predicted=pred, events=coded)

    def score(name: str, gold_value: Any, pred_value: Any, same: Callable[[Any, Any], bool]) -> None:
        if _blank(gold_value):
            return
        comp.correct[name] = pred_value is not None and same(gold_value, pred_value)

    def eq(a: Any, b: Any) -> bool:
        return a == b

    score("event_type", gold.get("event_type"), pred.get("event_type"), eq)
    score("sub_event_type", gold.get("sub_event_type"), pred.get("sub_event_type"), eq)
    score("disorder_type", gold.get("disorder_type"), pred.get("disorder_type"), eq)
    score("actor1", gold.get("actor1"), pred.get("actor1"), lambda a, b: _actor_key(a) == _actor_key(b))
    score("inter1", _safe(parse_inter, gold.get("inter1")), pred.get("inter1"), eq)
    score("interaction", _safe(parse_interaction, gold.get("interaction")), pred.get("interaction"), eq)
    score("country", gold.get("country"), pred.get("country"), lambda a, b: name_key(a) == name_key(b))
    score(
        "admin1",
        gold.get("admin1"),
        pred.get("admin1"),
        lambda a, b: _admin1_key(gold.get("country"), a) == _admin1_key(gold.get("country"), b),
    )
    score("date", parse_export_date(gold.get("event_date") or ""), pred.get("event_date"), eq)
    score("time_precision", _safe(int, gold.get("time_precision")), pred.get("time_precision"), eq)
    score("fatalities", _safe(int, gold.get("fatalities")), pred.get("fatalities"), eq)
    score("geo_precision", _safe(int, gold.get("geo_precision")), pred.get("geo_precision"), eq)
    # the place named as the gold coder names it (a village we lack coded at its district's
    # centre is right by name, and wrong by distance)
    score(
        "location_name", gold.get("location"), pred.get("location"), lambda a, b: name_key(a) == name_key(b)
    )
    glat, glon = _safe(float, gold.get("latitude")), _safe(float, gold.get("longitude"))
    if glat is not None and glon is not None:
        plat, plon = pred.get("latitude"), pred.get("longitude")
        comp.km = distance_km(glat, glon, plat, plon) if plat is not None and plon is not None else None
        comp.correct["location_within_25km"] = comp.km is not None and comp.km <= 25
    return comp


def _safe(parse: Callable[[Any], Any], value: Any) -> Any:
    if _blank(value):
        return None
    try:
        return parse(value)
    except (ValueError, TypeError):
        return None


def macro_f1(pairs: list[tuple[str, str | None]]) -> float | None:
    """Macro-averaged F1 over the gold classes that occur."""
    classes = sorted({g for g, _ in pairs})
    if not classes:
        return None
    scores = []
    for c in classes:
        tp = sum(1 for g, p in pairs if g == c and p == c)
        fp = sum(1 for g, p in pairs if g != c and p == c)
        fn = sum(1 for g, p in pairs if g == c and p != c)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


@dataclass
class EvalResult:
    metrics: dict[str, float | int | None]
    comparisons: list[Comparison]


def evaluate(path: Path, coder: Coder, limit: int | None = None, holdout: int | None = None) -> EvalResult:
    """Code every gold row (or the first `limit`) and score the coder.

    With `holdout`, only rows in that text bucket (coder.classifier.bucket) are scored: the
    rows a trained model never saw, for an honest figure on the data it was trained from.
    """
    frame = read_table(path)
    if holdout is not None:
        frame = frame.filter(
            pl.col("notes").map_elements(lambda t: bucket(t or "") == holdout, return_dtype=pl.Boolean)
        )
    if limit:
        frame = frame.head(limit)
    comparisons = []
    coding_seconds = 0.0
    for number, gold in enumerate(frame.iter_rows(named=True), start=1):
        article = gold_article(gold, number)
        started = time.perf_counter()
        events = coder(article) if article.text else []
        coding_seconds += time.perf_counter() - started
        comparisons.append(compare(number, gold, article, events[0].event if events else None, len(events)))
    metrics = score(comparisons)
    metrics["articles_per_second"] = round(len(comparisons) / coding_seconds, 1) if coding_seconds else None
    return EvalResult(metrics=metrics, comparisons=comparisons)


def score(comparisons: list[Comparison]) -> dict[str, float | int | None]:
    """The scores of a set of compared rows (every key of `coder eval --format json` but speed)."""
    metrics: dict[str, float | int | None] = {"n": len(comparisons)}
    for name in SCORED:
        scored = [c.correct[name] for c in comparisons if name in c.correct]
        metrics[f"{name}_accuracy"] = round(sum(scored) / len(scored), 4) if scored else None
    within = [c.correct["location_within_25km"] for c in comparisons if "location_within_25km" in c.correct]
    metrics["location_within_25km"] = round(sum(within) / len(within), 4) if within else None
    errors = [c.km for c in comparisons if c.km is not None]
    metrics["median_km_error"] = round(statistics.median(errors), 2) if errors else None
    pairs = [
        (c.gold["sub_event_type"], c.predicted.get("sub_event_type"))
        for c in comparisons
        if not _blank(c.gold.get("sub_event_type"))
    ]
    f1 = macro_f1(pairs)
    metrics["sub_event_type_macro_f1"] = round(f1, 4) if f1 is not None else None
    # A gold row is one event: a coder that makes several of its notes splits one event (or
    # adds places named in passing), which the first-event scores above do not see.
    metrics["events_per_row"] = (
        round(statistics.mean(c.events for c in comparisons), 3) if comparisons else None
    )
    several = [c.events > 1 for c in comparisons]
    metrics["rows_with_several_events"] = round(sum(several) / len(several), 4) if several else None
    return metrics


def score_by(comparisons: list[Comparison], column: str) -> dict[str, dict[str, float | int | None]]:
    """score() of each group of rows sharing the gold value of `column` (blank: "(blank)"),
    largest group first: how good the coder is on one country, source or period."""
    groups: dict[str, list[Comparison]] = {}
    for c in comparisons:
        value = c.gold.get(column)
        groups.setdefault("(blank)" if _blank(value) else str(value), []).append(c)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {name: score(rows) for name, rows in ordered}
