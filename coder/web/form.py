"""The event form: its layout, the codebook's choices, and reading a submitted form into an Event.

Derived columns follow their sources unless the reviewer changed them too: a new sub-event type
brings its disorder type, new inter codes their interaction, a new date its year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from coder.codebook import (
    DISORDER_TYPES,
    EVENT_TYPES,
    INTER_NAMES,
    SOURCE_SCALES,
    TAXONOMY,
    disorder_type_for,
    interaction_code,
)
from coder.models import CIVILIAN_TARGETING, Event

#: (legend, fields) in the order the form shows them; every ACLED column but the id and timestamp.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("What", ("event_type", "sub_event_type", "disorder_type", "fatalities", "civilian_targeting")),
    ("When", ("event_date", "year", "time_precision")),
    ("Who", ("actor1", "inter1", "assoc_actor_1", "actor2", "inter2", "assoc_actor_2", "interaction")),
    (
        "Where",
        (
            "location",
            "country",
            "iso",
            "region",
            "admin1",
            "admin2",
            "admin3",
            "latitude",
            "longitude",
            "geo_precision",
        ),
    ),
    ("Source", ("source", "source_scale", "notes", "tags")),
)
FIELDS: tuple[str, ...] = tuple(f for _, group in GROUPS for f in group)
PLACE_FIELDS: tuple[str, ...] = dict(GROUPS)["Where"]
ACTOR_FIELDS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
_INTEGERS = {
    "year",
    "time_precision",
    "inter1",
    "inter2",
    "interaction",
    "iso",
    "geo_precision",
    "fatalities",
}
_FLOATS = {"latitude", "longitude"}
PRECISION_NAMES = {1: "1 exact", 2: "2 near / week", 3: "3 region / month"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def choices(field: str, event_type: str | None, current: Any) -> list[Choice] | None:
    """The codebook's choices for a select field (None for free-text fields).

    The current value is always offered, so a form never silently changes a value the
    codebook does not list (the validator flags it instead).
    """
    if field == "event_type":
        options = [Choice(v, v) for v in EVENT_TYPES]
    elif field == "sub_event_type":
        options = [Choice(v, v) for v in TAXONOMY.get(event_type or "", {})]
    elif field == "disorder_type":
        options = [Choice("", "—"), *(Choice(v, v) for v in DISORDER_TYPES)]
    elif field in ("inter1", "inter2"):
        blank = [] if field == "inter1" else [Choice("", "— no actor2")]
        options = [*blank, *(Choice(str(k), f"{k} {name}") for k, name in INTER_NAMES.items())]
    elif field in ("time_precision", "geo_precision"):
        options = [Choice("", "—"), *(Choice(str(k), v) for k, v in PRECISION_NAMES.items())]
    elif field == "civilian_targeting":
        options = [Choice("", "—"), Choice(CIVILIAN_TARGETING, CIVILIAN_TARGETING)]
    else:
        return None
    value = form_value(current)
    if value not in {c.value for c in options}:
        options.insert(0, Choice(value, f"{value} (not in the codebook here)"))
    return options


def source_scales() -> tuple[str, ...]:
    return SOURCE_SCALES


def form_value(value: Any) -> str:
    """A stored value as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def form_values(event: Event) -> dict[str, str]:
    data = event.model_dump()
    return {f: form_value(data[f]) for f in FIELDS}


class FormError(Exception):
    """Submitted values that are not a valid event; `errors` maps field -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _parse(field: str, raw: str) -> Any:
    text = raw.strip()
    if text == "":
        return None
    if field in _INTEGERS:
        try:
            return int(text)
        except ValueError:
            return text  # pydantic words the error
    if field in _FLOATS:
        try:
            return float(text)
        except ValueError:
            return text
    return text


def event_from_form(stored: Event, form: Mapping[str, str]) -> tuple[Event, list[str]]:
    """`stored` with the form's values; returns the event and the fields the reviewer changed.

    Raises FormError when the values do not make an Event (wrong type, unknown choice).
    """
    data = stored.model_dump(mode="json")
    before = form_values(stored)
    changed = [f for f in FIELDS if f in form and form[f].strip() != before[f]]  # as typed
    for field in changed:
        data[field] = _parse(field, form[field])
    if "sub_event_type" in changed and "disorder_type" not in changed:
        data["disorder_type"] = disorder_type_for(str(data["sub_event_type"]))
    if "event_date" in changed and "year" not in changed:
        with suppress(ValueError):  # a bad date is reported by the model below
            data["year"] = dt.date.fromisoformat(str(data["event_date"])).year
    inters = [data["inter1"], data["inter2"]]
    inters_changed = {"inter1", "inter2"} & set(changed) and "interaction" not in changed
    if inters_changed and all(v is None or isinstance(v, int) for v in inters):
        data["interaction"] = interaction_code(*inters)
    if data.get("fatalities") is None:
        data["fatalities"] = 0
    try:
        event = Event.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for e in exc.errors():
            field = str(e["loc"][0]) if e["loc"] else "form"
            errors.setdefault(field, e["msg"])
        raise FormError(errors) from exc
    return event, [f for f in FIELDS if getattr(event, f) != getattr(stored, f)]
