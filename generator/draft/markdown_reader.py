"""Clause Markdown read by Python-Markdown into the model's blocks; `markup.parse` calls it only
for a text it has not read before (in this process or, through `markup_cache`, in an earlier one)."""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from generator.core.model import Block, Inline, Link, ListBlock, Paragraph, Param, Styled, Table, Text
from generator.core.placeholders import PLACEHOLDER
from generator.draft.markup import _SPACE, _merge
from generator.draft.preview_lists import normalize_lists

# Placeholders travel through Markdown as private-use tokens, so that `_` in a name can never
# become emphasis and a value can never be read as Markdown. Validation refuses these characters.
_TOKEN = re.compile("\ue000([0-9]+)\ue001")
_STYLES = {"strong": "strong", "b": "strong", "em": "emphasis", "i": "emphasis", "code": "code"}


# `[text](address)` and `![alt](address)`, with one level of brackets in the text and of parentheses
# in the address. Python-Markdown's own link readers scan to the end of the text for every `[`
# (16,000 unclosed brackets took 48 s); every repetition here stops at the next bracket, so a
# search is linear. A title, a reference link and anything else stay literal text: nothing is dropped.
_LINK = (r"(!?)\[((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
         r"\(((?:[^()\s\\]|\\.|\([^()\s]*\))*)\)")


class _Link(InlineProcessor):
    """A link or an image as one linear regular expression."""

    def handleMatch(self, m: re.Match, data: str):
        if m.group(1):  # an image is its alternative text; a contract embeds nothing from outside
            return m.group(2), m.start(0), m.end(0)
        el = ET.Element("a")
        el.text = m.group(2)
        el.set("href", self.unescape(m.group(3)))
        return el, m.start(0), m.end(0)


class _Capture(Treeprocessor):
    """Keeps the finished element tree; runs after Markdown's own unescaping."""

    def run(self, root: ET.Element) -> None:
        self.md.captured_tree = root


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"])
    # Raw HTML and entities would be passed through or eaten (`Bob & Sons <UK>` lost `<UK>`);
    # clause text is plain text with Markdown structure, so those readers are switched off.
    md.preprocessors.deregister("html_block")
    for name in ("html", "entity", "autolink", "automail", "reference", "link", "image_link",
                 "image_reference", "short_reference", "short_image_ref"):
        md.inlinePatterns.deregister(name)
    md.inlinePatterns.register(_Link(_LINK, md), "klausul-link", 160)
    md.parser.blockprocessors.deregister("reference")  # `[id]: url` lines would vanish from the text
    md.treeprocessors.register(_Capture(md), "klausul-capture", -10)
    return md


_LOCAL = threading.local()  # a Markdown instance keeps state while it converts: one per thread


def _parser() -> markdown.Markdown:
    if not hasattr(_LOCAL, "md"):
        _LOCAL.md = _markdown()
    return _LOCAL.md


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


def read(text: str) -> tuple[Block, ...]:
    """The blocks of one clause text, `{{ name }}` placeholders kept as Param nodes."""
    names: list[str] = []

    def tokenize(match: re.Match) -> str:
        names.append(match.group(1))
        return f"\ue000{len(names) - 1}\ue001"

    md = _parser()
    md.reset()
    md.convert(normalize_lists(PLACEHOLDER.sub(tokenize, text)))
    return tuple(_blocks(md.captured_tree, names))
