"""Writers for a LibraryDiff: text for the terminal, Markdown for a pull-request comment, JSON for tools.

Pure functions of the diff; word-level changes show only the changed words and a few around them.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from generator.review.diff import Change, DocumentDiff, LibraryDiff, Segment, tokens

CONTEXT = 6  # words of unchanged text shown on each side of a change
FIELD_LABELS = {"applies_to": "applicability", "covers": "coverage"}
PLURALS = {"clause": "clauses", "agreement": "agreements", "service": "services", "catalog": "catalogs"}
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_PARAGRAPH_BREAK = re.compile(r"[ \t]*\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


# --- shared pieces ----------------------------------------------------------------------------

def elide(segments: tuple[Segment, ...], context: int = CONTEXT) -> list[Segment]:
    """The segments with long unchanged stretches cut down to `context` words around each change."""
    out: list[Segment] = []
    last = len(segments) - 1
    for n, (op, text) in enumerate(segments):
        if op != "=":
            out.append((op, text))
            continue
        parts = tokens(_WS.sub(" ", text))
        words = [i for i, t in enumerate(parts) if _WORD.search(t)]  # punctuation rides along
        whole = "".join(parts)
        head = "".join(parts[:words[context]]).rstrip() + "…" if len(words) > context else whole
        tail = "…" + "".join(parts[words[-context]:]).lstrip() if len(words) > context else whole
        if n == 0 and n < last:
            out.append(("=", tail))
        elif n == last and n > 0:
            out.append(("=", head))
        elif 0 < n < last and len(words) > 2 * context:
            out.append(("=", head + "".join(parts[words[-context]:]).lstrip()))
        else:
            out.append(("=", whole))
    return out


def shown(text: str) -> str:
    """Inserted or deleted text on one line: a new paragraph as ¶, a mere line break as a space."""
    return _LINE_BREAK.sub(" ", _PARAGRAPH_BREAK.sub("¶ ", text.replace("\r", "")))


def value(v: Any, limit: int = 100) -> str:
    """A YAML value on one line."""
    if isinstance(v, bool):
        text = "true" if v else "false"
    elif isinstance(v, (dict, list)):
        text = json.dumps(v, ensure_ascii=False, default=str, separators=(", ", ": "))
    else:
        text = _WS.sub(" ", str(v))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def version_span(d: DocumentDiff) -> str:
    """'1.2.0 → 1.3.0', '1.2.0 (version not bumped)' or the one version there is."""
    if d.old_version and d.new_version and d.old_version != d.new_version:
        return f"{d.old_version} → {d.new_version}"
    if d.status == "changed" and d.old_version:
        return f"{d.old_version} (version not bumped)"
    return d.new_version or d.old_version or ""


def field_list(d: DocumentDiff) -> str:
    """The changed top-level fields in words: 'text, parameters, applicability' (the version is shown apart)."""
    fields = [f for f in d.fields if f != "version"] or list(d.fields)
    return ", ".join(FIELD_LABELS.get(f, f) for f in fields)


def details(d: DocumentDiff) -> list[Change]:
    """The changes to list under a document: all but the version, which its heading shows."""
    return [c for c in d.changes if c.path != "version"]


def path_span(d: DocumentDiff) -> str:
    """The file, or 'old → new' when it moved."""
    return f"{d.old_path} → {d.new_path}" if d.moved else (d.new_path or d.old_path or "")


def summary(diff: LibraryDiff, kind: str) -> str | None:
    """'1 changed, 2 added, 40 unchanged' for one kind; None when the library has none of it."""
    counts = diff.counts(kind)
    if not any(counts.values()):
        return None
    parts = [f"{n} {status}" for status, n in counts.items() if n and status != "unchanged"]
    return ", ".join(parts + [f"{counts['unchanged']} unchanged"])


def change_line(c: Change, words: Callable[[tuple[Segment, ...]], str],
                code: Callable[[str], str] = lambda text: text) -> str:
    """What happened at one key path, without the path; `code` marks up values (Markdown: code spans)."""
    if c.words:
        return words(c.words) if not layout_only(c) else LAYOUT_ONLY
    if c.change == "added":
        return f"added {code(value(c.new))}"
    if c.change == "removed":
        return f"removed (was {code(value(c.old))})"
    if (items := list_change(c)) is not None:
        added, removed = items
        parts = ([f"added {', '.join(code(value(v)) for v in added)}"] if added else []) + \
            ([f"removed {', '.join(code(value(v)) for v in removed)}"] if removed else [])
        return "; ".join(parts) or "reordered"
    return f"{code(value(c.old))} → {code(value(c.new))}"


def list_change(c: Change) -> tuple[list, list] | None:
    """(added, removed) items when a list of plain values changed, else None."""
    if not (isinstance(c.old, list) and isinstance(c.new, list)) or \
            any(isinstance(v, (dict, list)) for v in c.old + c.new):
        return None
    return [v for v in c.new if v not in c.old], [v for v in c.old if v not in c.new]


LAYOUT_ONLY = "only line breaks or spacing changed (the same text in the draft)"


def layout_only(c: Change) -> bool:
    """Whether a text change is only reflowed lines, which Markdown and the draft do not show."""
    return all(op == "=" for op, _ in c.words)


# --- text ------------------------------------------------------------------------------------

def render_text(diff: LibraryDiff, color: bool = False) -> str:
    """The diff for a terminal; `color` adds ANSI colours instead of [-deleted-] {+inserted+} marks."""
    paint = _painter(color)
    lines = [paint(f"klausul diff: {diff.old.label} → {diff.new.label}", bold=True)]
    for kind, plural in PLURALS.items():
        if (line := summary(diff, kind)) is not None:
            lines.append(f"  {plural}: {line}")
    if not diff.documents:
        return "\n".join(lines + ["", "no differences in the library"]) + "\n"
    colours = {"added": "green", "removed": "red", "changed": "yellow", "renamed": "cyan"}
    for d in diff.documents:
        head = f"{d.status:<8} {d.kind} {d.id}  {version_span(d)}  {path_span(d)}".rstrip()
        lines += ["", paint(head, fg=colours[d.status], bold=True)]
        if d.status == "added" and d.title:
            lines.append(f"    title: {d.title}")
        if d.changes:
            lines.append(f"    fields: {field_list(d)}")
        for c in details(d):
            lines.append(f"    {c.path}: {change_line(c, lambda s: words_text(s, color))}")
    return "\n".join(lines) + "\n"


def _painter(color: bool) -> Callable[..., str]:
    if not color:
        return lambda text, **_style: text
    import click

    return click.style


def words_text(segments: tuple[Segment, ...], color: bool = False) -> str:
    """Changed words in coloured text, or marked [-deleted-] {+inserted+} like `git diff --word-diff`."""
    paint = _painter(color)
    out = []
    for op, text in elide(segments):
        if op == "=":
            out.append(text)
        elif color:
            out.append(paint(shown(text), fg="red" if op == "-" else "green", strikethrough=op == "-"))
        else:
            out.append(f"[-{shown(text)}-]" if op == "-" else f"{{+{shown(text)}+}}")
    return "".join(out)


# --- Markdown --------------------------------------------------------------------------------

def render_md(diff: LibraryDiff, effects: list | None = None, effects_problem: str | None = None,
              consequences: tuple | None = None) -> str:
    """The diff as a pull-request comment: a summary table, each change with its words, added and removed
    documents in full (collapsed), what the change does to each agreement's draft (`effects`), and to
    its coverage (`consequences`, from review/consequences)."""
    from generator.review.consequences import render_md as consequences_md

    tail = "\n".join(consequences_md(consequences)) + "\n" if consequences is not None else ""
    return _render_md(diff, effects, effects_problem) + tail


def _render_md(diff: LibraryDiff, effects: list | None, effects_problem: str | None) -> str:
    lines = [f"### Klausul: library changes {_rev_md(diff.old)} → {_rev_md(diff.new)}", ""]
    counts = [f"**{plural.capitalize()}:** {line}" for kind, plural in PLURALS.items()
              if (line := summary(diff, kind)) is not None]
    lines += [" · ".join(counts) if counts else "The library is empty in both revisions.", ""]
    if not diff.documents:
        return "\n".join(lines + ["No differences in the library."]) + "\n"
    lines += ["| Change | Document | Version | What changed |", "|---|---|---|---|"]
    for d in diff.documents:
        title = md_escape(d.title or "")
        what = {"changed": field_list(d), "added": title, "removed": title,
                "renamed": f"`{d.old_path}` → `{d.new_path}`"}[d.status]
        lines.append(f"| {d.status} | {d.kind} `{d.id}` | {version_span(d)} | {what} |")
    for d in diff.documents:
        if d.status in ("added", "removed") and isinstance(d.data, dict):
            lines += ["", *_whole_md(d)]
        if not details(d):
            continue
        moved = f" (`{d.old_path}` → `{d.new_path}`)" if d.moved else f" (`{d.new_path}`)"
        lines += ["", f"#### {d.kind} `{d.id}` {version_span(d)}{moved}", ""]
        lines += [f"- `{c.path}`: {change_line_md(c)}" for c in details(d)]
    if effects is not None or effects_problem:
        lines += ["", *effects_md(effects or [], effects_problem)]
    return "\n".join(lines) + "\n"


SHOWN_SENTENCES = 12  # per agreement; the rest are counted


def effects_md(effects: list, problem: str | None = None) -> list[str]:
    """'Changes in the drafts': per agreement, clauses that enter or leave, sentences that change,
    and any further lines (coverage) — one list item each, so that other checks can add theirs."""
    lines = ["#### Changes in the drafts", ""]
    if problem:
        return lines + [f"Not computed: {md_escape(problem)}"]
    if not effects:
        return lines + ["No agreement's draft changes."]
    for e in effects:
        lines += [f"**agreement `{e.agreement}`**" + {"added": " (new)", "removed": " (removed)",
                                                      "failed": " (cannot be built)"}.get(e.status, ""), ""]
        items = [f"- cannot be built: {md_escape(_WS.sub(' ', e.problem))}"] if e.problem else []
        items += [f"- enters: clause `{i}` ({md_escape(t)})" for i, t in e.entered]
        items += [f"- leaves: clause `{i}` ({md_escape(t)})" for i, t in e.left]
        items += [f"- moves: clause `{i}` ({md_escape(t)}) from {md_escape(a)} to {md_escape(b)}"
                  for i, t, a, b in e.moved]
        for s in e.sentences[:SHOWN_SENTENCES]:
            where = "scope" if s.where == "scope" else f"clause `{s.where}`"
            if s.old is None:
                items.append(f"- {where}, new sentence: <ins>{md_escape(s.new)}</ins>")
            elif s.new is None:
                items.append(f"- {where}, sentence gone: <del>{md_escape(s.old)}</del>")
            else:
                from generator.review.diff import word_diff

                items.append(f"- {where}: {_words_md(word_diff(s.old, s.new))}")
        if len(e.sentences) > SHOWN_SENTENCES:
            items.append(f"- … and {len(e.sentences) - SHOWN_SENTENCES} more sentence(s)")
        items += list(e.lines)
        lines += items + [""]
    return lines[:-1]


def _whole_md(d: DocumentDiff) -> list[str]:
    """An added or removed document in full, collapsed: title and text per language, or its YAML values."""
    from generator.draft.markup import blocks_text, parse

    data = d.data
    out = [f"<details><summary>{d.kind} <code>{md_escape(d.id)}</code> {d.status} in full</summary>", ""]
    texts = data.get("text") if isinstance(data.get("text"), dict) else None
    if texts:
        titles = data.get("title") if isinstance(data.get("title"), dict) else {}
        for lang, text in texts.items():
            out.append(f"**{md_escape(str(lang))}: {md_escape(str(titles.get(lang, '')))}**")
            out.append("")
            try:
                body = blocks_text(parse(str(text))).split("\n")
            except Exception:  # noqa: BLE001 - shown as written when it does not parse
                body = str(text).split("\n")
            out.append("<br>\n".join(md_escape(line) for line in body if line.strip()))
            out.append("")
    others = [k for k in data if k not in ("text", "title", "id")]
    out += [f"- `{k}`: {_code(value(data[k], 200))}" for k in others]
    return out + ["", "</details>"]


# Characters GitHub Markdown gives a meaning to inline: emphasis, strike, code, links, images, HTML and
# entities, tables, headings, math, mentions. Backslash-escaped they show as written.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!$@])")


def md_escape(text: str) -> str:
    """Text that GitHub Markdown shows exactly as written, on one line (also where a line starts)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", _WS.sub(" ", text)).strip()
    return re.sub(r"^([-+=]|\d+(?=[.)]))", lambda m: m.group(1) + "\\" if m.group(1)[0].isdigit()
                  else "\\" + m.group(1), escaped)


def change_line_md(c: Change) -> str:
    """One change in Markdown: values in code spans, deleted words struck through, inserted in bold."""
    return change_line(c, _words_md, _code)


def _rev_md(rev) -> str:
    if rev.commit is None:
        return rev.name
    short = rev.commit[:7]
    return f"`{short}`" if rev.name.startswith(short) else f"{_code(rev.name)} ({short})"


def _code(text: str) -> str:
    # A fence longer than any run of backquotes inside, so that no value can end the span early.
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}" if text.strip() else "(empty)"


def _words_md(segments: tuple[Segment, ...]) -> str:
    # <del>/<ins> rather than ~~ and **: emphasis delimiters next to punctuation ("**, dock**") are not
    # emphasis in CommonMark, tags are; and text inside is escaped, so it cannot close them.
    out = []
    for op, text in elide(segments):
        if op == "=":
            out.append(_escape_keep_space(text))
            continue
        core = shown(text)
        lead, body, trail = re.match(r"^(\s*)(.*?)(\s*)$", core, re.S).groups()
        tag = "del" if op == "-" else "ins"
        out.append(f"{lead}<{tag}>{md_escape(body)}</{tag}>{trail}" if body else (lead + trail if op == "+" else ""))
    return "".join(out)


def _escape_keep_space(text: str) -> str:
    lead, body, trail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.S).groups()
    return (" " if lead else "") + md_escape(body) + (" " if trail and body else "")


# --- JSON ------------------------------------------------------------------------------------

def render_json(diff: LibraryDiff) -> str:
    """The whole diff as JSON: revisions, counts per kind, documents with every change."""
    data = {
        "old": {"name": diff.old.name, "commit": diff.old.commit},
        "new": {"name": diff.new.name, "commit": diff.new.commit},
        "summary": {kind: diff.counts(kind) for kind in PLURALS},
        "documents": [{
            "kind": d.kind, "id": d.id, "status": d.status, "old_path": d.old_path, "new_path": d.new_path,
            "old_version": d.old_version, "new_version": d.new_version, "fields": list(d.fields),
            "changes": [{"path": c.path, "change": c.change, "old": c.old, "new": c.new,
                         "words": [list(s) for s in c.words] or None} for c in d.changes],
        } for d in diff.documents],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


WRITERS = {"text": render_text, "md": render_md, "json": render_json}
