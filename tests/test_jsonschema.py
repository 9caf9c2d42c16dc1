"""The JSON Schemas for editors come from the cerberus schemas and judge every fixture as cerberus does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest

from generator.library.jsonschema import json_schema
from generator.library.load import KINDS, load_blobs, load_library

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


def _as_editor_sees(value):
    """The document as a YAML editor hands it to JSON Schema: dates and keys as strings."""
    if isinstance(value, dict):
        return {str(k): _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _fixtures(outcome: str):
    found = []
    for fixture in sorted((DATA / outcome).rglob("*.yaml")):
        expect = fixture.read_text(encoding="utf-8").splitlines()[0]
        sources = load_blobs([(f"{fixture.parent.name}/{fixture.name}", fixture.read_bytes())])[0]
        found += [(fixture, expect, source) for source in sources]
    return found


def _validator(kind: str):
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


SHIPPED = load_library(REPO)[0] + load_library(DATA / "library")[0]


@pytest.mark.parametrize("kind", sorted(KINDS.values()))
def test_each_kind_has_a_valid_json_schema(kind):
    schema = json_schema(kind)
    assert schema["type"] == "object" and schema["required"] and schema["additionalProperties"] is False


@pytest.mark.parametrize("source", SHIPPED + [s for _, _, s in _fixtures("valid")], ids=lambda s: s.path)
def test_every_shipped_and_valid_document_passes(source):
    errors = list(_validator(source.kind).iter_errors(_as_editor_sees(source.data)))
    assert not errors, [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


SCHEMA_FIXTURES = [(f, s) for f, expect, s in _fixtures("invalid") if expect.split()[2] == "schema"]


@pytest.mark.parametrize("fixture,source", SCHEMA_FIXTURES, ids=lambda v: getattr(v, "name", ""))
def test_every_invalid_schema_fixture_is_rejected(fixture, source):
    assert list(_validator(source.kind).iter_errors(_as_editor_sees(source.data))), fixture.name


def test_there_are_schema_fixtures_to_reject():
    assert len(SCHEMA_FIXTURES) >= 10
