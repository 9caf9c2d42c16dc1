"""Value rules of catalog items: checking that a rule can be evaluated, and evaluating it."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from generator.core.model import ValueRule
from generator.library.units import COMPARISONS, PERIODS, compare, family

UNIT_WORDS = {None: "a plain number", "percent": "percent"}


def rule_from(data: Mapping[str, Any], line: int = 0) -> ValueRule:
    """The typed rule of a schema-valid `rules` entry."""
    return ValueRule(op=data["op"], value=data["value"], source=data["source"], basis=data["basis"],
                     parameter=data.get("parameter"), role=data.get("role"), unit=data.get("unit"),
                     min_level=dict(data.get("min_level") or {}), max_level=dict(data.get("max_level") or {}),
                     line=line)


def matches(rule: ValueRule, name: str, decl: Mapping[str, Any]) -> bool:
    """Whether the parameter `name` (declared as `decl`) is one the rule speaks of."""
    return name == rule.parameter if rule.parameter else decl.get("role") == rule.role


def meets(rule: ValueRule, decl: Mapping[str, Any], value: Any) -> bool:
    """Whether a resolved parameter value satisfies the rule (validation made sure it can be evaluated)."""
    if rule.op == "in":
        return value in rule.value
    if decl["type"] == "choice":
        count, unit = PERIODS[value]
        return compare(count, unit, rule.op, rule.value, rule.unit)
    return compare(value, decl.get("unit"), rule.op, rule.value, rule.unit)


def declaration_problem(rule: Mapping[str, Any], decl: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(key below the rule, problem, code) when the rule cannot be evaluated on this declaration."""
    op, value, unit, kind = rule["op"], rule["value"], rule.get("unit"), decl.get("type")
    if op == "in":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            return "value", f"`in` needs a list of choices, not {value!r}", "rule-value-type"
        if unit is not None:
            return "unit", "`in` compares choices, which have no unit", "rule-unit-incompatible"
        if kind == "choice":
            unknown = [v for v in value if v not in (decl.get("choices") or {})]
            if unknown:
                return "value", (f"{', '.join(unknown)} is not a choice of the parameter "
                                 f"(choices: {', '.join(decl['choices'])})"), "rule-value-type"
            return None
        if kind == "string":
            return None
        return "op", f"`in` applies to choice and string parameters, not {kind}; use a comparison", "rule-value-type"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "value", f"a comparison needs a number, not {type(value).__name__} ({value!r})", "rule-value-type"
    if kind == "string":
        return "op", "a string parameter cannot be compared; use `in`", "rule-not-evaluable"
    if kind == "choice":
        odd = [c for c in decl.get("choices") or {} if c not in PERIODS]
        if odd:
            return "op", (f"choice(s) {', '.join(odd)} have no period to compare; use `in` with the "
                          f"acceptable choices"), "rule-not-evaluable"
        have = "years"
    else:
        have = decl.get("unit")
    if family(have) != family(unit):
        return "unit", (f"{UNIT_WORDS.get(unit, unit)} does not convert to the parameter's unit "
                        f"({UNIT_WORDS.get(have, have)})"), "rule-unit-incompatible"
    return None


def rule_shape_problem(rule: Mapping[str, Any]) -> tuple[str, str] | None:
    """(key, problem) for a rule that names no parameter, or both a parameter and a role."""
    if ("parameter" in rule) == ("role" in rule):
        return "parameter", "a rule names exactly one of `parameter` or `role`"
    if rule["op"] not in (*COMPARISONS, "in"):
        return "op", f"unknown comparison {rule['op']!r}"
    return None


def declared(rule: Mapping[str, Any], declarations: Iterable[tuple[str, Mapping[str, Any]]]) -> list:
    """The (name, decl) pairs among `declarations` that the rule speaks of."""
    if "parameter" in rule:
        return [(n, d) for n, d in declarations if n == rule["parameter"]]
    return [(n, d) for n, d in declarations if d.get("role") == rule.get("role")]
