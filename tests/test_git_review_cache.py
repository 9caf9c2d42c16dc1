"""The review commands' store of parsed files by git blob id (review/blobstore): the same answers with and
without it, each blob parsed once across runs, and a damaged or foreign store ignored and rebuilt. Real
temporary git repositories (tests/gitrepo.py); a "new run" drops what this process holds, as a new process would."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from generator.review import blobstore
from tests.gitrepo import GitRepo

CLAUSE = "clauses/alpha.yaml"


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    """HEAD~2: the test library; HEAD~1: one word of a clause changed (version bumped) and another clause
    renamed into a folder; HEAD: a clause whose YAML cannot be parsed. The working tree is HEAD~1 again."""
    repo = GitRepo(tmp_path / "repo")
    repo.edit(CLAUSE, "The Supplier shall", "The Supplier must")
    repo.bump("alpha", "1.0.1")
    (repo.root / "clauses" / "moved").mkdir()
    repo.git("mv", "clauses/beta.yaml", "clauses/moved/beta.yaml")
    repo.commit("one word, one move")
    broken = repo.root / "clauses" / "gamma.yaml"
    kept = broken.read_bytes()
    broken.write_text("id: gamma\ntitle: [unclosed\n", encoding="utf-8")
    repo.commit("a broken clause")
    broken.write_bytes(kept)
    return repo


def new_run() -> None:
    """Forget what this process has opened and decoded, as the next process would."""
    for store in blobstore._STORES.values():
        store.close()
    blobstore._STORES.clear()


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The paths of the files parsed and checked, in order."""
    seen: list[str] = []
    check = blobstore.check_file

    def counting(rel, raw, *args):
        seen.append(rel)
        return check(rel, raw, *args)

    monkeypatch.setattr(blobstore, "check_file", counting)
    new_run()
    yield seen
    new_run()


def _store_file() -> Path:
    return Path(os.environ["KLAUSUL_CACHE_DIR"]) / blobstore.FILE


def _built(klausul, repo: GitRepo, tmp_path: Path) -> Path:
    result = klausul(repo.root, "build", "pilot", "--out", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out" / "pilot.docx"


def _commands(repo: GitRepo, tmp_path: Path, docx: Path) -> dict[str, tuple]:
    return {
        "diff HEAD~2 HEAD~1": ("diff", "--format", "json", "HEAD~2", "HEAD~1"),
        "diff HEAD~2 and the working tree": ("diff", "--format", "json", "HEAD~2"),
        "diff to the broken clause": ("diff", "--format", "json", "HEAD~1", "HEAD"),
        "diff md (effects, consequences)": ("diff", "--format", "md", "HEAD~2", "HEAD~1"),
        "lint the working tree": ("lint", "--base", "HEAD~2", "--format", "json"),
        "lint the commit with the broken clause": ("lint", "--rev", "HEAD", "--format", "json"),
        "lint the commit with a move": ("lint", "--rev", "HEAD~1", "--format", "json"),
        "verify": ("verify", str(docx), "--format", "json"),
        "verify against the broken commit": ("verify", str(docx), "--rev", "HEAD", "--format", "json"),
        "impact --rev": ("impact", "alpha", "--rev", "HEAD~2", "--format", "json"),
        "impact at the broken commit": ("impact", "alpha", "--rev", "HEAD"),
        "redline": ("diff", "--format", "docx", "--agreement", "pilot", "-o", str(tmp_path / "r.docx"),
                    "HEAD~2", "HEAD~1"),
    }


def _answer(klausul, repo: GitRepo, tmp_path: Path, args: tuple) -> tuple:
    result = klausul(repo.root, *args)
    assert "docx" not in args or (tmp_path / "r.docx").exists(), result.stdout + result.stderr
    out = (tmp_path / "r.docx").read_bytes() if "docx" in args else b""
    return result.exit_code, result.stdout, result.stderr, out


def test_every_review_command_answers_the_same_with_and_without_the_store(repo, klausul, tmp_path, monkeypatch,
                                                                          parses):
    docx = _built(klausul, repo, tmp_path)
    commands = _commands(repo, tmp_path, docx)
    monkeypatch.setenv("KLAUSUL_NO_CACHE", "1")
    without = {name: _answer(klausul, repo, tmp_path, args) for name, args in commands.items()}
    assert not _store_file().exists()  # KLAUSUL_NO_CACHE: nothing is written
    monkeypatch.delenv("KLAUSUL_NO_CACHE")
    for run in ("cold", "warm", "warm again"):
        new_run()
        del parses[:]
        for name, args in commands.items():
            assert _answer(klausul, repo, tmp_path, args) == without[name], (run, name)
        if run != "cold":
            assert parses == [], f"{run}: files parsed again: {parses}"
    assert without["diff to the broken clause"][0] == 1 and "HEAD:clauses/gamma.yaml:" in \
        without["diff to the broken clause"][2]  # the invalid blob is reported, from the store too
    assert without["lint the commit with the broken clause"][0] == 1
    assert '"renamed"' in without["diff HEAD~2 HEAD~1"][1] and "The Supplier must" in without["diff HEAD~2 HEAD~1"][1]


def test_a_blob_is_parsed_once_across_runs_and_a_changed_one_alone_again(repo, klausul, parses):
    first = klausul(repo.root, "diff", "--format", "json", "HEAD~2", "HEAD~1")
    assert sorted(parses) == sorted(["clauses/alpha.yaml", "clauses/alpha.yaml", "clauses/beta.yaml",
                                     "clauses/moved/beta.yaml"])  # only the files whose blob differs
    new_run()
    del parses[:]
    assert klausul(repo.root, "diff", "--format", "json", "HEAD~2", "HEAD~1").stdout == first.stdout
    assert parses == []
    repo.edit(CLAUSE, "The Supplier must", "The Supplier will")  # a blob changed between runs
    repo.commit("another word")
    new_run()
    changed = klausul(repo.root, "diff", "--format", "json", "HEAD~3", "HEAD")
    assert parses == ["clauses/alpha.yaml"]  # the old side and the moved file came from the store
    assert "The Supplier will" in changed.stdout and "The Supplier must" not in changed.stdout
    new_run()
    del parses[:]
    whole = klausul(repo.root, "impact", "alpha", "--rev", "HEAD", "--format", "json")
    assert whole.exit_code == 0
    assert "clauses/alpha.yaml" not in parses and len(parses) == len(set(parses))


def test_a_store_of_another_code_version_is_not_read(repo, klausul, parses, monkeypatch):
    klausul(repo.root, "diff", "--format", "json", "HEAD~2", "HEAD~1")
    from generator.library import cache

    monkeypatch.setattr(cache, "_FINGERPRINT", [b"another version of the generator"])
    new_run()
    del parses[:]
    klausul(repo.root, "diff", "--format", "json", "HEAD~2", "HEAD~1")
    assert len(parses) == 4


@pytest.mark.parametrize("damage", ["garbage", "truncated", "a damaged value", "a table missing"])
def test_a_damaged_store_is_ignored_and_rebuilt(repo, klausul, parses, damage):
    args = ("diff", "--format", "json", "HEAD~2", "HEAD~1")
    expected = klausul(repo.root, *args).stdout
    new_run()
    path = _store_file()
    if damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:2000])
    elif damage == "a damaged value":
        with sqlite3.connect(path) as db:
            db.execute("UPDATE files SET value = X'7b5b'")
            db.execute("UPDATE results SET value = X'5b'")
    else:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE results")
    del parses[:]
    assert klausul(repo.root, *args).stdout == expected
    new_run()
    del parses[:]
    assert klausul(repo.root, *args).stdout == expected
    assert parses == []  # rebuilt: the next run reads everything from it
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_store_others_may_write_is_not_used(repo, klausul, parses):
    args = ("diff", "--format", "json", "HEAD~2", "HEAD~1")
    expected = klausul(repo.root, *args).stdout
    _store_file().chmod(0o666)
    for _ in range(2):
        new_run()
        del parses[:]
        assert klausul(repo.root, *args).stdout == expected
        assert len(parses) == 4  # read nothing from it, and wrote nothing into it


def test_processes_at_the_same_time_share_the_store(repo, tmp_path):
    env = {**os.environ, "KLAUSUL_CACHE_DIR": str(tmp_path / "shared-cache")}
    env.pop("KLAUSUL_NO_CACHE", None)
    commands = [["diff", "--format", "json", "HEAD~2", "HEAD~1"], ["lint", "--rev", "HEAD~1", "--format", "json"],
                ["impact", "alpha", "--rev", "HEAD~2", "--format", "json"]] * 2
    running = [subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(repo.root), *args],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for args in commands]
    outputs = [(p.communicate(timeout=300), p.returncode) for p in running]
    for (out, err), code in outputs:
        assert code in (0, 1) and out and b"Traceback" not in err, err.decode()  # lint finds the moved clause's folder
    assert [(out, code) for (out, _err), code in outputs[:3]] == [(out, code) for (out, _err), code in outputs[3:]]
    with sqlite3.connect(tmp_path / "shared-cache" / blobstore.FILE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] > 0
