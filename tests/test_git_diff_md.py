"""The pull-request comment (`diff --format md`) read by a real CommonMark parser with GitHub's
strikethrough and tables (markdown-it-py), for clause text full of Markdown's own characters; and its
consequences per agreement."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from tests.gitrepo import GitRepo

HOSTILE = "Kunden ~~inte~~ **alls** [här](http://evil.example) @someone (#12) <b>fet</b> &amp; $x$ `kod` _x_ | y"


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _html(md: str):
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["strikethrough", "table"]).render(md)
    return lxml_html.fromstring(f"<div>{rendered}</div>")


def _comment(klausul, repo: GitRepo, *revisions: str) -> str:
    result = klausul(repo.root, "diff", "--format", "md", *revisions)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_clause_text_shows_as_written_and_highlights_survive_punctuation(repo, klausul):
    repo.edit("clauses/gamma.yaml", "The Supplier shall process personal data only on the Customer's documented "
              "instructions.", f"The Supplier shall process personal data only on the Customer's documented "
              f"instructions, at the latest within 5 days. {HOSTILE}")
    repo.bump("gamma", "2.1.0")
    repo.commit("gamma: hostile")
    md = _comment(klausul, repo, "HEAD~1", "HEAD")
    doc = _html(md)
    item = next(li for li in doc.iter("li") if li.text_content().startswith("text.en"))
    inserted = item.findall(".//ins")
    assert [i.text_content() for i in inserted] == [", at the latest within 5 days", HOSTILE]
    # nothing in the clause text became markup: no link, strike, strong, emphasis, code or raw tag
    for tag in ("a", "s", "del", "strong", "em", "code", "b", "img"):
        assert not inserted[0].findall(f".//{tag}"), tag
    assert HOSTILE in item.text_content()
    assert "**" not in item.text_content() or HOSTILE.count("**") == item.text_content().count("**")


def test_a_deletion_that_starts_with_punctuation_is_struck_through(repo, klausul):
    repo.edit("clauses/gamma.yaml", "documented instructions.", "documented instructions, dock högst 5 dagar.")
    repo.bump("gamma", "2.0.2")
    repo.commit("gamma: longer")
    repo.edit("clauses/gamma.yaml", "documented instructions, dock högst 5 dagar.", "documented instructions.")
    repo.bump("gamma", "2.0.3")
    repo.commit("gamma: shorter again")
    doc = _html(_comment(klausul, repo, "HEAD~1", "HEAD"))
    assert [d.text_content() for d in doc.iter("del")][0] == ", dock högst 5 dagar"
    doc = _html(_comment(klausul, repo, "HEAD~2", "HEAD~1"))
    assert [i.text_content() for i in doc.iter("ins")][0] == ", dock högst 5 dagar"
    assert "**" not in doc.text_content()


def test_added_and_removed_clauses_are_shown_in_full_collapsed(repo, klausul):
    shutil.copy(repo.root / "clauses" / "gamma.yaml", repo.root / "clauses" / "epsilon.yaml")
    repo.edit("clauses/epsilon.yaml", "id: gamma", "id: epsilon")
    repo.sub("clauses/epsilon.yaml", r"^  en: The Supplier shall process.*$",
             "  en: |\n    The Supplier shall on exit:\n\n    1. return the data;\n    2. delete ~~all~~ copies.")
    (repo.root / "clauses" / "beta.yaml").unlink()
    repo.commit("epsilon in, beta out")
    md = _comment(klausul, repo, "HEAD~1", "HEAD")
    doc = _html(md)
    blocks = {d.find("summary").text_content(): d.text_content() for d in doc.iter("details")}
    assert set(blocks) == {"clause epsilon added in full", "clause beta removed in full"}
    assert "The Supplier shall on exit:" in blocks["clause epsilon added in full"]
    assert "1. return the data;" in blocks["clause epsilon added in full"]
    assert "delete ~~all~~ copies." in blocks["clause epsilon added in full"]  # as written, not struck
    assert "The Supplier should restore the service within {{ rto }}" in blocks["clause beta removed in full"]
    assert not doc.findall(".//details//s") and not doc.findall(".//details//del")


def test_consequences_per_agreement(repo, klausul):
    repo.edit("services/hall.yaml", "availability: 3", "availability: 2")  # beta's rule no longer holds
    repo.edit("clauses/alpha.yaml", "levels: {1: 24, 2: 8, 3: 2}", "levels: {1: 24, 2: 8, 3: 4}")
    repo.bump("alpha", "1.3.0")
    repo.commit("hall availability 2; alpha 4 h at level 3")
    md = _comment(klausul, repo, "HEAD~1", "HEAD")
    section = md.split("#### Changes in the drafts", 1)[1]
    doc = _html(section)
    pilot = next(ul for p, ul in zip(doc.iter("p"), doc.iter("ul")) if "pilot" in p.text_content())
    items = [li.text_content() for li in pilot.iter("li")]
    assert "leaves: clause beta (Recovery)" in items
    alpha = [li for li in pilot.iter("li") if li.text_content().startswith("clause alpha:")]
    assert alpha and [d.text_content() for d in alpha[0].iter("del")] == ["2"]
    assert [i.text_content() for i in alpha[0].iter("ins")] == ["4"]
    # gaps uses only the desk service at level 1: alpha's level-3 value does not reach it
    assert "gaps" not in section
    assert re.search(r"^- ", section, re.M)  # one list item per consequence, for further checks to add to


def test_a_clause_that_changes_category_moves_in_every_draft(repo, klausul):
    repo.edit("clauses/beta.yaml", "category: continuity", "category: incident-management")
    repo.bump("beta", "1.1.0")
    repo.commit("beta: incident management")
    section = _comment(klausul, repo, "HEAD~1", "HEAD").split("#### Changes in the drafts", 1)[1]
    items = [li.text_content() for li in _html(section).iter("li")]
    assert items == ["moves: clause beta (Recovery) from Continuity and disaster recovery to Incident management"]
