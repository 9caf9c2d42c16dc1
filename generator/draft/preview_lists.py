"""Lists read as GitHub and VS Code preview them (CommonMark), before Python-Markdown parses the text.

Python-Markdown wants a blank line before a list and four spaces per nesting level; CommonMark, which
the previews follow, starts a list right after a text line (a bullet, or a numbered item that starts
at 1) and nests an item under another when it is indented to that item's text. This pre-pass rewrites
only those two things: it inserts the blank line and re-indents nested items, and paragraphs inside
an item, to four spaces per level. Fenced code is left alone.
"""

from __future__ import annotations

import re

_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])( +)(?=\S)")
_FENCE = re.compile(r" {0,3}(```|~~~)")


def normalize_lists(text: str) -> str:
    """The text with lists written the CommonMark way turned into the form Python-Markdown reads alike."""
    out: list[str] = []
    stack: list[tuple[int, int]] = []  # (marker indent, text column) of the open items, outermost first
    fenced = False
    previous = ""
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or _FENCE.match(line):
            out.append(line)
            previous = line
            continue
        item = _ITEM.match(line)
        if not line.strip():
            out.append(line)
        elif item:
            indent, marker, gap = len(item.group(1)), item.group(2), item.group(3)
            if not stack and previous.strip() and _interrupts(marker):
                out.append("")  # CommonMark lets this list interrupt the paragraph above it
            while stack and indent < stack[-1][1]:
                stack.pop()
            depth = len(stack)
            stack.append((indent, indent + len(marker) + len(gap)))
            out.append(" " * (4 * depth) + line[indent:])
        elif stack and previous.strip():
            out.append(line)  # a continuation of the line above reads the same at any indentation
        elif stack:
            indent = len(line) - len(line.lstrip(" "))
            levels = sum(1 for _, column in stack if indent >= column)
            if levels == 0 and not previous.strip():
                stack.clear()  # a blank line and text at the margin: the list is over
                out.append(line)
            else:
                out.append(" " * (4 * max(levels, 1) if indent else 0) + line.lstrip(" "))
        else:
            out.append(line)
        previous = line
    return "\n".join(out)


def _interrupts(marker: str) -> bool:
    return not marker[0].isdigit() or int(marker[:-1]) == 1
