"""Checks of the evidence a coder attaches to its rows: spans inside the article that say what
the field says. Only rows the project coded carry evidence, so these run per row (a store
holds thousands of events, not millions) and never on export files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from coder.models import Event, Flag, Severity, Span


@dataclass(frozen=True)
class EvidenceRule:
    code: str
    severity: Severity
    fields: tuple[str, ...]
    explanation: str


EVIDENCE_RULES: Final[tuple[EvidenceRule, ...]] = (
    EvidenceRule(
        "EVIDENCE_OUTSIDE_ARTICLE",
        "error",
        ("evidence",),
        "Evidence spans lie inside the article text (0 <= start <= end <= its length).",
    ),
    EvidenceRule(
        "EVIDENCE_TEXT_MISMATCH",
        "error",
        ("evidence",),
        "An evidence quote is exactly the article text at its offsets.",
    ),
    EvidenceRule(
        "EVIDENCE_UNKNOWN_FIELD",
        "error",
        ("evidence",),
        "Evidence is given for the event's own columns only.",
    ),
    EvidenceRule(
        "LOCATION_EVIDENCE_MISMATCH",
        "warning",
        ("location", "evidence"),
        "The location's evidence names that place (a gazetteer name or alias of it).",
    ),
    EvidenceRule(
        "GEO_PRECISION_EVIDENCE",
        "warning",
        ("geo_precision", "evidence"),
        "A place the article gives as 'near X' / 'the countryside of X' is geo_precision 2, not 1; a"
        " province named as one ('Idlib province') is 3.",
    ),
    EvidenceRule(
        "TIME_PRECISION_EVIDENCE",
        "warning",
        ("time_precision", "evidence"),
        "time_precision is the one the event_date evidence gives under the date rules: 'yesterday' 1,"
        " 'last week' or 'around 5 May' 2, 'in May' or 'last month' 3.",
    ),
)
#: Characters of context read around a span: enough for "near the town of" before a name,
#: "province" after it, "around" before a date and "(as reported)" after it.
BEFORE, AFTER = 60, 40
_BY_CODE: Final[dict[str, EvidenceRule]] = {r.code: r for r in EVIDENCE_RULES}


def _flag(code: str, message: str) -> Flag:
    rule = _BY_CODE[code]
    return Flag(code=code, severity=rule.severity, field=rule.fields[0], message=message[:300])


def _span_flags(column: str, span: Span, text: str) -> list[Flag]:
    if not 0 <= span.start <= span.end <= len(text):
        return [
            _flag(
                "EVIDENCE_OUTSIDE_ARTICLE",
                f"{column} evidence [{span.start}:{span.end}] is outside the article"
                f" ({len(text)} characters)",
            )
        ]
    if text[span.start : span.end] != span.text:
        return [
            _flag(
                "EVIDENCE_TEXT_MISMATCH",
                f"{column} evidence quotes {span.text!r} but the article has "
                f"{text[span.start : span.end]!r} there",
            )
        ]
    return []


def _location_flags(event: Event, spans: list[Span], text: str) -> list[Flag]:
    from coder.gazetteer import get_gazetteer, place_key

    gazetteer = get_gazetteer()
    wanted = place_key(event.location or "")
    readable = [s for s in spans if 0 <= s.start <= s.end <= len(text)]
    if not wanted or not readable:
        return []
    named: set[str] = set()
    known = False
    for span in readable:
        named.add(place_key(span.text))
        places = gazetteer.lookup(span.text, event.country) if event.country else []
        known = known or bool(places)
        named.update(place_key(p.name) for p in places)
        named.update(place_key(a) for p in places for a in (p.admin1, p.admin2) if a)
    flags: list[Flag] = []
    if known and wanted not in named:
        quoted = ", ".join(repr(s.text) for s in readable)
        flags.append(
            _flag("LOCATION_EVIDENCE_MISMATCH", f"location '{event.location}' but the evidence says {quoted}")
        )
    if event.geo_precision in (1, 2):
        for span in readable:
            window_start = max(0, span.start - BEFORE)
            mentions = gazetteer.find(text[window_start : span.end + AFTER], event.country)
            at_span = [m for m in mentions if window_start + m.end == span.end]
            if any(m.place.kind == "admin1" for m in at_span):
                message = f"the article names the province {span.text!r}: geo_precision 3"
            elif event.geo_precision == 1 and any(m.near for m in at_span):
                message = f"the article places it near {span.text!r}: geo_precision 2, not 1"
            else:
                continue
            flags.append(_flag("GEO_PRECISION_EVIDENCE", message))
            break
    return flags


def _time_precision_flags(event: Event, spans: list[Span], text: str) -> list[Flag]:
    """Does time_precision agree with what the date rules read in the event_date evidence?"""
    from coder.dates import find_dates, resolve

    if event.time_precision is None or event.event_date is None:
        return []
    language = "ar" if any("\u0600" <= ch <= "\u06ff" for ch in text[:500]) else "en"
    given: dict[int, str] = {}
    for span in spans:
        if not 0 <= span.start <= span.end <= len(text):
            continue
        window_start = max(0, span.start - BEFORE)
        for m in find_dates(text[window_start : span.end + AFTER], language):
            if window_start + m.start >= span.end or window_start + m.end <= span.start:
                continue
            # a precision follows from the expression alone; the event date stands in for the
            # publication date, which the article may not carry
            precision = resolve(m, event.event_date).time_precision
            if precision is not None:
                given.setdefault(max(precision, 2) if m.reporting else precision, m.text)
    if not given or event.time_precision in given:
        return []
    precision, words = min(given.items())
    return [
        _flag(
            "TIME_PRECISION_EVIDENCE",
            f"the event_date evidence {words!r} gives time_precision {precision}, not {event.time_precision}",
        )
    ]


def evidence_flags(event: Event, article_text: str | None) -> list[Flag]:
    """Flags about an event's evidence spans against the article they point into."""
    if not event.evidence or article_text is None:
        return []
    flags: list[Flag] = []
    for column, spans in event.evidence.items():
        if column not in Event.model_fields:
            flags.append(_flag("EVIDENCE_UNKNOWN_FIELD", f"evidence for '{column}', which is not a column"))
            continue
        for span in spans:
            flags += _span_flags(column, span, article_text)
    if event.location and event.evidence.get("location"):
        flags += _location_flags(event, event.evidence["location"], article_text)
    if event.evidence.get("event_date"):
        flags += _time_precision_flags(event, event.evidence["event_date"], article_text)
    return flags
