"""A fast yes-or-don't-know check of a document against a cerberus schema.

Cerberus builds a child validator, and hashes its schema, for every nested mapping and list: on
a 5,000-clause library that was over 80 % of `validate`. Most documents are valid, so
`conforms` first checks the document with closures compiled once per schema; it answers True only
when cerberus would find no problem, and False when it finds one *or* meets anything it does not
model exactly (None values, bools where numbers are expected, an unknown rule, ...). On False the
caller runs cerberus, which gives the messages; so this module decides speed, never the result.
tests/test_fastschema.py checks that claim against cerberus on every fixture and on mutations.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

Check = Callable[[Any], bool]

# Rules whose cerberus semantics the compiled checks reproduce; any other rule means "ask cerberus".
_RULES = {"type", "required", "regex", "allowed", "min", "max", "minlength", "maxlength", "empty",
          "nullable", "keysrules", "valuesrules", "schema", "excludes", "default", "meta"}
_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: type(v) is int,  # cerberus also takes a bool; we leave that to it
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "dict": lambda v: type(v) is dict,
    "list": lambda v: type(v) is list,
    "date": lambda v: isinstance(v, dt.date),
}


class Unsupported(Exception):
    """The schema uses something this module does not model; cerberus must do all the work."""


def compile_mapping(schema: dict) -> Check:
    """A check for a mapping document against `schema` (field → rules), as cerberus validates it."""
    fields = {name: _compile_rules(rules, in_mapping=True) for name, rules in schema.items()}
    required = {name for name, rules in schema.items() if rules.get("required") is True}
    excludes = {name: ([rules["excludes"]] if isinstance(rules["excludes"], str) else list(rules["excludes"]))
                for name, rules in schema.items() if "excludes" in rules}
    for name, others in excludes.items():
        if not all(isinstance(o, str) and o in schema for o in others):
            raise Unsupported(f"excludes of {name}")
    defaults = {name: rules["default"] for name, rules in schema.items() if "default" in rules}
    for name in defaults:
        if schema[name].get("required") or schema[name].get("nullable"):
            raise Unsupported(f"default on a required or nullable field {name}")

    def check(doc: Any) -> bool:
        if type(doc) is not dict:
            return False
        for name, value in doc.items():
            test = fields.get(name)
            if test is None or not test(value):  # an unknown key, or a value that may be wrong
                return False
        for name, default in defaults.items():  # cerberus fills in a missing default, then checks it
            if name not in doc and not fields[name](default):
                return False
        unrequired: set[str] = set()
        for name, others in excludes.items():  # cerberus's `excludes` bookkeeping, step for step
            if name in doc:
                if any(o in doc for o in others):
                    return False
                if name in required:
                    unrequired.add(name)
                    unrequired.update(others)
        if (required - unrequired) - doc.keys():
            return False
        return not unrequired or not unrequired.isdisjoint(doc.keys())

    return check


def _compile_rules(rules: dict, in_mapping: bool = False) -> Check:
    if not isinstance(rules, dict) or not set(rules) <= _RULES:
        raise Unsupported(f"rules {rules!r}")
    if not in_mapping and {"excludes", "default"} & set(rules):
        raise Unsupported("excludes or default outside a mapping schema")
    tests: list[Check] = []
    if "type" in rules:
        names = [rules["type"]] if isinstance(rules["type"], str) else list(rules["type"])
        if not all(n in _TYPES for n in names):
            raise Unsupported(f"type {rules['type']!r}")
        kinds = [_TYPES[n] for n in names]
        tests.append(lambda v: any(k(v) for k in kinds))
    sized: list[Check] = []  # the rules cerberus skips for an empty value when `empty` is given
    if "allowed" in rules:
        allowed = list(rules["allowed"])
        sized.append(lambda v: (all(x in allowed for x in v) if type(v) is list
                                else type(v) in (str, int) and v in allowed))
    if "regex" in rules:
        pattern = rules["regex"] if rules["regex"].endswith("$") else rules["regex"] + "$"
        match = re.compile(pattern).match
        sized.append(lambda v: not isinstance(v, str) or match(v) is not None)
    if "minlength" in rules:
        low = rules["minlength"]
        sized.append(lambda v: type(v) in (str, list, dict) and len(v) >= low)
    if "maxlength" in rules:
        high = rules["maxlength"]
        sized.append(lambda v: type(v) in (str, list, dict) and len(v) <= high)
    for rule, ok in (("min", lambda v, b: v >= b), ("max", lambda v, b: v <= b)):
        if rule in rules:
            bound = rules[rule]
            tests.append(lambda v, b=bound, ok=ok: type(v) in (int, float) and ok(v, b))
    if "keysrules" in rules:
        key_check = _compile_rules(rules["keysrules"])
        # cerberus applies keysrules and valuesrules to mappings only (`type: [string, dict]` lets a string pass)
        tests.append(lambda v: type(v) is not dict or all(key_check(k) for k in v))
    if "valuesrules" in rules:
        value_check = _compile_rules(rules["valuesrules"])
        tests.append(lambda v: type(v) is not dict or all(value_check(x) for x in v.values()))
    if rules.get("schema") is not None:
        tests.append(_compile_schema(rules["schema"]))
    empty = rules.get("empty")

    def check(value: Any) -> bool:
        if value is None:  # nullable, defaults and dropped rules: cerberus knows best
            return False
        if empty is not None and isinstance(value, (str, list, dict)) and not value:
            if not empty:
                return False
            return all(t(value) for t in tests)
        return all(t(value) for t in tests) and all(t(value) for t in sized)

    return check


def _compile_schema(schema: dict) -> Check:
    # The same `schema` rule checks a mapping field by field and a list item by item: cerberus
    # decides by the value's type, and so do we. Compile both readings that make sense.
    as_rules = _try(lambda: _compile_rules(schema))
    as_mapping = _try(lambda: compile_mapping(schema)) if all(isinstance(r, dict) for r in schema.values()) else None
    if as_rules is None and as_mapping is None:
        raise Unsupported(f"schema {schema!r}")

    def check(value: Any) -> bool:
        if type(value) is list:
            return as_rules is not None and all(as_rules(item) for item in value)
        if type(value) is dict:
            return as_mapping is not None and as_mapping(value)
        return False

    return check


def _try(build: Callable[[], Check]) -> Check | None:
    try:
        return build()
    except Unsupported:
        return None


_COMPILED: dict[int, tuple[dict, Check | None]] = {}


def conforms(schema: dict, document: Any) -> bool:
    """True only when cerberus would accept `document` under `schema`; False when it may not."""
    entry = _COMPILED.get(id(schema))
    if entry is None or entry[0] is not schema:  # compiled once per schema object (schema.schema caches them)
        entry = _COMPILED[id(schema)] = (schema, _try(lambda: compile_mapping(schema)))
    check = entry[1]
    return check is not None and check(document)
