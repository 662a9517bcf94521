"""Country names as datasets/countries.csv (ACLED's spellings) has them, read without the
gazetteer, which takes a second to load: for the actor dictionary and `coder release --country`."""

from __future__ import annotations

import csv
import difflib
from functools import cache
from pathlib import Path
from typing import Final

from coder.textnorm import name_key

COUNTRIES_CSV: Final[Path] = Path(__file__).resolve().parent.parent / "datasets" / "countries.csv"


@cache
def _rows() -> tuple[dict[str, str], ...]:
    with COUNTRIES_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@cache
def country_names() -> dict[str, str]:
    """name_key of every country name and alias -> the country as ACLED spells it."""
    out: dict[str, str] = {}
    for rec in _rows():
        aliases = [a.strip() for a in (rec.get("aliases") or "").split("|") if a.strip()]
        for alias in [rec["country"], *aliases]:
            out.setdefault(name_key(alias), rec["country"])
    return out


def resolve_country(text: str) -> str | None:
    """The country a name, an alias or an ISO3 code names (any case), as ACLED spells it."""
    code = text.strip().upper()
    by_code = next((rec["country"] for rec in _rows() if rec["iso3"] == code), None)
    return by_code or country_names().get(name_key(text))


def closest_countries(text: str, n: int = 3) -> list[str]:
    """Country names spelled most like `text`, for a "did you mean"."""
    names = sorted({rec["country"] for rec in _rows()})
    by_key = {name_key(name): name for name in names}
    return [by_key[k] for k in difflib.get_close_matches(name_key(text), list(by_key), n=n, cutoff=0.75)]
