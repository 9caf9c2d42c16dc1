"""JSON Schema from the cerberus schemas: one source, two uses.

`json_schema(kind)` is for editors (VS Code's YAML extension completes and checks with it);
`fast_schema(rules)` is the same translation for the compiled fast path of validation, which sees
Python values as YAML loads them: a date is a `datetime.date` (no JSON type, so nothing else passes for
it) and level keys are integers.
Cerberus stays the validator whose messages users read; where this translation cannot express a
rule exactly it raises Unsupported and validation asks cerberus for every document of that kind.
"""

from __future__ import annotations


from generator.library.schema import schema

_JSON_TYPES = ["string", "number", "boolean", "object", "array", "null"]
_SIMPLE_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
                 "dict": "object", "list": "array"}
_KNOWN = {"type", "required", "regex", "allowed", "min", "max", "minlength", "maxlength", "empty", "nullable",
          "keysrules", "valuesrules", "schema", "excludes", "default", "meta"}
_TITLES = {"clause": "Klausul clause", "service": "Klausul service description",
           "agreement": "Klausul agreement", "catalog": "Klausul requirement catalog"}


class Unsupported(Exception):
    """A cerberus rule this translation does not express exactly."""


def json_schema(kind: str) -> dict:
    """The JSON Schema (draft 2020-12) of one document kind, as an editor reads the YAML."""
    body = _mapping(schema(kind), editor=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": _TITLES.get(kind, kind), **body}


def fast_schema(rules: dict) -> dict:
    """The JSON Schema that a loaded document passes only when cerberus finds no problem."""
    return _mapping(rules, editor=False)


def _mapping(fields: dict, editor: bool) -> dict:
    properties = {name: _field(rules, editor) for name, rules in fields.items()}
    out: dict = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [n for n, r in fields.items() if r.get("required") and not r.get("excludes")]
    if required:
        out["required"] = required
    alternatives = [(n, r["excludes"]) for n, r in fields.items() if r.get("required") and r.get("excludes")]
    if alternatives:  # `a excludes b`, both required: exactly one of them
        out["allOf"] = [{"oneOf": [{"required": [a]}, {"required": [b]}]} for a, b in alternatives if a < b]
    # `a excludes b` on an optional field: never both (followup.recipient excludes followup.forum)
    never_both = [{"not": {"required": [a, b]}} for a, r in fields.items() if not r.get("required") and r.get("excludes")
                  for b in ([r["excludes"]] if isinstance(r["excludes"], str) else r["excludes"])]
    if never_both:
        out["allOf"] = out.get("allOf", []) + never_both
    return out


def _field(rules: dict, editor: bool) -> dict:
    unknown = set(rules) - _KNOWN
    if unknown:
        raise Unsupported(", ".join(sorted(unknown)))
    out: dict = {}
    kind = rules.get("type")
    if isinstance(kind, list):  # one text or one per language: `[string, dict]`
        return _either(rules, kind, editor)
    if kind == "date":
        out.update({"type": "string", "format": "date"} if editor else {"not": {"type": _JSON_TYPES}})
    elif kind is not None:
        out["type"] = _SIMPLE_TYPES[kind]
    elif not rules.get("nullable"):
        out["not"] = {"type": "null"}
    if "regex" in rules:
        out["pattern"] = _pattern(rules["regex"], editor)
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"])
    if "min" in rules:
        out["minimum"] = rules["min"]
    if "max" in rules:
        out["maximum"] = rules["max"]
    for rule, array, text in (("minlength", "minItems", "minLength"), ("maxlength", "maxItems", "maxLength")):
        if rule in rules:
            out[array if kind == "list" else text if kind == "string" else _unsupported(rule)] = rules[rule]
    if rules.get("empty") is False and kind == "string":
        out["minLength"] = max(out.get("minLength", 0), 1)
    elif rules.get("empty") is False:
        raise Unsupported("empty on a non-string")
    if "schema" in rules:
        inner = rules["schema"]
        if kind == "dict":
            out.update(_mapping(inner, editor))
        elif kind == "list":
            out["items"] = _field(inner, editor)
        else:
            raise Unsupported("schema without dict or list type")
    if "keysrules" in rules:
        out["propertyNames"] = _key(rules["keysrules"], editor)
    if "valuesrules" in rules:
        out["additionalProperties"] = _field(rules["valuesrules"], editor)
    if editor and "default" in rules and not isinstance(rules["default"], dict):
        out["default"] = rules["default"]
    return out


def _either(rules: dict, kinds: list, editor: bool) -> dict:
    """A field of several types (e.g. a text or a mapping of texts per language)."""
    if not set(kinds) <= {"string", "dict"} or set(rules) - {"type", "required", "empty", "keysrules", "valuesrules"}:
        raise Unsupported("a list of types beyond string and dict")
    out: dict = {"type": [_SIMPLE_TYPES[k] for k in kinds]}
    if rules.get("empty") is False:  # cerberus refuses an empty string and an empty mapping alike
        out.update(minLength=1, minProperties=1)
    if "keysrules" in rules:  # JSON Schema applies these to objects only, as cerberus applies them to mappings
        out["propertyNames"] = _key(rules["keysrules"], editor)
    if "valuesrules" in rules:
        out["additionalProperties"] = _field(rules["valuesrules"], editor)
    return out


def _key(rules: dict, editor: bool) -> dict:
    """A mapping's keys: strings as they are; integer keys (levels) as YAML writes them or as tagged."""
    if rules.get("type") != "integer":
        return _field(rules, editor)
    low, high = rules.get("min"), rules.get("max")
    if low is None or high is None or high - low > 100:
        raise Unsupported("integer keys without a small range")
    if editor:  # an editor sees YAML keys as strings
        return {"enum": [str(n) for n in range(low, high + 1)]}
    return {"type": "integer", "minimum": low, "maximum": high}


def _pattern(regex: str, editor: bool) -> str:
    # cerberus matches from the start and appends `$` unless the pattern ends with it
    full = regex if regex.endswith("$") else regex + "$"
    pattern = "^(?:" + full + ")"
    # JavaScript has no \Z; `(?![\s\S])` is the end of the text in JavaScript and Python alike (a
    # bare `$` would let Python-based editors' validators take a trailing newline).
    return pattern.replace("\\Z", "(?![\\s\\S])") if editor else pattern


def _unsupported(rule: str):
    raise Unsupported(rule)
