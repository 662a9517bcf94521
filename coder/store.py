"""The embedded SQLite store that every pipeline step reads from and writes to.

One file, WAL journal, schema created and upgraded by numbered migrations (the position of a
function in MIGRATIONS is its number; `PRAGMA user_version` records how many have run). Each
article's coding is committed in its own transaction, so a killed run loses at most the article
in flight and a re-run skips what is done.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from coder.models import Article, CodedEvent, Event, Flag


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction (executescript would COMMIT)."""
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


def _migration_1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            title TEXT, url TEXT, outlet TEXT,
            language TEXT NOT NULL,
            published TEXT,
            source_path TEXT,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            coder TEXT NOT NULL,
            coder_version TEXT NOT NULL,
            model TEXT,
            prompt_hash TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            articles_coded INTEGER NOT NULL DEFAULT 0,
            articles_failed INTEGER NOT NULL DEFAULT 0,
            events INTEGER NOT NULL DEFAULT 0,
            tokens_in INTEGER NOT NULL DEFAULT 0,
            tokens_out INTEGER NOT NULL DEFAULT 0,
            cost REAL,
            status TEXT NOT NULL DEFAULT 'running'
        );
        -- One row per (article, coder): what makes `code` idempotent.
        CREATE TABLE codings (
            article_id TEXT NOT NULL REFERENCES articles(id),
            coder TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
            error TEXT,
            events INTEGER NOT NULL DEFAULT 0,
            coded_at TEXT NOT NULL,
            PRIMARY KEY (article_id, coder)
        );
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            run_id INTEGER REFERENCES runs(id),
            status TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX events_article ON events(article_id);
        CREATE INDEX events_status ON events(status);
        -- Next free number per ISO3 prefix; ids are never reused, even after deletion.
        CREATE TABLE id_sequences (prefix TEXT PRIMARY KEY, next INTEGER NOT NULL);
        CREATE TABLE flags (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL REFERENCES events(id),
            source TEXT NOT NULL CHECK (source IN ('coder', 'validator')),
            code TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
            field TEXT,
            message TEXT NOT NULL
        );
        CREATE INDEX flags_event ON flags(event_id);
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL REFERENCES events(id),
            reviewer TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject')),
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            note TEXT,
            decided_at TEXT NOT NULL
        );
        CREATE INDEX decisions_event ON decisions(event_id);
        CREATE TABLE releases (
            version TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            created_at TEXT NOT NULL,
            events INTEGER NOT NULL,
            metadata TEXT NOT NULL
        );
        """,
    )


def _migration_2_llm(db: sqlite3.Connection) -> None:
    """LLM coder: request/retry counts per run, usage per article, and the response cache."""
    _run_script(
        db,
        """
        ALTER TABLE runs ADD COLUMN requests INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN cache_hits INTEGER NOT NULL DEFAULT 0;
        -- Tokens and cost of one article in one run, retries included.
        CREATE TABLE llm_usage (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            article_id TEXT NOT NULL REFERENCES articles(id),
            requests INTEGER NOT NULL DEFAULT 0,
            retries INTEGER NOT NULL DEFAULT 0,
            cache_hits INTEGER NOT NULL DEFAULT 0,
            tokens_in INTEGER NOT NULL DEFAULT 0,
            tokens_out INTEGER NOT NULL DEFAULT 0,
            cost REAL,
            seconds REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, article_id)
        );
        -- One usable model answer per (model, prompt hash, article-chunk hash): never asked twice.
        CREATE TABLE llm_cache (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            article_hash TEXT NOT NULL,
            response TEXT NOT NULL,
            tokens_in INTEGER NOT NULL DEFAULT 0,
            tokens_out INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        """,
    )


def _migration_3_stable_ids(db: sqlite3.Connection) -> None:
    """Stable ids across re-codings: each event's coding key, and a record of retired events."""
    _run_script(
        db,
        """
        ALTER TABLE events ADD COLUMN coding_key TEXT;
        CREATE INDEX events_coding_key ON events(article_id, coding_key);
        -- Events a re-coding no longer produced: their last data and audit trail, id never reused.
        CREATE TABLE retired_events (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL,
            data TEXT NOT NULL,
            decisions TEXT NOT NULL DEFAULT '[]',
            reason TEXT NOT NULL,
            retired_at TEXT NOT NULL
        );
        """,
    )
    from coder.identity import event_key

    # The key of what the coder produced: a reviewer's edit must not change which id a re-coding hits.
    first_before = {r[0]: r[1] for r in db.execute("SELECT event_id, before FROM decisions ORDER BY id DESC")}
    for event_id, data in db.execute("SELECT id, data FROM events").fetchall():
        coded = json.loads(first_before.get(event_id, data))
        db.execute("UPDATE events SET coding_key = ? WHERE id = ?", (event_key(coded), event_id))


#: The event columns kept as one CSV line per event for releases (migrations 4, 5), in release
#: order: "text" is quoted, "number" is the JSON literal itself (no float round trip), "list" is
#: a JSON array of text joined with "; ". Frozen with the migration: a change needs a new one.
RELEASE_LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_date", "text"),
    ("year", "number"),
    ("time_precision", "number"),
    ("disorder_type", "text"),
    ("event_type", "text"),
    ("sub_event_type", "text"),
    ("actor1", "text"),
    ("assoc_actor_1", "text"),
    ("inter1", "number"),
    ("actor2", "text"),
    ("assoc_actor_2", "text"),
    ("inter2", "number"),
    ("interaction", "number"),
    ("civilian_targeting", "text"),
    ("iso", "number"),
    ("region", "text"),
    ("country", "text"),
    ("admin1", "text"),
    ("admin2", "text"),
    ("admin3", "text"),
    ("location", "text"),
    ("latitude", "number"),
    ("longitude", "number"),
    ("geo_precision", "number"),
    ("source", "text"),
    ("source_scale", "text"),
    ("notes", "text"),
    ("fatalities", "number"),
    ("tags", "text"),
    ("article_ids", "list"),
    ("coder", "text"),
    ("coder_version", "text"),
    ("model", "text"),
    ("prompt_hash", "text"),
    ("schema_version", "text"),
    ("confidence", "number"),
)


def _release_line(data: str) -> str:
    """SQL turning the event JSON `data` into its release CSV line (RELEASE_LINE_COLUMNS)."""

    def field(name: str, kind: str) -> str:
        if kind == "number":
            return f"coalesce(nullif({data} -> '$.{name}', 'null'), '')"
        text = f"{data} ->> '$.{name}'"
        if kind == "list":
            text = f"coalesce((SELECT group_concat(value, '; ') FROM json_each({data}, '$.{name}')), '')"
        return f"""coalesce('"' || replace({text}, '"', '""') || '"', '')"""

    return " || ',' || ".join(field(name, kind) for name, kind in RELEASE_LINE_COLUMNS)


def _migration_4_release_lines(db: sqlite3.Connection) -> None:
    """Each event's release columns as a ready CSV line, so a release parses no JSON.

    Triggers keep the line in step with `data` whoever writes it (the store, a script, a test).
    """
    db.execute("ALTER TABLE events ADD COLUMN release_line TEXT")
    update = f"UPDATE events SET release_line = {_release_line('NEW.data')} WHERE rowid = NEW.rowid;"
    db.execute(f"CREATE TRIGGER events_release_line_insert AFTER INSERT ON events BEGIN {update} END")
    db.execute(f"CREATE TRIGGER events_release_line_update AFTER UPDATE OF data ON events BEGIN {update} END")
    db.execute(f"UPDATE events SET release_line = {_release_line('data')}")


def _line(event: str) -> str:
    """SQL for the whole stored line of `event` (a row of events): id, status, updated_at, columns."""
    head = f"{event}.id || ',' || {event}.status || ',' || {event}.updated_at"
    return f"{head} || ',' || {_release_line(f'{event}.data')}"


def _migration_5_release_table(db: sqlite3.Connection) -> None:
    """Move the release lines out of `events` into a narrow table of their own.

    A release scans every line; in `events` each one sits beside the event's JSON (about three
    times its size), so the scan read the whole file. Alone they take a third of the pages and a
    release of a million events reads them in half the time. The row is keyed by the event id
    (rowids of `events` may change on VACUUM) and kept in step by triggers, whoever writes.
    """
    for name in ("events_release_line_insert", "events_release_line_update"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        db.execute("ALTER TABLE events DROP COLUMN release_line")
    except sqlite3.OperationalError:  # SQLite before 3.35 cannot drop a column: empty it instead
        db.execute("UPDATE events SET release_line = NULL")
    db.execute(
        "CREATE TABLE release_lines (id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, line TEXT NOT NULL)"
    )
    db.execute(
        f"INSERT INTO release_lines (id, status, line) SELECT id, status, {_line('events')} FROM events"
    )
    db.execute(
        "CREATE TRIGGER events_release_insert AFTER INSERT ON events BEGIN"
        f" INSERT INTO release_lines (id, status, line) VALUES (NEW.id, NEW.status, {_line('NEW')}); END"
    )
    # A change of status or updated_at alone (validation, review) swaps the line's first three
    # fields and keeps its columns, without reading the JSON again; the whole line is rebuilt
    # when `data` changes. Either order of the two triggers leaves the same line.
    after_id = "substr(line, instr(line, ',') + 1)"
    after_status = f"substr({after_id}, instr({after_id}, ',') + 1)"
    columns = f"substr({after_status}, instr({after_status}, ','))"
    db.execute(
        "CREATE TRIGGER events_release_update AFTER UPDATE OF id, status, updated_at ON events BEGIN"
        " UPDATE release_lines SET id = NEW.id, status = NEW.status,"
        f" line = NEW.id || ',' || NEW.status || ',' || NEW.updated_at || {columns} WHERE id = OLD.id; END"
    )
    db.execute(
        "CREATE TRIGGER events_release_data AFTER UPDATE OF data ON events BEGIN"
        f" UPDATE release_lines SET line = {_line('NEW')} WHERE id = NEW.id; END"
    )
    db.execute(
        "CREATE TRIGGER events_release_delete AFTER DELETE ON events BEGIN"
        " DELETE FROM release_lines WHERE id = OLD.id; END"
    )


def _migration_6_release_cache(db: sqlite3.Connection) -> None:
    """The release rows kept typed and columnar (coder/release_rows.py), and what changed since.

    Every line inserted, changed or deleted marks its event dirty, whoever writes, so a reader
    never takes a cached row that its line has overtaken. Existing events start dirty.
    """
    _run_script(
        db,
        """
        CREATE TABLE release_cache_layers (
            layer INTEGER PRIMARY KEY,
            format TEXT NOT NULL,
            rows INTEGER NOT NULL,
            covers BLOB,
            created_at TEXT NOT NULL
        );
        CREATE TABLE release_cache_parts (
            layer INTEGER NOT NULL REFERENCES release_cache_layers(layer),
            part INTEGER NOT NULL,
            rows BLOB NOT NULL,
            PRIMARY KEY (layer, part)
        );
        CREATE TABLE release_dirty (id TEXT PRIMARY KEY) WITHOUT ROWID;
        INSERT INTO release_dirty SELECT id FROM release_lines;
        """,
    )
    mark = "INSERT OR IGNORE INTO release_dirty VALUES ({}.id);"
    for name, when, rows in (
        ("insert", "INSERT", ("NEW",)),
        ("update", "UPDATE", ("OLD", "NEW")),  # an id may change: both are dirty
        ("delete", "DELETE", ("OLD",)),
    ):
        body = " ".join(mark.format(row) for row in rows)
        trigger = f"release_lines_dirty_{name} AFTER {when} ON release_lines"
        db.execute(f"CREATE TRIGGER {trigger} BEGIN {body} END")


def _migration_7_release_journal(db: sqlite3.Connection) -> None:
    """What changed since the last release, so the next one recomputes only that (coder/release.py).

    `release_base` (one row) is the last release this store wrote: its version and folder, the
    journal position its rows were read at, the cache format and filters it was made under,
    and the rows it merged into another (the id they went into and their own date; a Parquet
    blob that coder/release.py writes and reads); `trimmed`, the journal position through which
    entries were dropped unread (Store.trim_release_journal).
    Every change that can move an event into, out of or within a release (its line inserted,
    changed or deleted; a flag; a review decision) appends the event id to `release_journal`,
    whoever writes, once a release has begun; a release prunes what it has read.
    """
    _run_script(
        db,
        """
        CREATE TABLE release_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL);
        CREATE TABLE release_base (
            version TEXT,
            path TEXT,
            mark INTEGER,
            format TEXT,
            filters TEXT,
            members BLOB,
            trimmed INTEGER
        )
        """,
    )
    # Nothing is journaled before a release begins (write_release adds the base row first):
    # a store that is never released keeps no journal.
    note = "INSERT INTO release_journal (id) SELECT {} WHERE EXISTS (SELECT 1 FROM release_base);"
    for table, when, rows in (
        ("release_lines", "INSERT", ("NEW.id",)),
        ("release_lines", "UPDATE", ("OLD.id", "NEW.id")),  # an id may change: both
        ("release_lines", "DELETE", ("OLD.id",)),
        ("flags", "INSERT", ("NEW.event_id",)),
        ("flags", "DELETE", ("OLD.event_id",)),
        ("decisions", "INSERT", ("NEW.event_id",)),
    ):
        body = " ".join(note.format(row) for row in rows)
        db.execute(f"CREATE TRIGGER {table}_journal_{when.lower()} AFTER {when} ON {table} BEGIN {body} END")


def _migration_8_release_files(db: sqlite3.Connection) -> None:
    """`release_base.files`: the last release's event files as they stood once written (their
    size, times and inode, JSON), so the next release knows them unchanged without reading them
    (coder/release.py)."""
    db.execute("ALTER TABLE release_base ADD COLUMN files TEXT")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1,
    _migration_2_llm,
    _migration_3_stable_ids,
    _migration_4_release_lines,
    _migration_5_release_table,
    _migration_6_release_cache,
    _migration_7_release_journal,
    _migration_8_release_files,
]


def now() -> str:
    """Current UTC time as ISO 8601 (what every *_at column holds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class StaleVersionError(Exception):
    """An event changed since the caller read it (optimistic versioning)."""


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored: the row, its store bookkeeping and its flags."""

    event: Event
    article_id: str
    version: int
    flags: list[Flag]
    updated_at: str

    @property
    def id(self) -> str:
        assert self.event.event_id_cnty is not None
        return self.event.event_id_cnty


@dataclass(frozen=True)
class ReleaseBase:
    """What a release leaves for the next one to start from (migration 7)."""

    mark: int | None  # the journal position its rows were read at; None once trimmed past it
    format: str  # coder/release_rows.py cache_format(): rows made by the same code
    filters: str  # its filters as JSON
    members: bytes  # the rows merged into another (coder/release.py)
    version: str | None = None
    path: str | None = None
    files: dict[str, list[int]] | None = None  # file name -> its stat once written (migration 8)


class Store:
    """Access to one coder.db file. Methods are small and each is one transaction."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # isolation_level=None: we issue BEGIN ourselves so each unit of work is explicit.
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.migrate()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """BEGIN ... COMMIT around reads that must see one state of the file."""
        self.db.execute("BEGIN")
        try:
            yield self.db
        finally:
            self.db.execute("COMMIT")

    # --- schema ---------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Run the migrations this file has not seen yet, each in its own transaction."""
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"{self.path} was written by a newer coder (store schema {current}); upgrade coder"
            )
        for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction() as db:
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")

    # --- articles -------------------------------------------------------------------------
    def add_articles(self, articles: Iterable[Article]) -> tuple[int, int]:
        """Insert articles not stored yet (by id); return (added, already present)."""
        added = present = 0
        with self.transaction() as db:
            for a in articles:
                cur = db.execute(
                    "INSERT OR IGNORE INTO articles VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        a.id,
                        a.text,
                        a.title,
                        a.url,
                        a.outlet,
                        a.language,
                        a.published.isoformat() if a.published else None,
                        a.source_path,
                        now(),
                    ),
                )
                if cur.rowcount:
                    added += 1
                else:
                    present += 1
        return added, present

    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"],
            text=row["text"],
            title=row["title"],
            url=row["url"],
            outlet=row["outlet"],
            language=row["language"],
            published=dt.date.fromisoformat(row["published"]) if row["published"] else None,
            source_path=row["source_path"],
        )

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def articles(self) -> list[Article]:
        rows = self.db.execute("SELECT * FROM articles ORDER BY source_path, id").fetchall()
        return [self._article(r) for r in rows]

    def uncoded_articles(self, coder: str, *, retry_failed: bool = True) -> list[Article]:
        """Articles this coder has not finished (failed ones too, unless retry_failed=False)."""
        skip = "('done')" if retry_failed else "('done', 'failed')"
        rows = self.db.execute(
            f"""SELECT a.* FROM articles a WHERE NOT EXISTS (
                  SELECT 1 FROM codings c WHERE c.article_id = a.id AND c.coder = ?
                  AND c.status IN {skip})
                ORDER BY a.source_path, a.id""",
            (coder,),
        ).fetchall()
        return [self._article(r) for r in rows]

    # --- runs -----------------------------------------------------------------------------
    def start_run(
        self, coder: str, coder_version: str, model: str | None = None, prompt_hash: str | None = None
    ) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (coder, coder_version, model, prompt_hash, started_at) VALUES (?,?,?,?,?)",
                (coder, coder_version, model, prompt_hash, now()),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def finish_run(self, run_id: int, status: str = "done") -> None:
        with self.transaction() as db:
            db.execute(
                """UPDATE runs SET finished_at = ?, status = ?,
                   articles_coded = (SELECT count(*) FROM codings WHERE run_id = ? AND status='done'),
                   articles_failed = (SELECT count(*) FROM codings
                                      WHERE run_id = ? AND status='failed'),
                   events = (SELECT count(*) FROM events WHERE run_id = ?)
                   WHERE id = ?""",
                (now(), status, run_id, run_id, run_id, run_id),
            )

    def runs(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id")]

    # --- coding ---------------------------------------------------------------------------
    def _next_event_id(self, db: sqlite3.Connection, prefix: str) -> str:
        db.execute("INSERT OR IGNORE INTO id_sequences VALUES (?, 1)", (prefix,))
        number = db.execute("SELECT next FROM id_sequences WHERE prefix = ?", (prefix,)).fetchone()
        db.execute("UPDATE id_sequences SET next = next + 1 WHERE prefix = ?", (prefix,))
        return f"{prefix}{number[0]}"

    def save_coding(
        self,
        article_id: str,
        coder: str,
        run_id: int,
        coded: list[CodedEvent],
        id_prefix: Callable[[Event], str],
    ) -> list[str]:
        """Store one article's events and the coder's flags atomically; return their ids.

        A re-coding by the same coder keeps the id of every event it codes again with the same
        key (coder/identity.py); an event a reviewer decided on stays as decided. The coder's
        other earlier events are retired (kept in retired_events); no id is ever handed out twice.
        """
        from coder.identity import event_key

        stamp = now()
        ids: list[str] = []
        with self.transaction() as db:
            earlier: dict[str, list[sqlite3.Row]] = {}
            for row in db.execute(
                "SELECT e.id, e.coding_key, e.data,"
                " EXISTS (SELECT 1 FROM decisions d WHERE d.event_id = e.id) AS reviewed"
                " FROM events e WHERE e.article_id = ? AND json_extract(e.data, '$.coder') = ?"
                " ORDER BY e.created_at, e.id",
                (article_id, coder),
            ):
                earlier.setdefault(row["coding_key"], []).append(row)
            for item in coded:
                key = event_key(item.event)
                match = earlier[key].pop(0) if earlier.get(key) else None
                if match is None:
                    event_id = self._next_event_id(db, id_prefix(item.event))
                    event = item.event.model_copy(update={"event_id_cnty": event_id})
                    db.execute(
                        "INSERT INTO events (id, article_id, run_id, status, version, data, created_at,"
                        " updated_at, coding_key) VALUES (?,?,?,?,1,?,?,?,?)",
                        (
                            event_id,
                            article_id,
                            run_id,
                            event.status,
                            event.model_dump_json(),
                            stamp,
                            stamp,
                            key,
                        ),
                    )
                    self._insert_flags(db, event_id, "coder", item.flags)
                elif not match["reviewed"]:  # a reviewer's decision stands over a re-coding
                    event_id = match["id"]
                    data = item.event.model_copy(update={"event_id_cnty": event_id}).model_dump_json()
                    if data != match["data"]:
                        db.execute(
                            "UPDATE events SET run_id = ?, status = ?, data = ?, version = version + 1,"
                            " updated_at = ? WHERE id = ?",
                            (run_id, item.event.status, data, stamp, event_id),
                        )
                        # the validator's flags were about the old values; `validate` redoes them
                        db.execute(
                            "DELETE FROM flags WHERE event_id = ? AND source = 'validator'", (event_id,)
                        )
                    db.execute("DELETE FROM flags WHERE event_id = ? AND source = 'coder'", (event_id,))
                    self._insert_flags(db, event_id, "coder", item.flags)
                else:
                    event_id = match["id"]
                ids.append(event_id)
            for row in (r for rows in earlier.values() for r in rows if not r["reviewed"]):
                db.execute(
                    "INSERT INTO retired_events (id, article_id, data, reason, retired_at)"
                    " VALUES (?,?,?,?,?)",
                    (row["id"], article_id, row["data"], f"not coded again by {coder} run {run_id}", stamp),
                )
                db.execute("DELETE FROM flags WHERE event_id = ?", (row["id"],))
                db.execute("DELETE FROM events WHERE id = ?", (row["id"],))
            db.execute(
                "INSERT OR REPLACE INTO codings VALUES (?,?,?,'done',NULL,?,?)",
                (article_id, coder, run_id, len(coded), stamp),
            )
        return ids

    def save_failure(self, article_id: str, coder: str, run_id: int, error: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO codings VALUES (?,?,?,'failed',?,0,?)",
                (article_id, coder, run_id, error, now()),
            )

    def failures(self) -> list[dict]:
        rows = self.db.execute(
            "SELECT c.*, a.source_path FROM codings c JOIN articles a ON a.id = c.article_id"
            " WHERE c.status = 'failed' ORDER BY a.source_path"
        )
        return [dict(r) for r in rows]

    # --- events and flags -----------------------------------------------------------------
    @staticmethod
    def _insert_flags(db: sqlite3.Connection, event_id: str, source: str, flags: list[Flag]) -> None:
        db.executemany(
            "INSERT INTO flags (event_id, source, code, severity, field, message) VALUES (?,?,?,?,?,?)",
            [(event_id, source, f.code, f.severity, f.field, f.message) for f in flags],
        )

    def events(
        self, statuses: Iterable[str] | None = None, ids: Iterable[str] | None = None
    ) -> list[StoredEvent]:
        """Stored events (optionally only some statuses or ids), with their flags."""
        where: list[str] = []
        params: list[str] = []
        for column, values in (("status", statuses), ("id", ids)):
            if values is not None:
                wanted = list(values)
                where.append(f"{column} IN ({','.join('?' * len(wanted))})")
                params += wanted
        sql = "SELECT id, article_id, version, status, data, updated_at FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.db.execute(sql + " ORDER BY created_at, id", params).fetchall()
        flags: dict[str, list[Flag]] = {}
        flag_sql, flag_params = "SELECT * FROM flags ORDER BY id", []
        if ids is not None:
            flag_params = [r["id"] for r in rows]
            marks = ",".join("?" * len(flag_params))
            flag_sql = f"SELECT * FROM flags WHERE event_id IN ({marks}) ORDER BY id"
        for f in self.db.execute(flag_sql, flag_params):
            flags.setdefault(f["event_id"], []).append(
                Flag(code=f["code"], severity=f["severity"], field=f["field"], message=f["message"])
            )
        out = []
        for r in rows:
            event = Event.model_validate_json(r["data"]).model_copy(update={"status": r["status"]})
            out.append(
                StoredEvent(event, r["article_id"], r["version"], flags.get(r["id"], []), r["updated_at"])
            )
        return out

    def event(self, event_id: str) -> StoredEvent | None:
        found = self.events(ids=[event_id])
        return found[0] if found else None

    def flag_sources(self, event_id: str) -> dict[str, list[Flag]]:
        out: dict[str, list[Flag]] = {}
        for f in self.db.execute("SELECT * FROM flags WHERE event_id = ? ORDER BY id", (event_id,)):
            out.setdefault(f["source"], []).append(
                Flag(code=f["code"], severity=f["severity"], field=f["field"], message=f["message"])
            )
        return out

    def set_validation(self, results: dict[str, tuple[str, list[Flag]]]) -> int:
        """Replace validator flags and set statuses: {event_id: (status, validator flags)}.

        An event whose status and validator flags stay as they are is left alone, updated_at
        included: validating again is no change (and rewrites no release line). Returns how
        many events changed.
        """
        changed = 0
        with self.transaction() as db:
            for event_id, (status, flags) in results.items():
                before = db.execute("SELECT status FROM events WHERE id = ?", (event_id,)).fetchone()
                kept = db.execute(
                    "SELECT code, severity, field, message FROM flags"
                    " WHERE event_id = ? AND source = 'validator' ORDER BY id",
                    (event_id,),
                ).fetchall()
                if (
                    before is not None
                    and before[0] == status
                    and [tuple(r) for r in kept] == [(f.code, f.severity, f.field, f.message) for f in flags]
                ):
                    continue
                changed += 1
                db.execute("DELETE FROM flags WHERE event_id = ? AND source = 'validator'", (event_id,))
                self._insert_flags(db, event_id, "validator", flags)
                db.execute(
                    "UPDATE events SET status = ?, updated_at = ? WHERE id = ?",
                    (status, now(), event_id),
                )
        return changed

    # --- review ---------------------------------------------------------------------------
    def record_decision(
        self,
        event_id: str,
        expected_version: int,
        reviewer: str,
        action: str,
        after: Event,
        note: str | None,
    ) -> int:
        """Apply one reviewer decision (see record_decisions); return the audit row id."""
        return self.record_decisions([(event_id, expected_version, reviewer, action, after, note)])[0]

    def record_decisions(self, decisions: list[tuple[str, int, str, str, Event, str | None]]) -> list[int]:
        """Apply decisions (event_id, expected_version, reviewer, action, after, note) atomically.

        Each keeps an audit row with the values before and after. Raises StaleVersionError, and
        applies none, when any event changed since the caller read it (optimistic versioning).
        """
        stamp = now()
        ids: list[int] = []
        with self.transaction() as db:
            for event_id, expected_version, reviewer, action, after, note in decisions:
                status = "rejected" if action == "reject" else "accepted"
                after_json = after.model_copy(update={"status": status}).model_dump_json()
                row = db.execute("SELECT version, data FROM events WHERE id = ?", (event_id,)).fetchone()
                if row is None:
                    raise KeyError(event_id)
                if row["version"] != expected_version:
                    raise StaleVersionError(
                        f"event {event_id} is at version {row['version']}, not {expected_version}:"
                        " someone else changed it; reload and decide again"
                    )
                cur = db.execute(
                    "INSERT INTO decisions (event_id, reviewer, action, before, after, note,"
                    " decided_at) VALUES (?,?,?,?,?,?,?)",
                    (event_id, reviewer, action, row["data"], after_json, note, stamp),
                )
                db.execute(
                    "UPDATE events SET data = ?, status = ?, version = version + 1,"
                    " updated_at = ? WHERE id = ?",
                    (after_json, status, stamp, event_id),
                )
                assert cur.lastrowid is not None
                ids.append(cur.lastrowid)
        return ids

    def decisions(self, event_id: str | None = None) -> list[dict]:
        sql = "SELECT * FROM decisions"
        params: tuple[str, ...] = ()
        if event_id:
            sql += " WHERE event_id = ?"
            params = (event_id,)
        return [dict(r) for r in self.db.execute(sql + " ORDER BY id", params)]

    def last_decision_ids(self) -> dict[str, int]:
        rows = self.db.execute("SELECT event_id, max(id) FROM decisions GROUP BY event_id")
        return {r[0]: r[1] for r in rows}

    # --- releases -------------------------------------------------------------------------
    def release_ranges(self, size: int = 100_000) -> list[tuple[int, int]]:
        """Rowid ranges (low, high] of at most `size` events covering the events, for releasable_csv."""
        low, high = self.db.execute(
            "SELECT coalesce(min(rowid), 1) - 1, coalesce(max(rowid), 0) FROM release_lines"
        ).fetchone()
        return [(start, min(start + size, high)) for start in range(low, high, size)]

    def releasable_csv(self, statuses: Iterable[str], rows: tuple[int, int]) -> bytes:
        """The events in rowid range `rows` with the given statuses as CSV lines without header.

        A line is the event id, status, updated_at, then RELEASE_LINE_COLUMNS (migrations 4, 5).
        Error flags and review decisions are not applied here (see error_flagged_ids and
        last_decision_ids): joining them row by row in SQLite costs more than the whole read.
        Each call opens its own connection, so threads can read ranges side by side (SQLite
        releases the GIL while it works).
        """
        wanted = list(statuses)
        # Plain string work in SQLite: a release of a million rows makes no Python object per row.
        sql = f"""SELECT CAST(group_concat(line, char(10)) AS BLOB) FROM release_lines NOT INDEXED
            WHERE rowid > ? AND rowid <= ? AND status IN ({",".join("?" * len(wanted))})"""
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            return db.execute(sql, [*rows, *wanted]).fetchone()[0] or b""

    def error_flagged_ids(self) -> list[str]:
        """Ids of the events with at least one error flag (from the coder or the validator)."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT event_id FROM flags WHERE severity = 'error'")]

    def add_release(
        self, version: str, path: str, events: int, metadata: dict, base: ReleaseBase | None = None
    ) -> None:
        """Record a release; with `base`, it becomes what the next release starts from."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO releases VALUES (?,?,?,?,?)",
                (version, path, now(), events, json.dumps(metadata)),
            )
            if base is None:
                return
            # a trim while this release was written dropped changes it did not read: the next
            # release cannot start from this one
            [trimmed] = db.execute("SELECT max(coalesce(trimmed, 0)) FROM release_base").fetchone()
            mark = base.mark if base.mark is not None and base.mark >= (trimmed or 0) else None
            db.execute("DELETE FROM release_base")
            db.execute(
                "INSERT INTO release_base VALUES (?,?,?,?,?,?,NULL,?)",
                (version, path, mark, base.format, base.filters, base.members, json.dumps(base.files)),
            )
            # what the release read is in its rows; later changes stay for the next one
            db.execute("DELETE FROM release_journal WHERE seq <= ?", (mark or 0,))

    def begin_release_journal(self) -> None:
        """Journal changes from now on (a no-op once a release has begun or been written)."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM release_base").fetchone() is None:
                db.execute("INSERT INTO release_base (version) VALUES (NULL)")

    def journal_mark(self) -> int:
        """The position of the last change journaled (0 before any)."""
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'release_journal'").fetchone()
        return int(row[0]) if row else 0

    def touched_since(self, mark: int) -> list[str]:
        """Ids of the events changed after journal position `mark` (see migration 7)."""
        sql = "SELECT DISTINCT id FROM release_journal WHERE seq > ?"
        return [r[0] for r in self.db.execute(sql, (mark,))]

    def trim_release_journal(self, per_event: int = 4, floor: int = 100_000) -> bool:
        """Empty the journal once it holds more than `per_event` entries per event (and more
        than `floor`): a store changed that much since its last release would have every row
        worked out again anyway, and must not grow without bound until its next release. That
        release can then not start from the last one (its mark is cleared). Returns whether it
        trimmed."""
        low, high = self.db.execute("SELECT min(seq), max(seq) FROM release_journal").fetchone()
        if low is None or high - low < floor:
            return False
        [events] = self.db.execute("SELECT count(*) FROM release_lines").fetchone()
        if high - low < per_event * events:
            return False
        with self.transaction() as db:
            [last] = db.execute("SELECT max(seq) FROM release_journal").fetchone()
            db.execute("DELETE FROM release_journal")
            db.execute("UPDATE release_base SET mark = NULL, trimmed = ?", (last,))
        return True

    def release_base_mark(self) -> int | None:
        """The journal position of the last release (None: none, or trimmed past it)."""
        row = self.db.execute("SELECT mark FROM release_base WHERE version IS NOT NULL").fetchone()
        return row[0] if row else None

    def release_base(self) -> ReleaseBase | None:
        """The last release written from this store with its journal position, if there is one."""
        row = self.db.execute("SELECT * FROM release_base WHERE version IS NOT NULL").fetchone()
        if row is None:
            return None
        files = json.loads(row["files"]) if row["files"] else None
        return ReleaseBase(
            row["mark"], row["format"], row["filters"], row["members"], row["version"], row["path"], files
        )

    def releases(self) -> list[dict]:
        return [dict(r) for r in self.db.execute("SELECT * FROM releases ORDER BY created_at")]

    def counts(self) -> dict[str, int]:
        """Numbers for summaries: articles, events by status, open flags."""
        out = {"articles": self.db.execute("SELECT count(*) FROM articles").fetchone()[0]}
        for status, n in self.db.execute("SELECT status, count(*) FROM events GROUP BY status"):
            out[f"events_{status}"] = n
        out["events"] = sum(v for k, v in out.items() if k.startswith("events_"))
        return out
