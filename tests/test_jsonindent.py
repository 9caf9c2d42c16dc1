"""The quick indented JSON writer gives json.dumps(..., ensure_ascii=False, indent=2) exactly."""

from __future__ import annotations

import enum
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.coverage import coverage_data
from generator.render.jsonindent import dumps

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(st.text() | st.integers() | st.booleans(), inner, max_size=4), max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_any_json_value_as_json_writes_it(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


class _Level(enum.IntEnum):
    HIGH = 3


def test_what_json_treats_specially_is_left_to_it():
    for value in ({"a": float("nan")}, [float("inf")], {1: "x", "b": [_Level.HIGH]}, {"x": _Level.HIGH}):
        assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_the_checklists_of_the_samples(shipped_copy):
    from generator.draft.assemble import assemble
    from generator.library.open import open_library

    library, _ = open_library(shipped_copy)
    for agreement in library.agreements:
        data = coverage_data(assemble(library, agreement))
        assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)
        assert len(data["catalogs"]) >= 1
