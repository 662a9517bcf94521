"""events.csv spliced from the previous release's lines (coder/release_csv.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from coder.release_csv import Splice, spliced

DATE = "%Y-%m-%d"


def _rows(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "event_id_cnty": [r[0] for r in rows],
            "event_date": [dt.date.fromisoformat(r[1]) for r in rows],
            "notes": [r[2] for r in rows],
        }
    )


PREVIOUS = _rows(
    ("SYR1", "2024-01-01", "Shelling near Sarmin."),
    ("SYR2", "2024-01-02", 'A "quoted" note, with a comma.'),
    ("SYR3", "2024-01-03", "Clashes."),
    ("SYR4", "2024-01-04", "Protest."),
    ("SYR5", "2024-01-05", "Air strike."),
)


def _splice(
    tmp_path: Path, previous: pl.DataFrame, kept: list[bool], new: pl.DataFrame, at: list[int]
) -> Splice:
    path = tmp_path / "events.csv"
    previous.write_csv(path, date_format=DATE)
    return Splice(path, path.stat().st_size, np.array(kept), new, np.array(at, dtype=np.int64))


def _written(tmp_path: Path, splice: Splice) -> tuple[str | None, bytes]:
    out = tmp_path / "out.csv"
    with out.open("wb") as fh:
        digest = spliced(splice, fh, DATE)
    return digest, out.read_bytes()


def test_the_kept_lines_are_copied_and_the_new_ones_written_where_they_go(tmp_path: Path) -> None:
    new = _rows(
        ("SYR0", "2023-12-31", "Before every previous row."),
        ("SYR3", "2024-01-03", "Clashes, 2 killed."),  # in the place of the row it replaces
        ("SYR6", "2024-01-04", "Among them."),
        ("SYR7", "2024-02-01", "After all of them."),
    )
    splice = _splice(tmp_path, PREVIOUS, [True, True, False, True, False], new, [0, 2, 4, 5])
    digest, written = _written(tmp_path, splice)
    expected = pl.concat([new[0], PREVIOUS[0:2], new[1], PREVIOUS[3], new[2], new[3]])
    assert written == expected.write_csv(date_format=DATE).encode()
    assert digest == hashlib.sha256(written).hexdigest()


def test_nothing_new_and_nothing_kept_are_spliced_too(tmp_path: Path) -> None:
    none = PREVIOUS.clear()
    _, written = _written(tmp_path, _splice(tmp_path, PREVIOUS, [True] * 5, none, []))
    assert written == PREVIOUS.write_csv(date_format=DATE).encode()
    _, written = _written(tmp_path, _splice(tmp_path, PREVIOUS, [False] * 5, PREVIOUS[1:3], [1, 2]))
    assert written == PREVIOUS[1:3].write_csv(date_format=DATE).encode()


@pytest.mark.parametrize("where", ["previous", "new"])
def test_a_line_break_inside_a_field_leaves_it_to_polars(tmp_path: Path, where: str) -> None:
    broken = _rows(("SYR9", "2024-01-02", "Two lines:\nthe second."))
    previous = pl.concat([PREVIOUS, broken]) if where == "previous" else PREVIOUS
    new = broken if where == "new" else PREVIOUS.clear()
    splice = _splice(tmp_path, previous, [True] * previous.height, new, [previous.height] * new.height)
    assert _written(tmp_path, splice) == (None, b"")


def test_a_previous_file_of_another_size_than_recorded_is_not_used(tmp_path: Path) -> None:
    splice = _splice(tmp_path, PREVIOUS, [True] * 5, PREVIOUS.clear(), [])
    longer = Splice(splice.previous, splice.size + 1, splice.kept, splice.new, splice.at)
    assert _written(tmp_path, longer) == (None, b"")
