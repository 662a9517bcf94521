"""`coder eval --report DIR`: an HTML page a coder can read to see where the coder goes wrong.

One self-contained page (no script, no file fetched from elsewhere): the per-field scores, the
sub_event_type confusion matrix drawn as an SVG picture (also written as confusion.svg), and
the worst rows with the article text, gold and predicted values side by side.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from pathlib import Path
from typing import Any

from coder.evaluate import Comparison, EvalResult

WORST_ROWS = 50
SHOWN_FIELDS = (
    "event_type",
    "sub_event_type",
    "actor1",
    "inter1",
    "actor2",
    "interaction",
    "country",
    "admin1",
    "location",
    "geo_precision",
    "event_date",
    "time_precision",
    "fatalities",
)
_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f3f3f3;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{background:#fde2e1}.ok{background:#e3f6e5}.text{max-width:38em;white-space:pre-wrap}
[dir=auto]{unicode-bidi:plaintext}
"""


def _cell(value: Any) -> str:
    return "—" if value is None or value == "" else html.escape(str(value))


def confusion_svg(pairs: list[tuple[str, str | None]]) -> str:
    """Gold (rows) by predicted (columns) counts; cell shade is the share of the gold row."""
    labels = sorted({g for g, _ in pairs} | {p or "(no event)" for _, p in pairs})
    counts = Counter((g, p or "(no event)") for g, p in pairs)
    totals = Counter(g for g, _ in pairs)
    cell, left, top = 22, 250, 250
    size_w, size_h = left + cell * len(labels) + 10, top + cell * len(labels) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_w}" height="{size_h}" '
        f'font-family="sans-serif" font-size="11">',
        f'<text x="{left}" y="14" font-size="13">predicted →</text>',
        f'<text x="4" y="{top - 6}" font-size="13">gold ↓</text>',
    ]
    for i, label in enumerate(labels):
        y = top + i * cell + cell * 0.7
        out.append(f'<text x="{left - 6}" y="{y:.0f}" text-anchor="end">{html.escape(label)}</text>')
        x = left + i * cell + cell * 0.7
        turn = f"rotate(-60 {x:.0f} {top - 6})"
        out.append(f'<text x="{x:.0f}" y="{top - 6}" transform="{turn}">{html.escape(label)}</text>')
    for i, gold in enumerate(labels):
        for j, predicted in enumerate(labels):
            n = counts.get((gold, predicted), 0)
            share = n / totals[gold] if totals.get(gold) else 0.0
            hue = 140 if gold == predicted else 0
            fill = f"hsl({hue},60%,{100 - 55 * share:.0f}%)" if n else "#fff"
            x, y = left + j * cell, top + i * cell
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#ddd">'
                f"<title>{html.escape(gold)} → {html.escape(predicted)}: {n}</title></rect>"
            )
            if n:
                out.append(f'<text x="{x + cell / 2}" y="{y + cell * 0.7}" text-anchor="middle">{n}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _wrong_fields(c: Comparison) -> int:
    return sum(1 for ok in c.correct.values() if not ok)


def _gold_value(c: Comparison, name: str) -> Any:
    return c.gold.get(name)


def _row_html(c: Comparison) -> str:
    rows = []
    for name in SHOWN_FIELDS:
        key = {"event_date": "date", "location": "location_within_25km"}.get(name, name)
        state = c.correct.get(key)
        css = "" if state is None else (' class="ok"' if state else ' class="bad"')
        rows.append(
            f"<tr{css}><th>{name}</th><td dir=auto>{_cell(_gold_value(c, name))}</td>"
            f"<td dir=auto>{_cell(c.predicted.get(name))}</td></tr>"
        )
    km = "" if c.km is None else f" · {c.km:.1f} km off"
    return (
        f"<h3>row {c.row}: {_wrong_fields(c)} field(s) wrong{km}</h3>"
        f'<table><tr><td class="text" dir=auto>{html.escape(c.text)}</td><td>'
        f"<table><tr><th>field</th><th>gold</th><th>predicted</th></tr>{''.join(rows)}</table>"
        f"</td></tr></table>"
    )


def write_report(result: EvalResult, out_dir: Path, title: str) -> Path:
    """Write index.html and confusion.svg into `out_dir`; returns the page's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs = [
        (c.gold["sub_event_type"], c.predicted.get("sub_event_type"))
        for c in result.comparisons
        if c.gold.get("sub_event_type")
    ]
    svg = confusion_svg(pairs)
    (out_dir / "confusion.svg").write_text(svg, encoding="utf-8")
    metrics = "".join(
        f'<tr><td>{html.escape(k)}</td><td class="num">{_cell(v)}</td></tr>'
        for k, v in result.metrics.items()
    )
    per_class = _per_class(pairs)
    worst = sorted(result.comparisons, key=lambda c: (-_wrong_fields(c), c.row))[:WORST_ROWS]
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(title)}</h1><p>written {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC</p>
<h2>Scores</h2><table><tr><th>metric</th><th>value</th></tr>{metrics}</table>
<h2>sub_event_type by class</h2><table><tr><th>class</th><th>gold rows</th><th>precision</th>
<th>recall</th><th>F1</th></tr>{per_class}</table>
<h2>sub_event_type confusion</h2>{svg}
<h2>The {len(worst)} worst rows</h2>{"".join(_row_html(c) for c in worst)}
</body></html>"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _per_class(pairs: list[tuple[str, str | None]]) -> str:
    rows = []
    for label in sorted({g for g, _ in pairs}):
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            f'<tr><td>{html.escape(label)}</td><td class="num">{tp + fn}</td>'
            f'<td class="num">{precision:.2f}</td><td class="num">{recall:.2f}</td>'
            f'<td class="num">{f1:.2f}</td></tr>'
        )
    return "".join(rows)
