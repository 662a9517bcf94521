"""The published JSON Schema of an event row, generated from `coder.models.Event`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from coder.models import SCHEMA_VERSION, Event

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "event.schema.json"


def event_schema() -> dict[str, Any]:
    """JSON Schema (Draft 2020-12) of one event row, as generated from the pydantic model."""
    schema = Event.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:coder:schema:event:{SCHEMA_VERSION}",
        **schema,
        "version": SCHEMA_VERSION,
    }


def render_schema() -> str:
    """The schema as the committed file holds it (stable key order, trailing newline)."""
    return json.dumps(event_schema(), indent=2, ensure_ascii=False) + "\n"


@cache
def published_schema() -> dict[str, Any]:
    """The committed schemas/event.schema.json (what `validate` checks rows against)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
