"""Writers for a clause's impact: text for the terminal, Markdown for a review comment, JSON."""

from __future__ import annotations

import json

from generator.review.impact import Impact, Use
from generator.render.markdown import escape

HOW = {"rules": "by its rules", "include": "included by name", "excluded": "excluded",
       "unused": "not selected", "error": "cannot be assembled"}


def _clause_line(impact: Impact) -> str:
    c = impact.clause
    title = c.title.get("en") or next(iter(c.title.values()))
    return f"clause {c.id} {c.version} ({c.status}) \u201c{title}\u201d, {c.path}, {impact.revision.where}"


def _detail(use: Use) -> str:
    if use.how in ("rules", "include"):
        return f"{HOW[use.how]}, for {', '.join(use.services)}"
    return f"{HOW[use.how]}: {use.note}" if use.note else HOW[use.how]


def render_text(impact: Impact) -> str:
    """Agreements that include the clause first, then the others, then the services its rules select."""
    lines = [_clause_line(impact), f"agreements that include it: {len(impact.agreements)} of {len(impact.uses)}"]
    width = max((len(u.agreement) for u in impact.uses), default=0)
    ordered = list(impact.agreements) + [u for u in impact.uses if u not in impact.agreements]
    lines += [f"  {u.agreement:<{width}}  [{u.status}, {u.language}]  {_detail(u)}" for u in ordered]
    services = ", ".join(f"{sid} ({name})" for sid, name in impact.services) or "none"
    lines.append(f"services its rules select: {services}")
    return "\n".join(lines) + "\n"


def render_md(impact: Impact) -> str:
    """A table of the agreements and the services, for a pull-request comment."""
    lines = [f"**Impact of {escape(_clause_line(impact))}**", "",
             "| Agreement | Status | Uses the clause | Services |", "|---|---|---|---|"]
    for u in list(impact.agreements) + [u for u in impact.uses if u not in impact.agreements]:
        how = HOW[u.how] + (f": {escape(u.note)}" if u.note and u.how not in ("rules", "include") else "")
        lines.append(f"| `{u.agreement}` {escape(u.title)} | {u.status} | {how} | {', '.join(u.services)} |")
    services = ", ".join(f"`{sid}` ({escape(name)})" for sid, name in impact.services) or "none"
    return "\n".join(lines + ["", f"Services its rules select: {services}"]) + "\n"


def render_json(impact: Impact) -> str:
    """{clause, revision, agreements: [...], services: [...]}."""
    c = impact.clause
    return json.dumps({
        "clause": {"id": c.id, "version": c.version, "status": c.status, "path": c.path},
        "revision": {"name": impact.revision.name, "commit": impact.revision.commit},
        "agreements": [{"id": u.agreement, "title": u.title, "status": u.status, "language": u.language,
                        "includes": u.how in ("rules", "include"), "how": u.how, "services": list(u.services),
                        "note": u.note} for u in impact.uses],
        "services": [{"id": sid, "name": name} for sid, name in impact.services],
    }, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"text": render_text, "md": render_md, "json": render_json}
