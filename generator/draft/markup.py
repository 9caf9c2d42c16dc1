"""Clause Markdown → the model's blocks and inlines, with `{{ name }}` kept as Param nodes.

A text is read by `markdown_reader` once: the blocks are kept in this process and, through
`markup_cache`, on disk for the next one, so a warm build never imports Python-Markdown.
"""

from __future__ import annotations

import functools
import re

from generator.core.model import Block, Inline, Link, ListBlock, Paragraph, Param, Styled, Table, Text

_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # a no-break space in clause text is deliberate


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Block, ...]:
    """The blocks of one clause text; kept because many agreements share a clause, and stored
    across processes (markup_cache) because reading Markdown is the slow part of assembling."""
    from generator.draft import markup_cache

    blocks = markup_cache.get(text)
    if blocks is None:
        from generator.draft.markdown_reader import read

        blocks = read(text)
        markup_cache.put(text, blocks)
    return blocks


def _merge(parts: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    run: list[str] = []  # adjacent texts are joined once: joining pairwise was quadratic
    for part in parts:
        if isinstance(part, Text):
            run.append(part.text)
            continue
        if run:
            merged.append(Text(_spaced("".join(run))))
            run = []
        merged.append(part)
    if run:
        merged.append(Text(_spaced("".join(run))))
    return tuple(merged)


def _spaced(text: str) -> str:
    """Runs of white space as one space; most texts have none, and are kept without a regex pass."""
    if "  " in text or any(c in text for c in "\t\n\r\f\v"):
        return _SPACE.sub(" ", text)
    return text


def resolve(blocks: tuple[Block, ...], values: dict[str, str]) -> tuple[Block, ...]:
    """The blocks with every Param replaced by its value; KeyError names a missing one."""
    return tuple(_resolve_block(b, values) for b in blocks)


def _resolve_block(block: Block, values: dict[str, str]) -> Block:
    if isinstance(block, Paragraph):
        return Paragraph(_resolve_inlines(block.inlines, values))
    if isinstance(block, ListBlock):
        return ListBlock(block.ordered, tuple(resolve(item, values) for item in block.items))
    return Table(tuple(_resolve_inlines(c, values) for c in block.header),
                 tuple(tuple(_resolve_inlines(c, values) for c in row) for row in block.rows))


def _resolve_inlines(inlines: tuple[Inline, ...], values: dict[str, str]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Param):
            out.append(Text(values[inline.name]))
        elif isinstance(inline, Styled):
            out.append(Styled(inline.style, _resolve_inlines(inline.children, values)))
        elif isinstance(inline, Link):
            out.append(Link(_resolve_inlines(inline.children, values), inline.url))
        else:
            out.append(inline)
    return _merge(out)


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The inlines' text without formatting."""
    return "".join(i.text if isinstance(i, Text) else plain_text(i.children) if hasattr(i, "children")
                   else f"{{{{ {i.name} }}}}" for i in inlines)


def blocks_text(blocks: tuple[Block, ...], indent: str = "") -> str:
    """Rich text as plain text with list markers and line breaks, every word kept (for spreadsheets)."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(indent + plain_text(block.inlines))
        elif isinstance(block, ListBlock):
            for n, item in enumerate(block.items, block.start):
                marker = f"{n}. " if block.ordered else "\u2013 "
                text = blocks_text(item, indent + " " * len(marker))
                out.append(indent + marker + text[len(indent) + len(marker):])
        else:
            out += [indent + " | ".join(plain_text(c) for c in row) for row in (block.header, *block.rows)]
    return "\n".join(out)


def lead_in(block: Block) -> bool:
    """A paragraph that ends in a colon, introducing the list after it ("Leverantören ska:")."""
    if not isinstance(block, Paragraph) or not block.inlines:
        return False
    last = block.inlines[-1]
    while isinstance(last, (Styled, Link)) and last.children:
        last = last.children[-1]
    return isinstance(last, Text) and last.text.rstrip().endswith(":")
