"""The whole library's diagnostics, including agreements that validate but cannot be assembled."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from generator.core.errors import Diagnostic, KlausulError
from generator.draft.assemble import assemble
from generator.core.model import AgreementSpec, Draft, Library
from generator.library.open import check_root, load_checked_sources, typed


def diagnose(root: Path) -> list[Diagnostic]:
    """Every problem of the library under root, errors and warnings, including agreements that
    are valid on their own but cannot be assembled (e.g. a selected clause lacks their language);
    reused from the cache while no library file changes."""
    from generator.library.cache import remembered

    # an agreement without a date is assembled with today's date, or SOURCE_DATE_EPOCH's
    when = f"diagnose {dt.date.today().isoformat()} {os.environ.get('SOURCE_DATE_EPOCH', '')}"
    return remembered(check_root(root), when, lambda: _diagnose(root))


def _diagnose(root: Path) -> list[Diagnostic]:
    sources, problems = load_checked_sources(root)
    if any(d.severity == "error" for d in problems):
        return problems
    library = typed(root, sources)
    lines = {s.path: s.line(("language",)) for s in sources if s.kind == "agreement"}
    for spec in library.agreements.values():
        try:
            problems += _missing_categories(library, spec, assemble(library, spec.id))
        except KlausulError as exc:  # the error's own diagnostic where it points into this agreement,
            # or into a clause whose follow-up does not fit this agreement's forums
            own = [d for d in exc.diagnostics if d.path == spec.path or d.code == "forum-frequency"]
            problems += own or [Diagnostic(spec.path, lines[spec.path], "", str(exc), "cannot-assemble")]
    return problems


def _missing_categories(library: Library, spec: AgreementSpec, draft: Draft) -> list[Diagnostic]:
    """A warning for each item of a baseline catalog that the draft leaves open although library clauses
    cover it: the categories it needs have no clause in this draft (a service type, a level or an
    exclusion left them out)."""
    found = []
    for catalog in draft.coverage:
        if not library.catalogs[catalog.id].baseline:
            continue
        for item in catalog.items:
            ref = f"{catalog.id}:{item.id}"
            if item.status != "gap":
                continue
            able = sorted((c for c in library.clauses.values() if ref in c.covers and c.status == "approved"),
                          key=lambda c: c.id)
            if able:
                categories = sorted({c.category for c in able})
                found.append(Diagnostic(spec.path, spec.catalogs_line, "catalogs", f"{ref} ({item.title}) is a gap: "
                                        f"no clause of {', '.join(categories)} applies to this agreement's services, "
                                        f"though {', '.join(c.id for c in able[:3])} would cover it; include one or "
                                        f"exclude the item with a reason", "category-missing", "warning"))
    return found
