"""Writers for the review of a returned draft: Markdown for a lawyer, JSON, and a Word report."""

from __future__ import annotations

import io
import json

from generator.review.diff_writers import elide, shown, words_text
from generator.review.returned import ClauseReview, Review
from generator.review.verify_writers import part_label

VERDICT = {
    "unchanged": "unchanged",
    "value-within-bounds": "value changed within the approved bounds",
    "value-out-of-bounds": "value outside the approved bounds: legal review",
    "fallback": "approved fallback",
    "free-text": "free-text deviation: legal review",
    "deleted": "clause deleted: legal review",
}


def _values(c: ClauseReview) -> list[str]:
    return [f"`{v.parameter}`: {v.old} → {v.new}" + (f" (for {', '.join(v.services)})" if v.services else "")
            + (f" — {v.problem}" if v.problem else "") for v in c.values]


def _summary(review: Review) -> str:
    counts: dict[str, int] = {}
    for c in review.clauses:
        counts[c.status] = counts.get(c.status, 0) + 1
    parts = [f"{n} {VERDICT[s].split(':')[0]}" for s, n in counts.items()]
    if review.other:
        parts.append(f"{len(review.other)} change(s) outside the clauses")
    verdict = "everything is unchanged or approved" if review.approved else "needs legal review"
    return f"{', '.join(parts)}: {verdict}"


def _md_words(segments) -> str:
    out = []
    for op, text in elide(segments):
        text = shown(text).replace("\n\n", " ¶ ")
        out.append(text if op == "=" else f"~~{text}~~" if op == "-" else f"**{text}**")
    return "".join(out)


def render_md(review: Review) -> str:
    """A lawyer's reading: a table of every clause, then the details of each change and the comments."""
    lines = [f"# Review of {review.file}", "",
             f"Agreement `{review.agreement}`, compared with the library {review.revision.where}. {_summary(review)}.",
             "", "| § | Clause | Result |", "|---|---|---|"]
    for c in review.clauses:
        extra = f" {c.fallback}: {c.fallback_label}" if c.fallback else ""
        pending = " (tracked, not yet accepted)" if c.pending else ""
        notes = f" · {len(c.comments)} comment(s)" if c.comments else ""
        lines.append(f"| {c.number} | {c.title} (`{c.id}`) | {VERDICT[c.status]}{extra}{pending}{notes} |")
    details = [c for c in review.clauses if c.status != "unchanged" or c.comments]
    for c in details:
        lines += ["", f"## {c.number} {c.title} (`{c.id}`): {VERDICT[c.status]}", ""]
        if c.fallback:
            lines.append(f"- Fallback {c.fallback}: {c.fallback_label}")
        lines += [f"- {v}" for v in _values(c)]
        if c.words and c.status != "unchanged":
            lines.append(f"- Text: {_md_words(c.words)}")
        for entry in c.accept_entries():
            lines.append(f"- To record it, add to the agreement's `accept:` `{_flow(entry)}`")
        lines += [f"- Comment by {m.author}: {m.text}" for m in c.comments]
    for d in review.other:
        lines += ["", f"## {part_label(d)}: {d.status}", ""]
        lines.append(f"- Now after {d.where}" if d.status == "moved" else f"- Text: {_md_words(d.words)}")
        lines += [f"- Comment by {m.author}: {m.text}" for m in d.comments]
    if review.comments:
        lines += ["", "## Other comments", ""] + [f"- {m.author}: {m.text}" for m in review.comments]
    lines += [f"\n_Note: {n}_" for n in review.notes]
    return "\n".join(lines) + "\n"


def _flow(entry: dict) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in entry.items()) + "}"


def render_json(review: Review) -> str:
    """{file, agreement, revision, approved, clauses: [...], other: [...], comments, notes}."""
    return json.dumps({
        "file": review.file, "agreement": review.agreement, "approved": review.approved,
        "revision": {"name": review.revision.name, "commit": review.revision.commit},
        "clauses": [{"number": c.number, "id": c.id, "title": c.title, "status": c.status,
                     "fallback": c.fallback, "fallback_label": c.fallback_label, "pending": c.pending,
                     "values": [{"parameter": v.parameter, "old": v.old, "new": v.new, "services": list(v.services) if v.services else None,
                                 "problem": v.problem} for v in c.values],
                     "words": [list(s) for s in c.words], "accept": c.accept_entries(),
                     "comments": [{"author": m.author, "text": m.text} for m in c.comments]}
                    for c in review.clauses],
        "other": [{"kind": d.kind, "number": d.number, "title": d.title, "status": d.status, "where": d.where or None,
                   "words": [list(s) for s in d.words],
                   "comments": [{"author": m.author, "text": m.text} for m in d.comments]} for d in review.other],
        "comments": [{"author": m.author, "text": m.text} for m in review.comments],
        "notes": list(review.notes),
    }, ensure_ascii=False, indent=2, default=str) + "\n"


def render_docx(review: Review) -> bytes:
    """The same report as a Word document: a table of every clause, then each change with its words marked."""
    import docx
    from docx.shared import RGBColor

    from generator.render.reproducible import normalize_zip

    document = docx.Document()
    props = document.core_properties
    props.title, props.author, props.last_modified_by = f"Review of {review.file}", "Klausul", "Klausul"
    document.add_heading(f"Review of {review.agreement}", 0)
    document.add_paragraph(f"{review.file}, compared with the library {review.revision.where}. {_summary(review)}.")
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("§", "Clause", "Result")):
        cell.text = text
    for c in review.clauses:
        row = table.add_row().cells
        row[0].text, row[1].text = c.number, f"{c.title} ({c.id})"
        row[2].text = VERDICT[c.status] + (f" {c.fallback}: {c.fallback_label}" if c.fallback else "")
    for c in (c for c in review.clauses if c.status != "unchanged" or c.comments):
        document.add_heading(f"{c.number} {c.title}: {VERDICT[c.status]}", 2)
        for line in _values(c):
            document.add_paragraph(line.replace("`", ""), style="List Bullet")
        if c.words and c.status != "unchanged":
            _words(document.add_paragraph(), c.words, RGBColor)
        for m in c.comments:
            document.add_paragraph(f"Comment by {m.author}: {m.text}", style="List Bullet")
    for d in review.other:
        document.add_heading(f"{part_label(d)}: {d.status}", 2)
        if d.status == "moved":
            document.add_paragraph(f"Now after {d.where}")
        _words(document.add_paragraph(), d.words, RGBColor)
    out = io.BytesIO()
    document.save(out)
    return normalize_zip(out.getvalue())


def _words(paragraph, segments, rgb) -> None:
    for op, text in elide(segments):
        run = paragraph.add_run(text.replace("\n\n", " ¶ "))
        if op == "-":
            run.font.strike, run.font.color.rgb = True, rgb(0xC0, 0x00, 0x00)
        elif op == "+":
            run.font.underline, run.font.color.rgb = True, rgb(0x00, 0x60, 0x00)


def render_text(review: Review) -> str:
    """Plain text for a terminal (the Markdown without its tables' markup would lose the columns)."""
    lines = [f"{review.file}: agreement {review.agreement}, compared with the library {review.revision.where}"]
    for c in review.clauses:
        lines.append(f"  {c.number:<6} {c.id}: {VERDICT[c.status]}" + (f" {c.fallback}" if c.fallback else ""))
        lines += [f"           {v}" for v in _values(c)]
        if c.status in ("free-text", "value-out-of-bounds"):
            lines.append(f"           {words_text(c.words)}")
        lines += [f"           comment by {m.author}: {m.text}" for m in c.comments]
    for d in review.other:
        lines += [f"  {d.status}: {part_label(d)}",
                  f"           now after {d.where}" if d.status == "moved" else f"           {words_text(d.words)}"]
    lines.append(_summary(review))
    return "\n".join(lines) + "\n"


WRITERS = {"md": render_md, "json": render_json, "text": render_text}
