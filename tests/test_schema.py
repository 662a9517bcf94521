from __future__ import annotations

from click.testing import CliRunner

from coder.cli import cli
from coder.codebook import ACLED_COLUMNS, SUB_EVENT_TYPES
from coder.models import Event
from coder.schema import SCHEMA_PATH, render_schema


def test_committed_schema_matches_the_models() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "schemas/event.schema.json drifted from coder/models.py: run `coder schema --write`"
    )


def test_event_columns_are_the_acled_columns_in_order() -> None:
    assert tuple(Event.model_fields)[: len(ACLED_COLUMNS)] == ACLED_COLUMNS


def test_schema_enumerates_all_25_sub_event_types() -> None:
    import json

    schema = json.loads(render_schema())
    assert sorted(schema["properties"]["sub_event_type"]["enum"]) == sorted(SUB_EVENT_TYPES)
    assert len(SUB_EVENT_TYPES) == 25


def test_schema_command_prints_and_checks() -> None:
    runner = CliRunner()
    printed = runner.invoke(cli, ["schema"])
    assert printed.exit_code == 0
    assert printed.output == render_schema()
    assert runner.invoke(cli, ["schema", "--check"]).exit_code == 0
