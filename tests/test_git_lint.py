"""`klausul lint`: review checks of a change, in real git repositories."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
import yaml

from generator.review.lint import next_versions, semver

from tests.conftest import REPO
from tests.gitrepo import ENV, GitRepo


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _lint(klausul, repo: GitRepo, *args: str) -> tuple[int, list[dict]]:
    result = klausul(repo.root, "lint", "--format", "json", *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    data = json.loads(result.stdout)
    assert data["ok"] == (result.exit_code == 0)
    return result.exit_code, data["problems"]


def _codes(problems: list[dict]) -> list[tuple[str, str]]:
    return [(p["code"], p["severity"]) for p in problems]


def test_a_clean_tree_passes(repo, klausul):
    result = klausul(repo.root, "lint")
    assert result.exit_code == 0 and "0 error(s), 0 warning(s)" in result.stdout


def test_a_text_edit_without_a_version_bump_fails(repo, klausul):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    code, problems = _lint(klausul, repo)
    assert code == 1
    assert problems == [{"path": "clauses/gamma.yaml", "line": 2, "key": "version", "code": "version-not-bumped",
                         "severity": "error", "message": "clause 'gamma' changed (text) but its version is still "
                         "2.0.1; bump it to 2.0.2, 2.1.0 or 3.0.0"}]
    text = klausul(repo.root, "lint")
    assert text.exit_code == 1
    assert "clauses/gamma.yaml:2: version: clause 'gamma' changed (text)" in text.stderr


def test_the_same_edit_with_a_bump_passes(repo, klausul):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    repo.bump("gamma", "2.0.2")
    assert _lint(klausul, repo) == (0, [])


@pytest.mark.parametrize("edit", [
    ("default: 24", "default: 12"),  # a parameter
    ("service_types: [datacenter]", "service_types: [datacenter, workplace]"),  # a rule
    ("covers: [mini:B]", "covers: [mini:B, mini:A]"),  # coverage
    ("status: approved", "status: retired"),  # status
])
def test_parameters_rules_coverage_and_status_need_a_bump_too(repo, klausul, edit):
    clause = "alpha" if edit[0].startswith("default") else "beta"
    repo.edit(f"clauses/{clause}.yaml", *edit)
    code, problems = _lint(klausul, repo)
    # Retiring beta also leaves pilot's hosting item B without a clause for the data hall.
    regression = [("coverage-regression", "error")] if edit[1] == "status: retired" else []
    assert code == 1 and _codes(problems) == [("version-not-bumped", "error")] + regression


def test_layout_and_the_order_key_need_no_bump(repo, klausul):
    repo.edit("clauses/gamma.yaml", "category: personal-data", "# reviewed 2027\ncategory: personal-data")
    repo.edit("clauses/gamma.yaml", "obligation: shall", "obligation: shall\norder: 5")
    assert _lint(klausul, repo) == (0, [])


@pytest.mark.parametrize("new, code", [
    ("2.0.0", "version-decreased"), ("1.9.9", "version-decreased"),
    ("2.0.3", "version-skipped"), ("2.2.0", "version-skipped"), ("4.0.0", "version-skipped"),
    ("2.1.1", "version-skipped"), ("3.0.1", "version-skipped"),
])
def test_versions_that_go_down_or_skip(repo, klausul, new, code):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    repo.bump("gamma", new)
    exit_code, problems = _lint(klausul, repo)
    assert exit_code == 1 and _codes(problems) == [(code, "error")]


def test_a_version_may_not_go_down_even_without_other_changes(repo, klausul):
    repo.bump("gamma", "2.0.0")
    assert _codes(_lint(klausul, repo)[1]) == [("version-decreased", "error")]


@pytest.mark.parametrize("version, following", [
    ("1.2.3", ["1.2.4", "1.3.0", "2.0.0"]), ("0.1.0", ["0.1.1", "0.2.0", "1.0.0"]),
])
def test_next_versions(version, following):
    assert [".".join(map(str, v)) for v in next_versions(semver(version))] == following


def test_translation_drift_is_a_warning_and_an_error_with_strict(repo, klausul):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")  # English only
    repo.bump("gamma", "2.0.2")
    code, problems = _lint(klausul, repo)
    assert code == 0 and _codes(problems) == [("translation-drift", "warning")]
    assert problems[0]["key"] == "text.en" and problems[0]["line"] == 10
    assert "changed in en but not in sv" in problems[0]["message"]
    assert _lint(klausul, repo, "--strict")[0] == 1
    # both languages edited: no drift
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    assert _lint(klausul, repo, "--strict") == (0, [])


def test_a_retired_clause_still_used_by_an_agreement(repo, klausul):
    repo.edit("clauses/delta.yaml", "status: draft", "status: retired")
    repo.bump("delta", "0.2.0")
    code, problems = _lint(klausul, repo)
    assert code == 1 and _codes(problems) == [("retired-clause-used", "error")]
    assert (problems[0]["path"], problems[0]["key"]) == ("agreements/gaps.yaml", "include[0]")


def test_a_draft_clause_in_an_agreement_marked_final(repo, klausul):
    repo.edit("agreements/gaps.yaml", "version: 1.0.0", "version: 1.1.0\nstatus: final")
    code, problems = _lint(klausul, repo)
    assert code == 1 and _codes(problems) == [("draft-clause-in-final", "error")]
    assert "is final but includes clause 'delta', which is still a draft" in problems[0]["message"]


def test_base_is_where_the_branch_left_main(repo, klausul):
    repo.git("checkout", "-q", "-b", "feature")
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    repo.bump("gamma", "2.1.0")
    repo.commit("gamma 2.1.0")
    repo.edit("clauses/gamma.yaml", "solely on", "exclusively on")
    repo.edit("clauses/gamma.yaml", "enbart behandla", "uteslutande behandla")
    repo.commit("gamma: another edit, still 2.1.0")
    # main moves on meanwhile with its own bump of the same clause
    repo.git("checkout", "-q", "main")
    repo.bump("gamma", "2.0.2")
    repo.edit("clauses/gamma.yaml", "Leverantören ska", "Leverantören skall")
    repo.commit("main: gamma 2.0.2")
    repo.git("checkout", "-q", "feature")
    # against where feature branched off main the branch bumped once: fine
    assert _lint(klausul, repo, "--base", "main") == (0, [])
    # against its own previous commit, the second edit lacks a bump
    assert _codes(_lint(klausul, repo, "--base", "HEAD~1")[1]) == [("version-not-bumped", "error")]


def test_the_first_commit_has_nothing_to_compare_with(tmp_path, klausul, library):
    subprocess.run(["git", "init", "-q", str(library)], check=True, env=dict(os.environ, **ENV))
    result = klausul(library, "lint")
    assert result.exit_code == 0 and "no commits yet" in result.stdout


def test_unknown_base(repo, klausul):
    result = klausul(repo.root, "lint", "--base", "origin/main")
    assert result.exit_code == 2 and "unknown revision 'origin/main'" in result.stderr


def test_the_pre_commit_hooks_run_validate_and_lint(repo, klausul):
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"klausul-validate", "klausul-lint"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert re.search(hook["files"], "clauses/incident/alpha.yaml")
        assert re.search(hook["files"], "lib/agreements/a.yml")
        assert not re.search(hook["files"], "README.md")
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.git("add", "-A")  # the lint hook reads what is staged
    program, *args = hooks["klausul-lint"]["entry"].split()
    assert program == "klausul" and klausul(repo.root, *args).exit_code == 1
    program, *args = hooks["klausul-validate"]["entry"].split()
    assert program == "klausul" and klausul(repo.root, *args).exit_code == 0
