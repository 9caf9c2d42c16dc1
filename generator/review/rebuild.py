"""The draft a file's manifest describes, rebuilt in memory: at its recorded commit, or the working tree."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace

from generator.core.errors import GitError
from generator.core.model import Draft
from generator.render.clausemark import mark_name
from generator.review.gitrev import WORKTREE, Repo, Revision, open_at
from generator.review.provenance import Manifest

_CREATED = re.compile(rb"<dcterms:created[^>]*>(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Rebuilt:
    """The rebuilt draft, its Word bytes, clause marks (bookmark name → id) and where it was built from."""

    draft: Draft
    docx: bytes
    marks: dict[str, str]
    revision: Revision
    notes: tuple[str, ...]


def source_revision(repo: Repo, manifest: Manifest | None, worktree: bool) -> tuple[Revision, list[str]]:
    """The recorded commit when it is clean and here; otherwise the working tree, with a note why."""
    if worktree or manifest is None:
        return Revision(WORKTREE), []
    if manifest.commit is None:
        return Revision(WORKTREE), ["the file records no commit; its text is compared with the working tree"]
    if manifest.dirty:
        return Revision(WORKTREE), ["the file was built from uncommitted changes; its text is compared with "
                                    "the working tree"]
    try:
        return repo.resolve(manifest.commit), []
    except GitError as exc:
        return Revision(WORKTREE), [f"the commit the file was built from is not here ({exc}); its text is "
                                    f"compared with the working tree"]


def rebuild(repo: Repo, agreement: str, revision: Revision, data: bytes, edition: str | None = None,
            library=None, draft: Draft | None = None) -> Rebuilt:
    """Assemble and render `agreement` as the file's build did: same revision, date, template and edition
    (`draft`: the agreement already assembled from the same files)."""
    from generator.draft.assemble import assemble
    from generator.render.docx import render_docx
    from generator.review.redline import _template

    library = library if library is not None else open_at(repo.snapshot(revision), repo.root)
    draft = draft if draft is not None else assemble(library, agreement)
    created = _created(data)
    if created and library.agreements[agreement].date is None:
        draft = replace(draft, date=created)  # an undated agreement took its build day
    if edition and hasattr(draft, "edition"):  # the edition the file records; else the draft's default one
        draft = replace(draft, edition=edition)
    template, name = _template(repo, revision, library, agreement, None)
    docx = render_docx(draft, template, name)
    return Rebuilt(draft, docx, {mark_name(c.id, c.version): c.id for c in draft.clauses}, revision, ())


def _created(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            found = _CREATED.search(z.read("docProps/core.xml"))
    except (zipfile.BadZipFile, KeyError):
        return None
    return found[1].decode() if found else None
