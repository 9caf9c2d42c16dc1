"""Build: one agreement's output files, as bytes by file name; the CLI decides where they go."""

from __future__ import annotations

from pathlib import Path

from generator.draft.assemble import assemble
from generator.draft.editions import EDITIONS, SUFFIXES, edition
from generator.core.errors import BuildError, Diagnostic, OutputError
from generator.core.files import read_regular
from generator.core.model import Draft, Library
from generator.render import WRITERS, render

COVERAGE_FORMATS = ("coverage.json", "coverage.md")


def build_files(library: Library, agreement_id: str, formats: tuple[str, ...] = ("docx",),
                template: Path | None = None, editions: tuple[str, ...] = EDITIONS) -> tuple[Draft, dict[str, bytes]]:
    """The draft and its files: the requested formats in each edition (<id>.contract.docx for the
    counterparty, <id>.docx for review), plus the coverage checklist."""
    draft = _assembled(library, agreement_id, stamped="docx" in formats)
    template_bytes, template_name = _template(library, agreement_id, template)
    files = {}
    for fmt in formats:
        suffix, _ = WRITERS[fmt]
        options = {"template": template_bytes, "template_name": template_name} if fmt == "docx" else {}
        for name in EDITIONS:  # in a fixed order, whatever order they were asked in
            if name in editions:
                files[f"{draft.id}{SUFFIXES[name]}{suffix}"] = render(fmt, edition(draft, name), **options)
    for fmt in COVERAGE_FORMATS:
        files[f"{draft.id}{WRITERS[fmt][0]}"] = render(fmt, draft)
    return draft, files


def _assembled(library: Library, agreement_id: str, stamped: bool) -> Draft:
    """The draft; for Word output stamped with its provenance (git commit, input hashes) for the manifest."""
    draft = assemble(library, agreement_id)
    if not stamped:
        return draft
    from generator.review.gitrev import library_state
    from generator.review.provenance import stamp

    if _GIT_STATE[0] is not library:  # ask git once per opened library, not once per agreement
        _GIT_STATE[:] = [library, library_state(Path(library.root))]
    return stamp(draft, library, _GIT_STATE[1])


_GIT_STATE: list = [None, None]  # the last library stamped, and its (commit, dirty) or None outside git


def _template(library: Library, agreement_id: str, override: Path | None) -> tuple[bytes | None, str]:
    """The Word template: --template, else the agreement's own, else the shipped default (None)."""
    if override is not None:
        path = override
    else:
        name = library.agreements[agreement_id].template
        if name is None:
            return None, "default template"
        root = Path(library.root).resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            spec = library.agreements[agreement_id]
            raise OutputError(f"{spec.path}: template '{name}' lies outside the library")
    return read_regular(path, OutputError, "template"), str(path)


def render_one(library: Library, agreement_id: str, fmt: str, **writer_options) -> tuple[Draft, bytes]:
    """One agreement in one writer's format (requirement lists and follow-up plans)."""
    draft = _assembled(library, agreement_id, stamped=fmt.endswith("docx"))
    if fmt.startswith("followup.") and draft.start_date is None:
        spec = library.agreements[agreement_id]
        raise BuildError(f"agreement '{agreement_id}' has no start date", [Diagnostic(
            spec.path, spec.line, "start_date", "the follow-up plan counts its first due dates from the "
            "agreement's start date; add one, e.g. 'start_date: 2027-01-01'", "missing-start-date")])
    options = dict(writer_options)  # e.g. a workbook's sheet password
    if fmt.endswith(".docx"):
        template_bytes, template_name = _template(library, agreement_id, None)
        options = {"template": template_bytes, "template_name": template_name}
    return draft, render(fmt, draft, **options)
