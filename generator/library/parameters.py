"""Typed clause parameters: checking a value against its declaration, and choosing the value per service."""

from __future__ import annotations

import re
from typing import Any, Mapping

from generator.core.i18n import format_quantity

ASPECTS = ("confidentiality", "integrity", "availability")


def value_problem(decl: Mapping[str, Any], value: Any) -> str | None:
    """Why `value` does not fit the parameter declaration `decl`, or None when it fits."""
    kind = decl.get("type")
    if kind == "choice":
        choices = decl.get("choices") or {}
        if value not in choices:
            return f"{value!r} is not one of the choices: {', '.join(choices)}"
        return None
    if kind == "string":
        if not isinstance(value, str) or not value.strip():
            return f"{value!r} must be a non-empty string"
        # A value that looks like a placeholder would read as an unresolved one in the contract.
        return "a value may not contain '{{', '{%' or '{#'" if re.search(r"\{[{%#]", value) else None
    numeric = (int,) if kind == "integer" else (int, float)
    if isinstance(value, bool) or not isinstance(value, numeric):
        return f"{value!r} must be {'an integer' if kind == 'integer' else 'a number'}"
    if decl.get("min") is not None and value < decl["min"]:
        return f"{value} is below the minimum {decl['min']}"
    if decl.get("max") is not None and value > decl["max"]:
        return f"{value} is above the maximum {decl['max']}"
    return None


def declaration_problems(decl: Mapping[str, Any]) -> list[tuple[tuple, str]]:
    """Inconsistencies inside one declaration, as (key path below it, problem)."""
    problems = []
    kind = decl.get("type")
    if kind == "choice" and not decl.get("choices"):
        problems.append((("type",), "a choice parameter needs `choices`"))
    if kind != "choice" and "choices" in decl:
        problems.append((("choices",), f"`choices` only belongs to choice parameters, not {kind}"))
    if kind in ("string", "choice"):
        problems += [((k,), f"`{k}` only belongs to integer and number parameters") for k in ("unit", "min", "max") if k in decl]
    if ("levels" in decl) != ("level_from" in decl):
        problems.append((("levels",) if "levels" in decl else ("level_from",), "`levels` and `level_from` go together"))
    if decl.get("min") is not None and decl.get("max") is not None and decl["min"] > decl["max"]:
        problems.append((("min",), "min is greater than max"))
    return problems


def classification_level(level_from: str, classification: Mapping[str, int]) -> int:
    """The level that drives a parameter: one aspect, or the highest of the three."""
    if level_from == "max":
        return max(classification[a] for a in ASPECTS)
    return classification[level_from]


def selects(rules: Mapping[str, Any], service) -> bool:
    """Whether `applies_to`-style rules (service types, delivery models, level bounds, personal data) take
    in the service."""
    if "service_types" in rules and service.type not in rules["service_types"]:
        return False
    if "delivery" in rules and service.delivery not in rules["delivery"]:
        return False
    levels = service.classification
    if any(classification_level(a, levels) < n for a, n in (rules.get("min_level") or {}).items()):
        return False
    if any(classification_level(a, levels) > n for a, n in (rules.get("max_level") or {}).items()):
        return False
    return rules.get("personal_data") in (None, service.personal_data)


def value_for_service(decl: Mapping[str, Any], name: str, classification: Mapping[str, int],
                      service_overrides: Mapping[str, Any], agreement_overrides: Mapping[str, Any]) -> Any:
    """Resolve in order default < classification level < service override < agreement override."""
    return value_source(decl, name, classification, service_overrides, agreement_overrides)[0]


def value_source(decl: Mapping[str, Any], name: str, classification: Mapping[str, int],
                 service_overrides: Mapping[str, Any], agreement_overrides: Mapping[str, Any]) -> tuple[Any, str]:
    """The value and where it comes from: 'agreement', 'service', 'level N' or 'default'."""
    if name in agreement_overrides:
        return agreement_overrides[name], "agreement"
    if name in service_overrides:
        return service_overrides[name], "service"
    levels = decl.get("levels") or {}
    if levels:
        level = classification_level(decl["level_from"], classification)
        # A level the clause does not list takes the nearest lower one that it does.
        known = [lvl for lvl in levels if lvl <= level]
        if known:
            return levels[max(known)], f"level {max(known)}"
    return decl["default"], "default"


def resolve_value(decl: Mapping[str, Any], name: str, classification: Mapping[str, int],
                  service_overrides: Mapping[str, Any], agreement_overrides: Mapping[str, Any]
                  ) -> tuple[Any, str, Any]:
    """(value, where it came from, what the classification alone gives).

    Where: `agreement` or `service` (an override), `classification` (the clause's value for the
    service's level) or `default` (the clause's default, when no level applies).
    """
    value, where = value_source(decl, name, classification, service_overrides, agreement_overrides)
    baseline, base_where = value_source(decl, name, classification, {}, {})
    origin = where if where in ("agreement", "service") else base_where
    return value, ("classification" if origin.startswith("level") else origin), baseline


def format_value(decl: Mapping[str, Any], value: Any, lang: str) -> str:
    """The value as it reads in a sentence of the agreement's language."""
    if decl["type"] == "choice":
        return decl["choices"][value][lang]
    if decl["type"] == "string":
        return value
    return format_quantity(value, decl.get("unit"), lang)
