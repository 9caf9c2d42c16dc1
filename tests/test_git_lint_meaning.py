"""`klausul lint`, second pass: meaning rather than bytes, every document kind, the staged tree in the
hook, a commit and a merge in CI, a library in a subfolder, conflict markers and category folders; in
real git repositories, with the hooks run as pre-commit runs them (entry plus args, from the top)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.gitrepo import ENV, GitRepo

KLAUSUL = Path(sys.executable).parent / "klausul"
HOOKS = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _lint(klausul, root: Path, *args: str) -> tuple[int, list[dict]]:
    result = klausul(root, "lint", "--format", "json", *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    return result.exit_code, json.loads(result.stdout)["problems"]


def _codes(problems: list[dict]) -> list[str]:
    return [p["code"] for p in problems]


def _hook(repo: GitRepo, hook: str, *args: str) -> subprocess.CompletedProcess:
    """The hook as pre-commit runs it: its entry and args, in the repository's top folder, no file names."""
    program, *entry = HOOKS[hook]["entry"].split()
    assert program == "klausul"
    env = {k: v for k, v in ENV.items()} | {"PATH": f"{KLAUSUL.parent}:/usr/bin:/bin"}
    return subprocess.run([str(KLAUSUL), *entry, *args], cwd=repo.top, capture_output=True, text=True, env=env)


def test_rewrapping_a_text_needs_no_bump_and_diff_agrees(repo, klausul):
    repo.edit("clauses/beta.yaml", "  en: The Supplier should restore the service within {{ rto }} and test "
              "restores {{ restore_test }}.",
              "  en: >-\n    The Supplier should restore the service\n    within {{ rto }}   and test restores\n"
              "    {{ restore_test }}.")
    repo.edit("clauses/beta.yaml", "title: {sv: Återställning, en: Recovery}",
              "title:\n  sv: Återställning\n  en: Recovery  # same words")
    assert _lint(klausul, repo.root) == (0, [])
    diff = klausul(repo.root, "diff", "--format", "json")
    assert json.loads(diff.stdout)["documents"] == []
    # the same re-wrap with one word changed is a change
    repo.edit("clauses/beta.yaml", "within {{ rto }}   and", "within {{ rto }} and always")
    assert _codes(_lint(klausul, repo.root)[1]) == ["version-not-bumped", "translation-drift"]


def test_agreements_services_and_catalogs_are_linted(repo, klausul):
    repo.edit("agreements/pilot.yaml", "This schedule covers the pilot.", "This schedule governs the pilot.")
    code, problems = _lint(klausul, repo.root)
    assert code == 1 and _codes(problems) == ["version-not-bumped"]
    assert problems[0]["path"] == "agreements/pilot.yaml" and "agreement 'pilot' changed (scope)" in problems[0]["message"]
    repo.bump_file("agreements/pilot.yaml", "2.1.1")
    assert _lint(klausul, repo.root) == (0, [])
    repo.edit("services/desk.yaml", "en: Computers and support.", "en: Computers and user support.")
    repo.edit("catalogs/mini.yaml", "en: The service is restored in time.", "en: The service is restored on time.")
    code, problems = _lint(klausul, repo.root)
    assert code == 0 and [(p["path"], p["key"], p["code"]) for p in problems] == [
        ("catalogs/mini.yaml", "items[1].text.en", "translation-drift"),
        ("services/desk.yaml", "description.en", "translation-drift")]


def test_a_clause_moved_to_another_category_folder_must_say_so(repo, klausul):
    (repo.root / "clauses" / "continuity").mkdir()
    shutil.move(repo.root / "clauses" / "beta.yaml", repo.root / "clauses" / "continuity" / "beta.yaml")
    assert _lint(klausul, repo.root) == (0, [])  # the folder matches the category
    (repo.root / "clauses" / "exit").mkdir()
    shutil.move(repo.root / "clauses" / "continuity" / "beta.yaml", repo.root / "clauses" / "exit" / "beta.yaml")
    code, problems = _lint(klausul, repo.root)
    assert code == 1 and _codes(problems) == ["category-folder-mismatch"]
    assert problems[0]["path"] == "clauses/exit/beta.yaml" and problems[0]["line"] == 4
    assert "category is 'continuity'" in problems[0]["message"]


def test_conflict_markers_get_a_message_of_their_own(repo, klausul):
    path = repo.root / "clauses" / "gamma.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("version: 2.0.1\n", "<<<<<<< HEAD\nversion: 2.0.2\n=======\nversion: 2.1.0\n"
                                 ">>>>>>> feature\n"), encoding="utf-8")
    for command in ("lint", "validate"):
        result = klausul(repo.root, command)
        assert result.exit_code == 1
        assert "clauses/gamma.yaml:2: unresolved merge conflict" in result.stderr + result.stdout
        assert "[merge-conflict]" in result.stderr + result.stdout


def test_the_hook_lints_what_is_staged_not_the_working_tree(repo):
    """A staged include of a clause that exists only as an untracked file fails the hook."""
    shutil.copy(repo.root / "clauses" / "gamma.yaml", repo.root / "clauses" / "epsilon.yaml")
    repo.edit("clauses/epsilon.yaml", "id: gamma", "id: epsilon")
    repo.edit("agreements/gaps.yaml", "include: [delta]", "include: [delta, epsilon]")
    repo.bump_file("agreements/gaps.yaml", "1.0.1")
    repo.git("add", "agreements/gaps.yaml")  # clauses/epsilon.yaml stays untracked
    hook = _hook(repo, "klausul-lint")
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "agreements/gaps.yaml:11: include[1]: unknown clause 'epsilon'" in hook.stderr
    # the working tree alone would have passed: that is what the hook used to check
    assert subprocess.run([str(KLAUSUL), "lint"], cwd=repo.root, capture_output=True).returncode == 0
    repo.git("add", "clauses/epsilon.yaml")
    hook = _hook(repo, "klausul-lint")
    assert hook.returncode == 0, hook.stderr


def test_drift_warnings_show_in_the_hook_output(repo):
    assert HOOKS["klausul-lint"].get("verbose") is True  # pre-commit shows a passing hook's output only then
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.bump("gamma", "2.0.2")
    repo.git("add", "-A")
    hook = _hook(repo, "klausul-lint")
    assert hook.returncode == 0
    assert "clauses/gamma.yaml:10: text.en: clause 'gamma': text changed in en but not in sv" in hook.stderr


def test_the_hooks_take_root_for_a_library_in_a_subfolder(tmp_path):
    repo = GitRepo(tmp_path / "top", subfolder="legal")
    (repo.top / "README.md").write_text("not a library\n", encoding="utf-8")
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    repo.edit("clauses/gamma.yaml", "endast behandla", "enbart behandla")
    repo.git("add", "-A")
    for hook in ("klausul-validate", "klausul-lint"):
        assert _hook(repo, hook).returncode == 2  # the top folder is no library
    assert _hook(repo, "klausul-validate", "--root", "legal").returncode == 0
    failed = _hook(repo, "klausul-lint", "--root", "legal")
    assert failed.returncode == 1 and "clauses/gamma.yaml:2: version: clause 'gamma' changed (text)" in failed.stderr
    repo.bump("gamma", "2.0.2")
    repo.git("add", "-A")
    assert _hook(repo, "klausul-lint", "--root", "legal").returncode == 0


def _edit_title(repo: GitRepo) -> None:
    repo.edit("clauses/gamma.yaml", "title: {sv: Behandling enligt instruktion, en: Processing on instructions}",
              "title: {sv: Behandling enligt dokumenterad instruktion, en: Processing on documented instructions}")


def _edit_kpi(repo: GitRepo) -> None:  # lines far enough from the title's for git to merge both
    repo.edit("clauses/gamma.yaml", "Avvikelser från instruktionen.", "Avvikelser från instruktionerna.")
    repo.edit("clauses/gamma.yaml", "Deviations from the instruction.", "Deviations from the instructions.")


def _both_bump(repo: GitRepo, version: str) -> None:
    """Branch feature edits gamma's title, main its KPI; both bump gamma to `version`; main is checked out."""
    repo.git("checkout", "-q", "-b", "feature")
    _edit_title(repo)
    repo.bump("gamma", version)
    repo.commit(f"feature: gamma {version}")
    repo.git("checkout", "-q", "main")
    _edit_kpi(repo)
    repo.bump("gamma", version)
    repo.commit(f"main: gamma {version}")


def test_a_merge_that_reaches_one_version_twice_fails_on_the_merge_commit(repo, klausul):
    _both_bump(repo, "2.1.0")
    # each branch on its own passes
    assert _lint(klausul, repo.root, "--rev", "HEAD") == (0, [])
    assert _lint(klausul, repo.root, "--rev", "feature") == (0, [])
    repo.git("merge", "-q", "--no-edit", "feature")  # different lines: git merges without a conflict
    text = (repo.root / "clauses" / "gamma.yaml").read_text(encoding="utf-8")
    assert "Processing on documented instructions" in text and "Deviations from the instructions" in text
    assert "version: 2.1.0" in text
    code, problems = _lint(klausul, repo.root, "--rev", "HEAD")
    assert code == 1 and _codes(problems) == ["version-not-bumped", "version-conflict"]
    assert "is version 2.1.0 here and in HEAD^2" in problems[1]["message"]
    assert "the same version was reached twice from different content" in problems[1]["message"]
    # bumped once more in a follow-up commit, the tip passes; the merge commit itself stays flagged
    repo.bump("gamma", "2.1.1")
    repo.commit("gamma 2.1.1 after the merge")
    assert _lint(klausul, repo.root, "--rev", "HEAD") == (0, [])
    assert _lint(klausul, repo.root, "--rev", "HEAD~1")[0] == 1


def test_a_merge_in_progress_is_checked_against_both_sides_in_the_hook(repo):
    _both_bump(repo, "2.0.2")
    repo.git("merge", "-q", "--no-commit", "feature")
    hook = _hook(repo, "klausul-lint")
    assert hook.returncode == 1 and "[version-conflict]" in hook.stderr and "MERGE_HEAD" in hook.stderr


def test_lint_of_a_commit_validates_it(repo, klausul):
    repo.edit("agreements/gaps.yaml", "include: [delta]", "include: [delta, nothing]")
    repo.bump_file("agreements/gaps.yaml", "1.0.1")
    repo.commit("broken include")
    code, problems = _lint(klausul, repo.root, "--rev", "HEAD")
    assert code == 1 and [(p["path"], p["line"], p["code"]) for p in problems] == [
        ("HEAD:agreements/gaps.yaml", 11, "unknown-reference")]
    usage = klausul(repo.root, "lint", "--staged", "--rev", "HEAD")
    assert usage.exit_code == 2 and "not both" in usage.stderr
