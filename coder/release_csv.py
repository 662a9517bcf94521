"""events.csv of a release that reuses the previous one, spliced from the previous file's bytes.

The rows a release keeps from the previous one come out exactly as it wrote them (same coder,
same polars: coder/release.py checks both before reusing a release), so their CSV lines are
the previous file's lines, copied; only the redone rows are written by polars. Copying a run
of lines costs a memcpy where polars would format every field again: on a million rows with 1 %
redone, 0.1 CPU-seconds for the copies and line ends against 0.55 to format them.

The caller checks that the previous file is as its release wrote it (its stat as taken then,
or else its recorded SHA-256: its lines go into the new release unread); `spliced` uses it only
when it still has the recorded size and has one line per row (no quoted line break in any
field); otherwise it writes nothing and returns None, and the release writes its CSV with
polars as it would without a previous release. Either way the CSV is hashed as it is written
(HashingFile).
"""

from __future__ import annotations

import hashlib
import io
import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import polars as pl

#: Bytes of the previous file scanned for line ends at a time (a reused buffer, not a new one
#: as large as the file).
_SCAN_BYTES = 1 << 24
#: Lines gathered before they are hashed and written (longer runs go straight through).
_BUFFER_BYTES = 1 << 22


@dataclass(frozen=True)
class Splice:
    """The previous release's rows a release keeps and the rows it adds among them.

    `kept` holds for each previous row (in file order) whether it is kept; `new` are the other
    rows in release order, `at` for each the previous row it goes before (non-decreasing).
    """

    previous: Path  # the previous release's events.csv
    size: int  # its size in bytes when it was written
    kept: np.ndarray  # bool, one per previous row
    new: pl.DataFrame
    at: np.ndarray  # int, one per new row


def _line_ends(data: np.ndarray) -> np.ndarray:
    """Positions of every b"\\n" in `data`."""
    found, hits = [], np.empty(min(_SCAN_BYTES, data.size), dtype=bool)
    for start in range(0, data.size, _SCAN_BYTES):
        part = data[start : start + _SCAN_BYTES]
        np.equal(part, 10, out=hits[: part.size])
        found.append(np.flatnonzero(hits[: part.size]) + start)
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def spliced(s: Splice, out: BinaryIO, date_format: str) -> str | None:
    """Write the release's CSV to `out` from `s`; its SHA-256, or None (nothing written) when
    the previous file cannot be used."""
    rows = s.kept.size
    if rows == 0 or not s.previous.exists() or s.previous.stat().st_size != s.size:
        return None
    new_text = s.new.write_csv(include_header=False, date_format=date_format).encode()
    new_ends = _line_ends(np.frombuffer(new_text, dtype=np.uint8))
    if new_ends.size != s.new.height:  # a line break inside a field
        return None
    with s.previous.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        ends = _line_ends(np.frombuffer(mm, dtype=np.uint8))
        if ends.size != rows + 1 or ends[-1] != s.size - 1:  # the header, then a line a row
            return None
        # row i's line is [row_start[i], row_start[i + 1]); the header ends at row_start[0]
        row_start, new_start = ends + 1, np.concatenate([[0], new_ends + 1])
        hashing = HashingFile(out)
        writer = io.BufferedWriter(hashing, _BUFFER_BYTES)
        with memoryview(mm) as previous, memoryview(new_text) as new_lines:
            writer.write(previous[: row_start[0]])
            for first, last in _pieces(s.kept, s.at):
                if first == _NEW:
                    writer.write(new_lines[new_start[last] : new_start[last + 1]])
                else:
                    writer.write(previous[row_start[first] : row_start[last]])
            writer.flush()
    return hashing.hash.hexdigest()


_NEW = -1


def _pieces(kept: np.ndarray, at: np.ndarray) -> Iterator[tuple[int, int]]:
    """(a, b) for each run of kept previous rows a..b-1 and (_NEW, j) for each new row j, in
    the order they are written."""
    edges = np.diff(np.concatenate([[False], kept, [False]]).astype(np.int8))
    run_starts, run_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    at, j, m = at.tolist(), 0, at.size
    for start, end in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
        current = start
        while j < m and at[j] < end:
            if at[j] > current:
                yield current, at[j]
                current = at[j]
            yield _NEW, j
            j += 1
        yield current, end
    while j < m:
        yield _NEW, j
        j += 1


class HashingFile(io.RawIOBase):
    """A binary file that hashes what is written to it."""

    def __init__(self, fh: Any) -> None:
        self.fh, self.hash = fh, hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.hash.update(data)
        return self.fh.write(data)
