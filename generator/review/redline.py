"""A Word redline of one agreement between two revisions: both drafts rendered alike, changes tracked."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from generator.draft.assemble import assemble
from generator.core.text import INVISIBLE
from generator.core.errors import OutputError, UsageError
from generator.review.gitrev import Repo, Revision, open_at
from generator.core.model import Draft, Library
from generator.review.provenance import stamp

FALLBACK_AUTHOR = "Klausul"
# What may not stand in an author name: controls (XML cannot carry most of them) and invisible characters.
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]|" + INVISIBLE.pattern)


def agreement_redline(repo: Repo, old: Revision, new: Revision, agreement: str,
                      author: str | None = None, template: Path | None = None) -> bytes:
    """The agreement at `new` as .docx with tracked changes against the agreement at `old`."""
    from generator.render.docx import render_docx
    from generator.render.manifest import set_custom_properties
    from generator.render.reproducible import normalize_zip
    from generator.review.tracked import redline

    if author is not None and (bad := _CONTROL.search(author)):
        raise UsageError(f"--author may not contain control or invisible characters (found U+{ord(bad.group()):04X})")
    old_library, new_library = open_at(repo.snapshot(old), repo.root), open_at(repo.snapshot(new), repo.root)
    old_draft, new_draft = _draft(old_library, agreement, old), _draft(new_library, agreement, new)
    new_draft = stamp(new_draft, new_library, (new.commit, False) if new.commit else repo.state())
    template_bytes, name = _template(repo, new, new_library, agreement, template)
    name_author, date = _when(repo, new)
    name_author = _CONTROL.sub("\ufffd", name_author)  # a commit's author name is whatever git was told
    data = redline(render_docx(old_draft, template_bytes, name), render_docx(new_draft, template_bytes, name),
                   author or name_author, date)
    base = [("klausul.redline.base", old.commit)] if old.commit else []
    return normalize_zip(set_custom_properties(data, base + [("klausul.redline.base.name", old.name)]))


def _draft(library: Library, agreement: str, revision: Revision) -> Draft:
    if agreement not in library.agreements:
        known = ", ".join(sorted(library.agreements)) or "none"
        raise UsageError(f"agreement '{agreement}' does not exist {revision.where} (agreements there: {known})")
    return assemble(library, agreement)


def _template(repo: Repo, revision: Revision, library: Library, agreement: str,
              override: Path | None) -> tuple[bytes | None, str]:
    """--template, else the agreement's template as it was at the new revision, else the shipped one."""
    if override is not None:
        from generator.core.files import read_regular

        return read_regular(override, OutputError, "template"), str(override)
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
