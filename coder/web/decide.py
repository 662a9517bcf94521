"""A reviewer's decision from the page: apply it, re-run the validator, say what is still wrong.

Accept keeps the values, edit is an accept with changed values, reject keeps the row out of
releases. The store refuses a decision on an event that changed since the page was loaded
(optimistic versioning); the page then keeps the reviewer's values and says who got there first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coder.models import Event, Flag
from coder.store import StaleVersionError, Store, StoredEvent
from coder.validate import validate_event, validate_store
from coder.web.form import FormError, event_from_form

ACTIONS = ("accept", "reject")


@dataclass
class Outcome:
    """What happened to a submitted decision."""

    saved: bool
    action: str | None = None  # accept / edit / reject, when saved
    event: Event | None = None  # the values to show (the reviewer's own when not saved)
    version: int = 0  # the version the next save must carry
    flags: list[Flag] = field(default_factory=list)  # after saving: the validator's verdict
    form_errors: dict[str, str] = field(default_factory=dict)
    stale: str | None = None  # why the save was refused: someone else decided first
    changed: list[str] = field(default_factory=list)

    @property
    def still_wrong(self) -> list[Flag]:
        """Errors left on a row the reviewer accepted (a rejected row's do not matter)."""
        return [f for f in self.flags if f.severity == "error"] if self.action != "reject" else []


class DecisionError(ValueError):
    """A request the page never sends (unknown action, no reviewer, bad version)."""


def describe_last_decision(store: Store, event_id: str) -> str:
    """'amal accepted it (edit) at 2026-...' for the most recent decision, or ''."""
    found = store.decisions(event_id)
    if not found:
        return ""
    last = found[-1]
    changed = list(changed_values(last))
    what = f" changing {', '.join(changed)}" if changed else ""
    return f"{last['reviewer']} decided '{last['action']}'{what} at {last['decided_at']}"


def changed_values(decision: Mapping[str, Any]) -> dict[str, list[Any]]:
    """field -> [before, after] for the fields an audit row changed."""
    before, after = json.loads(decision["before"]), json.loads(decision["after"])
    keys = [k for k in after if k != "status" and before.get(k) != after.get(k)]
    return {k: [before.get(k), after.get(k)] for k in keys}


def check(store: Store, stored: StoredEvent, form: Mapping[str, str]) -> tuple[list[Flag], dict[str, str]]:
    """The validator's flags on the form's values, without saving (no duplicate search)."""
    try:
        event, _ = event_from_form(stored.event, form)
    except FormError as exc:
        return [], exc.errors
    article = store.article(stored.article_id)
    coder_flags = store.flag_sources(stored.id).get("coder", [])
    flags = validate_event(
        event, article.published if article else None, article_text=article.text if article else None
    )
    return [*coder_flags, *flags], {}


def decide(
    store: Store,
    event_id: str,
    version: int,
    action: str,
    form: Mapping[str, str],
    reviewer: str,
    note: str | None,
) -> Outcome:
    """Apply `action` (accept or reject) with the form's values; see the module docstring."""
    if action not in ACTIONS:
        raise DecisionError(f"unknown action {action!r}")
    if not reviewer.strip():
        raise DecisionError("a decision needs a reviewer name")
    stored = store.event(event_id)
    if stored is None:
        raise KeyError(event_id)
    after, changed = stored.event, []
    if action == "accept":
        try:
            after, changed = event_from_form(stored.event, form)
        except FormError as exc:
            return Outcome(False, event=stored.event, version=version, form_errors=exc.errors)
    recorded = "reject" if action == "reject" else ("edit" if changed else "accept")
    try:
        store.record_decision(event_id, version, reviewer.strip(), recorded, after, note or None)
    except StaleVersionError:
        current = store.event(event_id)
        assert current is not None
        message = (
            f"Not saved: {event_id} changed while you had it open"
            f" ({describe_last_decision(store, event_id) or 'it was re-coded'}; now version"
            f" {current.version}, your page had {version}). Your values are still in the form:"
            " compare them with the change below and save again to overrule it."
        )
        return Outcome(False, event=after, version=current.version, stale=message, changed=changed)
    validate_store(store, [event_id])
    saved = store.event(event_id)
    assert saved is not None
    return Outcome(True, recorded, saved.event, saved.version, saved.flags, changed=changed)
