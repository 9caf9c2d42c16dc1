"""Requirement-list writers for procurement: CSV, a bidder's Excel workbook (openpyxl) and a Word document.

All three list the same requirement units with the same numbers (generator.draft.requirements).
"""

from __future__ import annotations

import hashlib
import io

from generator.core.i18n import LABELS
from generator.core.model import FIRST_CLAUSE_SECTION, Draft
from generator.core.rowfit import EVIDENCE_WIDTH, MAX_LINES, TEXT_WIDTH, TITLE_WIDTH, VERIFIED_WIDTH, too_tall
from generator.core.errors import BuildError
from generator.core.tender_i18n import ANSWERS, TENDER
from generator.draft.requirements import Requirement, obligation_counts, obligation_label, requirements
from generator.render.csvsafe import safe_writer

_CSV_COLUMNS = ("req_no", "category", "title", "requirement", "obligation", "tender_evidence", "verification",
                "followup", "covers", "clause")

# The bidder's workbook: (label key, width in characters). Columns 1-7 are the requirement (locked),
# 8-10 the bidder's answer (unlocked), 11 the hidden identity that `import answers` matches rows by.
WORKBOOK_COLUMNS = (("req_no", 8), ("heading", TITLE_WIDTH), ("requirement", TEXT_WIDTH), ("ska_bor", 9),
                    ("applies_to", 16), ("tender_evidence", EVIDENCE_WIDTH), ("verified", VERIFIED_WIDTH),
                    ("answer", 13), ("description", 40), ("evidence_ref", 20), ("internal_id", 40))
LOCKED = tuple(range(1, 8))
ANSWER, DESCRIPTION, EVIDENCE, IDENTITY = 8, 9, 10, 11


def fingerprint(draft: Draft) -> str:
    """A short hash of the clause versions the draft was built from: equal lists, equal libraries."""
    lines = "".join(f"{c.id}@{c.version}:{c.content_hash}\n" for c in draft.clauses)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:12]


def identity(draft: Draft, r: Requirement) -> str:
    """The hidden cell that ties a returned row to its agreement, library version and requirement unit,
    and a hash of the unit's locked cells as exported, so that a change to the agreement since the
    export (a value, a service, the language) is told apart from a bidder's edit."""
    return f"{draft.id}|{fingerprint(draft)}|{r.key}|{unit_hash(draft, r)}"


def unit_hash(draft: Draft, r: Requirement) -> str:
    """A short hash of the unit's locked cells."""
    return hashlib.sha256("\x1f".join(locked_cells(draft, r)).encode("utf-8")).hexdigest()[:12]


def column_label(key: str, lang: str) -> str:
    """A workbook column's heading."""
    return LABELS[lang][key] if key in ("req_no", "requirement") else TENDER[lang][key]


def locked_cells(draft: Draft, r: Requirement) -> list[str]:
    """The requirement's locked cells (columns 1-7) as the workbook writes them."""
    tender = TENDER[draft.language]
    return [r.number, r.title, r.text, tender[f"obligation_short_{r.obligation}"],
            r.applies_to or tender["all_services"], r.tender_evidence, r.verified]


def render_requirements_csv(draft: Draft) -> str:
    """One row per requirement unit, headed in the agreement's language."""
    lang = draft.language
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow([column_label(k, lang) if k == "tender_evidence" else LABELS[lang][k] for k in _CSV_COLUMNS])
    writer.writerows([r.number, r.category, r.title, r.text, obligation_label(r.obligation, lang), r.tender_evidence,
                      r.verification, r.followup, "\n".join(r.covers), r.key]
                     for r in requirements(draft))
    return out.getvalue()


def overview_facts(draft: Draft, rows: list[Requirement]) -> list[tuple[str, str]]:
    """The cover facts: agreement, parties, counts and the library version."""
    labels, tender = LABELS[draft.language], TENDER[draft.language]
    counts = obligation_counts(rows)
    return [
        (labels["agreement_id"], draft.id), (labels["version"], draft.version), (labels["date"], draft.date),
        (labels["status"], labels[draft.status]),
        *[(labels[p.role], f"{p.name} ({p.org_number})") for p in draft.parties],
        (labels["count_requirements"], str(len(rows))),
        (labels["obligation_shall"], str(counts["shall"])), (labels["obligation_should"], str(counts["should"])),
        (tender["library_version"], fingerprint(draft)),
        (labels["generator"], f"Klausul {draft.generator_version}"),
        (tender["instructions"], tender["instructions_text"]),
    ]


def service_table(draft: Draft) -> tuple[str, list[str], list[list]]:
    """The services with their confidentiality, integrity and availability levels and personal data."""
    labels, tender = LABELS[draft.language], TENDER[draft.language]
    header = [labels[k] for k in ("service", "type", "confidentiality", "integrity", "availability", "personal_data")]
    rows = [[s.name, s.type, s.confidentiality, s.integrity, s.availability, labels["yes" if s.personal_data else "no"]]
            for s in draft.services]
    return tender["service_levels"], header, rows


def render_requirements_xlsx(draft: Draft, password: str | None = None) -> bytes:
    """The bidder's workbook: an overview, and a protected requirement sheet with answer columns;
    protected without a password unless one is given."""
    from generator.render.xlsx import Choices, Overview, TableSheet, workbook_bytes

    lang = draft.language
    labels, tender = LABELS[lang], TENDER[lang]
    units = requirements(draft)
    rows = [locked_cells(draft, r) + ["", "", "", identity(draft, r)] for r in units]
    widths = tuple(w for _, w in WORKBOOK_COLUMNS)
    _check_fits(units)
    sheet = TableSheet(
        title=labels["requirements"], header=[column_label(k, lang) for k, _ in WORKBOOK_COLUMNS], rows=rows,
        widths=widths, unlocked=(ANSWER, DESCRIPTION, EVIDENCE), hidden=(IDENTITY,),
        choices=Choices(ANSWER, ANSWERS[lang], tender["answer_prompt"], tender["answer_error"]), protect=True,
        password=password)
    overview = Overview(draft.title, labels["overview"], overview_facts(draft, units), [service_table(draft)],
                        protect=True, password=password)
    return workbook_bytes(draft, overview, [sheet])


def _check_fits(units: list[Requirement]) -> None:
    # The requirement text is split to fit; a clause's title, evidence or verification is not, so a
    # text too long for Excel's tallest row stops the export rather than being cut off on screen
    # (`validate` warns about it first).
    for r in units:
        for which, needed, width in too_tall(r.title, r.tender_evidence, r.verified):
            raise BuildError(f"clause '{r.clause_id}': its {which.replace('_', ' ')} needs {needed} lines at {width} "
                             f"characters, more than an Excel row shows ({MAX_LINES}); shorten it")


def render_requirements_docx(draft: Draft, template: bytes | None = None, template_name: str = "") -> bytes:
    """The requirement list as a Word document on the agreement's template."""
    from generator.render.docx import render_docx

    return render_docx(draft, template, template_name or "default template", make_body=_docx_body,
                       subtitle=LABELS[draft.language]["requirements"])


def _docx_body(draft: Draft, numbering) -> str:
    from generator.render import wordml as w

    lang = draft.language
    labels, tender = LABELS[lang], TENDER[lang]
    rows = requirements(draft)
    counts = obligation_counts(rows)
    intro = (f"{labels['requirements_intro']} {labels['count_requirements']}: {len(rows)} "
             f"({labels['obligation_shall']} {counts['shall']}, {labels['obligation_should']} {counts['should']}).")
    # Headings in styles that number nothing (a numId of 0 is not valid Open XML): the numbers that
    # count here are the requirements' own, and each section heading carries the agreement's number.
    out = [w.paragraph(w.run(labels["requirements"]), "AnnexHeading"), w.paragraph(w.run(intro))]
    header = [w.cell_text(labels["req_no"], bold=True), w.cell_text(labels["requirement"], bold=True),
              w.cell_text(labels["obligation"], bold=True), w.cell_text(tender["tender_evidence"], bold=True),
              w.cell_text(labels["verification"], bold=True)]
    for number, section in enumerate(draft.sections, FIRST_CLAUSE_SECTION):
        ids = {c.id for c in section.clauses}
        members = [r for r in rows if r.clause_id in ids]
        out.append(w.paragraph(w.run(f"{number}\u2002{section.title}", bold=True), keep_next=True,
                               extra_ppr='<w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="1"/>'))
        out.append(w.table(header, [[
            w.cell_text(r.number),
            w.paragraph(w.run(r.title, bold=True), "TableText", keep_next=True)
            + (w.paragraph(w.run(f"{tender['applies_to']}: {r.applies_to}", italic=True), "TableText")
               if r.applies_to else "")
            + w.blocks(r.blocks, numbering),
            w.cell_text(obligation_label(r.obligation, lang)),
            w.cell_text(r.tender_evidence),
            "".join(w.cell_text(line) for line in r.verified.split("\n")),
        ] for r in members], [800, 3700, 900, 1836, 1836], whole_rows=False))
    return "".join(out)
