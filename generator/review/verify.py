"""Check a generated .docx against the library: clause by clause, is it still what the library would build?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.review.diff import Change, diff_document, index
from generator.core.errors import GitError, KlausulError, LibraryError
from generator.review.gitrev import Repo, Revision, Snapshot, open_at
from generator.library.open import content_hash
from generator.library.load import Source
from generator.review.provenance import Manifest, read_manifest, typed_hash
from generator.review.textcheck import PartDiff


@dataclass(frozen=True)
class ClauseCheck:
    """One clause: unchanged, changed, removed from the library, newly selected (added) or no longer selected."""

    id: str
    status: str  # unchanged | changed | removed | added | dropped
    document_version: str | None
    library_version: str | None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class InputCheck:
    """The agreement, a service or a catalog the document was built from: unchanged, changed or removed."""

    kind: str
    id: str
    status: str


@dataclass(frozen=True)
class Verification:
    """What a document was built from, compared with the library at one revision."""

    file: str
    manifest: Manifest
    revision: Revision
    clauses: tuple[ClauseCheck, ...]
    inputs: tuple[InputCheck, ...]
    notes: tuple[str, ...]
    text: tuple[PartDiff, ...] = ()  # the document's own text against the rebuilt draft
    text_revision: Revision | None = None  # where the draft was rebuilt from

    @property
    def matches(self) -> bool:
        """Whether the library at the revision would still give this document's clauses, inputs and text."""
        return all(c.status == "unchanged" for c in self.clauses + self.inputs) and not self.text


def verify(repo: Repo, file: Path, revision: Revision, worktree: bool = False) -> Verification:
    """Compare the manifest of `file` with the library at `revision`, and its text with the rebuilt draft."""
    manifest = read_manifest(file)
    snapshot = repo.snapshot(revision)
    sources, problems = snapshot.load()
    if problems:
        raise LibraryError(f"the library {revision.where} cannot be read", problems)
    clauses = {s.data.get("id"): s for s in sources if s.kind == "clause"}
    notes: list[str] = []
    checks = [_check(ident, version, digest, clauses.get(ident)) for ident, (version, digest)
              in manifest.clauses.items()]
    checks = _explain(repo, manifest, checks, clauses, notes)
    selected, inputs, draft = _selection(repo, snapshot, manifest, notes)
    if selected is not None:
        checks = [c if c.status != "unchanged" or c.id in selected else
                  ClauseCheck(c.id, "dropped", c.document_version, c.library_version) for c in checks]
        checks += [ClauseCheck(ident, "added", None, version) for ident, version in selected.items()
                   if ident not in manifest.clauses]
    text, text_revision = _text(repo, file, manifest, worktree, notes, (snapshot, draft))
    return Verification(str(file), manifest, revision, tuple(checks), inputs, tuple(notes), text, text_revision)


def _text(repo: Repo, file: Path, manifest: Manifest, worktree: bool, notes: list[str],
          assembled: tuple[Snapshot, object] | None = None) -> tuple[tuple[PartDiff, ...], Revision | None]:
    """The document's text, part by part, against the draft its manifest describes, rebuilt in memory
    (`assembled`: a snapshot and the agreement's draft from it, used when the rebuild reads the same files)."""
    from generator.render.manifest import read_custom_properties
    from generator.review.docread import read_document
    from generator.review.rebuild import rebuild, source_revision
    from generator.review.textcheck import compare

    data = file.read_bytes()
    where, why = source_revision(repo, manifest, worktree)
    notes += why
    snapshot, draft = assembled or (None, None)
    if draft is None or repo.snapshot(where).blob_ids != snapshot.blob_ids:
        draft = None
    try:
        built = rebuild(repo, manifest.agreement, where, data, str(read_custom_properties(data).get(
            "klausul.edition") or "") or None, draft=draft)
    except KlausulError as exc:
        notes.append(f"the draft cannot be rebuilt {where.where} ({exc}); its text was not compared")
        return (), None
    found = compare(read_document(built.docx), read_document(data, str(file)), built.marks)
    return tuple(found), where


def _check(ident: str, version: str, digest: str, source: Source | None) -> ClauseCheck:
    if source is None:
        return ClauseCheck(ident, "removed", version, None)
    now = str(source.data.get("version"))
    status = "unchanged" if content_hash(source.data) == digest else "changed"
    return ClauseCheck(ident, status, version, now)


def _explain(repo: Repo, manifest: Manifest, checks: list[ClauseCheck], now: dict[str, Source],
             notes: list[str]) -> list[ClauseCheck]:
    """Changed clauses with the values and words that changed, read from the commit the file was built at."""
    changed = [c for c in checks if c.status == "changed"]
    if not changed:
        return checks
    if manifest.commit is None:
        notes.append("the file records no git commit, so only versions can be compared")
        return checks
    try:
        built = repo.snapshot(repo.resolve(manifest.commit))
    except GitError as exc:
        notes.append(f"the commit the file was built from is not available here ({exc}); only versions compared")
        return checks
    paths = [now[c.id].path for c in changed if now[c.id].path in built.blob_ids]
    then = {ident: s for (kind, ident), s in index(built.load(paths)[0]).items() if kind == "clause"}
    missing = [c.id for c in changed if c.id not in then]
    if missing:  # moved since the build: look through every clause of that commit
        then |= {ident: s for (kind, ident), s in index(built.load()[0]).items() if kind == "clause"}
    explained = []
    for c in checks:
        old = then.get(c.id) if c.status == "changed" else None
        if old is not None and content_hash(old.data) == manifest.clauses[c.id][1]:
            document = diff_document(old, now[c.id])
            c = ClauseCheck(c.id, c.status, c.document_version, c.library_version, document.changes if document else ())
        elif c.status == "changed":
            notes.append(f"clause '{c.id}' was built from uncommitted changes, so what changed cannot be shown")
        explained.append(c)
    return explained


def _selection(repo: Repo, snapshot: Snapshot, manifest: Manifest, notes: list[str]
               ) -> tuple[dict[str, str] | None, tuple[InputCheck, ...], object]:
    """The clauses the agreement would select now (id → version), how its other inputs compare, and its draft."""
    from generator.draft.assemble import assemble

    try:
        library = open_at(snapshot, repo.root)
    except LibraryError as exc:
        notes.append(f"{exc}; which clauses the agreement selects was not checked (run `klausul validate`)")
        return None, (), None
    agreement = manifest.agreement
    if agreement not in library.agreements:
        notes.append(f"agreement '{agreement}' is not in the library {snapshot.revision.where}")
        return None, (InputCheck("agreement", agreement, "removed"),), None
    inputs = []
    documents = {"agreement": library.agreements, "service": library.services, "catalog": library.catalogs}
    for (kind, ident), digest in manifest.inputs.items():
        found = documents.get(kind, {})
        status = "removed" if ident not in found else "unchanged" if typed_hash(found[ident]) == digest else "changed"
        inputs.append(InputCheck(kind, ident, status))
    try:
        draft = assemble(library, agreement)
    except KlausulError as exc:
        notes.append(f"agreement '{agreement}' cannot be assembled {snapshot.revision.where}: {exc}")
        return None, tuple(inputs), None
    return {c.id: c.version for c in draft.clauses}, tuple(inputs), draft


def verify_repo(root: Path, file: Path, rev: str, worktree: bool = False) -> Verification:
    """verify() for the library at `root` and a revision name; a file without manifest is matched by text."""
    repo = Repo(root)
    revision = repo.resolve(rev)
    from generator.review.unmarked import has_manifest, verify_unmarked

    if not has_manifest(file):
        return verify_unmarked(repo, file, revision)
    return verify(repo, file, revision, worktree)
