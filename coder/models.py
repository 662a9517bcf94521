"""Pydantic models: the contract of the whole project.

`Event` has every ACLED export column of the codebook, with the same names and in the same
order, followed by provenance. `schemas/event.schema.json` is generated from it (`coder
schema`) and a test fails when the committed file and this module drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coder.codebook import (
    ACLED_COLUMNS,
    CIVILIAN_TARGETING,
    DISORDER_TYPES,
    EVENT_TYPES,
    SUB_EVENT_TYPES,
)

#: Bumped on any change to the Event columns: major = incompatible, minor = added columns.
SCHEMA_VERSION = "1.0.0"

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
SubEventType = Literal[SUB_EVENT_TYPES]  # type: ignore[valid-type]
DisorderType = Literal[DISORDER_TYPES]  # type: ignore[valid-type]
Severity = Literal["error", "warning"]
EventStatus = Literal["coded", "valid", "flagged", "accepted", "rejected"]
Precision = Literal[1, 2, 3]


class Span(BaseModel):
    """A piece of evidence: character offsets into the article text and the text they cover."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0, description="offset of the first character in the article text")
    end: int = Field(ge=0, description="offset just past the last character")
    text: str = Field(description="article_text[start:end], kept so a reviewer needs no lookup")


class Article(BaseModel):
    """One ingested news article."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="first 16 hex digits of the SHA-256 of the normalised text")
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    language: str = Field(description="ISO 639-1 code, e.g. 'en', 'ar'")
    published: dt.date | None = Field(
        default=None, description="publication date; None when unknown (never invented)"
    )
    source_path: str | None = Field(default=None, description="file (and row) it came from")


class Flag(BaseModel):
    """One problem found with an event, by the coder or the validator."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$", description="stable code, e.g. SUBTYPE_NOT_IN_TYPE")
    severity: Severity
    field: str | None = Field(default=None, description="the column concerned, if one")
    message: str = Field(description="one line telling a reviewer what to check")


class Event(BaseModel):
    """One event row: the ACLED export columns (codebook section 2), then provenance."""

    model_config = ConfigDict(extra="forbid")

    # --- ACLED export columns, in export order -------------------------------------------
    event_id_cnty: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{3}[0-9]+$",
        description="stable id: ISO3 letters + number; assigned by the store, never reused",
    )
    event_date: dt.date | None = Field(default=None, description="day the event happened")
    year: int | None = Field(default=None, ge=1900, le=2100)
    time_precision: Precision | None = Field(
        default=None, description="1 exact day; 2 week or a few days; 3 month"
    )
    disorder_type: DisorderType | None = None
    event_type: EventType
    sub_event_type: SubEventType
    actor1: str = Field(min_length=1)
    assoc_actor_1: str | None = None
    inter1: int = Field(ge=1, le=8, description="actor1 type code (codebook section 4)")
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = Field(default=None, ge=1, le=8)
    interaction: int | None = Field(default=None, ge=10, le=88)
    civilian_targeting: Literal[CIVILIAN_TARGETING] | None = None  # type: ignore[valid-type]
    iso: int | None = Field(default=None, ge=0, le=999, description="ISO 3166 numeric")
    region: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    location: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    geo_precision: Precision | None = None
    source: str | None = None
    source_scale: str | None = None
    notes: str | None = None
    fatalities: int = Field(default=0, ge=0)
    tags: str | None = None
    timestamp: int | None = Field(default=None, ge=0, description="Unix time of last change")

    # --- provenance ----------------------------------------------------------------------
    article_ids: list[str] = Field(default_factory=list, description="articles it rests on")
    coder: str | None = Field(default=None, description="'offline' or 'llm'; None for imported rows")
    coder_version: str | None = None
    model: str | None = Field(default=None, description="LLM name when an LLM coded it")
    prompt_hash: str | None = Field(default=None, description="hash of the rendered prompt template")
    schema_version: str = SCHEMA_VERSION
    evidence: dict[str, list[Span]] = Field(
        default_factory=dict, description="column name -> spans of the article supporting it"
    )
    confidence: float = Field(default=0.5, ge=0, le=1)
    status: EventStatus = "coded"


class CodedEvent(BaseModel):
    """What a coder returns for one event: the row and the doubts it has about it."""

    event: Event
    flags: list[Flag] = Field(default_factory=list)


#: Event fields after the ACLED columns (release files carry them after the ACLED ones).
PROVENANCE_COLUMNS: tuple[str, ...] = tuple(name for name in Event.model_fields if name not in ACLED_COLUMNS)
