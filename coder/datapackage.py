"""datapackage.json: a Frictionless (Tabular) Data Package describing a release's files.

Every table gets a Table Schema built from its polars dtypes, with the codebook's column
meanings (../shared/codebook.md, sections 2-4) as field descriptions and its closed
vocabularies as `enum` constraints, so `frictionless validate datapackage.json` checks the
files against the codebook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

#: Release data licence (project convention). The gazetteer behind coordinates and admin units
#: is GeoNames (CC BY 4.0), which asks for attribution: it is listed among the sources.
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
GEONAMES = {"title": "GeoNames gazetteer (CC BY 4.0)", "path": "https://www.geonames.org/"}

#: Column meanings, from the codebook (section 2) and the project's provenance columns.
FIELD_DESCRIPTIONS: dict[str, str] = {
    "event_id_cnty": "Stable event id: ISO3 letters of the country + number; never reused.",
    "event_date": "Day the event happened (ISO 8601).",
    "year": "Year of event_date.",
    "time_precision": "1 exact day known; 2 only the week (or a few days) known; 3 only the month known.",
    "disorder_type": "Political violence, Demonstrations, Strategic developments, or "
    "'Political violence; Demonstrations'; follows from sub_event_type.",
    "event_type": "One of the 6 ACLED event types (codebook section 3).",
    "sub_event_type": "One of the 25 ACLED sub-event types; belongs to event_type.",
    "actor1": "Main actor (codebook section 4 naming).",
    "assoc_actor_1": "Actors fighting alongside or identities of actor1, '; '-separated.",
    "inter1": "Type of actor1: 1 State forces, 2 Rebel groups, 3 Political militias, 4 Identity "
    "militias, 5 Rioters, 6 Protesters, 7 Civilians, 8 External/Other forces.",
    "actor2": "The other side; empty when there is none.",
    "assoc_actor_2": "Actors alongside or identities of actor2, '; '-separated.",
    "inter2": "Type of actor2 (codes as inter1); empty when there is no actor2.",
    "interaction": "inter1 and inter2 combined, smaller first (17 = state forces vs civilians); "
    "a lone actor is N*10.",
    "civilian_targeting": "'Civilian targeting' when civilians were the main target, else empty.",
    "iso": "ISO 3166 numeric country code.",
    "region": "ACLED region, e.g. Middle East.",
    "country": "Country where the event happened.",
    "admin1": "First-level administrative unit (Syria: governorate).",
    "admin2": "Second-level administrative unit (Syria: district).",
    "admin3": "Third-level administrative unit (Syria: sub-district).",
    "location": "The named place (town, village, neighbourhood, landmark).",
    "latitude": "Latitude of location (WGS84, 4 decimals).",
    "longitude": "Longitude of location (WGS84, 4 decimals).",
    "geo_precision": "1 the place itself; 2 near a place or part of a district; 3 only the "
    "province/large area known.",
    "source": "Outlets that reported the event, '; '-separated.",
    "source_scale": "Reach of the sources: Local, Subnational, National, Regional, International, "
    "New media, Other, or a pair such as New media-National.",
    "notes": "One or two sentences describing the event: 'On 12 October 2022, ...'.",
    "fatalities": "Reported deaths: the lowest credible figure for this event (codebook section 6).",
    "tags": "Extra tags, e.g. crowd size.",
    "timestamp": "Unix time the row last changed.",
    "article_ids": "Ids of every article the row rests on, '; '-separated (provenance).",
    "coder": "Coder that produced the row: offline or llm (provenance).",
    "coder_version": "Version of that coder (provenance).",
    "model": "LLM name when an LLM coded the row (provenance).",
    "prompt_hash": "Hash of the LLM prompt template (provenance).",
    "schema_version": "Version of the event schema the row follows (provenance).",
    "confidence": "Coder's confidence in the row, 0 to 1 (provenance).",
    "status": "valid: passed validation; accepted: accepted or edited by a reviewer.",
    "review_decision_id": "Id of the last review decision on the row, if any (provenance).",
    # changes.parquet and deleted.csv
    "change": "added, changed or deleted since the previous release.",
    "fields": "For a changed event, the columns that changed, '; '-separated.",
    "deleted_timestamp": "Unix time of the release that deleted the event.",
}


def field_type(dtype: pl.DataType) -> dict[str, Any]:
    """Table Schema type (and enum constraint) of a polars dtype."""
    if dtype == pl.Int64:
        return {"type": "integer"}
    if dtype == pl.Float64:
        return {"type": "number"}
    if dtype == pl.Date:
        return {"type": "date", "format": "default"}
    if isinstance(dtype, pl.Enum):
        return {"type": "string", "constraints": {"enum": list(dtype.categories)}}
    return {"type": "string"}


def table_schema(schema: Mapping[str, pl.DataType], primary_key: str | None = None) -> dict[str, Any]:
    """Frictionless Table Schema of a frame's schema."""
    fields = []
    for name, dtype in schema.items():
        field: dict[str, Any] = {"name": name, **field_type(dtype)}
        if name in FIELD_DESCRIPTIONS:
            field["description"] = FIELD_DESCRIPTIONS[name]
        if name == primary_key:
            field.setdefault("constraints", {})["required"] = True
            field["constraints"]["unique"] = True
        fields.append(field)
    out: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if primary_key:
        out["primaryKey"] = [primary_key]
    return out


def resource(
    name: str,
    path: str,
    schema: Mapping[str, pl.DataType],
    sha256: str,
    size: int,
    description: str,
    primary_key: str | None = None,
) -> dict[str, Any]:
    """A tabular data resource for a CSV or Parquet file of the release."""
    fmt = path.rsplit(".", 1)[-1]
    out: dict[str, Any] = {
        "name": name,
        "path": path,
        "profile": "tabular-data-resource",
        "description": description,
        "format": fmt,
        "mediatype": "text/csv" if fmt == "csv" else "application/vnd.apache.parquet",
        "schema": table_schema(schema, primary_key),
    }
    if fmt == "csv":
        out |= {"hash": f"sha256:{sha256}", "bytes": size, "encoding": "utf-8"}
        out["dialect"] = {"delimiter": ",", "quoteChar": '"', "header": True}
    else:
        # frictionless reads Parquet through pyarrow and pandas: it cannot count the file's bytes
        # (so hash/bytes would always "mismatch"; SHA256SUMS covers the file) and it hands null
        # cells of integer columns over as "nan", which it must treat as missing.
        out["schema"]["missingValues"] = ["", "nan"]
    return out


def descriptor(
    version: str,
    created: str,
    resources: Sequence[dict[str, Any]],
    outlets: Sequence[str],
    description: str,
) -> dict[str, Any]:
    """The datapackage.json of a release."""
    return {
        "profile": "tabular-data-package",
        "name": "coder-events",
        "title": f"coder events, release {version}",
        "description": description,
        "version": version,
        "created": created,
        "licenses": [LICENSE],
        "sources": [{"title": outlet} for outlet in outlets] + [GEONAMES],
        "keywords": ["ACLED", "political violence", "events", "conflict data"],
        "resources": list(resources),
    }
