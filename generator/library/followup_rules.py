"""Checks of one clause's follow-up declarations: KPI targets, forum frequencies, the Customer's duties."""

from __future__ import annotations

from typing import Any

from generator.library.parameters import declaration_problems

# Months between occurrences of each frequency key; a forum's meetings and its reports are compared in these.
MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12, "every-2-years": 24}


def followup_problems(data: dict[str, Any]) -> list[tuple[tuple, str, str]]:
    """(key path, problem, code) for a clause's follow-up declarations."""
    problems = []
    params = data.get("parameters") or {}
    target = (data.get("followup") or {}).get("target")
    if target is not None:
        base = ("followup", "target")
        if "parameter" not in target and "value" not in target:
            problems.append((base, "a target needs a `value` or the `parameter` that holds it", "parameter-declaration"))
        if "parameter" in target and target["parameter"] not in params:
            problems.append((base + ("parameter",), f"'{target['parameter']}' is not a parameter of this clause",
                             "unknown-reference"))
        decl = {"type": "number", **{k: v for k, v in target.items() if k in ("levels", "level_from")}}
        problems += [(base + path, problem, "parameter-declaration") for path, problem in declaration_problems(decl)]
    for name, decl in params.items():
        for key in ("meets", "handled_in"):
            if key in decl and not (decl["type"] == "choice" and set(decl.get("choices") or {}) <= set(MONTHS)):
                problems.append((("parameters", name, key), f"`{key}` needs a choice of frequencies "
                                 f"({', '.join(MONTHS)})", "parameter-declaration"))
    return problems
