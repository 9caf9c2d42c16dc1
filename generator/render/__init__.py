"""Stage 3, the writers: each a pure function from the assembled Draft to bytes.

The registry maps a format name to (file suffix, writer). Writers import their libraries lazily,
so that `klausul coverage` never pays for docxtpl.

May import: generator.core, generator.draft (never the library stage: writers see only the model).
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable

from generator.core.model import Draft


def _docx(draft: Draft, template: bytes | None = None, template_name: str = "") -> bytes:
    from generator.render.docx import render_docx

    return render_docx(draft, template, template_name or "default template")


def _text(module: str, function: str) -> Callable[..., bytes]:
    def writer(draft: Draft, **_ignored) -> bytes:
        return getattr(import_module(f".{module}", __name__), function)(draft).encode("utf-8")

    return writer


def _binary(module: str, function: str, template: bool = False) -> Callable[..., bytes]:
    def writer(draft: Draft, **options) -> bytes:
        render_fn = getattr(import_module(f".{module}", __name__), function)
        return render_fn(draft, **options) if template else render_fn(draft)

    return writer


WRITERS: dict[str, tuple[str, Callable[..., bytes]]] = {
    "docx": (".docx", _docx),
    "md": (".md", _text("markdown", "render_markdown")),
    "coverage.json": (".coverage.json", _text("coverage", "render_coverage_json")),
    "coverage.md": (".coverage.md", _text("coverage", "render_coverage_md")),
    "coverage.csv": (".coverage.csv", _text("coverage", "render_coverage_csv")),
    "requirements.csv": (".requirements.csv", _text("requirements", "render_requirements_csv")),
    "requirements.xlsx": (".requirements.xlsx", _binary("requirements", "render_requirements_xlsx", template=True)),
    "requirements.docx": (".requirements.docx", _binary("requirements", "render_requirements_docx", template=True)),
    "followup.md": (".followup.md", _text("followup", "render_followup_md")),
    "followup.csv": (".followup.csv", _text("followup", "render_followup_csv")),
    "followup.ics": (".followup.ics", _text("followup", "render_followup_ics")),
}


def render(fmt: str, draft: Draft, **options) -> bytes:
    """The draft in format `fmt` (a key of WRITERS)."""
    return WRITERS[fmt][1](draft, **options)
