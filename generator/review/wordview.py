"""How Word shows a document: every tracked change accepted or rejected, list and heading numbers as
rendered, and where each table-of-contents entry leads. The redline's self-check reads both outcomes
this way and compares them with the plain drafts.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Line:
    """One paragraph as a reader sees it: style, list level, the number Word puts before it, and its text."""

    style: str
    level: int | None
    number: str
    text: str


_P, _PPR, _PSTYLE, _NUMPR, _NUMID, _ILVL, _VAL, _T, _DELTEXT, _TAB = (
    w(t) for t in ("p", "pPr", "pStyle", "numPr", "numId", "ilvl", "val", "t", "delText", "tab"))


def text_of(el: etree._Element) -> str:
    """The visible text of an element: w:t and w:delText, tabs as tab characters."""
    return "".join("\t" if node.tag == _TAB else node.text or "" for node in el.iter(_T, _DELTEXT, _TAB))


def resolve(document: etree._Element, accept: bool) -> etree._Element:
    """A copy of document.xml's root with every change accepted (or rejected), moves included."""
    root = copy.deepcopy(document)
    gone, kept = (("del", "moveFrom"), ("ins", "moveTo")) if accept else (("ins", "moveTo"), ("del", "moveFrom"))
    for kind in gone:
        for mark in root.xpath(f"//w:pPr/w:rPr/w:{kind}", namespaces=NS):
            p = mark.getparent().getparent().getparent()
            if p.getparent() is not None:
                p.getparent().remove(p)
        for mark in root.xpath(f"//w:trPr/w:{kind}", namespaces=NS):
            row = mark.getparent().getparent()
            if row.getparent() is not None:
                row.getparent().remove(row)
    for kind in gone:
        for el in root.xpath(f"//w:{kind}", namespaces=NS):
            if el.getparent() is not None:
                el.getparent().remove(el)
    for kind in kept:
        for el in root.xpath(f"//w:{kind}", namespaces=NS):
            parent = el.getparent()
            if parent.tag in (w("rPr"), w("trPr")):
                parent.remove(el)
                continue
            for child in list(el):
                el.addprevious(child)
            parent.remove(el)
    for el in root.xpath("//w:moveFromRangeStart|//w:moveFromRangeEnd|//w:moveToRangeStart|//w:moveToRangeEnd",
                         namespaces=NS):
        el.getparent().remove(el)
    for t in root.iter(w("delText")):
        t.tag = w("t")
    for t in root.iter(w("delInstrText")):
        t.tag = w("instrText")
    return root


class Numbering:
    """Word's list and heading numbers for a document, from its numbering and styles parts."""

    def __init__(self, numbering: bytes | None, styles: bytes | None):
        self.nums: dict[str, etree._Element] = {}
        self.abstracts: dict[str, etree._Element] = {}
        self.styles: dict[str, tuple[str, int | None]] = {}
        if numbering:
            root = etree.fromstring(numbering)
            self.nums = {n.get(w("numId")): n for n in root.findall("w:num", NS)}
            self.abstracts = {a.get(w("abstractNumId")): a for a in root.findall("w:abstractNum", NS)}
        if styles:
            for style in etree.fromstring(styles).findall("w:style", NS):
                num = style.find("w:pPr/w:numPr/w:numId", NS)
                if num is not None:
                    level = style.find("w:pPr/w:numPr/w:ilvl", NS)
                    self.styles[style.get(w("styleId"))] = (
                        num.get(w("val")), int(level.get(w("val"))) if level is not None else None)

    def lines(self, root: etree._Element) -> list[Line]:
        """Every paragraph of a document body, in order, with the number Word shows before it."""
        counters: dict[object, dict[int, int]] = {}
        out = []
        for p in root.iter(_P):
            p_pr = p.find(_PPR)  # by Clark name from the paragraph's own properties: this runs for every paragraph
            style_el = p_pr.find(_PSTYLE) if p_pr is not None else None
            style = style_el.get(_VAL) if style_el is not None else ""
            num_id, level = self._num_pr(p_pr, style)
            number = ""
            if num_id not in (None, "0") and num_id in self.nums:
                number = self._next(counters, num_id, level or 0)
            out.append(Line(style, level if num_id not in (None, "0") else None, number, text_of(p)))
        return out

    def _num_pr(self, p_pr: etree._Element | None, style: str) -> tuple[str | None, int | None]:
        num_pr = p_pr.find(_NUMPR) if p_pr is not None else None
        num = num_pr.find(_NUMID) if num_pr is not None else None
        level = num_pr.find(_ILVL) if num_pr is not None else None
        if num is not None:
            return num.get(w("val")), int(level.get(w("val"))) if level is not None else 0
        if style in self.styles:
            num_id, lvl = self.styles[style]
            if lvl is None:
                lvl = self._level_of_style(num_id, style)
            return num_id, lvl
        return None, None

    def _level_of_style(self, num_id: str, style: str) -> int:
        abstract = self._abstract(num_id)
        for lvl in abstract.findall("w:lvl", NS) if abstract is not None else []:
            link = lvl.find("w:pStyle", NS)
            if link is not None and link.get(w("val")) == style:
                return int(lvl.get(w("ilvl")))
        return 0

    def _abstract(self, num_id: str) -> etree._Element | None:
        ref = self.nums[num_id].find("w:abstractNumId", NS)
        return self.abstracts.get(ref.get(w("val"))) if ref is not None else None

    def _next(self, counters: dict, num_id: str, level: int) -> str:
        num = self.nums[num_id]
        abstract = self._abstract(num_id)
        # A w:num with overrides is a list of its own; those without share their definition's counters.
        key = num_id if num.find("w:lvlOverride", NS) is not None else ("abstract", id(abstract))
        levels = counters.setdefault(key, {})
        start = self._start(num, abstract, level)
        levels[level] = levels.get(level, start - 1) + 1
        for deeper in [k for k in levels if k > level]:
            del levels[deeper]
        lvl = self._lvl(abstract, level)
        if lvl is None:
            return ""
        fmt = lvl.find("w:numFmt", NS)
        text = lvl.find("w:lvlText", NS)
        pattern = text.get(w("val")) if text is not None else ""
        if fmt is not None and fmt.get(w("val")) in ("bullet", "none"):
            return pattern if fmt.get(w("val")) == "bullet" else ""
        for n in range(level, -1, -1):
            value = levels.get(n, self._start(num, abstract, n))
            inner = self._lvl(abstract, n)
            inner_fmt = inner.find("w:numFmt", NS).get(w("val")) if inner is not None and \
                inner.find("w:numFmt", NS) is not None else "decimal"
            pattern = pattern.replace(f"%{n + 1}", _format(value, inner_fmt))
        return pattern

    def _start(self, num: etree._Element, abstract: etree._Element | None, level: int) -> int:
        override = num.find(f'w:lvlOverride[@w:ilvl="{level}"]/w:startOverride', NS)
        if override is not None:
            return int(override.get(w("val")))
        lvl = self._lvl(abstract, level)
        start = lvl.find("w:start", NS) if lvl is not None else None
        return int(start.get(w("val"))) if start is not None else 1

    @staticmethod
    def _lvl(abstract: etree._Element | None, level: int) -> etree._Element | None:
        return abstract.find(f'w:lvl[@w:ilvl="{level}"]', NS) if abstract is not None else None


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        out = ""
        for size, letters in _ROMAN:
            while value >= size:
                out, value = out + letters, value - size
        return out.upper() if fmt == "upperRoman" else out
    return str(value)


def toc_targets(root: etree._Element, numbering: Numbering, lines: list[Line] | None = None
                ) -> list[tuple[str, str, str]]:
    """(entry text, number and text of the heading its link leads to) for each contents entry; '?' if nowhere
    (`lines`: numbering.lines(root), when the caller has them)."""
    lines = numbering.lines(root) if lines is None else lines
    index = {p: n for n, p in enumerate(root.iter(_P))}
    where: dict[str, int] = {}
    links = []
    # One pass over the marks and links, each counted for every paragraph that holds it (as asking each
    # paragraph for its own did, which was most of the time): a mark belongs to the first such paragraph.
    for seq, el in enumerate(root.iter(w("bookmarkStart"), w("hyperlink"))):
        holders = [index[p] for p in el.iterancestors(_P)]
        if el.tag == w("bookmarkStart"):
            if holders:
                name = el.get(w("name"))
                where[name] = min(where.get(name, holders[-1]), holders[-1])
        elif el.get(w("anchor")) is not None:
            links += [(at, seq, el.get(w("anchor"))) for at in holders]
    links.sort()
    out = []
    for at, _seq, anchor in links:
        target = where.get(anchor)
        out.append((lines[at].text, "?" if target is None else lines[target].number,
                    "?" if target is None else lines[target].text))
    return out
