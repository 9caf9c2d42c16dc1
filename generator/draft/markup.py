"""Clause Markdown → the model's blocks and inlines, with `{{ name }}` kept as Param nodes."""

from __future__ import annotations

import functools
import re
import threading
import xml.etree.ElementTree as ET

import markdown
from markdown.treeprocessors import Treeprocessor

from generator.core.model import Block, Inline, Link, ListBlock, Paragraph, Param, Styled, Table, Text
from generator.core.placeholders import PLACEHOLDER
from generator.draft.preview_lists import normalize_lists

# Placeholders travel through Markdown as private-use tokens, so that `_` in a name can never
# become emphasis and a value can never be read as Markdown. Validation refuses these characters.
_TOKEN = re.compile("\ue000([0-9]+)\ue001")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # a no-break space in clause text is deliberate
_STYLES = {"strong": "strong", "b": "strong", "em": "emphasis", "i": "emphasis", "code": "code"}


class _Capture(Treeprocessor):
    """Keeps the finished element tree; runs after Markdown's own unescaping."""

    def run(self, root: ET.Element) -> None:
        self.md.captured_tree = root


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"])
    # Raw HTML and entities would be passed through or eaten (`Bob & Sons <UK>` lost `<UK>`);
    # clause text is plain text with Markdown structure, so those readers are switched off.
    md.preprocessors.deregister("html_block")
    for name in ("html", "entity", "autolink", "automail"):
        md.inlinePatterns.deregister(name)
    md.treeprocessors.register(_Capture(md), "klausul-capture", -10)
    return md


_LOCAL = threading.local()  # a Markdown instance keeps state while it converts: one per thread


def _parser() -> markdown.Markdown:
    if not hasattr(_LOCAL, "md"):
        _LOCAL.md = _markdown()
    return _LOCAL.md


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Block, ...]:
    """The blocks of one clause text; cached because many agreements share a clause."""
    names: list[str] = []

    def tokenize(match: re.Match) -> str:
        names.append(match.group(1))
        return f"\ue000{len(names) - 1}\ue001"

    md = _parser()
    md.reset()
    md.convert(normalize_lists(PLACEHOLDER.sub(tokenize, text)))
    return tuple(_blocks(md.captured_tree, names))


def _blocks(parent: ET.Element, names: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for el in parent:
        tag = el.tag
        if tag in ("ul", "ol"):
            items = tuple(tuple(_item_blocks(li, names)) for li in el if li.tag == "li")
            blocks.append(ListBlock(tag == "ol", items))
        elif tag == "table":
            blocks.append(_table(el, names))
        elif tag in ("blockquote", "div"):
            blocks += _blocks(el, names)
        elif tag == "hr":
            continue
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            blocks.append(Paragraph((Styled("strong", _inlines(el, names)),)))
        else:  # p, pre and anything else keep their text as a paragraph
            inlines = _inlines(el, names)
            if inlines:
                blocks.append(Paragraph(inlines))
    return blocks


def _item_blocks(li: ET.Element, names: list[str]) -> list[Block]:
    if any(child.tag in ("p", "ul", "ol", "table") for child in li):
        lead = _inlines_of(li.text, [], names)  # text before a nested list in a tight list
        nested = _blocks(li, names)
        own = [c for c in li if c.tag not in ("p", "ul", "ol", "table")]
        if lead or own:
            nested.insert(0, Paragraph(_merge(lead + [i for c in own for i in _element_inlines(c, names)])))
        return nested
    return [Paragraph(_inlines(li, names))]


def _table(el: ET.Element, names: list[str]) -> Table:
    rows = [tr for tr in el.iter("tr")]
    cells = [tuple(_inlines(cell, names) for cell in tr) for tr in rows]
    return Table(header=cells[0], rows=tuple(cells[1:]))


def _inlines(el: ET.Element, names: list[str]) -> tuple[Inline, ...]:
    parts = _inlines_of(el.text, list(el), names)
    return _strip(_merge(parts))


def _inlines_of(text: str | None, children: list[ET.Element], names: list[str]) -> list[Inline]:
    parts = _text(text, names)
    for child in children:
        parts += _element_inlines(child, names)
        parts += _text(child.tail, names)
    return parts


def _element_inlines(child: ET.Element, names: list[str]) -> list[Inline]:
    if child.tag in ("ul", "ol", "p", "table"):
        return []
    if child.tag == "code":  # Markdown escapes & < > inside code spans; undo exactly that
        raw = (child.text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        return [Styled("code", tuple(_text(raw, names)))]
    inner = tuple(_merge(_inlines_of(child.text, list(child), names)))
    if child.tag in _STYLES:
        return [Styled(_STYLES[child.tag], inner)]
    if child.tag == "a":
        return [Link(inner, child.get("href", ""))]
    if child.tag == "br":
        return [Text(" ")]
    if child.tag == "img":
        return [Text(child.get("alt", ""))]
    return list(inner)


def _text(text: str | None, names: list[str]) -> list[Inline]:
    if not text:
        return []
    parts: list[Inline] = []
    for i, piece in enumerate(_TOKEN.split(_SPACE.sub(" ", text))):
        if i % 2:
            parts.append(Param(names[int(piece)]))
        elif piece:
            parts.append(Text(piece))
    return parts


def _merge(parts: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for part in parts:
        if isinstance(part, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(_SPACE.sub(" ", merged[-1].text + part.text))
        else:
            merged.append(part)
    return tuple(merged)


def _strip(parts: tuple[Inline, ...]) -> tuple[Inline, ...]:
    # White space at either end of a paragraph goes, also inside formatting that starts or ends it
    # (an indented code block ends in a line break that would otherwise become a trailing space).
    parts = list(parts)
    if parts:
        parts[0] = _trim(parts[0], str.lstrip)
    if parts:
        parts[-1] = _trim(parts[-1], str.rstrip)
    return tuple(p for p in parts if not (isinstance(p, Text) and not p.text))


def _trim(part: Inline, strip) -> Inline:
    if isinstance(part, Text):
        return Text(strip(part.text))
    if isinstance(part, Styled) and part.children:
        children = list(part.children)
        index = 0 if strip is str.lstrip else -1
        children[index] = _trim(children[index], strip)
        return Styled(part.style, tuple(children))
    return part


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
