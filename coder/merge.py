"""One event per (sub-event type, place, day, actor pair), as the codebook counts events.

Coders find the same event more than once (several sentences of an article, overlapping chunks
of a long one); merging joins their evidence, keeps the lowest death count and every flag.
"""

from __future__ import annotations

from coder.codebook import TAKEOVERS
from coder.models import CodedEvent, Span


def merge_events(coded: list[CodedEvent]) -> list[CodedEvent]:
    """One event per (sub-event type, place, day, actors): evidence joined, lowest deaths kept."""
    merged: dict[tuple, CodedEvent] = {}
    for item in coded:
        e = item.event
        key = (e.sub_event_type, e.location, e.event_date, e.actor1, e.actor2)
        if key not in merged:
            merged[key] = item
            continue
        kept = merged[key]
        evidence: dict[str, list[Span]] = {k: list(v) for k, v in kept.event.evidence.items()}
        for field, spans in e.evidence.items():
            kept_spans = evidence.setdefault(field, [])
            # keys, not model equality: long articles merge hundreds of spans
            seen = {(s.start, s.end, s.text) for s in kept_spans}
            for s in spans:
                if (s.start, s.end, s.text) not in seen:
                    seen.add((s.start, s.end, s.text))
                    kept_spans.append(s)
        counts = [n for n in (kept.event.fatalities, e.fatalities) if n]
        update = {"evidence": evidence, "fatalities": min(counts) if counts else 0}
        flags = kept.flags + [f for f in item.flags if f not in kept.flags]
        merged[key] = CodedEvent(event=kept.event.model_copy(update=update), flags=flags)
    return list(merged.values())


def drop_withdrawals_taken_over(coded: list[CodedEvent]) -> list[CodedEvent]:
    """Without the withdrawals from a place someone took over on the same day: the losing side's
    retreat is the other half of the takeover (actor2 there), not an event of its own."""
    taken = {(c.event.location, c.event.event_date) for c in coded if c.event.sub_event_type in TAKEOVERS}
    return [
        c
        for c in coded
        if not (
            c.event.sub_event_type == "Non-violent transfer of territory"
            and c.event.location is not None
            and (c.event.location, c.event.event_date) in taken
        )
    ]
