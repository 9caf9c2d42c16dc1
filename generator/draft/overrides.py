"""Values an agreement or a service file sets away from what the classification gives, for disclosure."""

from __future__ import annotations

from generator.core.model import AgreementSpec, Clause, DraftClause, Override, Service
from generator.library.parameters import format_value, resolve_value


def overrides(clauses: tuple[DraftClause, ...], spec: AgreementSpec, services: list[Service],
              library_clauses: dict[str, Clause]) -> tuple[Override, ...]:
    """One entry per parameter and service whose value differs from its classification value, in draft order."""
    lang = spec.language
    found: dict[tuple[str, str], Override] = {}
    by_id = {s.id: s for s in services}
    for draft_clause in clauses:
        clause = library_clauses[draft_clause.id]
        for name, decl in clause.parameters.items():
            for sid in draft_clause.services:
                service = by_id[sid]
                value, origin, baseline = resolve_value(decl, name, service.classification, service.parameters,
                                                        spec.parameters)
                if origin in ("service", "agreement") and value != baseline and (name, sid) not in found:
                    found[(name, sid)] = Override(draft_clause.id, name, decl["label"][lang], service.name[lang],
                                                  format_value(decl, value, lang), format_value(decl, baseline, lang),
                                                  origin)
    return tuple(found.values())
