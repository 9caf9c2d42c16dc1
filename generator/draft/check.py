"""The whole library's diagnostics, including agreements that validate but cannot be assembled."""

from __future__ import annotations

from pathlib import Path

from generator.core.errors import Diagnostic, KlausulError
from generator.draft.assemble import assemble
from generator.library.open import load_checked_sources, typed


def diagnose(root: Path) -> list[Diagnostic]:
    """Every problem of the library under root, errors and warnings, including agreements that
    are valid on their own but cannot be assembled (e.g. a selected clause lacks their language)."""
    sources, problems = load_checked_sources(root)
    if any(d.severity == "error" for d in problems):
        return problems
    library = typed(root, sources)
    lines = {s.path: s.line(("language",)) for s in sources if s.kind == "agreement"}
    for spec in library.agreements.values():
        try:
            assemble(library, spec.id)
        except KlausulError as exc:
            if exc.diagnostics:  # problems the assembler could place (references that point nowhere)
                problems += [d for d in exc.diagnostics if d not in problems]
            else:
                problems.append(Diagnostic(spec.path, lines[spec.path], "", str(exc), "cannot-assemble"))
    return problems
