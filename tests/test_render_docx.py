"""The Word writer: real .docx files, read back at the XML level and with python-docx."""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx as python_docx
import pytest

from generator.draft.assemble import assemble
from generator.library.open import open_library
from generator.render.docx import default_template, render_docx

from tests.docx_reading import NS, W, all_text, paragraphs, part, replace_in_part


@pytest.fixture
def pilot(library):
    return assemble(open_library(library)[0], "pilot")


@pytest.fixture
def pilot_docx(pilot) -> bytes:
    return render_docx(pilot)


def test_reopens_and_holds_every_clause_title_and_no_template_syntax(pilot, pilot_docx):
    document = python_docx.Document(io.BytesIO(pilot_docx))
    headings = [p.text for p in document.paragraphs if p.style.style_id == "Heading2"]
    assert headings == [c.title for c in pilot.frame] + [c.title for c in pilot.clauses]
    text = all_text(pilot_docx)
    for marker in ("{{", "{%", "{#", "%}", "}}"):
        assert marker not in text


def test_special_characters_come_out_verbatim(pilot_docx):
    text = all_text(pilot_docx)
    assert "Bob & Sons <UK> Ltd" in text
    assert "Alerts & <reports>" in text
    assert "\"Customer & Co\" <security>, it's 'quoted'." in text
    assert "Special characters stay as written: & < > \" '." in text


def test_document_structure(pilot_docx):
    headings = [(s, t) for s, t in paragraphs(pilot_docx) if s in ("Heading1", "AnnexHeading", "TOCHeading")]
    assert headings == [
        ("TOCHeading", "Contents"), ("Heading1", "Parties and scope"), ("Heading1", "Definitions"),
        ("Heading1", "Contract documents, precedence and term"),
        ("Heading1", "Services and information classification"),
        ("Heading1", "Continuity and disaster recovery"), ("Heading1", "Incident management"),
        ("Heading1", "Processing of personal data"), ("Heading1", "Signatures"),
        ("AnnexHeading", "Annex 1 – Instructions for the processing of personal data"),
        ("AnnexHeading", "Annex 2 – Follow-up plan"), ("AnnexHeading", "Annex 3 – Pilot service descriptions"),
        ("AnnexHeading", "Annex 4 – Coverage against requirement catalogs"), ("AnnexHeading", "Annex 5 – Clause register")]
    toc = [t for s, t in paragraphs(pilot_docx) if s == "TOC2"]
    assert toc == ["3.1\u2002Contract documents and order of precedence", "3.2\u2002Term and entry into force",
                   "3.3\u2002Language", "5.1\u2002Recovery",
                   "6.1\u2002Alerts & <reports>", "7.1\u2002Processing on instructions"]
    assert "8\u00a0hours" in all_text(pilot_docx)  # the no-break space between number and unit survives


def test_every_ordered_list_restarts_and_nested_lists_go_one_level_down(pilot_docx):
    body = part(pilot_docx, "word/document.xml")
    numbered = [(p.find("w:pPr/w:numPr/w:numId", NS).get(f"{{{W}}}val"),
                 p.find("w:pPr/w:numPr/w:ilvl", NS).get(f"{{{W}}}val"),
                 "".join(t.text for t in p.iter(f"{{{W}}}t")))
                for p in body.iter(f"{{{W}}}p") if p.find("w:pPr/w:pStyle[@w:val='ListNumber']", NS) is not None]
    numbered = numbered[[t for _, _, t in numbered].index("first item"):]  # after the order of precedence
    assert [(lvl, text) for _, lvl, text in numbered] == [
        ("0", "first item"), ("0", "second item"), ("1", "sub-item a"), ("1", "sub-item b"), ("0", "starts again")]
    first_list, second_list = numbered[0][0], numbered[4][0]
    assert first_list != second_list and numbered[2][0] == first_list
    numbering = part(pilot_docx, "word/numbering.xml")
    for num_id in (first_list, second_list):
        override = numbering.find(f"w:num[@w:numId='{num_id}']/w:lvlOverride/w:startOverride", NS)
        assert override is not None and override.get(f"{{{W}}}val") == "1"
    tags = [el.tag.split("}")[1] for el in numbering]
    assert tags.index("num") > max(i for i, t in enumerate(tags) if t == "abstractNum")


def test_tables_have_repeating_header_rows(pilot_docx):
    body = part(pilot_docx, "word/document.xml")
    tables = [t for t in body.findall(".//w:tbl", NS)[2:]  # after the cover's parties and info tables
              if t.find("w:tblPr/w:tblStyle[@w:val='KlausulTable']", NS) is not None]
    assert len(tables) >= 4  # services, markdown table, coverage, register
    for table in tables:
        assert table.find("w:tr[1]/w:trPr/w:tblHeader", NS) is not None
        assert table.find("w:tr[1]/w:trPr/w:cantSplit", NS) is None  # LibreOffice dropped rows after such a header
        first_cells = table.findall("w:tr[1]/w:tc/w:p/w:pPr", NS)
        assert first_cells and all(p.find("w:keepNext", NS) is not None for p in first_cells)
    assert "the time stated for each service below" in all_text(pilot_docx)


def test_same_input_gives_identical_bytes(pilot):
    assert hashlib.sha256(render_docx(pilot)).digest() == hashlib.sha256(render_docx(pilot)).digest()


def test_metadata_comes_from_the_agreement(pilot_docx):
    document = python_docx.Document(io.BytesIO(pilot_docx))
    props = document.core_properties
    assert (props.title, props.author, props.created.date().isoformat()) == (
        "Pilot security schedule", "Testby Municipality", "2027-03-01")
    with zipfile.ZipFile(io.BytesIO(pilot_docx)) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())
    assert b"python-docx" not in blob and b"/root" not in blob and b"/home" not in blob


@pytest.mark.parametrize("broken, message", [
    (lambda t: b"not a zip", "not a Word file"),
    (lambda t: replace_in_part(t, "word/document.xml", "{{p body }}", "no body here"), "lacks clause"),
    (lambda t: replace_in_part(t, "word/document.xml", "{{ title }}", "{{ title }}{{ secret_key }}"),
     "cannot be rendered"),
    (lambda t: replace_in_part(t, "word/document.xml", "{{ title }}", "{{ title.__class__.__mro__ }}"),
     "cannot be rendered"),
])
def test_broken_templates_are_refused(pilot, broken, message):
    from generator.core.errors import OutputError

    with pytest.raises(OutputError, match=message):
        render_docx(pilot, broken(default_template()), "custom.docx")


def test_template_with_macros_is_refused(pilot):
    from generator.core.errors import OutputError

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default_template())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/vbaProject.bin", b"\0macro")
    with pytest.raises(OutputError, match="macros"):
        render_docx(pilot, out.getvalue(), "macro.docx")


def test_excluded_clauses_are_listed_with_their_reason(library):
    import yaml

    path = library / "agreements" / "pilot.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["exclude"].append({"clause": "gamma", "reason": "A separate processor agreement applies."})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = all_text(render_docx(assemble(open_library(library)[0], "pilot")))
    assert "Excluded clauses" in text and "A separate processor agreement applies." in text
    assert "Processing on instructions" not in text


def test_title_with_folded_white_space_still_counts_as_placed(library):
    path = library / "clauses" / "gamma.yaml"
    path.write_text(path.read_text().replace("en: Processing on instructions}", "en: \"Processing  on\\tinstructions\"}"))
    text = all_text(render_docx(assemble(open_library(library)[0], "pilot")))
    assert "Processing on instructions" in text
