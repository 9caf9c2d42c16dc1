"""A fast yes-or-don't-know check of a document against a cerberus schema.

Cerberus builds a child validator, and hashes its schema, for every nested mapping and list: on a
5,000-clause library that was over 80 % of `validate`. Most documents are valid, so `conforms`
first checks the document with a JSON Schema validator compiled once per schema (fastjsonschema,
from the translation in `jsonschema`); it answers True only when cerberus would find no problem,
and False when the JSON Schema finds one or the schema has a rule the translation cannot express.
On False the caller runs cerberus, which gives the messages; so this module decides speed, never
the result. tests/test_fastschema.py checks that claim against cerberus on every fixture and on
mutations.
"""

from __future__ import annotations

from typing import Any, Callable

import fastjsonschema

from generator.library.jsonschema import Unsupported, fast_schema

_COMPILED: dict[int, tuple[dict, Callable[[Any], Any] | None]] = {}


def compile_mapping(rules: dict) -> Callable[[Any], Any]:
    """The compiled validator of `rules`; raises Unsupported when the translation cannot express them."""
    return fastjsonschema.compile(fast_schema(rules))


def conforms(rules: dict, data: Any) -> bool:
    """True only if cerberus would accept `data` under `rules`; False means "ask cerberus"."""
    entry = _COMPILED.get(id(rules))
    if entry is None or entry[0] is not rules:
        try:
            check = compile_mapping(rules)
        except Unsupported:
            check = None
        entry = _COMPILED[id(rules)] = (rules, check)  # the rules are kept so the id stays theirs
    if entry[1] is None:
        return False
    try:
        entry[1](data)
    except fastjsonschema.JsonSchemaException:
        return False
    except Exception:  # noqa: BLE001  a fault in the generated validator: cerberus decides, as always
        return False
    return True
