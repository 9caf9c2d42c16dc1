"""Word redlines of agreements between two revisions: both drafts rendered alike, changes tracked; one
agreement, or every agreement the change touches with a summary."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from generator.draft.assemble import assemble
from generator.core.errors import OutputError, UsageError
from generator.review.gitrev import Repo, Revision, open_at
from generator.core.model import Draft, Library
from generator.review.provenance import stamp

FALLBACK_AUTHOR = "Klausul"
MAX_STATES = 40  # commits whose drafts are built to credit changes; older ones fall to the oldest of these


def agreement_redline(repo: Repo, old: Revision, new: Revision, agreement: str,
                      author: str | None = None, template: Path | None = None) -> bytes:
    """The agreement at `new` as .docx with tracked changes against the agreement at `old`."""
    pair = _Pair(repo, old, new)
    return pair.redline(agreement, pair.drafts(agreement), author, template)


@dataclass(frozen=True)
class Outcome:
    """What became of one agreement between two revisions, and its redline's file name and counts."""

    agreement: str
    status: str  # changed | unchanged | added | removed
    file: str | None = None
    insertions: int = 0
    deletions: int = 0
    moves: int = 0
    authors: tuple[str, ...] = ()


def affected_redlines(repo: Repo, old: Revision, new: Revision, author: str | None = None,
                      template: Path | None = None) -> list[tuple[Outcome, bytes | None]]:
    """A redline for every agreement whose draft differs between the revisions (by id), and what became
    of the others (unchanged, added, removed)."""
    pair = _Pair(repo, old, new)
    out = []
    for agreement in sorted(pair.old_library.agreements.keys() | pair.new_library.agreements.keys()):
        if agreement not in pair.new_library.agreements:
            out.append((Outcome(agreement, "removed"), None))
        elif agreement not in pair.old_library.agreements:
            out.append((Outcome(agreement, "added"), None))
        else:
            drafts = pair.drafts(agreement)
            if _document(_plain(drafts[0])) == _document(_plain(drafts[1])):
                out.append((Outcome(agreement, "unchanged"), None))
                continue
            data = pair.redline(agreement, drafts, author, template)
            out.append((_counted(agreement, data), data))
    return out


def _plain(draft: Draft) -> bytes:
    from generator.render.docx import render_docx

    return render_docx(draft, None, "default template")


def _counted(agreement: str, data: bytes) -> Outcome:
    from lxml import etree

    from generator.review.wordview import NS

    root = etree.fromstring(_document(data))
    authors = sorted(set(root.xpath("//w:ins/@w:author|//w:del/@w:author|//w:moveTo/@w:author", namespaces=NS)))
    return Outcome(agreement, "changed", f"{agreement}.redline.docx",
                   len(root.xpath("//w:ins", namespaces=NS)), len(root.xpath("//w:del", namespaces=NS)),
                   len(set(root.xpath("//w:moveToRangeStart/@w:name", namespaces=NS))), tuple(authors))


def summary_markdown(outcomes: list[Outcome], old: Revision, new: Revision) -> str:
    """The summary of a folder of redlines, as Markdown."""
    changed = [o for o in outcomes if o.status == "changed"]
    lines = [f"# Redlines {old.label} \u2192 {new.label}", "",
             f"{len(changed)} of {len(outcomes)} agreement(s) changed.", "",
             "| Agreement | Status | Redline | Insertions | Deletions | Moves | Authors |", "|---|---|---|---|---|---|---|"]
    for o in outcomes:
        file = f"[{o.file}]({o.file})" if o.file else "\u2013"
        lines.append(f"| `{o.agreement}` | {o.status} | {file} | {o.insertions} | {o.deletions} | {o.moves} | "
                     f"{', '.join(o.authors) or chr(0x2013)} |")
    return "\n".join(lines) + "\n"


class _Pair:
    """The library at two revisions, opened once for any number of agreements."""

    def __init__(self, repo: Repo, old: Revision, new: Revision):
        self.repo, self.old, self.new = repo, old, new
        self.old_library = open_at(repo.snapshot(old), repo.root)
        self.new_library = open_at(repo.snapshot(new), repo.root)

    def drafts(self, agreement: str) -> tuple[Draft, Draft]:
        return _draft(self.old_library, agreement, self.old), _draft(self.new_library, agreement, self.new)

    def redline(self, agreement: str, drafts: tuple[Draft, Draft], author: str | None, template: Path | None
                ) -> bytes:
        from generator.render.docx import render_docx
        from generator.render.manifest import set_custom_properties
        from generator.render.reproducible import normalize_zip
        from generator.review.tracked import redline

        repo, old, new = self.repo, self.old, self.new
        old_draft, new_draft = drafts
        new_draft = stamp(new_draft, self.new_library, (new.commit, False) if new.commit else repo.state())
        template_bytes, name = _template(repo, new, self.new_library, agreement, template)
        name_author, date = _when(repo, new)
        old_docx, new_docx = render_docx(old_draft, template_bytes, name), render_docx(new_draft, template_bytes, name)
        credit = None if author else _credit(repo, old, new, agreement, template_bytes, name, old_docx, new_docx)
        data = redline(old_docx, new_docx, author or name_author, date, credit)
        base = [("klausul.redline.base", old.commit)] if old.commit else []
        return normalize_zip(set_custom_properties(data, base + [("klausul.redline.base.name", old.name)]))


def _credit(repo: Repo, old: Revision, new: Revision, agreement: str, template: bytes | None, name: str,
            old_docx: bytes, new_docx: bytes):
    """Credit for each change from the drafts built at each commit between `old` and `new`; None for one commit."""
    from generator.core.errors import KlausulError
    from generator.render.docx import render_docx
    from generator.review.credit import Credit, State, state_text

    head = new if new.commit else repo.resolve("HEAD")
    commits = [Revision(c, c) for c in repo.commits_between(old, head)]
    if new.commit is None:
        commits.append(new)
    if len(commits) < 2:
        return None
    states = [State(*_when(repo, old), state_text(_document(old_docx)))]
    previous = repo.snapshot(old).blob_ids
    for revision in commits[-MAX_STATES:-1]:
        snapshot = repo.snapshot(revision)
        if snapshot.blob_ids == previous:
            continue  # the library did not change: neither did the draft
        previous = snapshot.blob_ids
        try:
            draft = assemble(open_at(snapshot, repo.root), agreement)
        except KlausulError:  # a commit that does not build: its changes go to the next one that does
            continue
        states.append(State(*_when(repo, revision), state_text(_document(render_docx(draft, template, name)))))
    states.append(State(*_when(repo, new), state_text(_document(new_docx))))
    return Credit(states)


def _document(docx: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml")


def _draft(library: Library, agreement: str, revision: Revision) -> Draft:
    if agreement not in library.agreements:
        known = ", ".join(sorted(library.agreements)) or "none"
        raise UsageError(f"agreement '{agreement}' does not exist {revision.where} (agreements there: {known})")
    return assemble(library, agreement)


def _template(repo: Repo, revision: Revision, library: Library, agreement: str,
              override: Path | None) -> tuple[bytes | None, str]:
    """--template, else the agreement's template as it was at the new revision, else the shipped one."""
    if override is not None:
        try:
            return override.read_bytes(), str(override)
        except OSError as exc:
            raise OutputError(f"{override}: cannot read the template ({exc.strerror})") from None
    name = library.agreements[agreement].template
    if name is None:
        return None, "default template"
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise OutputError(f"{library.agreements[agreement].path}: template '{name}' lies outside the library")
    data = repo.read_file(revision, name)
    if data is None:
        raise OutputError(f"{revision.label}: the agreement's template '{name}' is not in the library")
    return data, f"{revision.name}:{name}" if revision.commit else name


def _when(repo: Repo, revision: Revision) -> tuple[str, str]:
    """Who made the new revision and when: its commit's author, or you and now for the working tree."""
    if revision.commit is not None:
        return repo.author(revision)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit() \
        else dt.datetime.now(dt.timezone.utc)
    return repo.user_name() or FALLBACK_AUTHOR, now.strftime("%Y-%m-%dT%H:%M:%SZ")
