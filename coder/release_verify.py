"""`coder release verify`: re-check a release folder's checksums, schemas and row counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from coder.changelog import counts
from coder.datapackage import field_type
from coder.release import RELEASE_SCHEMA, read_release_csv, sha256_file

REQUIRED = (
    "events.csv",
    "events.parquet",
    "changes.parquet",
    "deleted.csv",
    "CHANGELOG.md",
    "README.md",
    "datapackage.json",
    "metadata.json",
    "SHA256SUMS",
)


def check_checksums(folder: Path) -> list[str]:
    """Every file but SHA256SUMS is listed there, with the right SHA-256."""
    listed: dict[str, str] = {}
    for number, line in enumerate((folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if not name or len(digest) != 64:
            return [f"SHA256SUMS line {number} is not '<sha256>  <file>'"]
        listed[name] = digest
    problems = []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{name}: listed in SHA256SUMS but missing")
        elif sha256_file(path) != digest:
            problems.append(f"{name}: checksum differs from SHA256SUMS (the file changed)")
    for path in sorted(folder.iterdir()):
        if path.name != "SHA256SUMS" and path.name not in listed:
            problems.append(f"{path.name}: not covered by SHA256SUMS")
    return problems


def _declared(resource: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f["name"], {k: f[k] for k in ("type", "format") if k in f} | _enum(f))
        for f in resource["schema"]["fields"]
    ]


def _enum(field: dict[str, Any]) -> dict[str, Any]:
    enum = field.get("constraints", {}).get("enum")
    return {"constraints": {"enum": enum}} if enum is not None else {}


def _actual(schema: pl.Schema) -> list[tuple[str, dict[str, Any]]]:
    return [(name, field_type(dtype)) for name, dtype in schema.items()]


def check_schemas(folder: Path, package: dict[str, Any], metadata: dict[str, Any]) -> list[str]:
    """Each table's columns and types are those datapackage.json declares (and this coder's, for
    releases of the current schema)."""
    problems = []
    for res in package.get("resources", []):
        path = folder / res["path"]
        if not path.is_file():
            problems.append(f"datapackage.json: resource {res['name']} points to missing {res['path']}")
            continue
        declared = _declared(res)
        if res["path"].endswith(".parquet"):
            actual = _actual(pl.read_parquet_schema(path))
        else:  # a CSV carries names only; check_rows reads events.csv with the release types
            actual = [
                (name, dict(types))
                for name, (_, types) in zip(pl.read_csv(path, n_rows=0).columns, declared, strict=False)
            ]
        if [n for n, _ in actual] != [n for n, _ in declared]:
            problems.append(f"{res['path']}: columns differ from datapackage.json")
        elif actual != declared:
            wrong = [n for (n, a), (_, d) in zip(actual, declared, strict=True) if a != d]
            problems.append(f"{res['path']}: types of {', '.join(wrong)} differ from datapackage.json")
    if metadata.get("schema_version", "").split(".")[0] == str(_current_major()):
        parquet = pl.read_parquet_schema(folder / "events.parquet")
        if _actual(parquet) != _actual(pl.Schema(RELEASE_SCHEMA)):
            problems.append("events.parquet: columns or types differ from the release schema of this coder")
    return problems


def _current_major() -> int:
    from coder.models import SCHEMA_VERSION

    return int(SCHEMA_VERSION.split(".")[0])


def check_rows(folder: Path, metadata: dict[str, Any]) -> list[str]:
    """Row counts agree (CSV, Parquet, metadata, changes) and the CSV holds the Parquet rows."""
    problems = []
    parquet = pl.read_parquet(folder / "events.parquet")
    try:
        csv = read_release_csv(folder / "events.csv")
    except pl.exceptions.PolarsError as exc:
        return [f"events.csv: does not read with the release schema ({str(exc).splitlines()[0]})"]
    if not (parquet.height == csv.height == metadata.get("events")):
        problems.append(
            f"row counts differ: events.parquet {parquet.height}, events.csv {csv.height},"
            f" metadata.json {metadata.get('events')}"
        )
    elif not csv.equals(parquet.cast(csv.schema, strict=False)):  # type: ignore[arg-type]
        problems.append("events.csv and events.parquet hold different values")
    ids = parquet["event_id_cnty"]
    if ids.null_count() or ids.n_unique() != parquet.height:
        problems.append("event_id_cnty is missing or repeated")
    changes = counts(pl.read_parquet(folder / "changes.parquet"))
    if changes != metadata.get("changes"):
        problems.append(
            f"changes.parquet counts {changes} differ from metadata.json {metadata.get('changes')}"
        )
    return problems


def verify_release(folder: Path) -> list[str]:
    """Problems found in a release folder; empty when it is intact."""
    if not folder.is_dir():
        return [f"{folder}: not a folder"]
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        return [f"missing file(s): {', '.join(missing)}"]
    problems = check_checksums(folder)
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except ValueError as exc:
        return [*problems, f"datapackage.json or metadata.json is not JSON ({exc})"]
    problems += check_schemas(folder, package, metadata)
    problems += check_rows(folder, metadata)
    return problems
