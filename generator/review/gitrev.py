"""The library at a git revision, read through the git command line.

Git is driven as a subprocess (`git ls-tree`, one `git cat-file --batch` for all blobs, `git
rev-parse`): it is installed wherever a library is reviewed, it reads packs, worktrees, partial and
shallow clones exactly as the user's own git does, and it adds no dependency. Every failure becomes
a GitError (exit 2) that says what to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from generator.core.errors import Diagnostic, GitError, LibraryError
from generator.library.load import KINDS, Source, kind_of, read_library

WORKTREE = "working tree"


@dataclass(frozen=True)
class Revision:
    """A revision as the user named it and the commit it resolves to; no commit means the working tree."""

    name: str
    commit: str | None = None

    @property
    def label(self) -> str:
        """How messages name it: 'HEAD~1 (1a2b3c4)' or 'the working tree'."""
        if self.commit is None:
            return f"the {self.name}" if self.name == WORKTREE else self.name
        short = self.commit[:7]
        return short if self.name.startswith(short) else f"{self.name} ({short})"

    @property
    def where(self) -> str:
        """'at HEAD~1 (1a2b3c4)' or 'in the working tree', for messages."""
        return f"at {self.label}" if self.commit else f"in {self.label}"


@dataclass
class Snapshot:
    """The library's YAML files at one revision: path → git blob id, and their bytes on demand."""

    revision: Revision
    blob_ids: dict[str, str]
    read: Callable[[list[str]], dict[str, bytes]]

    def load(self, paths: Iterable[str] | None = None) -> tuple[list[Source], list[Diagnostic]]:
        """Parse the given library files (default: all); problems name the revision, as `REV:path`."""
        entries = self.entries(paths, checked=False)
        return [e[0] for e in entries if e[0] is not None], [self.locate(d) for e in entries for d in e[1]]

    def entries(self, paths: Iterable[str] | None = None, checked: bool = True) -> list[tuple]:
        """Each file parsed and (`checked`) schema-checked (review/blobstore), sorted by path; a blob parsed
        before is not read again."""
        from generator.review.blobstore import store

        wanted = sorted(self.blob_ids if paths is None else paths)
        return store().entries([(p, self.blob_ids[p]) for p in wanted], self.read, checked)

    def checked(self) -> tuple[list[Source], list[Diagnostic]]:
        """Every file parsed, and every problem load and validate find, in their order, located at the revision."""
        from generator.library.validate import cross_check
        from generator.library.entries import combine, schema_valid
        from generator.review.blobstore import store

        wanted = sorted(self.blob_ids)
        keys = [store().key("file", self.blob_ids[p], p) for p in wanted]
        entries = self.entries(wanted)
        sources, problems = combine(entries, store().cross(keys, schema_valid(entries), cross_check))
        return sources, [self.locate(d) for d in problems]

    def locate(self, d: Diagnostic) -> Diagnostic:
        """The diagnostic with its path as git names a file at a revision (`HEAD~1:clauses/a.yaml`)."""
        if self.revision.commit is None:
            return d
        return Diagnostic(f"{self.revision.name}:{d.path}", d.line, d.key, d.message, d.code, d.severity)


def blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes, so working files compare with committed ones unread."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def worktree(root: Path) -> Snapshot:
    """The library files on disk, as Klausul itself loads them (no git needed)."""
    data = {rel: raw for rel, _kind, raw in read_library(root, own_only=True)}
    return Snapshot(Revision(WORKTREE), {p: blob_id(b) for p, b in data.items()},
                    lambda paths: {p: data[p] for p in paths})


class Repo:
    """The git repository that holds a library (which may lie in a subfolder of it)."""

    def __init__(self, root: Path):
        self.root = root
        if not root.is_dir():
            raise GitError(f"{root}: no such directory")
        found = self._run("rev-parse", "--show-toplevel", cwd=root)
        if found.returncode != 0:
            message = found.stderr.decode("utf-8", "replace").strip()
            if "not a git repository" in message:
                raise GitError(f"{root}: not inside a git repository, so there are no revisions to compare "
                               f"(run `git init` and commit the library, or point --root at a library in one)")
            raise GitError(f"{root}: git cannot use this directory: {message}")
        self.top = Path(found.stdout.decode().strip())
        self._trees: dict[str, dict[str, str]] = {}  # commit -> its library files' blob ids
        prefix = root.resolve().relative_to(self.top.resolve()).as_posix()
        self.prefix = "" if prefix == "." else prefix + "/"

    # --- running git ----------------------------------------------------------------------

    def _run(self, *args: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        try:
            # LC_ALL=C: git's messages are matched in English ("not a git repository", ...), whatever
            # the user's locale; the bytes of file names and contents are unaffected.
            return subprocess.run(["git", "--literal-pathspecs", *args], cwd=cwd or self.top, input=stdin,
                                  capture_output=True, env={**os.environ, "LC_ALL": "C", "LANGUAGE": "C"})
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH; diff, lint, verify and impact --rev "
                           "read the library's history through it") from None

    def _git(self, *args: str, stdin: bytes | None = None) -> bytes:
        """git's output; GitError with git's own message when it fails."""
        done = self._run(*args, stdin=stdin)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
            raise GitError(f"git {args[0]} failed: {message}")
        return done.stdout

    def _try(self, *args: str) -> bytes | None:
        """git's output, or None when it fails (a question whose answer may be no)."""
        done = self._run(*args)
        return done.stdout if done.returncode == 0 else None

    # --- revisions ------------------------------------------------------------------------

    def resolve(self, name: str) -> Revision:
        """The commit `name` (a branch, tag, sha, HEAD~2, ...) stands for; GitError saying why not."""
        if not name or name.startswith("-"):
            raise GitError(f"'{name}' is not a revision")
        found = self._try("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
        if found is not None:
            return Revision(name, found.decode().strip())
        if not self.has_commits():
            raise GitError(f"unknown revision '{name}': the repository at {self.top} has no commits yet")
        if self.is_shallow():
            raise GitError(f"revision '{name}' is not in this clone of {self.top}: it is a shallow clone that "
                           f"holds only the latest history; fetch the rest with `git fetch --unshallow` "
                           f"(in CI, check out with full history, e.g. actions/checkout's fetch-depth: 0)")
        raise GitError(f"unknown revision '{name}': no commit, branch or tag of that name in {self.top}")

    def has_commits(self) -> bool:
        """Whether HEAD names a commit (false in a repository before its first commit)."""
        return self._try("rev-parse", "--verify", "--quiet", "HEAD^{commit}") is not None

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone, with history cut off."""
        return self._git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def merge_base(self, base: Revision, head: Revision) -> Revision:
        """Where `head` branched off `base`: what a pull request's changes are measured against."""
        found = self._try("merge-base", base.commit, head.commit)
        if found is None:
            shallow = " (the clone is shallow; fetch with `git fetch --unshallow`)" if self.is_shallow() else ""
            raise GitError(f"'{base.name}' and '{head.name}' have no common history{shallow}")
        commit = found.decode().strip()
        return base if commit == base.commit else Revision(f"merge-base of {base.name} and {head.name}", commit)

    def parents(self, revision: Revision) -> list[str]:
        """The commits a commit was made on: none for the first, two or more for a merge."""
        return self._git("rev-list", "--parents", "-n", "1", revision.commit).decode().split()[1:]

    def commits_between(self, old: Revision, new: Revision) -> list[str]:
        """The commits after `old` up to `new`, oldest first, along the first parents (a merge counts as one)."""
        out = self._git("rev-list", "--reverse", "--first-parent", f"{old.commit}..{new.commit}")
        return out.decode().split()

    def merge_head(self) -> Revision | None:
        """The branch being merged while a merge is in progress (MERGE_HEAD), else None."""
        found = self._try("rev-parse", "--verify", "--quiet", "MERGE_HEAD^{commit}")
        return Revision("MERGE_HEAD", found.decode().strip()) if found else None

    def author(self, revision: Revision) -> tuple[str, str]:
        """Author name and date (UTC, ISO 8601 with Z) of a commit."""
        out = self._git("show", "-s", "--format=%an%x00%at", revision.commit).decode("utf-8", "replace")
        name, stamp = out.strip().split("\0")
        when = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc)
        return name, when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def user_name(self) -> str | None:
        """`git config user.name`, if set."""
        found = self._try("config", "user.name")
        name = found.decode("utf-8", "replace").strip() if found is not None else ""
        return name or None

    # --- files ----------------------------------------------------------------------------

    def snapshot(self, revision: Revision) -> Snapshot:
        """The library files at a commit, or on disk for the working tree."""
        if revision.commit is None:
            return worktree(self.root)
        ids = self._trees.get(revision.commit)
        if ids is None:  # a commit's files never change: listed once per run
            specs = [self.prefix + folder for folder in KINDS]
            out = self._git("ls-tree", "-r", "-z", "--full-tree", revision.commit, "--", *specs)
            ids = self._trees[revision.commit] = {rel: oid for (_mode, kind, oid), rel in self._entries(out)
                                                  if kind == "blob"}
        return Snapshot(revision, dict(ids), lambda paths: self._read(ids, paths))

    def staged(self, name: str) -> Snapshot:
        """The library files as staged for the next commit (git's index); during a merge, our side of a conflict."""
        specs = [self.prefix + folder for folder in KINDS]
        out = self._git("ls-files", "--stage", "-z", "--full-name", "--", *specs)
        ids = {rel: oid for (_mode, oid, stage), rel in self._entries(out) if stage in ("0", "2")}
        return Snapshot(Revision(name), ids, lambda paths: self._read(ids, paths))

    def _entries(self, out: bytes) -> list[tuple[list[str], str]]:
        """(the fields before the tab, library-relative path) of each library file in git's -z listing."""
        found = []
        for entry in out.split(b"\0"):
            if entry:
                meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
                rel = path[len(self.prefix):]
                if kind_of(rel):
                    found.append((meta.split(), rel))
        return found

    def _read(self, ids: dict[str, str], paths: list[str]) -> dict[str, bytes]:
        blobs = self.blobs([ids[p] for p in paths])
        return {p: blobs[ids[p]] for p in paths}

    def blobs(self, oids: list[str]) -> dict[str, bytes]:
        """The contents of many blobs through one `git cat-file --batch`."""
        wanted = sorted(set(oids))
        if not wanted:
            return {}
        out = self._git("cat-file", "--batch", stdin="".join(f"{o}\n" for o in wanted).encode())
        found, pos = {}, 0
        while pos < len(out):
            header_end = out.index(b"\n", pos)
            header = out[pos:header_end].decode("utf-8", "replace").split()
            if len(header) != 3:  # "<oid> missing": a damaged repository or a partial clone
                raise GitError(f"git object {header[0] if header else '?'} is missing from the repository at "
                               f"{self.top} (a damaged repository, or a partial clone: run `git fetch`)")
            oid, kind, size = header
            start = header_end + 1
            found[oid] = out[start:start + int(size)]
            pos = start + int(size) + 1
        return found

    def read_file(self, revision: Revision, rel: str) -> bytes | None:
        """One file of the library (e.g. a Word template) at a revision or on disk; None if missing."""
        if revision.commit is None:
            path = self.root / rel
            return path.read_bytes() if path.is_file() else None
        return self._try("cat-file", "blob", f"{revision.commit}:{self.prefix}{rel}")

    def state(self) -> tuple[str, bool] | None:
        """HEAD's commit and whether the library's files differ from it; None before the first commit."""
        head = self._try("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        if head is None:
            return None
        specs = [self.prefix + folder for folder in KINDS]
        changes = self._git("status", "--porcelain", "-z", "--untracked-files=all", "--", *specs)
        return head.decode().strip(), bool(changes.strip(b"\0"))


def library_state(root: Path) -> tuple[str, bool] | None:
    """The commit the library at `root` was last committed in and a dirty flag; None outside git."""
    try:
        return Repo(root).state()
    except GitError:
        return None


def open_at(snapshot: Snapshot, root: Path):
    """The validated, typed library of a snapshot; LibraryError naming `REV:path:line` when it has errors.

    Opened once per run for the same files: verify, rebuild and the redline ask for a revision more than once."""
    from generator.library.open import open_sources
    from generator.review.blobstore import store

    memo = store().libraries
    name = (str(root), tuple(sorted(snapshot.blob_ids.items())))  # the same files, whatever the revision's name
    if name not in memo:
        sources, problems = snapshot.checked()
        where = f"the library {snapshot.revision.where}"
        if not sources and not problems:
            raise LibraryError(f"{where} has no YAML files")
        if len(memo) >= 8:  # a long-lived process (tests) opens many; a command a few
            memo.pop(next(iter(memo)))
        memo[name] = open_sources(root, sources, problems, where)[0]
    return memo[name]
