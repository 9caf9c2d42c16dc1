"""Coverage writers: the checklist as JSON, CSV and Markdown."""

from __future__ import annotations

import io
from dataclasses import asdict

from generator.core.i18n import LABELS
from generator.render.csvsafe import safe_writer
from generator.render.jsonindent import dumps
from generator.core.model import Draft, ServiceCoverage
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
                       "clauses": list(i.clauses), "partial": list(i.partial), "reason": i.reason,
                       "verify": i.verify, "only_for": list(i.only_for),
                       "services": [_service(s) for s in i.services]} for i in cat.items],
        } for cat in draft.coverage],
        "overrides": [asdict(o) for o in draft.overrides],
        "verify": [{"item": f"{cat.id}:{i.id}", "title": i.title, "reference": i.reference}
                   for cat in draft.coverage for i in cat.items if i.verify],
    }


def _service(s: ServiceCoverage) -> dict:
    """One service's coverage of an item, with every value measured against a rule."""
    return {"service": s.service, "name": s.name, "status": s.status, "clauses": list(s.clauses),
            "partial": list(s.partial), "reason": s.reason, "accepted": s.accepted,
            "checks": [{k: v for k, v in asdict(c).items() if k != "service"} for c in s.checks]}


def render_coverage_json(draft: Draft) -> str:
    """The checklist as indented JSON."""
    return dumps(coverage_data(draft)) + "\n"  # as json.dumps(..., ensure_ascii=False, indent=2) writes it


def render_coverage_csv(draft: Draft) -> str:
    """One row per catalog item and service it concerns (an item that concerns none: one row, no service)."""
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(["agreement", "catalog", "item", "title", "reference", "status", "service", "service_status",
                     "clauses", "partial", "reason", "values", "verify"])
    for cat in draft.coverage:
        for i in cat.items:
            first = [draft.id, cat.id, i.id, i.title, i.reference, i.status]
            flag = "verify" if i.verify else ""
            if not i.services:
                writer.writerow(first + ["", i.status, " ".join(i.clauses), " ".join(i.partial), i.reason or "", "",
                                         flag])
            for s in i.services:
                values = "; ".join(f"{c.parameter}={c.value} ({c.origin}; {'ok' if c.ok else 'fails'} {c.threshold})"
                                   for c in s.checks)
                writer.writerow(first + [s.service, s.status, " ".join(s.clauses), " ".join(s.partial),
                                         s.reason or "", values, flag])
    return out.getvalue()


def render_coverage_md(draft: Draft) -> str:
    """The checklist as Markdown."""
    labels = LABELS[draft.language]
    return "\n".join([f"# {escape(draft.title)}", ""] + coverage_lines(draft, labels["coverage"])).rstrip() + "\n"
