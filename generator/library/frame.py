"""The contract frame of an agreement file: what the parties' clause, the precedence clause and the
term clause need, checked before anything is assembled."""

from __future__ import annotations

from generator.core.errors import Diagnostic
from generator.library.load import Source

# Annexes the assembler makes itself; an agreement's attachments may not take their ids.
GENERATED_ANNEXES = ("processing-instructions", "followup-plan", "coverage-checklist", "clause-register")
FRAME_KEYS = ("main_agreement", "supplier_terms", "term", "precedence")
# Documents a precedence list may name besides the annexes: this agreement and its governing document.
OWN_DOCUMENTS = {"this": None, "main-agreement": "main_agreement", "supplier-terms": "supplier_terms"}


def frame_problems(source: Source) -> list[Diagnostic]:
    """Problems of one agreement's frame; none when the agreement states no frame at all."""
    from generator.library.validate import key_path

    data = source.data
    problems: list[Diagnostic] = []

    def add(path: tuple, message: str, code: str, line: int | None = None) -> None:
        problems.append(Diagnostic(source.path, line or source.line(path), key_path(path), message, code))

    attachments = data.get("attachments") or []
    known = {a: i for i, a in enumerate(GENERATED_ANNEXES)}
    for i, attachment in enumerate(attachments):
        if attachment["id"] in known:
            add(("attachments", i, "id"), f"'{attachment['id']}' is already the id of "
                + ("a generated annex" if attachment["id"] in GENERATED_ANNEXES else "another attachment"),
                "duplicate-id")
        known[attachment["id"]] = i
    if not any(k in data for k in FRAME_KEYS):
        return problems
    if "main_agreement" not in data and "supplier_terms" not in data:
        add(("precedence",) if "precedence" in data else (), "the contract frame needs the main agreement "
            "(`main_agreement: {title, date, reference}`) or the supplier's standard terms this agreement "
            "supplements (`supplier_terms: {title, version}`)", "main-agreement-missing",
            line=source.line(("precedence",)) if "precedence" in data else None)
    for key in ("term", "precedence"):
        if key not in data:
            add((), f"the contract frame needs `{key}`", "frame-incomplete")
    seen: set[str] = set()
    for i, ident in enumerate(data.get("precedence") or []):
        path = ("precedence", i)
        if ident in seen:
            add(path, f"'{ident}' is listed twice", "duplicate-id")
        seen.add(ident)
        if ident in OWN_DOCUMENTS:
            needed = OWN_DOCUMENTS[ident]
            if needed and needed not in data:
                add(path, f"'{ident}' is listed, but the agreement has no `{needed}` that says which document "
                    "it is", "main-agreement-missing")
        elif ident not in known:
            add(path, f"unknown contract document '{ident}'; name this, main-agreement, supplier-terms, a "
                "generated annex or an id under `attachments`", "unknown-reference")
    return problems
