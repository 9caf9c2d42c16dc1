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
        except KlausulError as exc:  # the error's own diagnostic where it points into this agreement
            own = [d for d in exc.diagnostics if d.path == spec.path]
            problems += own or [Diagnostic(spec.path, lines[spec.path], "", str(exc), "cannot-assemble")]
    return problems
