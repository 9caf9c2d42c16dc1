"""Checks for clause fallbacks (approved alternative wordings) and for outcomes an agreement accepts."""

from __future__ import annotations

from typing import Any, Mapping

from generator.core.placeholders import scan
from generator.library.load import Source
from generator.library.parameters import value_problem

Problem = tuple[tuple, str, str, int | None]  # (key path, message, code, line or None)


def bounded(decl: Mapping[str, Any], bounds: Mapping[str, Any] | None) -> dict[str, Any]:
    """A parameter declaration with a fallback's own min / max in place of the clause's."""
    return {**decl, **(bounds or {})}


def fallback_problems(source: Source) -> list[Problem]:
    """Each fallback checked like the main text: translations, placeholders, parameters, bounds."""
    data = source.data
    languages, params = data["languages"], data.get("parameters") or {}
    out: list[Problem] = []
    for i, fallback in enumerate(data.get("fallbacks") or []):
        base = ("fallbacks", i)
        for key in ("label", "text"):
            out += [(base + (key,), f"missing the '{lang}' translation that `languages` declares",
                     "missing-translation", None) for lang in languages if lang not in fallback[key]]
            out += [(base + (key, lang), f"'{lang}' text but `languages` does not declare {lang}",
                     "undeclared-language", None) for lang in fallback[key] if lang not in languages]
        used = {}
        for lang, text in fallback["text"].items():
            path = base + ("text", lang)
            names, refused = scan(text)
            out += [(path, f"only plain {{{{ name }}}} placeholders are allowed, found '{snippet}'", "template-syntax",
                     source.text_line(path, offset)) for snippet, offset in refused]
            out += [(path, f"placeholder '{{{{ {name} }}}}' is not a declared parameter", "placeholder-undeclared",
                     source.text_line(path, offset)) for name, offset in names if name not in params]
            used[lang] = {name for name, _ in names if name in params}
        every = set().union(*used.values()) if used else set()
        for lang, names in used.items():
            out += [(base + ("text", lang), f"parameter '{name}' is used in another language of this fallback but "
                     f"not in {lang}", "parameter-unused", None) for name in sorted(every - names)]
        for name, bounds in (fallback.get("parameters") or {}).items():
            path = base + ("parameters", name)
            decl = params.get(name)
            if decl is None:
                out.append((path, f"'{name}' is not a parameter of this clause", "unknown-reference", None))
            elif decl["type"] not in ("integer", "number"):
                out.append((path, f"bounds only belong to integer and number parameters, not {decl['type']}",
                            "parameter-declaration", None))
            elif bounds.get("min") is not None and bounds.get("max") is not None and bounds["min"] > bounds["max"]:
                out.append((path + ("min",), "min is greater than max", "parameter-declaration", None))
    return out


def acceptance_problems(source: Source, clauses: Mapping[str, Source]) -> list[Problem]:
    """Each accepted outcome names a clause, an existing fallback or a declared parameter, and a value in bounds.

    Free text and values outside the bounds cannot be accepted here: they change the library.
    """
    data = source.data
    out: list[Problem] = []
    chosen: dict[str, int] = {}
    for i, entry in enumerate(data.get("accept") or []):
        base = ("accept", i)
        clause = clauses.get(entry["clause"])
        if clause is None:
            out.append((base + ("clause",), f"unknown clause '{entry['clause']}'", "unknown-reference", None))
            continue
        fallbacks = clause.data.get("fallbacks") or []
        if "fallback" not in entry and "parameter" not in entry:
            out.append((base, "an accepted outcome names a `fallback` number, or a `parameter` with its `value`",
                        "accept-incomplete", None))
        if ("parameter" in entry) != ("value" in entry):
            out.append((base, "`parameter` and `value` go together", "accept-incomplete", None))
        fallback = None
        if "fallback" in entry:
            number = entry["fallback"]
            if number > len(fallbacks):
                out.append((base + ("fallback",), f"clause '{clause.data['id']}' has {len(fallbacks)} fallback(s), "
                            f"not {number} ({clause.path})", "unknown-reference", None))
            else:
                fallback = fallbacks[number - 1]
            if chosen.setdefault(entry["clause"], number) != number:
                out.append((base + ("fallback",), f"clause '{entry['clause']}' already accepts fallback "
                            f"{chosen[entry['clause']]}", "accept-conflict", None))
        if "parameter" in entry and "value" in entry:
            out += _value_problems(source, base, entry, clause, fallback, chosen)
        if "service" in entry and entry["service"] not in data["services"]:
            out.append((base + ("service",), f"service '{entry['service']}' is not one of the agreement's services",
                        "unknown-reference", None))
    return out


def _value_problems(source: Source, base: tuple, entry: dict, clause: Source, fallback: dict | None,
                    chosen: dict[str, int]) -> list[Problem]:
    name = entry["parameter"]
    decl = (clause.data.get("parameters") or {}).get(name)
    if decl is None:
        return [(base + ("parameter",), f"clause '{clause.data['id']}' has no parameter '{name}' ({clause.path})",
                 "unknown-reference", None)]
    if fallback is None and entry["clause"] in chosen:  # a value accepted beside the clause's fallback
        fallbacks = clause.data.get("fallbacks") or []
        fallback = fallbacks[chosen[entry["clause"]] - 1] if chosen[entry["clause"]] <= len(fallbacks) else None
    limits = (fallback or {}).get("parameters", {}).get(name)
    problem = value_problem(bounded(decl, limits), entry["value"])
    if problem:
        return [(base + ("value",), f"{problem}: a value outside the approved bounds cannot be accepted in the "
                 f"agreement; change the clause ({clause.path}) in a reviewed commit", "value-out-of-bounds", None)]
    return []
