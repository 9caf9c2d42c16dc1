"""Writers for a verification: clause by clause, does a .docx still match the library?"""

from __future__ import annotations

import json

from generator.review.verify import Verification
from generator.review.diff_writers import change_line, words_text

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
        "notes": list(result.notes),
    }, ensure_ascii=False, indent=2, default=str) + "\n"


WRITERS = {"text": render_text, "json": render_json}
