"""Word round trip: clause marks survive LibreOffice and python-docx, `verify` reads the text, `review` classifies.

Everything here is real: the shipped library committed in a temporary git repository, drafts built
by the CLI, edits made with python-docx, LibreOffice (a headless docx→docx save and a Basic macro
that edits and saves), and tracked changes written by the project's own redline writer.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
import yaml

from generator.render.clausemark import PREFIX, mark_name
from generator.review.docread import read_document
from generator.review.tracked import redline, resolve
from tests.docx_reading import replace_in_part
from tests.ooxml_validity import SOFFICE, needs_soffice
from tests.roundtrip_edits import (clause_paragraphs, delete, fallback_text, open_docx, replace_words, save,
                                   set_body, shipped_repo, commit)

AGREEMENT = "fjallby-kustlinjen-it"
NBSP = "\u00a0"
REDUNDANCY = "Redundans i kritiska komponenter"


@pytest.fixture
def built(tmp_path, klausul):
    """(library root, the built draft's path) for the shipped sample in a fresh git repository."""
    root = shipped_repo(tmp_path / "lib")
    result = klausul(root, "build", AGREEMENT, "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.stderr
    return root, tmp_path / "out" / f"{AGREEMENT}.docx"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _verify(klausul, root, path, *extra):
    result = klausul(root, "verify", str(path), "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else result


def _review(klausul, root, path, *extra):
    result = klausul(root, "review", str(path), "--format", "json", *extra)
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    return result.exit_code, report, {c["id"]: c for c in report["clauses"]}


def _counterparty_edits(data: bytes, root: Path) -> bytes:
    """Every kind of edit a returned draft has: a word, a number, a fallback, a deletion, a paragraph, a comment."""
    document = open_docx(data)
    replace_words(clause_paragraphs(document, "Säkerhetsloggning och tidssynkronisering"), "Leverantören", "Kunden")
    replace_words(clause_paragraphs(document, "Testinformation"), f"5{NBSP}arbetsdagar", f"8{NBSP}arbetsdagar")
    set_body(clause_paragraphs(document, REDUNDANCY),
             fallback_text(root / "clauses/continuity/redundancy-critical-components.yaml", 1, "sv",
                           {"rto": "72 timmar"}))
    delete(clause_paragraphs(document, "Radering av information och hantering av uttjänt utrustning"))
    last = clause_paragraphs(document, "Hotbildsstyrda penetrationstester")[-1]
    last._p.addnext(python_docx.Document().add_paragraph("Leverantören ansvarar inte för följdskador.")._p)
    monitoring = clause_paragraphs(document, "Säkerhetsövervakning")
    document.add_comment(monitoring[1].runs, text="Vi kan inte övervaka dygnet runt.", author="Kustlinjens jurist")
    return save(document)


# --- clause boundaries ----------------------------------------------------------------------------

def test_every_clause_is_wrapped_in_a_hidden_bookmark_named_for_its_id_and_version(built):
    root, path = built
    parts = read_document(path.read_bytes()).parts
    clauses = [p for p in parts if p.kind == "clause"]
    from generator.draft.assemble import assemble
    from generator.library.open import open_library

    draft = assemble(open_library(root)[0], AGREEMENT)
    assert [p.mark for p in clauses] == [mark_name(c.id, c.version) for c in draft.clauses]
    assert [p.title for p in clauses] == [c.title for c in draft.clauses]
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    names = re.findall(r'w:name="(_Kl_[0-9a-f]+)"', xml)
    assert len(names) == len(draft.clauses) and all(len(n) <= 40 for n in names)  # Word keeps 40 characters
    assert "<w:sdt>" not in xml and "<w:sdt " not in xml  # no content control: LibreOffice would drop it
    # Each bookmark opens in the clause's heading and closes in its last paragraph (the meta line).
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root_el = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    for start in root_el.iter(f"{w}bookmarkStart"):
        if start.get(f"{w}name").startswith(PREFIX):
            (end,) = [e for e in root_el.iter(f"{w}bookmarkEnd") if e.get(f"{w}id") == start.get(f"{w}id")]
            assert start.getparent().find(f"{w}pPr/{w}pStyle").get(f"{w}val") == "Heading2"
            assert end.getparent().find(f"{w}pPr/{w}pStyle").get(f"{w}val") == "ClauseMeta"


@needs_soffice
def test_a_libreoffice_round_trip_keeps_the_marks_and_verifies_clean(built, klausul, tmp_path):
    root, path = built
    saved = _libreoffice(path, tmp_path / "lo", tmp_path / "profile")
    before = [(p.kind, p.mark, p.title) for p in read_document(path.read_bytes()).parts if p.kind == "clause"]
    after = [(p.kind, p.mark, p.title) for p in read_document(saved.read_bytes()).parts if p.kind == "clause"]
    assert after == before and len(after) == 54
    assert saved.read_bytes() != path.read_bytes()  # LibreOffice rewrote the package
    code, report = _verify(klausul, root, saved)
    assert code == 0 and report["matches"] and report["text"] == []
    code, review, _ = _review(klausul, root, saved)
    assert code == 0 and {c["status"] for c in review["clauses"]} == {"unchanged"} and review["other"] == []


def _libreoffice(path: Path, outdir: Path, profile: Path) -> Path:
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                           "docx:MS Word 2007 XML", "--outdir", str(outdir), str(path)],
                          capture_output=True, text=True, timeout=300)
    saved = outdir / path.name
    assert saved.exists(), done.stdout + done.stderr
    return saved


_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Function OpenHidden(src As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  OpenHidden = StarDesktop.loadComponentFromURL(ConvertToURL(src), "_blank", 0, args())
End Function

Sub SaveDocx(doc, dst As String)
  Dim out(0) As New com.sun.star.beans.PropertyValue
  out(0).Name = "FilterName"
  out(0).Value = "MS Word 2007 XML"
  doc.storeToURL(ConvertToURL(dst), out())
  doc.close(True)
End Sub

Sub Edit(src As String, dst As String, find As String, repl As String)
  Dim doc As Object
  doc = OpenHidden(src)
  rd = doc.createReplaceDescriptor()
  rd.SearchString = find
  rd.ReplaceString = repl
  doc.replaceAll(rd)
  SaveDocx(doc, dst)
End Sub

Sub AcceptAll(src As String, dst As String)
  Dim doc As Object
  doc = OpenHidden(src)
  dispatcher = createUnoService("com.sun.star.frame.DispatchHelper")
  dispatcher.executeDispatch(doc.getCurrentController().getFrame(), ".uno:AcceptAllTrackedChanges", "", 0, Array())
  SaveDocx(doc, dst)
End Sub
</script:module>
"""


def _macro(path: Path, profile: Path, call: str) -> None:
    """Run a Basic macro of _MACRO in LibreOffice with a profile of its own."""
    _libreoffice(path, profile.parent / "warm", profile)  # creates the profile and its Standard Basic library
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    assert module.exists()
    module.write_text(_MACRO, encoding="utf-8")
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                    f"macro:///Standard.Module1.{call}"], capture_output=True, text=True, timeout=300)


@needs_soffice
def test_an_edit_made_inside_libreoffice_by_a_macro_is_found_with_its_clause(built, klausul, tmp_path):
    root, path = built
    edited = tmp_path / "edited.docx"
    _macro(path, tmp_path / "profile", f'Edit("{path}","{edited}","per dygn","per vecka")')
    assert edited.exists()
    code, report = _verify(klausul, root, edited)
    assert code == 1
    (change,) = report["text"]
    assert (change["kind"], change["number"], change["id"], change["status"]) == (
        "clause", "16.1", "backup-and-restore", "changed")
    assert ["-", "dygn"] in change["words"] and ["+", "vecka"] in change["words"]


# --- verify reads the document ------------------------------------------------------------------

def test_a_hand_edit_of_document_xml_fails_verify_naming_the_clause(built, klausul, tmp_path):
    root, path = built
    edited = _write(tmp_path / "hand.docx", replace_in_part(path.read_bytes(), "word/document.xml",
                                                             "per dygn", "per vecka"))
    result = klausul(root, "verify", str(edited))
    assert result.exit_code == 1
    assert "changed: clause 16.1 backup-and-restore (Säkerhetskopiering och återläsning)" in result.stdout
    assert "[-dygn-]{+vecka+}" in result.stdout
    assert "the file does not match" in result.stdout


def test_verify_finds_every_counterparty_edit_with_its_clause(built, klausul, tmp_path):
    root, path = built
    edited = _write(tmp_path / "returned.docx", _counterparty_edits(path.read_bytes(), root))
    code, report = _verify(klausul, root, edited)
    assert code == 1
    found = {(d["status"], d["kind"], d["number"], d["id"]) for d in report["text"]}
    assert found == {
        ("changed", "clause", "13.1", "security-logging"),
        ("changed", "clause", "15.3", "test-information"),
        ("changed", "clause", "17.2", "redundancy-critical-components"),
        ("missing", "clause", "11.3", "secure-deletion-and-disposal"),
        ("added", "outside", "", None),
    }
    outside = next(d for d in report["text"] if d["kind"] == "outside")
    assert outside["where"] == "12.3 threat-led-penetration-testing"
    assert outside["words"] == [["+", "Leverantören ansvarar inte för följdskador."]]
    number = next(d for d in report["text"] if d["id"] == "test-information")
    assert ["-", "5"] in number["words"] and ["+", "8"] in number["words"]


def test_a_rewritten_heading_and_a_moved_clause_are_found(built, klausul, tmp_path):
    root, path = built
    document = open_docx(path.read_bytes())
    test_info = clause_paragraphs(document, "Testinformation")
    test_info[0].text = "Testdata"  # python-docx replaces the heading's runs, and the bookmark start with them
    test_info[1].text = test_info[1].text.replace("fiktiva", "syntetiska")
    headings = [p.text for p in document.paragraphs if p.style.style_id == "Heading2"]
    headings = headings[3:]  # after the contract frame's own clauses (documents and precedence, term, language)
    first, second = clause_paragraphs(document, headings[0]), clause_paragraphs(document, headings[1])
    for p in reversed(first):  # clause 5.1 moved below clause 6.1
        second[-1]._p.addnext(p._p)
    edited = _write(tmp_path / "edited.docx", save(document))
    code, report = _verify(klausul, root, edited)
    assert code == 1
    assert {(d["status"], d["number"], d["id"], d["where"]) for d in report["text"]} == {
        ("changed", "15.3", "test-information", None),
        ("moved", "5.1", "information-security-policy", "6.1 security-contacts-and-forum")}
    changed = next(d for d in report["text"] if d["status"] == "changed")
    assert ["-", "Testinformation"] in changed["words"] and ["+", "syntetiska"] in changed["words"]
    code, review, clauses = _review(klausul, root, edited)
    assert code == 1 and clauses["test-information"]["status"] == "free-text"
    assert [(d["status"], d["number"]) for d in review["other"]] == [("moved", "5.1")]


def test_verify_without_manifest_matches_by_text_and_exits_2_when_nothing_matches(built, klausul, tmp_path):
    root, path = built
    stripped = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(stripped, "w") as dst:
        for item in src.infolist():
            if item.filename != "docProps/custom.xml":
                dst.writestr(item, src.read(item))
    unmarked = _write(tmp_path / "unmarked.docx", stripped.getvalue())
    code, report = _verify(klausul, root, unmarked)
    assert code == 0 and report["text"] == []
    assert f"agreement '{AGREEMENT}' (54 of 54 clauses found" in report["notes"][0]
    stranger = python_docx.Document()
    stranger.add_heading("Hyresavtal", 1)
    stranger.add_paragraph("Hyresgästen ska betala hyran i förskott.")
    foreign = _write(tmp_path / "foreign.docx", save(stranger))
    result = klausul(root, "verify", str(foreign))
    assert result.exit_code == 2 and "no clause of its text matches" in result.stderr
    assert "Traceback" not in result.output
    result = klausul(root, "review", str(foreign))
    assert result.exit_code == 2 and "no clause of its text matches" in result.stderr


# --- review of a returned draft -----------------------------------------------------------------

def test_review_classifies_each_counterparty_edit(built, klausul, tmp_path):
    root, path = built
    edited = _write(tmp_path / "returned.docx", _counterparty_edits(path.read_bytes(), root))
    code, report, clauses = _review(klausul, root, edited)
    assert code == 1 and report["approved"] is False
    assert clauses["security-logging"]["status"] == "free-text"
    assert ["-", "Leverantören"] in clauses["security-logging"]["words"]
    value = clauses["test-information"]
    assert value["status"] == "value-within-bounds"
    assert value["values"][0] | {} == {"parameter": "test_data_deletion", "old": f"5{NBSP}arbetsdagar", "new": 8,
                                       "services": None, "problem": None}
    assert value["accept"] == [{"clause": "test-information", "parameter": "test_data_deletion", "value": 8}]
    fallback = clauses["redundancy-critical-components"]
    assert (fallback["status"], fallback["fallback"]) == ("fallback", 1)
    assert fallback["fallback_label"] == "Redundans endast för komponenter som Kunden utpekat"
    assert clauses["secure-deletion-and-disposal"]["status"] == "deleted"
    assert clauses["security-monitoring"]["status"] == "unchanged"
    assert clauses["security-monitoring"]["comments"] == [
        {"author": "Kustlinjens jurist", "text": "Vi kan inte övervaka dygnet runt."}]
    (other,) = report["other"]
    assert (other["kind"], other["where"]) == ("outside", "12.3 threat-led-penetration-testing")
    others = {c["status"] for i, c in clauses.items() if i not in (
        "security-logging", "test-information", "redundancy-critical-components", "secure-deletion-and-disposal")}
    assert others == {"unchanged"}


def test_a_value_outside_the_bounds_is_classified_as_such(built, klausul, tmp_path):
    root, path = built
    document = open_docx(path.read_bytes())
    replace_words(clause_paragraphs(document, "Testinformation"), f"5{NBSP}arbetsdagar", f"45{NBSP}arbetsdagar")
    code, _, clauses = _review(klausul, root, _write(tmp_path / "r.docx", save(document)))
    assert code == 1
    change = clauses["test-information"]
    assert change["status"] == "value-out-of-bounds" and change["values"][0]["new"] == 45
    assert "above the maximum 30" in change["values"][0]["problem"] and change["accept"] == []


def test_review_reports_in_markdown_and_word(built, klausul, tmp_path):
    root, path = built
    edited = _write(tmp_path / "returned.docx", _counterparty_edits(path.read_bytes(), root))
    result = klausul(root, "review", str(edited))
    assert result.exit_code == 1
    md = result.stdout
    assert "| 17.2 | Redundans i kritiska komponenter (`redundancy-critical-components`) | approved fallback 1: " \
           "Redundans endast för komponenter som Kunden utpekat |" in md
    assert "- To record it, add to the agreement's `accept:` `{clause: test-information, parameter: " \
           "test_data_deletion, value: 8}`" in md
    assert "- Comment by Kustlinjens jurist: Vi kan inte övervaka dygnet runt." in md
    report = tmp_path / "review.docx"
    result = klausul(root, "review", str(edited), "--format", "docx", "-o", str(report))
    assert result.exit_code == 1 and report.exists()
    text = "\n".join(p.text for p in python_docx.Document(str(report)).paragraphs)
    cells = [c.text for t in python_docx.Document(str(report)).tables for r in t.rows for c in r.cells]
    assert "free-text deviation: legal review" in cells and "clause deleted: legal review" in cells
    assert "Comment by Kustlinjens jurist: Vi kan inte övervaka dygnet runt." in text
    again = tmp_path / "again.docx"
    klausul(root, "review", str(edited), "--format", "docx", "-o", str(again))
    assert again.read_bytes() == report.read_bytes()


def test_tracked_changes_from_the_redline_writer_are_pending_for_verify_and_proposals_for_review(
        built, klausul, tmp_path):
    root, path = built
    original = path.read_bytes()
    edited = _counterparty_edits(original, root)
    tracked = redline(original, edited, "Kustlinjens jurist", "2027-03-05T10:00:00Z")
    with zipfile.ZipFile(io.BytesIO(tracked)) as z:
        document = z.read("word/document.xml")
    assert b"<w:ins " in document and b"<w:del " in document
    with zipfile.ZipFile(io.BytesIO(edited)) as z:  # accepting every change gives the edited text
        assert resolve(document, accept=True) == resolve(z.read("word/document.xml"), accept=True)
    returned = _write(tmp_path / "tracked.docx", tracked)
    code, report = _verify(klausul, root, returned)
    assert code == 1
    pending = {(d["number"], d["id"]) for d in report["text"] if d["status"] == "pending"}
    assert pending == {("11.3", "secure-deletion-and-disposal"), ("13.1", "security-logging"),
                       ("15.3", "test-information"), ("17.2", "redundancy-critical-components"), ("", None)}
    assert not [d for d in report["text"] if d["status"] != "pending"]  # as it stands, the text is ours
    (added,) = [d for d in report["text"] if d["kind"] == "outside"]
    assert added["words"] == [["+", "Leverantören ansvarar inte för följdskador."]]
    code, review, clauses = _review(klausul, root, returned)
    assert code == 1
    assert clauses["test-information"]["status"] == "value-within-bounds" and clauses["test-information"]["pending"]
    assert clauses["redundancy-critical-components"]["status"] == "fallback"
    assert clauses["security-logging"]["status"] == "free-text"
    assert clauses["secure-deletion-and-disposal"]["status"] == "deleted"
    assert clauses["process-descriptions"]["status"] == "unchanged"


@needs_soffice
def test_changes_accepted_in_libreoffice_count_as_the_text(built, klausul, tmp_path):
    root, path = built
    original = path.read_bytes()
    tracked = _write(tmp_path / "tracked.docx", redline(original, _counterparty_edits(original, root),
                                                         "Kustlinjens jurist", "2027-03-05T10:00:00Z"))
    accepted = tmp_path / "accepted.docx"
    _macro(tracked, tmp_path / "profile", f'AcceptAll("{tracked}","{accepted}")')
    with zipfile.ZipFile(accepted) as z:
        assert b"<w:ins " not in z.read("word/document.xml")
    code, report = _verify(klausul, root, accepted)
    assert code == 1
    assert {(d["status"], d["id"]) for d in report["text"]} == {
        ("changed", "security-logging"), ("changed", "test-information"),
        ("changed", "redundancy-critical-components"), ("missing", "secure-deletion-and-disposal"), ("added", None)}


def test_review_lists_a_new_clause_and_a_changed_frame_section(built, klausul, tmp_path):
    root, path = built
    document = open_docx(path.read_bytes())
    replace_words([p for p in document.paragraphs if p.text.startswith("Detta avtal ingås mellan")],
                  "Kustlinjen IT AB", "Kustlinjen IT Holding AB")
    last = clause_paragraphs(document, "Testinformation")[-1]
    heading = python_docx.Document(io.BytesIO(path.read_bytes())).add_paragraph("Ansvarsbegränsning", "Heading 2")
    body = python_docx.Document().add_paragraph("Leverantörens ansvar är begränsat till årsavgiften.")
    last._p.addnext(body._p)
    last._p.addnext(heading._p)
    code, report, clauses = _review(klausul, root, _write(tmp_path / "r.docx", save(document)))
    assert code == 1 and {c["status"] for c in clauses.values()} == {"unchanged"}
    found = {(d["kind"], d["status"], d["title"]) for d in report["other"]}
    assert ("clause", "added", "Ansvarsbegränsning") in found
    (frame,) = [d for d in report["other"] if d["kind"] == "section"]
    assert (frame["number"], frame["status"]) == ("1", "changed") and ["+", "Holding"] in [
        [op, t.strip()] for op, t in frame["words"]]


# --- accepting what was agreed -------------------------------------------------------------------

def test_accepting_the_approved_outcomes_reproduces_the_returned_text(built, klausul, tmp_path):
    root, path = built
    document = open_docx(path.read_bytes())
    replace_words(clause_paragraphs(document, "Testinformation"), f"5{NBSP}arbetsdagar", f"8{NBSP}arbetsdagar")
    set_body(clause_paragraphs(document, REDUNDANCY),
             fallback_text(root / "clauses/continuity/redundancy-critical-components.yaml", 1, "sv",
                           {"rto": "72 timmar"}))
    returned = _write(tmp_path / "returned.docx", save(document))
    code, report, _ = _review(klausul, root, returned)
    assert code == 0 and report["approved"]  # only approved outcomes: nothing for legal review
    assert klausul(root, "verify", str(returned)).exit_code == 1  # ... but not what the library builds yet
    agreement = root / "agreements" / f"{AGREEMENT}.yaml"
    data = yaml.safe_load(agreement.read_text(encoding="utf-8"))
    entries = [e for c in report["clauses"] for e in c["accept"]]
    assert sorted(e["clause"] for e in entries) == ["redundancy-critical-components", "test-information"]
    agreement.write_text(agreement.read_text(encoding="utf-8").rstrip("\n") + "\n" + "".join(
        f"  - {json.dumps(e, ensure_ascii=False)}\n" for e in entries), encoding="utf-8")
    assert len(yaml.safe_load(agreement.read_text(encoding="utf-8"))["accept"]) == len(data["accept"]) + 2
    assert klausul(root, "validate").exit_code == 0
    code, verified = _verify(klausul, root, returned, "--worktree")
    assert verified["text"] == []  # the returned text is now exactly what the library builds
    commit(root, "Accept the negotiated outcomes")  # the signed version is built from a commit
    rebuilt = klausul(root, "build", AGREEMENT, "--out", str(tmp_path / "signed"), "-q")
    assert rebuilt.exit_code == 0
    signed = tmp_path / "signed" / f"{AGREEMENT}.docx"
    from generator.review.textcheck import compare

    assert compare(read_document(signed.read_bytes()), read_document(returned.read_bytes()), {}) == []
    code, report = _verify(klausul, root, signed)
    assert code == 0 and report["matches"] and report["text"] == []


def test_the_shipped_sample_reproduces_its_accepted_fallback(tmp_path, klausul):
    from generator.library.open import open_library
    from generator.draft.assemble import assemble
    from tests.roundtrip_edits import REPO

    library, _ = open_library(REPO)
    spec = library.agreements[AGREEMENT]
    (entry,) = [a for a in spec.accept if a.clause == "process-descriptions"]
    clause = library.clauses["process-descriptions"]
    draft = {c.id: c for c in assemble(library, AGREEMENT).clauses}["process-descriptions"]
    assert draft.fallback == entry.fallback == 1
    result = klausul(REPO, "build", AGREEMENT, "--out", str(tmp_path), "--format", "md", "-q")
    assert result.exit_code == 0
    text = " ".join((tmp_path / f"{AGREEMENT}.md").read_text(encoding="utf-8").split())
    first = " ".join(clause.fallbacks[0].text["sv"].split("\n\n")[1].split())
    wording = " ".join(clause.fallbacks[0].text["sv"].split("\n\n")[1].split())
    assert wording.replace("{{ process_doc_delivery }}", "10 arbetsdagar").replace(
        "{{ policy_change_notice }}", "30 dagar") in text.replace(NBSP, " ")
    assert "Leverantören ska lämna dem till Kunden inom" not in text  # the main wording is gone
