"""Writers for a verification: clause by clause, does a .docx still match the library?"""

from __future__ import annotations

import json

from generator.review.textcheck import PartDiff
from generator.review.verify import Verification
from generator.review.diff_writers import change_line, words_text

def part_label(d: PartDiff) -> str:
    """How a reader finds the part: "clause 3.1 incident-notification (Title)", "section 2 (Title)", ..."""
    if d.kind == "clause":
        return f"clause {d.number or '(new)'} {d.id or ''} ({d.title})".replace("  ", " ")
    if d.kind == "outside":
        return f"text outside any clause, after clause {d.where}" if d.where else "text outside any clause"
    if d.kind == "cover":
        return "cover page"
    return f"section {d.number} ({d.title})" if d.number and d.number not in d.title else f"section {d.title}"


TEXT_STATUS = {"changed": "changed", "missing": "missing from the file", "added": "not in the draft",
               "pending": "pending tracked changes", "moved": "moved"}


def part_lines(d: PartDiff) -> list[str]:
    """A text difference: what and where, the word diff, the comments beside it."""
    if d.status == "moved":
        return [f"moved: {part_label(d)}, now after {d.where}"]
    lines = [f"{TEXT_STATUS[d.status]}: {part_label(d)}", f"    {words_text(d.words)}"]
    return lines + [f"    comment by {c.author}: {c.text}" for c in d.comments]


def part_json(d: PartDiff) -> dict:
    """One text difference as JSON."""
    return {"kind": d.kind, "number": d.number, "id": d.id, "title": d.title, "status": d.status,
            "where": d.where or None, "words": [list(s) for s in d.words],
            "comments": [{"author": c.author, "text": c.text} for c in d.comments]}


STATUS = {"unchanged": "unchanged", "changed": "changed", "removed": "removed from the library",
          "added": "would now be included", "dropped": "no longer selected for this agreement"}


def render_text(result: Verification) -> str:
    """What the file was built from, then each clause and input, then the verdict."""
    m = result.manifest
    built = f"commit {m.commit[:7]}" + (" with uncommitted changes" if m.dirty else "") if m.commit \
        else "a library outside git"
    lines = [f"{result.file}: agreement {m.agreement} {m.agreement_version}, {m.generator}, built from {built}",
             f"compared with the library {result.revision.where}:"]
    width = max((len(c.id) for c in result.clauses), default=0)
    for c in result.clauses:
        versions = (f"{c.document_version} → {c.library_version}" if c.document_version and c.library_version
                    and c.document_version != c.library_version else c.document_version or c.library_version)
        shown = [ch for ch in c.changes if ch.path != "version"]  # the versions are on the line already
        fields = ", ".join(dict.fromkeys(ch.field for ch in shown))
        lines.append(f"  {c.status:<9} {c.id:<{width}}  {versions}" + (f"  {STATUS[c.status]}" if c.status in
                     ("removed", "added", "dropped") else "") + (f"  ({fields})" if fields else ""))
        lines += [f"              {ch.path}: {change_line(ch, words_text)}"
                  for ch in shown]
    for i in result.inputs:
        if i.status != "unchanged":
            lines.append(f"  {i.status:<9} {i.kind} {i.id}")
    if result.text_revision is not None:
        lines.append(f"text compared with the draft rebuilt {result.text_revision.where}:"
                     + ("" if result.text else " every section, clause and annex matches"))
    lines += [f"  {line}" for d in result.text for line in part_lines(d)]
    lines += [f"  note: {n}" for n in result.notes]
    lines.append(_verdict(result))
    return "\n".join(lines) + "\n"


def _verdict(result: Verification) -> str:
    if result.matches:
        return f"the file matches the library {result.revision.where} ({len(result.clauses)} clauses)"
    counts: dict[str, int] = {}
    for c in result.clauses:
        counts[c.status] = counts.get(c.status, 0) + 1
    inputs = sum(i.status != "unchanged" for i in result.inputs)
    parts = [f"{n} {s}" for s, n in counts.items() if s != "unchanged"]
    parts += [f"{len(result.text)} text difference(s)"] if result.text else []
    parts += [f"{inputs} input(s) changed"] if inputs else []
    return f"the file does not match the library {result.revision.where}: {', '.join(parts)}"


def render_json(result: Verification) -> str:
    """{file, matches, built_from, revision, clauses: [...], inputs: [...], notes}."""
    m = result.manifest
    return json.dumps({
        "file": result.file, "matches": result.matches,
        "built_from": {"agreement": m.agreement, "version": m.agreement_version, "generator": m.generator,
                       "commit": m.commit, "dirty": m.dirty},
        "revision": {"name": result.revision.name, "commit": result.revision.commit},
        "clauses": [{"id": c.id, "status": c.status, "document_version": c.document_version,
                     "library_version": c.library_version,
                     "changes": [{"path": ch.path, "change": ch.change, "old": ch.old, "new": ch.new,
                                  "words": [list(s) for s in ch.words] or None} for ch in c.changes]}
                    for c in result.clauses],
        "inputs": [{"kind": i.kind, "id": i.id, "status": i.status} for i in result.inputs],
        "text": [part_json(d) for d in result.text],
        "notes": list(result.notes),
    }, ensure_ascii=False, indent=2, default=str) + "\n"


WRITERS = {"text": render_text, "json": render_json}
