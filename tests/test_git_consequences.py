"""Coverage regressions in review: `lint` (and a real pre-commit hook) refuses a change that leaves an
agreement with a new gap or inadequacy; `diff --format md` says what a change does to each agreement."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from tests.gitrepo import ENV, GitRepo

RULE = """    rules:
      - parameter: alert_time
        op: "<="
        value: 24
        unit: hours
        basis: law
        source: Test 1(a)
"""


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _lint(klausul, repo):
    result = klausul(repo.root, "lint", "--format", "json")
    return result.exit_code, [p for p in json.loads(result.stdout)["problems"] if p["code"] == "coverage-regression"]


def _consequences(klausul, repo, *revs):
    md = klausul(repo.root, "diff", "--format", "md", *revs).stdout
    return md.split("#### Consequences", 1)[1]


def test_retiring_an_included_clause_fails_lint_naming_agreement_item_and_cause(repo, klausul):
    repo.edit("clauses/beta.yaml", "status: approved", "status: retired")
    repo.bump("beta", "1.1.0")
    code, problems = _lint(klausul, repo)
    assert code == 1
    (problem,) = problems
    assert problem["path"] == "clauses/beta.yaml" and problem["line"] == 3 and problem["key"] == "coverage"
    assert problem["message"] == ("agreement 'pilot': catalog item 'mini:B' becomes a gap for service 'hall' "
                                  "(was covered): clause 'beta' was set to retired (clauses/beta.yaml)")
    # The pull-request comment shows the consequence, with the sentences that leave the draft.
    section = _consequences(klausul, repo)
    # beta's sentence and the line that names the service it binds leave the draft
    assert "**`pilot`**: 2 sentences of its draft change." in section
    assert "| `mini:B` | hall | covered | **gap** | clause 'beta' was set to retired (clauses/beta.yaml) |" in section
    assert "`gaps`" not in section  # gaps has no service that beta applied to


def test_removing_a_clause_file_is_a_regression_too(repo, klausul):
    (repo.root / "clauses" / "beta.yaml").unlink()
    code, problems = _lint(klausul, repo)
    assert code == 1
    assert [p["message"] for p in problems] == [
        "agreement 'pilot': catalog item 'mini:B' becomes a gap for service 'hall' (was covered): "
        "clause 'beta' was removed (clauses/beta.yaml)"]
    assert problems[0]["path"] == "agreements/pilot.yaml"


def test_a_value_that_fails_a_rule_fails_lint(repo, klausul):
    repo.edit("catalogs/mini.yaml", "    reference: Test 1\n", "    reference: Test 1\n" + RULE)
    repo.commit("rule: alerts within a day")
    assert _lint(klausul, repo)[0] == 0
    repo.edit("agreements/pilot.yaml", "catalogs: [mini]", "catalogs: [mini]\nparameters: {alert_time: 36}")
    code, problems = _lint(klausul, repo)
    assert code == 1
    # One error per service here: each names the value its classification would have given.
    assert [p["message"].split(" (was covered)")[0] for p in problems] == [
        "agreement 'pilot': catalog item 'mini:A' becomes inadequate for service 'desk'",
        "agreement 'pilot': catalog item 'mini:A' becomes inadequate for service 'hall'"]
    for problem, baseline in zip(problems, ("24", "2")):
        assert f"alert time 36\u00a0hours (override in the agreement; the classification gives {baseline}\u00a0hours) " \
               f"does not meet the rule at most 24\u00a0hours (Test 1(a); law)" in problem["message"]
        assert (problem["path"], problem["line"]) == ("agreements/pilot.yaml", 15)
    section = _consequences(klausul, repo)
    assert "| `mini:A` | hall | covered | **inadequate** |" in section
    assert "**`pilot`**: 1 sentence of its draft change." in section  # the alert sentence


def test_a_change_that_only_rewords_shows_sentences_and_no_status_change(repo, klausul):
    repo.edit("clauses/alpha.yaml", "The Supplier shall alert", "The Supplier shall promptly alert")
    repo.bump("alpha", "1.2.1")
    assert _lint(klausul, repo) == (0, [])
    section = _consequences(klausul, repo)
    assert "**`pilot`**: 1 sentence of its draft change; no coverage status changes." in section
    head = repo.commit("reword")
    assert "No agreement's coverage or draft text changes." in _consequences(klausul, repo, head)


def test_the_pre_commit_hook_refuses_the_commit(repo):
    # A real git hook running the hook's entry (`klausul lint`) with this interpreter.
    hook = repo.top / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nexec {sys.executable} -m generator --root {repo.root} lint\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    repo.edit("clauses/beta.yaml", "status: approved", "status: retired")
    repo.bump("beta", "1.1.0")
    repo.git("add", "-A")
    env = dict(os.environ, **ENV)
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    done = subprocess.run(["git", "commit", "-q", "-m", "retire beta"], cwd=repo.top, env=env,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "catalog item 'mini:B' becomes a gap for service 'hall'" in done.stderr + done.stdout
    assert "[coverage-regression]" in done.stderr + done.stdout


def test_narrowing_a_clause_names_the_service_it_no_longer_applies_to(repo, klausul):
    repo.edit("clauses/alpha.yaml", "covers: [mini:A, mini:E]", "applies_to: {service_types: [datacenter]}\n"
              "covers: [mini:A, mini:E]")
    repo.bump("alpha", "1.3.0")
    code, problems = _lint(klausul, repo)
    assert code == 1
    messages = {p["message"] for p in problems}
    assert ("agreement 'pilot': catalog item 'mini:A' becomes a gap for service 'desk' (was covered): clause "
            "'alpha' no longer applies to service 'desk' (applies_to narrowed, clauses/alpha.yaml)") in messages
    assert any("agreement 'gaps': catalog item 'mini:A' becomes a gap for service 'desk'" in m for m in messages)
    assert {p["path"] for p in problems} == {"clauses/alpha.yaml"}


def test_a_new_agreement_is_noted_not_linted(repo, klausul):
    text = (repo.root / "agreements" / "gaps.yaml").read_text(encoding="utf-8")
    (repo.root / "agreements" / "gaps2.yaml").write_text(text.replace("id: gaps", "id: gaps2"), encoding="utf-8")
    assert _lint(klausul, repo) == (0, [])  # its gaps are for `coverage --strict`, not for the change
    assert "**`gaps2`**: new in this change; no coverage status changes." in _consequences(klausul, repo)
