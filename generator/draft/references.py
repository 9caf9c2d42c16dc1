"""Cross-references that cannot dangle: the draft's annexes, and `{{ ref.* }}` resolved to
"bilaga 3" / "annex 3", "punkt 16.1" / "section 16.1" and the name of the governing document."""

from __future__ import annotations

from generator.core.errors import Diagnostic
from generator.core.i18n import LABELS
from generator.core.legal import FRAME_TERMS, WORDS
from generator.core.model import AgreementSpec, Annex, Clause, DraftClause, Library, Section, numbered

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


def reference_problems(library: Library, spec: AgreementSpec, drafted: tuple[DraftClause, ...],
                       values: dict[str, str]) -> list[Diagnostic]:
    """Each reference of a drafted clause that this draft cannot resolve, at the line to fix."""
    problems = []
    excluded = {e.clause: i for i, e in enumerate(spec.exclude) if e.clause}
    for drafted_clause in drafted:
        clause: Clause = library.clauses[drafted_clause.id]
        for name, lang, line in clause.references:
            if name in values:
                continue
            key = f"text.{lang}"
            if name == "ref.main":
                problems.append(Diagnostic(spec.path, spec.line, "main_agreement", f"clause '{clause.id}' "
                                f"({clause.path}:{line}) refers to the main agreement; name it "
                                "(`main_agreement: {title, date, reference}`) or the supplier's standard terms "
                                "(`supplier_terms: {title, version}`)", "main-agreement-missing"))
            elif name.startswith("ref.clause."):
                target = name.split(".", 2)[2]
                if target in excluded:
                    i = excluded[target]
                    problems.append(Diagnostic(spec.path, spec.line_of(f"exclude[{i}].clause"), f"exclude[{i}].clause",
                                               f"clause '{target}' is excluded, but clause '{clause.id}' "
                                               f"({clause.path}:{line}) refers to it", "reference-excluded"))
                else:
                    problems.append(Diagnostic(clause.path, line, key, f"'{{{{ {name} }}}}': clause '{target}' is "
                                               f"not in agreement '{spec.id}' (it does not apply to its services)",
                                               "reference-not-in-draft"))
            else:
                target = name.split(".", 2)[2]
                problems.append(Diagnostic(clause.path, line, key, f"'{{{{ {name} }}}}': agreement '{spec.id}' "
                                           f"({spec.path}) has no annex '{target}'; list it under `attachments` "
                                           "with its title", "reference-missing-annex"))
    return problems
