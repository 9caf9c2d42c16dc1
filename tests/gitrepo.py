"""Real temporary git repositories holding a copy of the test library, for the review commands' tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

DATA = Path(__file__).parent / "data"
# Fixed identities and dates, and no user or system configuration: the same commits on every machine.
ENV = {"GIT_AUTHOR_NAME": "Anna Author", "GIT_AUTHOR_EMAIL": "anna@example.org",
       "GIT_COMMITTER_NAME": "Anna Author", "GIT_COMMITTER_EMAIL": "anna@example.org",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


class GitRepo:
    """A git repository with the test library at `root` (the repository itself, or a folder inside it)."""

    def __init__(self, top: Path, subfolder: str = ""):
        self.top = top
        self.root = top / subfolder if subfolder else top
        self.commits = 0
        top.mkdir(parents=True, exist_ok=True)
        shutil.copytree(DATA / "library", self.root, dirs_exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Anna Author")
        self.git("config", "user.email", "anna@example.org")
        self.commit("library")

    def git(self, *args: str, author: str | None = None) -> str:
        """Run git in the repository (commits by `author`, default Anna Author); its stdout."""
        env = dict(os.environ, **ENV, GIT_AUTHOR_DATE=f"2027-03-0{min(self.commits, 8) + 1}T10:00:00Z",
                   GIT_COMMITTER_DATE=f"2027-03-0{min(self.commits, 8) + 1}T10:00:00Z")
        if author:
            env["GIT_AUTHOR_NAME"] = author
        for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # as when pytest runs from a git hook
            env.pop(key, None)
        done = subprocess.run(["git", *args], cwd=self.top, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def commit(self, message: str, author: str | None = None) -> str:
        """Commit everything in the working tree; the new commit's id."""
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, author=author)
        self.commits += 1
        return self.git("rev-parse", "HEAD").strip()

    def edit(self, rel: str, old: str, new: str, count: int = 1) -> None:
        """Replace text in a library file (the text must be there, `count` times)."""
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def sub(self, rel: str, pattern: str, new: str) -> None:
        """Replace a regular expression's one match in a library file."""
        path = self.root / rel
        text, n = re.subn(pattern, new, path.read_text(encoding="utf-8"), flags=re.M)
        assert n == 1, f"{pattern!r} matched {n} times in {rel}"
        path.write_text(text, encoding="utf-8")

    def bump(self, clause: str, version: str) -> None:
        """Set a clause's version."""
        self.bump_file(f"clauses/{clause}.yaml", version)

    def bump_file(self, rel: str, version: str) -> None:
        """Set the version of any library document."""
        self.sub(rel, r"^version: .*$", f"version: {version}")
