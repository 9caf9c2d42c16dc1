"""Coverage writers: the checklist as JSON, CSV and Markdown."""

from __future__ import annotations

import io
import json

from generator.core.i18n import LABELS
from generator.render.csvsafe import safe_writer
from generator.core.model import Draft
from generator.render.markdown import coverage_lines, escape


def coverage_data(draft: Draft) -> dict:
    """The checklist as plain data (the JSON layout the README documents)."""
    return {
        "agreement": draft.id,
        "language": draft.language,
        "catalogs": [{
            "id": cat.id, "title": cat.title, "source": cat.source, "version": cat.version,
            "summary": cat.summary(),
            "items": [{"id": i.id, "title": i.title, "reference": i.reference, "status": i.status,
                       "clauses": list(i.clauses), "partial": list(i.partial), "reason": i.reason} for i in cat.items],
        } for cat in draft.coverage],
    }


def render_coverage_json(draft: Draft) -> str:
    """The checklist as indented JSON."""
    return json.dumps(coverage_data(draft), ensure_ascii=False, indent=2) + "\n"


def render_coverage_csv(draft: Draft) -> str:
    """One row per catalog item."""
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(["agreement", "catalog", "item", "title", "reference", "status", "clauses", "partial", "reason"])
    for cat in draft.coverage:
        for i in cat.items:
            writer.writerow([draft.id, cat.id, i.id, i.title, i.reference, i.status, " ".join(i.clauses),
                             " ".join(i.partial), i.reason or ""])
    return out.getvalue()


def render_coverage_md(draft: Draft) -> str:
    """The checklist as Markdown."""
    labels = LABELS[draft.language]
    return "\n".join([f"# {escape(draft.title)}", ""] + coverage_lines(draft, labels["coverage"])).rstrip() + "\n"
