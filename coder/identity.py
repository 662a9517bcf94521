"""What makes two coded rows "the same event": the key behind stable ids and deduplication.

The key covers what the codebook says defines an event (section 1: one type of interaction,
between one pair of actors, at one place, on one day): country, location, event date, event
and sub-event type, and the pair of actors in either order (outlets name the sides in
different orders). Text is compared case- and space-insensitively.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from coder.models import Event

#: Columns that identify an event (actor1/actor2 are compared as an unordered pair).
KEY_COLUMNS: tuple[str, ...] = (
    "country",
    "location",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
)


def normalise(value: Any) -> str:
    """Casefolded text with runs of whitespace collapsed; '' for missing values."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return " ".join(text.split()).casefold()


def event_key(event: Event | Mapping[str, Any]) -> str:
    """16 hex digits identifying the event; equal for rows that describe the same event."""
    row = event.model_dump(mode="python") if isinstance(event, Event) else event
    actors = sorted((normalise(row.get("actor1")), normalise(row.get("actor2"))))
    parts = [normalise(row.get(c)) for c in KEY_COLUMNS[:5]] + actors
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
