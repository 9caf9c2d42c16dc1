"""Build: one agreement's output files, as bytes by file name; the CLI decides where they go."""

from __future__ import annotations

from pathlib import Path

from .assemble import assemble
from .errors import BuildError, Diagnostic, OutputError
from .model import Draft, Library
from .render import WRITERS, render

COVERAGE_FORMATS = ("coverage.json", "coverage.md")


def build_files(library: Library, agreement_id: str, formats: tuple[str, ...] = ("docx",),
                template: Path | None = None) -> tuple[Draft, dict[str, bytes]]:
    """The draft and its files: the requested formats plus the coverage checklist."""
    draft = assemble(library, agreement_id)
    template_bytes, template_name = _template(library, agreement_id, template)
    files = {}
    for fmt in tuple(formats) + COVERAGE_FORMATS:
        suffix, _ = WRITERS[fmt]
        options = {"template": template_bytes, "template_name": template_name} if fmt == "docx" else {}
        files[f"{draft.id}{suffix}"] = render(fmt, draft, **options)
    return draft, files


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
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the template ({exc.strerror})") from None


def render_one(library: Library, agreement_id: str, fmt: str) -> tuple[Draft, bytes]:
    """One agreement in one writer's format (requirement lists and follow-up plans)."""
    draft = assemble(library, agreement_id)
    if fmt.startswith("followup.") and draft.start_date is None:
        spec = library.agreements[agreement_id]
        raise BuildError(f"agreement '{agreement_id}' has no start date", [Diagnostic(
            spec.path, spec.line, "start_date", "the follow-up plan counts its first due dates from the "
            "agreement's start date; add one, e.g. 'start_date: 2027-01-01'", "missing-start-date")])
    options = {}
    if fmt.endswith(".docx"):
        template_bytes, template_name = _template(library, agreement_id, None)
        options = {"template": template_bytes, "template_name": template_name}
    return draft, render(fmt, draft, **options)
