"""Redlines judged from outside: every change accepted and rejected with lxml (tests/redline_reading.py),
then each paragraph's style, list level, rendered list number and text, and where each contents link
leads, compared with the drafts built the ordinary way from a checkout of each revision."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.ooxml_validity import assert_valid_docx
from tests.redline_reading import NS, parts, q, view
from tests.test_git_redline import _redline, odt_content, repo  # noqa: F401 - the fixture, shared
from tests.test_libreoffice import needs_soffice

MARKS = {q(k) for k in ("ins", "del", "moveFrom", "moveTo")}


def _built(klausul, repo: GitRepo, revision: str, tmp: Path, agreement: str = "pilot") -> bytes:
    """The agreement built with `klausul build` in a separate checkout of `revision`."""
    where = tmp / f"checkout-{repo.git('rev-parse', '--short', revision).strip()}"
    if not where.exists():
        repo.git("worktree", "add", "-q", "--detach", str(where), revision)
    result = klausul(where, "build", agreement, "--out", str(where / "out"), "-q")
    assert result.exit_code == 0, result.stderr
    return (where / "out" / f"{agreement}.docx").read_bytes()


def _exact(klausul, repo: GitRepo, tmp: Path, old: str, new: str) -> bytes:
    """The redline from `old` to `new`; asserts both outcomes are exactly the drafts built at each."""
    docx = _redline(klausul, repo, tmp / "red.docx", old, new)
    for accept, revision in ((True, new), (False, old)):
        lines, links = view(docx, accept)
        want_lines, want_links = view(_built(klausul, repo, revision, tmp), None)
        assert lines == want_lines, (accept, [(a, b) for a, b in zip(lines, want_lines) if a != b][:3])
        assert links == want_links, (accept, [(a, b) for a, b in zip(links, want_links) if a != b][:3])
        assert all(target != "?" for _entry, _number, target in links)
    assert_valid_docx(docx)
    return docx


def _marked(docx: bytes) -> list[tuple[set[str], str, str]]:
    """(kinds of marks, style, text) of every paragraph that carries a change."""
    out = []
    for p in parts(docx)["word/document.xml"].iter(q("p")):
        kinds = {el.tag.split("}")[1] for el in p.iter() if el.tag in MARKS}
        if kinds:
            style = p.find("w:pPr/w:pStyle", NS)
            text = "".join(t.text or "" for t in p.iter(q("t"), q("delText")))
            out.append((kinds, style.get(q("val")) if style is not None else "", text))
    return out


def test_a_deleted_list_next_to_an_unchanged_list_keeps_its_own_numbers(repo, klausul, tmp_path):
    repo.edit("clauses/alpha.yaml", "    1. first item\n    2. second item\n        1. sub-item a\n"
              "        2. sub-item b\n\n", "")
    repo.bump("alpha", "1.3.0")
    repo.commit("alpha: the first list goes")
    docx = _exact(klausul, repo, tmp_path, "HEAD~1", "HEAD")
    old_lines, _ = view(docx, False)
    numbers = {text: number for _style, _level, number, text in old_lines if number}
    # the deleted list counts 1, 2 (a, b under 2) and the list after it starts again at 1, as in the old draft
    assert [numbers[t] for t in ("first item", "second item", "sub-item a", "sub-item b", "starts again")] == \
        ["1.", "2.", "(a)", "(b)", "1."]
    assert numbers["Alerts & <reports>"] == "6.1"  # heading numbers are read too (sections 1-4 are the frame)
    deleted = [p for p in parts(docx)["word/document.xml"].iter(q("p"))
               if p.find("w:pPr/w:rPr/w:del", NS) is not None and p.find("w:pPr/w:numPr", NS) is not None]
    assert len(deleted) == 4
    kept = next(p for p in parts(docx)["word/document.xml"].iter(q("p"))
                if "".join(t.text or "" for t in p.iter(q("t"))) == "starts again")
    # in the redline itself the deleted items are a list of their own, not counted into "starts again"
    assert {p.find("w:pPr/w:numPr/w:numId", NS).get(q("val")) for p in deleted[:2]} \
        .isdisjoint({kept.find("w:pPr/w:numPr/w:numId", NS).get(q("val"))})


def _two_continuity_clauses(repo: GitRepo) -> None:
    shutil.copy(repo.root / "clauses" / "beta.yaml", repo.root / "clauses" / "zeta.yaml")
    repo.edit("clauses/zeta.yaml", "id: beta", "id: zeta")
    repo.edit("clauses/zeta.yaml", "title: {sv: Återställning, en: Recovery}",
              "title: {sv: Reservdrift, en: Standby operation}")
    repo.sub("clauses/zeta.yaml", r"^  en: The Supplier should restore.*$",
             "  en: The Supplier should keep a standby site ready within {{ rto }}, tested {{ restore_test }}.")
    repo.sub("clauses/zeta.yaml", r"^  sv: Leverantören bör återställa.*$",
             "  sv: Leverantören bör hålla en reservplats redo inom {{ rto }}, testad {{ restore_test }}.")
    repo.commit("zeta: a second continuity clause")


def test_a_clause_moved_to_another_category_is_a_move(repo, klausul, tmp_path):
    _two_continuity_clauses(repo)
    repo.edit("clauses/beta.yaml", "category: continuity", "category: incident-management")
    repo.bump("beta", "1.1.0")
    repo.commit("beta: to incident management")
    docx = _exact(klausul, repo, tmp_path, "HEAD~1", "HEAD")
    marked = _marked(docx)
    moved = [(kinds, text) for kinds, _style, text in marked if kinds & {"moveFrom", "moveTo"}]
    # heading, the services line, the text and the meta line leave one place and arrive at another
    assert [t for k, t in moved if "moveFrom" in k][:3] == [t for k, t in moved if "moveTo" in k][:3]
    assert sum("moveFrom" in k for k, _t in moved) == sum("moveTo" in k for k, _t in moved) == 4
    assert ({"moveTo"}, "The Supplier should restore the service within 8\xa0hours and test restores every "
            "quarter.") in moved  # the text itself: moved, not deleted and inserted
    assert any(k == {"moveTo", "ins"} and t.endswith("beta v1.1.0") for k, t in moved)  # a word change inside
    root = parts(docx)["word/document.xml"]
    names_from = root.xpath("//w:moveFromRangeStart/@w:name", namespaces=NS)
    names_to = root.xpath("//w:moveToRangeStart/@w:name", namespaces=NS)
    assert sorted(names_from) == sorted(names_to) and len(names_from) == 4
    # nothing else is marked but the moved clause (its rows in the annexes) and renumbered headings
    for kinds, style, text in marked:
        if kinds & {"moveFrom", "moveTo"}:
            continue
        if style.startswith("TOC"):
            assert text.split("\u2002")[-1].split("\t")[0] in ("Recovery", "Standby operation"), text
        else:
            assert style == "TableText", (style, text)
    table_marks = {text for _k, style, text in marked if style == "TableText"}
    untouched = ("Alerts & <reports>", "Processing on instructions", "Standby operation: Results of restore tests.")
    assert not any(u in t for t in table_marks for u in untouched[:2])
    body = [text for kinds, style, text in marked if style in ("Normal", "Heading1", "Heading2", "ClauseMeta")
            and not kinds & {"moveFrom", "moveTo"}]
    assert body == []
    assert not any("standby site" in text for _k, _s, text in marked)  # zeta, the clause that stayed


def test_a_reordered_paragraph_is_a_move(repo, klausul, tmp_path):
    repo.sub("clauses/gamma.yaml", r"^  en: The Supplier shall process.*$",
             "  en: |\n    The Supplier shall process personal data only on documented instructions.\n\n"
             "    The Supplier shall keep a record of every instruction.\n\n"
             "    The Supplier shall tell the Customer at once when an instruction seems unlawful.")
    repo.bump("gamma", "2.0.2")
    repo.commit("gamma: three paragraphs")
    repo.edit("clauses/gamma.yaml",
              "    The Supplier shall keep a record of every instruction.\n\n"
              "    The Supplier shall tell the Customer at once when an instruction seems unlawful.",
              "    The Supplier shall tell the Customer at once when an instruction seems unlawful.\n\n"
              "    The Supplier shall keep a record of every instruction.")
    repo.bump("gamma", "2.0.3")
    repo.commit("gamma: the last paragraph first")
    docx = _exact(klausul, repo, tmp_path, "HEAD~1", "HEAD")
    marked = _marked(docx)
    clause = [(k, t) for k, _s, t in marked if t.startswith("The Supplier shall")]
    assert len(clause) == 2 and {frozenset(k) for k, _t in clause} == {frozenset({"moveFrom"}), frozenset({"moveTo"})}
    assert clause[0][1] == clause[1][1]
    # the rest: the version in the meta line and the register, and the content hash
    assert all(style in ("ClauseMeta", "TableText") for _k, style, t in marked
               if not t.startswith("The Supplier shall")), marked


def test_three_commits_by_two_authors_credit_each_change_to_its_commit(repo, klausul, tmp_path):
    repo.edit("clauses/alpha.yaml", "The Supplier shall alert", "The Supplier must alert")
    repo.bump("alpha", "1.3.0")
    repo.commit("alpha: must")  # Anna, 2027-03-02
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    repo.bump("gamma", "2.0.2")
    repo.commit("gamma: solely", author="Bertil Granskare")  # 2027-03-03
    repo.edit("agreements/pilot.yaml", "This schedule covers the pilot.", "This schedule governs the pilot.")
    repo.edit("agreements/pilot.yaml", "version: 2.1.0", "version: 2.1.1")
    repo.commit("pilot: governs")  # Anna, 2027-03-04
    docx = _exact(klausul, repo, tmp_path, "HEAD~3", "HEAD")
    root = parts(docx)["word/document.xml"]

    def who(text: str, kind: str) -> set[tuple[str, str]]:
        found = {(el.get(q("author")), el.get(q("date"))) for el in root.iter(q(kind))
                 if "".join(t.text or "" for t in el.iter(q("t"), q("delText"))) == text}
        assert found, (text, kind)
        return found

    assert who("must", "ins") == who("shall", "del") == {("Anna Author", "2027-03-02T10:00:00Z")}
    assert who("1.3.0", "ins") == {("Anna Author", "2027-03-02T10:00:00Z")}
    assert who("solely", "ins") == who("only", "del") == {("Bertil Granskare", "2027-03-03T10:00:00Z")}
    assert who("2.0.2", "ins") == {("Bertil Granskare", "2027-03-03T10:00:00Z")}
    assert who("governs", "ins") == who("covers", "del") == {("Anna Author", "2027-03-04T10:00:00Z")}
    # --author still puts one name on everything
    single = _redline(klausul, repo, tmp_path / "one.docx", "HEAD~3", "HEAD", "--author", "Granskning")
    authors = {el.get(q("author")) for el in parts(single)["word/document.xml"].iter(*MARKS)}
    assert authors == {"Granskning"}


def test_one_command_writes_a_redline_for_every_affected_agreement(repo, klausul, tmp_path):
    repo.edit("services/desk.yaml", "classification: {confidentiality: 1, integrity: 1, availability: 1}",
              "classification: {confidentiality: 1, integrity: 1, availability: 2}")  # both agreements use desk
    shutil.copy(repo.root / "agreements" / "gaps.yaml", repo.root / "agreements" / "third.yaml")
    repo.edit("agreements/third.yaml", "id: gaps", "id: third")
    repo.commit("desk availability 2; a third agreement")
    result = klausul(repo.root, "diff", "HEAD~1", "HEAD", "--format", "docx", "--out", str(tmp_path / "red"))
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "red").iterdir())
    assert files == ["gaps.redline.docx", "pilot.redline.docx", "summary.md"]
    summary = (tmp_path / "red" / "summary.md").read_text(encoding="utf-8")
    assert summary == result.stdout
    assert "| `third` | added |" in summary and "2 of 3 agreement(s) changed" in summary
    assert "| `pilot` | changed | [pilot.redline.docx](pilot.redline.docx) |" in summary
    for agreement in ("gaps", "pilot"):
        docx = (tmp_path / "red" / f"{agreement}.redline.docx").read_bytes()
        for accept, revision in ((True, "HEAD"), (False, "HEAD~1")):
            assert view(docx, accept) == view(_built(klausul, repo, revision, tmp_path, agreement), None)
    # an unchanged agreement gets no file; usage is checked
    repo.edit("agreements/third.yaml", "title: Avtal med luckor", "title: Tredje avtalet")
    repo.commit("third: title")
    again = klausul(repo.root, "diff", "HEAD~1", "HEAD", "--format", "docx", "--out", str(tmp_path / "again"))
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == ["summary.md", "third.redline.docx"]
    assert "| `gaps` | unchanged |" in again.stdout
    usage = klausul(repo.root, "diff", "--format", "md", "--out", str(tmp_path / "x"))
    assert usage.exit_code == 2 and "need --format docx and --out DIR" in usage.stderr


@needs_soffice
def test_libreoffice_opens_a_redline_with_moves(repo, klausul, tmp_path):
    _two_continuity_clauses(repo)
    repo.edit("clauses/beta.yaml", "category: continuity", "category: incident-management")
    repo.bump("beta", "1.1.0")
    repo.commit("beta: to incident management")
    docx = tmp_path / "red.docx"
    docx.write_bytes(_redline(klausul, repo, docx, "HEAD~1", "HEAD"))
    content = odt_content(docx, tmp_path)
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    regions = content.xpath("//text:tracked-changes/text:changed-region", namespaces=ns)
    # LibreOffice reads a move as the text leaving one place and arriving at another
    left = " ".join("".join(r.itertext()) for r in regions if r.find("text:deletion", ns) is not None)
    assert "The Supplier should restore the service within" in left
    body = "".join(content.find(".//office:body", {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"})
                   .itertext())
    assert body.count("The Supplier should restore the service within") >= 1
