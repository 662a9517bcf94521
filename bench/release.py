"""Release speed and memory on a store of synthetic events (default 1,000,000).

    .venv/bin/python bench/release.py [--events 1000000] [--dir /tmp/coder-bench-release]

Builds a store whose events look like coded rows (1 % of them second reports of another
event by another outlet, so deduplication has work; 1 % flagged), then, each step in its own
process so its peak memory is its own:
1. refreshes the release cache, as `coder validate` does after setting the statuses (cold: every
   row parsed from its line; coder/release_rows.py);
2. release 1.0.0 from the store (everything `coder release` does) and a bare `write_parquet` +
   `write_csv` of the same rows, in --repeats pairs, each run in a fresh process (medians, and
   the median of the ratio within pairs);
3. edits 1 % of the events and rejects 0.1 %, refreshes the cache (the changed rows only), then
   release 1.1.0 (changelog against 1.0.0): with --full (every row worked out again) and as
   `coder release` does it by default (only the blocks of the changed events);
4. `diff` of the two releases (reading both Parquet files included);
5. `release verify` of 1.1.0.
Prints a table (wall seconds, peak memory, and for releases and bare writes their CPU seconds,
user and system: on a virtual machine, system time grows with the memory a process touches for
the first time, which is why the ratio moves between runs). Targets (issue 8): release <= 2x
the bare write, memory < 4 GB, diff <= 10 s.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from coder.changelog import diff_frames
from coder.release import read_release, write_release
from coder.release_rows import load_events, refresh
from coder.release_verify import verify_release
from coder.store import Store, now

OUTLETS = [f"Outlet {i}" for i in range(60)]
SCALES = ["Local", "Subnational", "National", "Regional", "International", "New media"]
SY, CIV, CT = "Military Forces of Syria (2000-2024)", "Civilians (Syria)", "Civilian targeting"
PAIRS = [  # event type, sub-event type, actor1, inter1, actor2, inter2, interaction, civilian targeting
    ("Battles", "Armed clash", SY, 1, "Islamic State (Syria)", 2, 12, None),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", SY, 1, CIV, 7, 17, CT),
    (
        "Explosions/Remote violence",
        "Air/drone strike",
        "Military Forces of Russia (2000-)",
        8,
        CIV,
        7,
        78,
        CT,
    ),
    ("Violence against civilians", "Attack", "Unidentified Armed Group (Syria)", 3, CIV, 7, 37, CT),
    ("Strategic developments", "Change to group/activity", "Hezbollah", 3, None, None, 30, None),
]


def _synthetic(n: int, seed: int = 8) -> pl.DataFrame:
    """n event rows as the store holds them (JSON fields), 1 % re-reporting an earlier event."""
    import numpy as np

    rng = np.random.default_rng(seed)
    kind = rng.integers(0, len(PAIRS), n)
    day = rng.integers(0, 6 * 365, n)
    place = rng.integers(0, 5000, n)
    # a re-report copies the key of a random earlier row (its own article and outlet)
    again = rng.random(n) < 0.01
    origin = np.where(again, (rng.random(n) * np.arange(n)).astype(np.int64), np.arange(n))
    kind, day, place = kind[origin], day[origin], place[origin]
    event_type, sub, actor1, inter1, actor2, inter2, interaction, targeting = (
        list(col) for col in zip(*PAIRS, strict=True)
    )
    frame = pl.DataFrame(
        {
            "event_id_cnty": [f"SYR{i + 1}" for i in range(n)],
            "event_date": pl.Series(day + 17_167, dtype=pl.Int32).cast(pl.Date),  # from 2017-01-01
            "kind": kind,
            "place": place,
            "fatalities": rng.poisson(1.5, n),
            "outlet": rng.integers(0, len(OUTLETS), n),
            "scale": rng.integers(0, len(SCALES), n),
        }
    )
    pick = lambda values: pl.col("kind").replace_strict(dict(enumerate(values)))  # noqa: E731
    return frame.select(
        "event_id_cnty",
        pl.col("event_date").cast(pl.Date),
        pl.col("event_date").cast(pl.Date).dt.year().cast(pl.Int64).alias("year"),
        time_precision=pl.lit(1),
        disorder_type=pl.lit("Political violence"),
        event_type=pick(event_type),
        sub_event_type=pick(sub),
        actor1=pick(actor1),
        inter1=pick(inter1),
        actor2=pick(actor2),
        inter2=pick(inter2),
        interaction=pick(interaction),
        civilian_targeting=pick(targeting),
        iso=pl.lit(760),
        region=pl.lit("Middle East"),
        country=pl.lit("Syria"),
        admin1=pl.format("Governorate {}", pl.col("place") % 14),
        admin2=pl.format("District {}", pl.col("place") % 60),
        location=pl.format("Place {}", pl.col("place")),
        latitude=(32.0 + pl.col("place") / 1000).round(4),
        longitude=(36.0 + pl.col("place") / 1200).round(4),
        geo_precision=pl.lit(1),
        source=pl.col("outlet").replace_strict(dict(enumerate(OUTLETS))),
        source_scale=pl.col("scale").replace_strict(dict(enumerate(SCALES))),
        notes=pl.format(
            "On {}, a synthetic event happened at Place {}.", pl.col("event_date"), pl.col("place")
        ),
        fatalities=pl.col("fatalities").cast(pl.Int64),
        article_ids=pl.concat_list(pl.format("a{}", pl.int_range(pl.len()))),
        coder=pl.lit("offline"),
        coder_version=pl.lit("bench"),
        schema_version=pl.lit("1.0.0"),
        evidence=pl.struct(
            location=pl.concat_list(
                pl.struct(start=pl.lit(0), end=pl.lit(11), text=pl.format("Place {}", "place"))
            )
        ),
        confidence=pl.lit(0.6),
        status=pl.lit("coded"),
    )


def build_store(path: Path, n: int) -> None:
    """A store with n events (articles a0..a{n-1}, one event each)."""
    frame = _synthetic(n)
    stamp = now()
    with Store(path) as store:
        store.db.execute("PRAGMA synchronous=OFF")
        run = store.start_run("offline", "bench")
        with store.transaction() as db:
            db.executemany(
                "INSERT INTO articles (id, text, language, ingested_at) VALUES (?, 'synthetic', 'en', ?)",
                ((f"a{i}", stamp) for i in range(n)),
            )
            lines = frame.drop("event_id_cnty").write_ndjson().splitlines()
            status = ["flagged" if i % 100 == 7 else "valid" for i in range(n)]
            db.executemany(
                "INSERT INTO events (id, article_id, run_id, status, version, data, created_at, updated_at)"
                " VALUES (?,?,?,?,1,?,?,?)",
                (
                    (
                        f"SYR{i + 1}",
                        f"a{i}",
                        run,
                        status[i],
                        line[:-1] + f',"event_id_cnty":"SYR{i + 1}"}}',
                        stamp,
                        stamp,
                    )
                    for i, line in enumerate(lines)
                ),
            )
            db.execute("INSERT INTO id_sequences VALUES ('SYR', ?)", (n + 1,))


def edit_store(path: Path, n: int) -> None:
    """Change the death toll of 1 % of the events and reject 0.1 % (as a review would)."""
    with Store(path) as store, store.transaction() as db:
        stamp = now()
        db.execute(
            "UPDATE events SET data = json_set(data, '$.fatalities', json_extract(data, '$.fatalities') + 1),"
            " version = version + 1, updated_at = ? WHERE rowid % 100 = 3",
            (stamp,),
        )
        db.execute("UPDATE events SET status = 'rejected', updated_at = ? WHERE rowid % 1000 = 5", (stamp,))


def _cpu() -> tuple[float, float]:
    """CPU seconds this process has used so far, all threads: (user, system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def _child(step: Callable[..., dict[str, Any]], args: tuple[Any, ...], queue: Any) -> None:
    result = step(*args)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def _measured(step: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run step(*args) in a fresh process; its result plus peak resident memory (MB)."""
    # spawned, not forked: a forked child inherits polars' thread pool in whatever state the
    # parent left it, and ran the same release a fifth slower
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(step, args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def step_build(path: Path, n: int) -> dict[str, Any]:
    started = time.perf_counter()
    build_store(path, n)
    return {"seconds": time.perf_counter() - started}


def step_refresh(db: Path) -> dict[str, Any]:
    with Store(db) as store:
        started = time.perf_counter()
        info = refresh(store)
    return {"seconds": time.perf_counter() - started, "rows": info.rows_read, "rebuilt": info.rebuilt}


#: What a release changes in the store besides its record: a trial puts them back.
_RELEASE_STATE = ("release_base", "release_journal")


def step_release(db: Path, out: Path, version: str, trial: bool, full: bool = False) -> dict[str, Any]:
    with Store(db) as store:
        saved = {t: store.db.execute(f"SELECT * FROM {t}").fetchall() for t in _RELEASE_STATE}
        cpu, started = _cpu(), time.perf_counter()
        info = write_release(store, out, version, full=full)
        seconds = time.perf_counter() - started
        user, system = (after - before for after, before in zip(_cpu(), cpu, strict=True))
        if trial:  # leaves no trace: the next attempt writes the same version from the same state
            with store.transaction() as tx:
                tx.execute("DELETE FROM releases WHERE version = ?", (version,))
                for table, rows in saved.items():
                    tx.execute(f"DELETE FROM {table}")
                    if rows:
                        marks = ",".join("?" * len(rows[0]))
                        tx.executemany(f"INSERT INTO {table} VALUES ({marks})", [tuple(r) for r in rows])
    return {
        "seconds": seconds,
        "user": user,
        "system": system,
        "path": info.path,
        "events": info.events,
        "merged": info.merged,
        "changes": info.changes,
        "recomputed": info.recomputed,
    }


def step_bare(release: Path, scratch: Path) -> dict[str, Any]:
    rows = read_release(release)
    cpu, started = _cpu(), time.perf_counter()
    rows.write_parquet(scratch / "bare.parquet", compression="zstd")
    rows.write_csv(scratch / "bare.csv", date_format="%Y-%m-%d")
    seconds = time.perf_counter() - started
    user, system = (after - before for after, before in zip(_cpu(), cpu, strict=True))
    return {"seconds": seconds, "user": user, "system": system}


def release_and_bare(
    db: Path, out: Path, version: str, work: Path, repeats: int, full: bool = False, keep: bool = True
) -> dict[str, Any]:
    """`repeats` pairs of a release (into `out`; all but the last, or all unless `keep`, then
    removed with their trace in the store) and a bare write of its rows, each in a fresh process
    so both start cold. Medians of each, and of the ratio within pairs: a pair runs back to
    back, while this 2-core machine's speed (and its page cache's) moves by a third between
    minutes."""
    runs, bare = [], []
    for attempt in range(repeats):
        trial = attempt < repeats - 1 or not keep
        # Written pages still waiting for the disk (a store just built leaves gigabytes) slow
        # whatever writes next, by up to a half: each timing starts with them written out.
        os.sync()
        runs.append(_measured(step_release, db, out, version, trial, full))
        os.sync()
        bare.append(_measured(step_bare, runs[-1]["path"], work))
        if trial:
            _remove(out / version)
    median = lambda results, key: statistics.median(r[key] for r in results)  # noqa: E731
    result = runs[-1] | {key: median(runs, key) for key in ("seconds", "user", "system")}
    result["peak_mb"] = max(r["peak_mb"] for r in runs)
    result["ratios"] = sorted(r["seconds"] / b["seconds"] for r, b in zip(runs, bare, strict=True))
    result["ratio"] = statistics.median(result["ratios"])
    return result | {f"bare_{key}": median(bare, key) for key in ("seconds", "user", "system")}


def step_load(db: Path) -> dict[str, Any]:
    with Store(db) as store:
        started = time.perf_counter()
        rows = load_events(store).height
    return {"seconds": time.perf_counter() - started, "rows": rows}


def step_edit(db: Path, n: int) -> dict[str, Any]:
    started = time.perf_counter()
    edit_store(db, n)
    return {"seconds": time.perf_counter() - started}


def step_diff(a: Path, b: Path) -> dict[str, Any]:
    started = time.perf_counter()
    changes = diff_frames(read_release(a), read_release(b))
    return {"seconds": time.perf_counter() - started, "rows": changes.height}


def step_verify(folder: Path) -> dict[str, Any]:
    started = time.perf_counter()
    problems = verify_release(folder)
    return {"seconds": time.perf_counter() - started, "problems": len(problems)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5, help="Releases and bare writes timed (median).")
    parser.add_argument("--dir", type=Path, help="Work folder (default: a temporary one, removed after).")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="coder-bench-release-"))
    _remove(work)
    work.mkdir(parents=True)
    db, out = work / "coder.db", work / "releases"
    n = args.events

    built = _measured(step_build, db, n)
    cached = _measured(step_refresh, db)
    first = release_and_bare(db, out, "1.0.0", work, args.repeats)
    loaded = _measured(step_load, db)
    edited = _measured(step_edit, db, n)
    recached = _measured(step_refresh, db)
    whole = release_and_bare(db, out, "1.1.0", work, args.repeats, full=True, keep=False)
    second = release_and_bare(db, out, "1.1.0", work, args.repeats)
    diffed = _measured(step_diff, out / "1.0.0", out / "1.1.0")
    verified = _measured(step_verify, out / "1.1.0")

    table = Table(title=f"coder release on {n:,} synthetic events (2 cores)")
    for column in ("step", "seconds", "peak MB", "notes"):
        table.add_column(column, justify="left" if column in ("step", "notes") else "right")

    def row(step: str, result: dict[str, Any], notes: str) -> None:
        peak = f"{result['peak_mb']:.0f}" if "peak_mb" in result else ""
        table.add_row(step, f"{result['seconds']:.2f}", peak, notes)

    row("build store", built, f"{db.stat().st_size // 2**20} MB file")
    for version, refreshed, released in (("1.0.0", cached, first), ("1.1.0", recached, second)):
        if version == "1.1.0":
            row("edit 1 %, reject 0.1 %", edited, "")
        row(
            "refresh release cache" + (" (all rewritten)" if refreshed["rebuilt"] else ""),
            refreshed,
            f"{refreshed['rows']:,} rows read from their lines (the end of `coder validate`)",
        )
        notes = f"{released['events']:,} rows, {released['merged']:,} merged; changes {released['changes']}"
        if released["recomputed"] is not None:
            notes += f"; {released['recomputed']:,} rows worked out again, the others 1.0.0's"
        notes += f"; CPU {released['user']:.2f} s user + {released['system']:.2f} s system"
        row(f"release {version}", released, notes)
        if version == "1.1.0":
            notes = f"every row worked out again: ratio {whole['ratio']:.2f} ({_spread(whole)})"
            row("  release 1.1.0 --full", whole, notes)
        row(
            "  bare write (same rows)",
            {"seconds": released["bare_seconds"]},
            f"ratio release / bare = {released['ratio']:.2f} (median of the pairs', {_spread(released)});"
            " CPU"
            f" {released['bare_user']:.2f} s user + {released['bare_system']:.2f} s system",
        )
        if version == "1.0.0":
            row("  of which: read store", loaded, "load_events alone, from the cache")
    row("diff 1.0.0 → 1.1.0", diffed, f"{diffed['rows']:,} changes")
    row("verify 1.1.0", verified, f"{verified['problems']} problem(s)")
    Console().print(table)
    if not args.dir:
        _remove(work)


def _spread(result: dict[str, Any]) -> str:
    low, high = result["ratios"][0], result["ratios"][-1]
    return f"{len(result['ratios'])} pairs: {low:.2f}–{high:.2f}"


def _remove(folder: Path) -> None:
    """Delete a work folder, read-only releases included."""
    if folder.exists():
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755)
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
