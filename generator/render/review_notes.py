"""The review edition's notes under a clause: each value in it set away from the classification."""

from __future__ import annotations

from generator.core.legal import WORDS
from generator.core.model import Draft, DraftClause


def override_notes(draft: Draft, clause: DraftClause) -> list[str]:
    """One line per parameter and service of this clause whose value an override sets (draft.overrides)."""
    if not draft.overrides:  # most drafts: no per-clause work at all (it grew with clauses × services)
        return []
    names = {s.id: s.name for s in draft.services}
    served = {names[s] for s in clause.services}
    words = WORDS[draft.language]
    return [words["override"].format(label=o.label, value=o.value, services=o.service, base=o.baseline)
            for o in draft.overrides if o.parameter in clause.values and o.service in served]
