"""A release read in R, as its README says: readr on events.csv gives the release's values,
each column of the type the release's schema gives it (character, Date or numeric).

Needs R with readr and jsonlite (`make test` installs Debian's, as CI does); skipped where
they are missing, except in CI, where that is a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from coder.models import CodedEvent
from coder.release import write_release
from coder.release_rows import RELEASE_SCHEMA
from coder.store import Store
from tests.conftest import ARTICLE, make_event

#: Rows past readr's default guess (its first 1,000) where the sparse columns get values.
_PLAIN_ROWS = 1050
_ROWS = 1100


@pytest.fixture(scope="module")
def rscript() -> str:
    found = shutil.which("Rscript")
    if found:
        check = subprocess.run([found, "-e", "library(readr); library(jsonlite)"], capture_output=True)
        if check.returncode == 0:
            return found
    if os.environ.get("CI"):
        pytest.fail("R with readr and jsonlite is missing: `make test` installs them (apt-get)")
    pytest.skip("R with readr and jsonlite is not installed (`make test` installs them)")


def _events() -> list[CodedEvent]:
    """One event a day; the later ones fill columns the first 1,050 leave empty."""
    events = []
    for i in range(_ROWS):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=i)
        sparse: dict[str, Any] = {"civilian_targeting": None, "actor2": None, "inter2": None}
        sparse["interaction"] = 10  # actor1's type alone
        if i >= _PLAIN_ROWS:
            sparse = {
                "assoc_actor_1": "Fatemiyoun Brigade",
                "tags": "crowd size=no report",
                "admin3": "Sarmin Subdistrict",
                "notes": f'On {day:%d %B %Y}, shelling hit "the market", Sarmin;\nقصف مدفعي على سرمين',
            }
        events.append(
            CodedEvent(
                event=make_event(
                    event_date=day,
                    year=day.year,
                    fatalities=i % 7,
                    latitude=35.9 + i / 100_003,
                    **sparse,
                )
            )
        )
    return events


def _same_number(got: float | None, expected: float | None) -> bool:
    # jsonlite prints 15 significant digits
    if got is None or expected is None:
        return got is expected
    return math.isclose(got, expected, rel_tol=1e-14)


def _r_type(dtype: pl.DataType) -> str:
    return "Date" if dtype == pl.Date else "numeric" if dtype.is_numeric() else "character"


def test_readr_reads_the_csv_as_the_release_readme_says(store: Store, tmp_path: Path, rscript: str) -> None:
    store.add_articles([ARTICLE])
    run = store.start_run("offline", "test")
    ids = store.save_coding(ARTICLE.id, "offline", run, _events(), lambda e: "SYR")
    store.set_validation({i: ("valid", []) for i in ids})
    folder = write_release(store, tmp_path / "r").path
    reference = pl.read_parquet(folder / "events.parquet")
    assert reference.height == _ROWS
    # columns empty in the first 1,000 rows (readr 1 guessed from those), and empty throughout
    assert reference["tags"].head(_PLAIN_ROWS).null_count() == _PLAIN_ROWS
    assert reference["source_scale"].null_count() == _ROWS

    readme = (folder / "README.md").read_text(encoding="utf-8")
    snippet = next(line for line in readme.splitlines() if line.startswith("events <- readr::read_csv("))
    out = tmp_path / "r.json"
    script = tmp_path / "read.R"
    script.write_text(
        f"setwd({json.dumps(str(folder))})\n{snippet}\n"
        "result <- list(problems = nrow(readr::problems(events)),"
        " classes = lapply(events, function(c) class(c)[1]), columns = as.list(events))\n"
        "json <- jsonlite::toJSON(result, na = 'null', digits = NA, auto_unbox = TRUE)\n"
        f"writeLines(json, {json.dumps(str(out))})\n",
        encoding="utf-8",
    )
    done = subprocess.run([rscript, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))

    assert result["problems"] == 0
    assert list(result["classes"]) == reference.columns
    assert result["classes"] == {name: _r_type(dtype) for name, dtype in RELEASE_SCHEMA.items()}
    for name, dtype in RELEASE_SCHEMA.items():
        got, expected = result["columns"][name], reference[name].to_list()
        if dtype == pl.Date:
            expected = [None if d is None else d.isoformat() for d in expected]
        elif dtype.is_numeric():
            assert all(_same_number(a, b) for a, b in zip(got, expected, strict=True)), name
            continue
        else:
            expected = [None if v is None else str(v) for v in expected]
        assert got == expected, name
    notes = result["columns"]["notes"]
    assert notes[-1].endswith('shelling hit "the market", Sarmin;\nقصف مدفعي على سرمين')
