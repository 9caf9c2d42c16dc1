"""Cross-references: the draft's annexes, and `{{ ref.* }}` resolved to "bilaga 3" / "annex 3",
"punkt 16.1" / "section 16.1" and the name of the governing document. Validation has already refused
any reference that would not resolve (generator/library/references.py)."""

from __future__ import annotations

from generator.core.i18n import LABELS
from generator.core.legal import FRAME_TERMS, WORDS
from generator.core.model import AgreementSpec, Annex, Section, numbered

_GENERATED_TITLES = {"processing-instructions": "processing_annex", "followup-plan": "followup_plan",
                     "coverage-checklist": "coverage", "clause-register": "register"}
_REVIEW_ONLY = ("coverage-checklist", "clause-register")


def annexes(spec: AgreementSpec, has_processing: bool) -> tuple[Annex, ...]:
    """Every annex of the draft, numbered the same in both editions: the contract's annexes first
    (generated ones, the parties' attachments, review annexes the agreement asks for), then those
    only the review edition prints."""
    labels = LABELS[spec.language]
    asked = spec.frame.get("annexes") or []
    order: list[tuple[str, str, bool, bool]] = []  # (id, title, generated, review only)
    if has_processing:
        order.append(("processing-instructions", labels["processing_annex"], True, False))
    order.append(("followup-plan", labels["followup_plan"], True, False))
    order += [(a["id"], a["title"], False, False) for a in spec.frame.get("attachments") or [] if a.get("annex", True)]
    order += [(a, labels[_GENERATED_TITLES[a]], True, False) for a in _REVIEW_ONLY if a in asked]
    order += [(a, labels[_GENERATED_TITLES[a]], True, True) for a in _REVIEW_ONLY if a not in asked]
    return tuple(Annex(ident, n, title, generated, review) for n, (ident, title, generated, review)
                 in enumerate(order, 1))


def main_form(spec: AgreementSpec) -> str | None:
    """How clause text names the governing document: "Huvudavtalet" / "the Standard Terms"; None without one."""
    for key in ("main_agreement", "supplier_terms"):
        if key in spec.frame:
            return FRAME_TERMS[spec.language][key][1]
    return None


def reference_values(spec: AgreementSpec, annex_list: tuple[Annex, ...], sections: tuple[Section, ...]
                     ) -> dict[str, str]:
    """Every reference the draft can resolve, by its placeholder name."""
    words = WORDS[spec.language]
    values = {f"ref.annex.{a.id}": words["annex_ref"].format(n=a.number) for a in annex_list if not a.review_only}
    values.update({f"ref.clause.{c.id}": words["clause_ref"].format(n=n) for n, c in numbered(sections)})
    if (main := main_form(spec)) is not None:
        values["ref.main"] = main
    return values
