"""Best effort for a Word file without a Klausul manifest: which agreement's draft does its text match?"""

from __future__ import annotations

from pathlib import Path

from generator.core.errors import KlausulError, UsageError
from generator.review.gitrev import Repo, Revision, open_at


def has_manifest(file: Path) -> bool:
    """Whether the file is a Word file carrying the manifest (a file that is neither says so later)."""
    import zipfile

    from lxml import etree

    from generator.render.manifest import read_custom_properties

    try:
        return "klausul.manifest" in read_custom_properties(file.read_bytes())
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError, IndexError):
        return True  # not a Word file at all: read_manifest gives the message


def best_match(repo: Repo, revision: Revision, data: bytes, name: str):
    """(rebuilt draft, its parts' pairing count) of the agreement whose clauses the file's text matches most."""
    from generator.review.docread import read_document
    from generator.review.rebuild import rebuild
    from generator.review.textcheck import pair

    actual = read_document(data, name)
    library = open_at(repo.snapshot(revision), repo.root)
    best, best_count = None, 0
    for agreement in sorted(library.agreements):
        try:
            built = rebuild(repo, agreement, revision, data, library=library)
        except KlausulError:
            continue
        count = sum(1 for p in pair(read_document(built.docx), actual, built.marks)
                    if p.expected is not None and p.actual is not None and p.expected.kind == "clause")
        if count > best_count:
            best, best_count = built, count
    if best is None:
        raise UsageError(f"{name}: carries no Klausul manifest and no clause of its text matches a clause of any "
                         f"agreement in the library {revision.where}")
    return best, best_count


def verify_unmarked(repo: Repo, file: Path, revision: Revision):
    """A Verification of a file without manifest against the agreement its text matches best."""
    from generator.review.docread import read_document
    from generator.review.provenance import Manifest
    from generator.review.textcheck import compare
    from generator.review.verify import Verification

    data = file.read_bytes()
    built, count = best_match(repo, revision, data, str(file))
    draft = built.draft
    manifest = Manifest(draft.id, draft.version, "", None, False, {}, {})
    text = compare(read_document(built.docx), read_document(data, str(file)), built.marks)
    note = (f"the file carries no Klausul manifest: its text was matched with agreement '{draft.id}' "
            f"({count} of {len(draft.clauses)} clauses found by heading or text)")
    return Verification(str(file), manifest, revision, (), (), (note,), tuple(text), revision)
