"""The fast schema check may say "valid" only where cerberus says so too; it must say it for valid files."""

from __future__ import annotations

import copy
import datetime as dt
import random
from pathlib import Path

import cerberus
import pytest

from generator.library.fastschema import compile_mapping, conforms
from generator.library.load import load_blobs, load_library
from generator.library.schema import schema

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


def _sources():
    found = []
    for root in (DATA / "library", REPO):
        found += load_library(root)[0]
    for fixture in sorted((DATA / "valid").rglob("*.yaml")) + sorted((DATA / "invalid").rglob("*.yaml")):
        found += load_blobs([(f"{fixture.parent.name}/{fixture.name}", fixture.read_bytes())])[0]
    return found


SOURCES = _sources()


def _cerberus(kind: str, data) -> bool:
    return cerberus.Validator(schema(kind)).validate(data)


def test_every_schema_compiles():
    for kind in ("clause", "service", "catalog", "agreement"):
        compile_mapping(schema(kind))  # raises Unsupported if a rule is not modelled


def test_agrees_with_cerberus_on_every_fixture_and_shipped_file():
    assert len(SOURCES) > 60
    for source in SOURCES:
        expected = _cerberus(source.kind, source.data)
        assert conforms(schema(source.kind), source.data) == expected, source.path


_ODD_VALUES = [None, True, False, 0, -1, 5, 1000, 2.5, "", "x", "UPPER case", "a b", [], ["x"], [1], {},
               {"sv": "x"}, {"xx": "y"}, dt.date(2027, 1, 1), "approved", "shall", "1.0.0", "sv",
               "gdpr-art28:28.3.a", "bad id", [{"role": "customer"}], {"1": 2}, {1: 2}, {5: 1}]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, prefix + (key,))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, prefix + (index,))


def _mutate(data, rng: random.Random):
    data = copy.deepcopy(data)
    path = rng.choice([p for p in _paths(data) if p])
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    action = rng.random()
    if action < 0.2 and isinstance(parent, dict):
        del parent[path[-1]]
    elif action < 0.3 and isinstance(parent, dict):
        parent[rng.choice(["extra", "titel", "order", "status", "clause", "item", 3])] = rng.choice(_ODD_VALUES)
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return data


@pytest.mark.parametrize("seed", range(6))
def test_never_says_valid_where_cerberus_finds_a_problem(seed):
    rng = random.Random(seed)
    said_valid = found_problems = 0
    for _ in range(700):
        source = rng.choice(SOURCES)
        data = _mutate(source.data, rng)
        if conforms(schema(source.kind), data):
            said_valid += 1
            assert _cerberus(source.kind, data), (source.path, data)
        else:
            found_problems += not _cerberus(source.kind, data)
    assert said_valid > 20 and found_problems > 100  # both sides of the check were exercised
