"""A report handled in a forum must be due when the forum meets: checked per agreement, where values are known."""

from __future__ import annotations

from generator.core.errors import Diagnostic
from generator.core.i18n import FORUMS, FREQUENCIES, pick
from generator.core.model import Draft, Library
from generator.library.followup_rules import MONTHS
from generator.library.parameters import value_for_service


def forum_problems(library: Library, draft: Draft) -> list[Diagnostic]:
    """Reports, follow-ups and Customer duties due more often than their forum meets in this agreement.

    A forum's interval comes from the clause parameter marked `meets`; a forum no clause of the
    draft gives an interval is not checked.
    """
    spec = library.agreements[draft.id]
    meets: dict[str, tuple[int, str]] = {}  # forum → (months between meetings, "clause: parameter")
    due: list[tuple[object, str, tuple, str, str]] = []  # (clause, forum, key path, frequency, what)
    for drafted in draft.clauses:
        clause = library.clauses[drafted.id]
        services = [library.services[s] for s in drafted.services]
        for name, decl in clause.parameters.items():
            if not ("meets" in decl or "handled_in" in decl):
                continue
            keys = {value_for_service(decl, name, s.classification, s.parameters, spec.parameters) for s in services}
            if "meets" in decl:
                months = min(MONTHS[k] for k in keys)
                if decl["meets"] not in meets or months < meets[decl["meets"]][0]:
                    meets[decl["meets"]] = (months, f"{clause.id}: {name}")
            else:
                due += [(clause, decl["handled_in"], ("parameters", name, "handled_in"), k, f"parameter '{name}'")
                        for k in sorted(keys)]
        followup = clause.followup or {}
        if followup.get("forum"):
            due.append((clause, followup["forum"], ("followup", "frequency"), followup["frequency"], "the follow-up"))
        due += [(clause, d["forum"], ("customer_duties", i, "frequency"), d["frequency"], "the Customer's duty")
                for i, d in enumerate(clause.customer_duties) if d.get("forum")]
    problems = []
    for clause, forum, key, every, what in due:
        if forum not in meets or every not in MONTHS or MONTHS[every] % meets[forum][0] == 0:
            continue
        months, source = meets[forum]
        interval = next(k for k, m in MONTHS.items() if m == months)
        problems.append(Diagnostic(clause.path, clause.line(key), ".".join(map(str, key)),
                        f"{what} is due {pick(FREQUENCIES[every], 'en')} in the {pick(FORUMS[forum], 'en')}, which "
                        f"meets {pick(FREQUENCIES[interval], 'en')} in agreement '{draft.id}' ({source}); make it due "
                        f"when the forum meets, or send it to a named recipient (followup.recipient)",
                        "forum-frequency"))
    return problems
