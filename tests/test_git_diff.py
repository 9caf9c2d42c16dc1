"""`klausul diff`: the library compared between revisions of real git repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from generator.review.diff import word_diff

from tests.gitrepo import ENV, GitRepo


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _json(klausul, repo: GitRepo, *args: str) -> dict:
    result = klausul(repo.root, "diff", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("old, new, expected", [
    ("alert within 24 hours", "alert within 12 hours",
     [("=", "alert within "), ("-", "24"), ("+", "12"), ("=", " hours")]),
    ("version 1.2.0 now", "version 1.3.0 now", [("=", "version "), ("-", "1.2.0"), ("+", "1.3.0"), ("=", " now")]),
    ("a b c d", "a x y d", [("=", "a "), ("-", "b c"), ("+", "x y"), ("=", " d")]),
    ("reflowed\nline here", "reflowed line\nhere", [("=", "reflowed line\nhere")]),
    ("one.\n\ntwo", "one. two", [("=", "one."), ("-", "\n\n"), ("+", " "), ("=", "two")]),
])
def test_word_diff(old, new, expected):
    assert list(word_diff(old, new)) == expected


def test_a_changed_clause_with_its_fields_and_words(repo, klausul):
    repo.edit("clauses/alpha.yaml", "The Supplier shall alert", "The Supplier must alert")
    repo.edit("clauses/alpha.yaml", "default: 24", "default: 12")
    repo.edit("clauses/alpha.yaml", "covers: [mini:A, mini:E]", "covers: [mini:A]")
    repo.bump("alpha", "1.3.0")
    data = _json(klausul, repo)
    (alpha,) = data["documents"]
    assert (alpha["kind"], alpha["id"], alpha["status"]) == ("clause", "alpha", "changed")
    assert (alpha["old_version"], alpha["new_version"]) == ("1.2.0", "1.3.0")
    assert alpha["fields"] == ["version", "text", "parameters", "covers"]
    changes = {c["path"]: c for c in alpha["changes"]}
    default = changes["parameters.alert_time.default"]
    assert (default["old"], default["new"]) == (24, 12)
    assert [w for w in changes["text.en"]["words"] if w[0] != "="] == [["-", "shall"], ["+", "must"]]
    assert "text.sv" not in changes
    assert data["summary"]["clause"] == {"changed": 1, "added": 0, "removed": 0, "renamed": 0, "unchanged": 4}  # exit-evidence too

    text = klausul(repo.root, "diff", "--color", "never").stdout
    assert "changed  clause alpha  1.2.0 → 1.3.0  clauses/alpha.yaml" in text
    assert "fields: text, parameters, coverage" in text
    assert "parameters.alert_time.default: 24 → 12" in text
    assert "covers: removed mini:E" in text
    assert "The Supplier [-shall-]{+must+} alert within" in text


def test_a_renamed_file_is_one_renamed_clause_not_an_add_and_a_remove(repo, klausul):
    (repo.root / "clauses" / "pd").mkdir()
    repo.git("mv", "clauses/gamma.yaml", "clauses/pd/processing.yaml")
    repo.commit("move gamma")
    data = _json(klausul, repo, "HEAD~1", "HEAD")
    assert [(d["id"], d["status"], d["old_path"], d["new_path"]) for d in data["documents"]] == [
        ("gamma", "renamed", "clauses/gamma.yaml", "clauses/pd/processing.yaml")]
    # moved and edited in the same commit: still one clause, changed
    repo.edit("clauses/pd/processing.yaml", "only on", "solely on")
    repo.git("mv", "clauses/pd/processing.yaml", "clauses/gamma-2.yaml")
    data = _json(klausul, repo)
    (gamma,) = data["documents"]
    assert (gamma["status"], gamma["old_path"], gamma["new_path"]) == ("changed", "clauses/pd/processing.yaml",
                                                                       "clauses/gamma-2.yaml")
    assert data["summary"]["clause"]["added"] == data["summary"]["clause"]["removed"] == 0


def test_added_and_removed_clauses_and_other_kinds(repo, klausul):
    shutil.copy(repo.root / "clauses" / "gamma.yaml", repo.root / "clauses" / "epsilon.yaml")
    repo.edit("clauses/epsilon.yaml", "id: gamma", "id: epsilon")
    (repo.root / "clauses" / "beta.yaml").unlink()
    repo.edit("services/hall.yaml", "availability: 3", "availability: 2")
    repo.commit("add epsilon, drop beta, hall at availability 2")
    data = _json(klausul, repo, "HEAD~1", "HEAD")
    assert [(d["kind"], d["id"], d["status"]) for d in data["documents"]] == [
        ("clause", "beta", "removed"), ("clause", "epsilon", "added"), ("service", "hall", "changed")]
    hall = data["documents"][2]
    assert hall["changes"] == [{"path": "classification.availability", "change": "changed", "old": 3, "new": 2,
                                "words": None}]


def test_markdown_for_a_pull_request(repo, klausul):
    repo.edit("clauses/alpha.yaml", "alert within {{ alert_time }} to", "alert within {{ alert_time }} by phone to")
    repo.bump("alpha", "1.3.0")
    repo.commit("alpha: by phone")
    result = klausul(repo.root, "diff", "--format", "md", "main~1", "main")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("### Klausul: library changes `main~1` (")
    assert "| changed | clause `alpha` | 1.2.0 → 1.3.0 | text |" in md
    assert "#### clause `alpha` 1.2.0 → 1.3.0 (`clauses/alpha.yaml`)" in md
    assert "alert within {{ alert\\_time }} <ins>by phone</ins> to" in md


def test_a_range_and_the_exit_code_option(repo, klausul):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.commit("gamma")
    both = klausul(repo.root, "diff", "--format", "json", "HEAD~1..HEAD")
    assert [d["id"] for d in json.loads(both.stdout)["documents"]] == ["gamma"]
    assert klausul(repo.root, "diff", "--exit-code", "HEAD~1", "HEAD").exit_code == 1
    assert klausul(repo.root, "diff", "--exit-code").exit_code == 0  # the working tree is HEAD


def test_output_file_is_written_whole(repo, klausul, tmp_path):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    out = tmp_path / "diff.md"
    result = klausul(repo.root, "diff", "--format", "md", "-o", str(out))
    assert result.exit_code == 0 and "clause `gamma`" in out.read_text(encoding="utf-8")


def test_a_library_in_a_subfolder_of_the_repository(tmp_path, klausul):
    repo = GitRepo(tmp_path / "repo", subfolder="contracts/library")
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    data = _json(klausul, repo)
    assert [(d["id"], d["new_path"]) for d in data["documents"]] == [("gamma", "clauses/gamma.yaml")]


def test_a_file_that_does_not_parse_is_named_with_its_revision(repo, klausul):
    repo.edit("clauses/gamma.yaml", "status: approved", "status: [approved")
    repo.commit("broken")
    result = klausul(repo.root, "diff", "HEAD~1", "HEAD")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "HEAD:clauses/gamma.yaml:" in result.stderr and "[yaml-syntax]" in result.stderr


# --- what git cannot give us: exit 2, a clear message, no traceback ------------------------------

def _fails(result, *phrases: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def test_unknown_revision(repo, klausul):
    _fails(klausul(repo.root, "diff", "no-such-branch"), "unknown revision 'no-such-branch'")
    _fails(klausul(repo.root, "diff", "HEAD~5"), "unknown revision 'HEAD~5'")


def test_not_a_repository(library, klausul):
    _fails(klausul(library, "diff"), "not inside a git repository")
    _fails(klausul(library, "lint"), "not inside a git repository")


def test_a_shallow_clone_missing_the_history(repo, klausul, tmp_path):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.commit("second")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.top}", str(clone)], check=True,
                   env=dict(os.environ, **ENV))
    _fails(klausul(clone, "diff", "HEAD~1"), "shallow clone", "git fetch --unshallow")
    assert klausul(clone, "diff").exit_code == 0  # HEAD itself is there


def test_a_repository_without_commits(tmp_path, klausul, library):
    subprocess.run(["git", "init", "-q", str(library)], check=True, env=dict(os.environ, **ENV))
    _fails(klausul(library, "diff"), "has no commits yet")


def test_git_missing(repo, klausul, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    _fails(klausul(repo.root, "diff"), "git is not installed or not on PATH")


def test_more_than_two_revisions(repo, klausul):
    _fails(klausul(repo.root, "diff", "a", "b", "c"), "at most two revisions")


def test_markdown_keeps_clause_content_inert():
    from generator.review.diff import Change
    from generator.review.diff_writers import change_line_md

    label = Change("parameters.x.label.en", "changed", "a ``b", "x `` ![track](http://evil.example/p.png)")
    line = change_line_md(label)
    assert line == "```a ``b``` → ```x `` ![track](http://evil.example/p.png)```"  # fences outrun the value
    text = Change("text.en", "changed", "See the guide.", "See [the guide](http://evil.example) <b>now</b>.",
                  word_diff("See the guide.", "See [the guide](http://evil.example) <b>now</b>."))
    assert "](" not in change_line_md(text).replace("\\](", "") and "<b>" not in change_line_md(text)
