"""The review queue: which events a reviewer sees, in which order, with which filter options."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from coder.models import Flag
from coder.store import Store

SEVERITY_RANK = {"error": 0, "warning": 1}
STATUSES = ("flagged", "valid", "accepted", "rejected", "coded")
_ID = re.compile(r"^([A-Z]*)(\d*)$")


@dataclass(frozen=True)
class Filters:
    """What the reviewer narrowed the queue to; empty strings mean 'any'."""

    status: str = "flagged"
    code: str = ""
    severity: str = ""
    country: str = ""
    coder: str = ""
    article: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        values = {f.name: (query.get(f.name) or "").strip() for f in fields(cls)}
        if values["status"] not in (*STATUSES, "all"):
            values["status"] = "flagged"
        return cls(**values)

    def query(self) -> dict[str, str]:
        """Non-default values, for links that keep the reviewer's filters."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}


@dataclass(frozen=True)
class Row:
    """The columns of a stored event that the queue shows and filters on."""

    id: str
    article_id: str
    status: str
    event_type: str | None
    sub_event_type: str | None
    event_date: str | None
    country: str | None
    location: str | None
    coder: str | None
    flags: list[Flag]


@dataclass(frozen=True)
class Item:
    """One queue row."""

    row: Row
    article_label: str

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def severity(self) -> str:
        """The worst flag's severity, or 'none'."""
        ranks = [SEVERITY_RANK[f.severity] for f in self.row.flags]
        return ("error", "warning")[min(ranks)] if ranks else "none"

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.row.flags)


@dataclass(frozen=True)
class Queue:
    items: list[Item]
    flag_counts: list[tuple[str, str, int]]  # (code, worst severity, events), most frequent first
    options: dict[str, list[str]]  # filter name -> values present


def id_order(event_id: str) -> tuple[str, int, str]:
    """SYR2 before SYR10."""
    m = _ID.match(event_id)
    return (m[1], int(m[2]), "") if m and m[2] else (event_id, 0, event_id)


def sort_key(item: Item) -> tuple[int, int, int, tuple[str, int, str]]:
    """Most severe first: any error, then more errors, then more flags, then by id."""
    rank = {"error": 0, "warning": 1, "none": 2}[item.severity]
    return (rank, -item.errors, -len(item.row.flags), id_order(item.id))


def article_labels(store: Store) -> dict[str, str]:
    """Article id -> a short name (file name or title); read without the article texts."""
    out = {}
    for row in store.db.execute("SELECT id, title, source_path FROM articles"):
        label = row["source_path"] or row["title"] or row["id"]
        out[row["id"]] = label.rsplit("/", 1)[-1]
    return out


def _matches(item: Item, filters: Filters, skip: str = "") -> bool:
    event = item.row
    checks = {
        "code": lambda v: any(f.code == v for f in item.row.flags),
        "severity": lambda v: (
            (item.severity == "none") if v == "none" else any(f.severity == v for f in item.row.flags)
        ),
        "country": lambda v: (event.country or "") == v,
        "coder": lambda v: (event.coder or "") == v,
        "article": lambda v: item.row.article_id == v or item.article_label == v,
    }
    return all(
        not getattr(filters, name) or check(getattr(filters, name))
        for name, check in checks.items()
        if name != skip
    )


def build_queue(events: list[Row], labels: Mapping[str, str], filters: Filters) -> Queue:
    """Filter and sort `events` (already narrowed to the wanted status)."""
    all_items = [Item(s, labels.get(s.article_id, s.article_id)) for s in events]
    items = sorted((i for i in all_items if _matches(i, filters)), key=sort_key)
    # chip counts ignore the code filter itself, so every chip says what clicking it gives
    counts: Counter[str] = Counter()
    worst: dict[str, str] = {}
    for item in all_items:
        if not _matches(item, filters, skip="code"):
            continue
        for code in {f.code for f in item.row.flags}:
            counts[code] += 1
        for f in item.row.flags:
            if f.code not in worst or SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst[f.code]]:
                worst[f.code] = f.severity
    flag_counts = sorted(
        ((code, worst[code], n) for code, n in counts.items()),
        key=lambda c: (SEVERITY_RANK[c[1]], -c[2], c[0]),
    )
    options = {
        "country": sorted({i.row.country for i in all_items if i.row.country}),
        "coder": sorted({i.row.coder for i in all_items if i.row.coder}),
        "article": sorted({i.article_label for i in all_items}),
    }
    return Queue(items, flag_counts, options)


_COLUMNS = ("event_type", "sub_event_type", "event_date", "country", "location", "coder")


def queue_rows(store: Store, status: str) -> list[Row]:
    """Events with `status` ('all': any), read with SQL only: no Event is built (fast)."""
    where, params = ("", []) if status == "all" else (" WHERE e.status = ?", [status])
    flags: dict[str, list[Flag]] = {}
    for f in store.db.execute(
        "SELECT f.event_id, f.code, f.severity, f.field, f.message FROM flags f"
        f" JOIN events e ON e.id = f.event_id{where} ORDER BY f.id",
        params,
    ):
        flags.setdefault(f[0], []).append(Flag(code=f[1], severity=f[2], field=f[3], message=f[4]))
    extracted = ", ".join(f"json_extract(e.data, '$.{c}')" for c in _COLUMNS)
    rows = store.db.execute(f"SELECT e.id, e.article_id, e.status, {extracted} FROM events e{where}", params)
    return [Row(*r[:3], *r[3:], flags=flags.get(r[0], [])) for r in rows]


def load_queue(store: Store, filters: Filters) -> Queue:
    return build_queue(queue_rows(store, filters.status), article_labels(store), filters)


def neighbours(queue: Queue, event_id: str) -> tuple[str | None, str | None]:
    """(previous, next) ids around `event_id`; for an id not in the queue, the queue's first."""
    ids = [i.id for i in queue.items]
    if event_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(event_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def without(filters: Filters, name: str) -> Filters:
    return replace(filters, **{name: ""})
