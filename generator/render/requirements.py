"""Requirement-list writers for procurement: CSV, an Excel workbook (openpyxl) and a Word document."""

from __future__ import annotations

import csv
import hashlib
import io

from generator.core.i18n import LABELS, join_words
from generator.core.model import Draft
from generator.draft.requirements import Requirement, obligation_counts, obligation_label, requirements
from generator.render.fit import CELL_PADDING, fit_widths

_COLUMNS = ("req_no", "category", "title", "requirement", "obligation", "verification", "followup", "covers",
            "clause")
_WIDTHS = (7, 22, 28, 80, 14, 45, 40, 28, 30)  # characters, for the spreadsheet


def _cells(r: Requirement, lang: str) -> list[str]:
    return [r.number, r.category, r.title, r.text, obligation_label(r.obligation, lang), r.verification,
            r.followup, "\n".join(r.covers), r.clause]


def fingerprint(draft: Draft) -> str:
    """A short hash of the clause versions the draft was built from: equal lists, equal libraries."""
    lines = "".join(f"{c.id}@{c.version}:{c.content_hash}\n" for c in draft.clauses)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:12]


def render_requirements_csv(draft: Draft) -> str:
    """One row per requirement, headed in the agreement's language."""
    labels = LABELS[draft.language]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([labels[k] for k in _COLUMNS])
    writer.writerows(_cells(r, draft.language) for r in requirements(draft))
    return out.getvalue()


def overview(draft: Draft, rows: list[Requirement]) -> list[tuple[str, str]]:
    """The cover facts: agreement, parties, services, counts and the library version."""
    labels = LABELS[draft.language]
    counts = obligation_counts(rows)
    return [
        (labels["agreement_id"], draft.id), (labels["version"], draft.version), (labels["date"], draft.date),
        (labels["status"], labels[draft.status]),
        *[(labels[p.role], f"{p.name} ({p.org_number})") for p in draft.parties],
        (labels["services"], join_words([s.name for s in draft.services], draft.language)),
        (labels["count_requirements"], str(len(rows))),
        (labels["obligation_shall"], str(counts["shall"])), (labels["obligation_should"], str(counts["should"])),
        (labels["library_fingerprint"], fingerprint(draft)),
        (labels["generator"], f"Klausul {draft.generator_version}"),
    ]


def render_requirements_xlsx(draft: Draft) -> bytes:
    """A workbook made for people: an overview sheet and a filterable, frozen requirement sheet."""
    from generator.render.xlsx import workbook_bytes

    labels = LABELS[draft.language]
    rows = requirements(draft)
    return workbook_bytes(
        draft, overview_title=labels["overview"], overview=overview(draft, rows),
        sheet_title=labels["requirements"], header=[labels[k] for k in _COLUMNS],
        rows=[_cells(r, draft.language) for r in rows], widths=_WIDTHS)


def render_requirements_docx(draft: Draft, template: bytes | None = None, template_name: str = "") -> bytes:
    """The requirement list as a Word document on the agreement's template."""
    from generator.render.docx import render_docx

    return render_docx(draft, template, template_name or "default template", make_body=_docx_body,
                       subtitle=LABELS[draft.language]["requirements"])


def _docx_body(draft: Draft, numbering) -> str:
    from generator.render import wordml as w

    labels = LABELS[draft.language]
    rows = requirements(draft)
    counts = obligation_counts(rows)
    intro = (f"{labels['requirements_intro']} {labels['count_requirements']}: {len(rows)} "
             f"({labels['obligation_shall']} {counts['shall']}, {labels['obligation_should']} {counts['should']}).")
    # Headings without numbers (numId 0): the numbers that count here are the requirements' own.
    out = [w.paragraph(w.run(labels["requirements"]), "Heading1", num=(0, 0)), w.paragraph(w.run(intro))]
    header = [w.cell_text(labels[k], bold=True) for k in ("req_no", "requirement", "obligation", "verification")]
    by_number = dict(draft.numbered_clauses())
    # One set of column widths for every section, fitted to the plain text; the clause text's own
    # tables are then fitted inside the requirement column.
    widths = fit_widths([header] + [[w.cell_text(r.number), w.cell_text(f"{r.title} {r.text}"),
                                     w.cell_text(obligation_label(r.obligation, draft.language)),
                                     w.cell_text(r.verification)] for r in rows], w.TEXT_WIDTH)
    for section in draft.sections:
        members = [r for r in rows if by_number[r.number] in section.clauses]
        out.append(w.paragraph(w.run(section.title), "Heading2", num=(0, 1), keep_next=True))
        out.append(w.table(header, [[
            w.cell_text(r.number),
            w.paragraph(w.run(r.title, bold=True), "TableText", keep_next=True)
            + w.blocks(by_number[r.number].blocks, numbering, width=widths[1] - CELL_PADDING),
            w.cell_text(obligation_label(r.obligation, draft.language)),
            w.cell_text(r.verification),
        ] for r in members], widths, whole_rows=False))
    return "".join(out)
