"""Checks that a library has substance where it looks complete: service types that select clauses,
and files that sit where their ids and categories say."""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath

from generator.core.errors import Diagnostic
from generator.library.load import Source


def hollow_problems(by_kind: dict[str, dict[str, Source]], declared_types=()) -> list[Diagnostic]:
    """Warnings for service types no clause names (nor klausul.yaml declares) and for misplaced files."""
    problems = _service_types(by_kind, set(declared_types))
    for sources in by_kind.values():
        for source in sources.values():
            problems += _placement(source)
    return problems


def _service_types(by_kind: dict[str, dict[str, Source]], declared: set[str]) -> list[Diagnostic]:
    named = {t for c in by_kind["clause"].values() for t in (c.data.get("applies_to") or {}).get("service_types") or ()}
    if not named:  # no clause chooses by type: every type gets every clause, nothing to warn about
        return []
    named |= declared
    problems = []
    for service in by_kind["service"].values():
        stype = service.data["type"]
        if stype not in named:
            close = difflib.get_close_matches(stype, sorted(named), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f" (types clauses name: {', '.join(sorted(named))})"
            problems.append(Diagnostic(service.path, service.line(("type",)), "type",
                                       f"no clause names the service type '{stype}', so only clauses for every "
                                       f"service apply to it{hint}", "unnamed-service-type", "warning"))
    return problems


def _placement(source: Source) -> list[Diagnostic]:
    path = PurePosixPath(source.path.split("::")[-1])
    ident = source.data.get("id")
    problems = []
    if isinstance(ident, str) and path.stem != ident:
        problems.append(Diagnostic(source.path, source.line(("id",)), "id", f"the file is named '{path.name}' "
                                   f"but holds id '{ident}'; name it {ident}{path.suffix}", "file-name-id", "warning"))
    category = source.data.get("category")
    if source.kind == "clause" and len(path.parts) > 2 and path.parts[1] != category:
        problems.append(Diagnostic(source.path, source.line(("category",)), "category", f"the clause lies in "
                                   f"clauses/{path.parts[1]}/ but its category is '{category}'; move it to "
                                   f"clauses/{category}/", "folder-category", "warning"))
    return problems
