"""`klausul diff --agreement ID --format docx`: a Word redline with tracked changes, read back at the XML
level, resolved by accepting or rejecting every change, and opened in a real LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.docx_reading import part
from tests.gitrepo import GitRepo
from tests.ooxml_validity import assert_valid_docx
from tests.test_libreoffice import SOFFICE, needs_soffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ODF = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
       "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0", "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _redline(klausul, repo: GitRepo, out: Path, *revisions: str, agreement: str = "pilot") -> bytes:
    result = klausul(repo.root, "diff", "--agreement", agreement, "--format", "docx", "-o", str(out), *revisions)
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def _changes(docx: bytes, kind: str) -> list[etree._Element]:
    """Run-level w:ins or w:del elements (not the marks on paragraphs and rows)."""
    return [el for el in part(docx, "word/document.xml").iter(f"{{{W}}}{kind}")
            if el.getparent().tag not in (f"{{{W}}}rPr", f"{{{W}}}trPr")]


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{W}}}t", f"{{{W}}}delText"))


def resolved(docx: bytes, accept: bool) -> list[tuple[str, str]]:
    """(style, text) of every paragraph once every change is accepted (or rejected), as Word does it."""
    root = part(docx, "word/document.xml")
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for p in list(root.iter(f"{{{W}}}p")):
        if p.find(f"w:pPr/w:rPr/w:{drop}", NS) is not None:
            # the paragraph mark goes; so must everything in it, or the text would join the next paragraph
            assert all(r.getparent().tag == f"{{{W}}}{drop}" for r in p.iter(f"{{{W}}}r")), _text(p)
            p.getparent().remove(p)
    for row in list(root.iter(f"{{{W}}}tr")):
        if row.find(f"w:trPr/w:{drop}", NS) is not None:
            row.getparent().remove(row)
    for el in list(root.iter(f"{{{W}}}{drop}")):
        el.getparent().remove(el)
    for el in list(root.iter(f"{{{W}}}{keep}")):
        parent = el.getparent()
        index = parent.index(el)
        parent.remove(el)
        if parent.tag not in (f"{{{W}}}rPr", f"{{{W}}}trPr"):
            for offset, child in enumerate(el):
                parent.insert(index + offset, child)
    return _paragraphs(root)


def _paragraphs(root: etree._Element) -> list[tuple[str, str]]:
    out = []
    for p in root.iter(f"{{{W}}}p"):
        style = p.find("w:pPr/w:pStyle", NS)
        out.append((style.get(f"{{{W}}}val") if style is not None else "", _text(p)))
    return out


def _plain(klausul, repo: GitRepo, revision: str, out: Path, agreement: str = "pilot") -> list[tuple[str, str]]:
    """The agreement built the ordinary way from a checkout of `revision`."""
    repo.git("checkout", "-q", revision)
    try:
        result = klausul(repo.root, "build", agreement, "--out", str(out), "-q")
        assert result.exit_code == 0, result.stderr
    finally:
        repo.git("checkout", "-q", "main")
    return _paragraphs(part(out / f"{agreement}.docx", "word/document.xml"))


def test_a_one_word_change_is_one_deletion_and_one_insertion(repo, klausul, tmp_path):
    repo.edit("agreements/pilot.yaml", "This schedule covers the pilot.", "This schedule governs the pilot.")
    repo.commit("pilot: governs")
    docx = _redline(klausul, repo, tmp_path / "red.docx", "HEAD~1", "HEAD")
    deleted, inserted = _changes(docx, "del"), _changes(docx, "ins")
    assert [_text(d) for d in deleted] == ["covers"] and [_text(i) for i in inserted] == ["governs"]
    assert not part(docx, "word/document.xml").xpath("//w:rPr/w:del|//w:rPr/w:ins|//w:trPr/*[self::w:ins or "
                                                     "self::w:del]", namespaces=NS)
    for change in deleted + inserted:
        assert change.get(f"{{{W}}}author") == "Anna Author"
        assert change.get(f"{{{W}}}date") == "2027-03-02T10:00:00Z"  # the new revision's commit
    assert deleted[0].find("w:r/w:delText", NS) is not None and deleted[0].find("w:r/w:t", NS) is None


def test_a_one_word_clause_change_tracks_the_word_its_version_and_its_hash(repo, klausul, tmp_path):
    repo.edit("clauses/alpha.yaml", "The Supplier shall alert", "The Supplier must alert")
    repo.bump("alpha", "1.3.0")
    repo.commit("alpha: must")
    docx = _redline(klausul, repo, tmp_path / "red.docx", "HEAD~1", "HEAD", "--author", "Reviewer")
    deleted, inserted = [_text(d) for d in _changes(docx, "del")], [_text(i) for i in _changes(docx, "ins")]
    assert deleted[:3] == ["shall", "v1.2.0", "1.2.0"] and inserted[:3] == ["must", "v1.3.0", "1.3.0"]
    assert len(deleted) == len(inserted) == 4  # the fourth: the content hash in the clause register
    clause = next(p for p in part(docx, "word/document.xml").iter(f"{{{W}}}p") if "alert within" in _text(p))
    assert len(clause.findall("w:del", NS)) == 1 and len(clause.findall("w:ins", NS)) == 1
    assert {c.get(f"{{{W}}}author") for c in _changes(docx, "del")} == {"Reviewer"}


def _rework(repo: GitRepo) -> None:
    """A change with everything in it: a clause in, one out, a value, a word, a list, a reason, a gap."""
    repo.edit("services/hall.yaml", "availability: 3", "availability: 2")  # beta's rule no longer holds
    shutil.copy(repo.root / "clauses" / "gamma.yaml", repo.root / "clauses" / "epsilon.yaml")
    repo.edit("clauses/epsilon.yaml", "id: gamma", "id: epsilon")
    repo.edit("clauses/epsilon.yaml", "category: personal-data", "category: exit")
    repo.edit("clauses/epsilon.yaml", "applies_to:\n  personal_data: true\n", "")
    repo.sub("clauses/epsilon.yaml", r"^  en: The Supplier shall process.*$",
             "  en: |\n    The Supplier shall on exit:\n\n    1. return the data;\n    2. delete copies.")
    repo.edit("clauses/epsilon.yaml", "covers: [mini:C]", "covers: [mini:D]")
    repo.edit("clauses/alpha.yaml", "levels: {1: 24, 2: 8, 3: 2}", "levels: {1: 24, 2: 8, 3: 4}")
    repo.edit("clauses/alpha.yaml", "1. första punkten", "1. den första punkten")
    repo.edit("clauses/alpha.yaml", "1. first item", "1. the first item")
    repo.edit("clauses/alpha.yaml", "    1. starts again\n", "    1. starts again\n    2. and goes on\n", count=1)
    repo.bump("alpha", "1.3.0")
    repo.edit("agreements/pilot.yaml", "Exit terms are in the main agreement.", "Exit terms follow the main agreement.")
    repo.commit("rework")


def test_accepting_every_change_gives_the_new_draft_and_rejecting_them_the_old(repo, klausul, tmp_path):
    _rework(repo)
    docx = _redline(klausul, repo, tmp_path / "red.docx", "HEAD~1", "HEAD")
    old = _plain(klausul, repo, "HEAD~1", tmp_path / "a")
    new = _plain(klausul, repo, "main", tmp_path / "b")
    assert old != new
    assert resolved(docx, accept=True) == new
    assert resolved(docx, accept=False) == old
    assert ("Normal", "The Supplier shall on exit:") in new and ("Heading2", "Recovery") in old
    assert ("Heading2", "Recovery") not in new
    # whole paragraphs came in (epsilon) and went out (beta), marked on their paragraph marks
    root = part(docx, "word/document.xml")
    assert root.xpath("//w:p[w:pPr/w:rPr/w:ins][contains(., 'return the data')]", namespaces=NS)
    assert root.xpath("//w:p[w:pPr/w:rPr/w:del][contains(., 'restore the service within')]", namespaces=NS)
    ids = root.xpath("//w:ins/@w:id|//w:del/@w:id", namespaces=NS)
    assert len(ids) == len(set(ids)) > 10
    assert_valid_docx(docx)  # the Open XML SDK's schema rules, tracked changes and all


def test_the_redline_against_the_working_tree_and_its_manifest(repo, klausul, tmp_path):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    repo.bump("gamma", "2.0.2")
    docx = _redline(klausul, repo, tmp_path / "red.docx")  # HEAD against the working tree
    assert [_text(d) for d in _changes(docx, "del")][0] == "only"
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        custom = etree.fromstring(z.read("docProps/custom.xml"))
    props = {p.get("name"): p[0].text for p in custom}
    assert props["klausul.redline.base"] == repo.git("rev-parse", "HEAD").strip()
    assert props["klausul.dirty"] == "true" and props["klausul.clause.gamma"].startswith("2.0.2 sha256:")


def test_the_same_revisions_give_the_same_bytes(repo, klausul, tmp_path):
    _rework(repo)
    first = _redline(klausul, repo, tmp_path / "one.docx", "HEAD~1", "HEAD")
    assert _redline(klausul, repo, tmp_path / "two.docx", "HEAD~1", "HEAD") == first


def test_redline_usage_errors(repo, klausul, tmp_path):
    out = str(tmp_path / "red.docx")
    for args in (["--format", "docx", "-o", out], ["--agreement", "pilot", "-o", out],
                 ["--format", "docx", "--agreement", "pilot"]):
        result = klausul(repo.root, "diff", *args)
        assert result.exit_code == 2 and "a redline needs all of" in result.stderr, args
    result = klausul(repo.root, "diff", "--agreement", "nope", "--format", "docx", "-o", out)
    assert result.exit_code == 2 and "agreement 'nope' does not exist at HEAD" in result.stderr
    assert not (tmp_path / "red.docx").exists()


def odt_content(docx: Path, tmp_path: Path) -> etree._Element:
    """content.xml of the .odt a real LibreOffice makes of `docx` (with a profile of its own)."""
    profile = tmp_path / "lo-profile"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "odt",
                           "--outdir", str(tmp_path), str(docx)], capture_output=True, text=True, timeout=240)
    odt = tmp_path / f"{docx.stem}.odt"
    assert odt.exists(), f"LibreOffice made no .odt: {done.stdout} {done.stderr}"
    with zipfile.ZipFile(odt) as z:
        return etree.fromstring(z.read("content.xml"))


@needs_soffice
def test_libreoffice_reads_the_tracked_changes(repo, klausul, tmp_path):
    assert SOFFICE, "KLAUSUL_REQUIRE_SOFFICE is set but soffice is missing"
    _rework(repo)
    docx = tmp_path / "red.docx"
    _redline(klausul, repo, docx, "HEAD~1", "HEAD", "--author", "Granskare")
    content = odt_content(docx, tmp_path)
    regions = content.xpath("//text:tracked-changes/text:changed-region", namespaces=ODF)
    insertions = [r for r in regions if r.find("text:insertion", ODF) is not None]
    deletions = [r for r in regions if r.find("text:deletion", ODF) is not None]
    assert len(insertions) > 5 and len(deletions) > 5
    assert set(content.xpath("//text:changed-region//dc:creator/text()", namespaces=ODF)) == {"Granskare"}
    deleted_text = " ".join("".join(r.itertext()) for r in deletions)
    assert "restore the service within" in deleted_text  # beta, which dropped out
    # the inserted clause is in the body, marked by change marks that point at insertion regions
    starts = content.xpath("//text:change-start/@text:change-id", namespaces=ODF)
    assert {r.get(f"{{{ODF['text']}}}id") for r in insertions} <= set(starts)
