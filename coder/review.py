"""The review queue as a spreadsheet: export flagged events, import decisions.

Export writes one row per flagged event with its flags, evidence and editable fields (or
per chosen event, whatever its status: a released event to correct, a rejected one to
restore).
Import reads the `decision` column (accept / edit / reject): the whole file is checked first,
and a file with any bad row is refused with row numbers and reasons, changing nothing. Every
applied decision is an audit row in the store (reviewer, time, action, before, after, note).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coder.codebook import ACLED_COLUMNS
from coder.models import Event
from coder.store import StaleVersionError, Store, StoredEvent
from coder.validate import validate_store

#: Columns a reviewer may change in the spreadsheet (everything ACLED but the id).
EDITABLE = tuple(c for c in ACLED_COLUMNS if c != "event_id_cnty")
HEAD = ("event_id", "version", "status", "decision", "reviewer", "note", "flags", "evidence", "article")
ACTIONS = ("accept", "edit", "reject")
_INTEGER_COLUMNS = {"year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision"}
_INTEGER_COLUMNS |= {"fatalities", "timestamp"}


class ReviewFileError(Exception):
    """The decisions file cannot be applied; `problems` lists 'row N: reason' lines."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s), nothing imported:\n" + "\n".join(problems))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _evidence_text(stored: StoredEvent) -> str:
    parts = [f'{field}: "{span.text}"' for field, spans in stored.event.evidence.items() for span in spans]
    return " | ".join(parts)


class UnknownEventsError(Exception):
    """Events asked for by id are not in the store."""


def export_queue(
    store: Store, path: Path, ids: Sequence[str] = (), statuses: Sequence[str] | None = None
) -> int:
    """Write events to review to `path` (CSV, UTF-8 with BOM so spreadsheets read Arabic): the
    flagged ones, or those of `statuses`, or the events `ids` names (of any status, unless
    `statuses` says which). Unknown ids raise UnknownEventsError, before anything is written."""
    if ids:
        queue = store.events(ids=ids)
        unknown = sorted(set(ids) - {e.id for e in queue})
        if unknown:
            raise UnknownEventsError(f"no event {', '.join(unknown)} in the store")
        if statuses is not None:
            queue = [e for e in queue if e.event.status in statuses]
    else:
        queue = store.events(statuses=statuses or ("flagged",))
    severity_rank = {"error": 0, "warning": 1}
    queue.sort(key=lambda e: (min((severity_rank[f.severity] for f in e.flags), default=2), e.id))
    sources = {a.id: a.source_path or a.id for a in store.articles()}
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*HEAD, *EDITABLE])
        for stored in queue:
            row = stored.event.model_dump(mode="python")
            flags = "; ".join(f"{f.severity.upper()} {f.code}: {f.message}" for f in stored.flags)
            writer.writerow(
                [
                    stored.id,
                    stored.version,
                    stored.event.status,
                    "",
                    "",
                    "",
                    flags,
                    _evidence_text(stored),
                    sources.get(stored.article_id, stored.article_id),
                    *(_cell(row[c]) for c in EDITABLE),
                ]
            )
    return len(queue)


@dataclass(frozen=True)
class Decision:
    event_id: str
    version: int
    action: str
    reviewer: str
    note: str | None
    after: Event


def _edited_event(stored: StoredEvent, record: dict[str, str]) -> Event:
    """The stored event with the spreadsheet's values for the editable columns."""
    data = stored.event.model_dump(mode="json")
    for column in EDITABLE:
        if column not in record:
            continue
        value: Any = (record[column] or "").strip()
        if value and column in _INTEGER_COLUMNS and value.lstrip("-").isdigit():
            value = int(value)  # Literal[1, 2, 3] fields do not accept the text "1"
        data[column] = None if value == "" else value
    if data.get("fatalities") is None:
        data["fatalities"] = 0
    return Event.model_validate(data)


def parse_decisions(store: Store, path: Path, default_reviewer: str | None) -> list[Decision]:
    """Read and check every row; raise ReviewFileError listing all problems."""
    problems: list[str] = []
    decisions: list[Decision] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("event_id", "version", "decision") if c not in (reader.fieldnames or [])]
            if missing:
                raise ReviewFileError(path, [f"header: missing column(s) {', '.join(missing)}"])
            records = list(reader)
    except UnicodeDecodeError as exc:
        raise ReviewFileError(path, [f"file: not UTF-8 ({exc.reason}); save it as UTF-8 CSV"]) from exc
    except csv.Error as exc:
        raise ReviewFileError(path, [f"file: not a readable CSV ({exc})"]) from exc

    seen: set[str] = set()
    for number, record in enumerate(records, start=2):  # row 1 is the header
        action = (record.get("decision") or "").strip().lower()
        if not action:
            continue  # undecided rows stay in the queue
        where = f"row {number}"
        event_id = (record.get("event_id") or "").strip()
        if action not in ACTIONS:
            problems.append(f"{where}: decision '{action}' is not one of {', '.join(ACTIONS)}")
            continue
        if event_id in seen:
            problems.append(f"{where}: event {event_id} appears twice")
            continue
        seen.add(event_id)
        stored = store.event(event_id)
        if stored is None:
            problems.append(f"{where}: no event {event_id!r} in the store")
            continue
        try:
            version = int(record.get("version") or "")
        except ValueError:
            problems.append(f"{where}: version {record.get('version')!r} is not a number")
            continue
        if version != stored.version:
            problems.append(
                f"{where}: event {event_id} changed since export (version {stored.version},"
                f" file has {version}); export again"
            )
            continue
        reviewer = (record.get("reviewer") or "").strip() or default_reviewer
        if not reviewer:
            problems.append(f"{where}: no reviewer (fill the column or pass --reviewer)")
            continue
        if action == "edit":
            try:
                after = _edited_event(stored, record)
            except ValidationError as exc:
                reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
                problems.append(f"{where}: {reasons}")
                continue
        else:
            after = stored.event
        note = (record.get("note") or "").strip() or None
        decisions.append(Decision(event_id, version, action, reviewer, note, after))
    if problems:
        raise ReviewFileError(path, problems)
    return decisions


def import_decisions(store: Store, path: Path, default_reviewer: str | None = None) -> dict[str, int]:
    """Apply the decisions in `path`; return counts per action. All or nothing on bad input."""
    decisions = parse_decisions(store, path, default_reviewer)
    try:
        store.record_decisions(
            [(d.event_id, d.version, d.reviewer, d.action, d.after, d.note) for d in decisions]
        )
    except StaleVersionError as exc:  # changed between the check and the write: nothing applied
        raise ReviewFileError(path, [str(exc)]) from exc
    if decisions:
        validate_store(store, [d.event_id for d in decisions])  # flags reflect the edited values
    counts = dict.fromkeys(ACTIONS, 0)
    for d in decisions:
        counts[d.action] += 1
    return counts


def decision_log(store: Store) -> list[dict[str, Any]]:
    """Audit rows with before/after decoded and only the changed fields listed."""
    out = []
    for d in store.decisions():
        before, after = json.loads(d["before"]), json.loads(d["after"])
        changed = {
            k: [before.get(k), after.get(k)] for k in after if k != "status" and before.get(k) != after.get(k)
        }
        out.append(
            {
                **{k: d[k] for k in ("id", "event_id", "reviewer", "action", "note", "decided_at")},
                "changed": changed,
            }
        )
    return out
