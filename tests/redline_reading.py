"""An independent reading of a Word redline for the tests: accept or reject every change with lxml
(strip w:del / w:moveFrom and unwrap w:ins / w:moveTo, or the reverse), then read each paragraph's
style, list level, the list number Word renders for it, its text, and where each contents link leads.
Written apart from generator/review/wordview.py on purpose: the tool's self-check must not be its own judge.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def parts(docx: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {n: etree.fromstring(z.read(n)) for n in ("word/document.xml", "word/numbering.xml", "word/styles.xml")}


def decide(document: etree._Element, accept: bool) -> etree._Element:
    """A copy of the document with every change accepted or rejected."""
    root = etree.fromstring(etree.tostring(document))
    drop = {q("del"), q("moveFrom")} if accept else {q("ins"), q("moveTo")}
    keep = {q("ins"), q("moveTo")} if accept else {q("del"), q("moveFrom")}
    ranges = {q(t) for t in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")}
    # whole paragraphs and rows whose mark is dropped go with everything in them
    for el in list(root.iter(q("p"), q("tr"))):
        props = el.find("w:pPr/w:rPr", NS) if el.tag == q("p") else el.find("w:trPr", NS)
        if props is not None and any(c.tag in drop for c in props) and el.getparent() is not None:
            el.getparent().remove(el)
    for el in list(root.iter()):
        parent = el.getparent()
        if parent is None:
            continue
        if el.tag in drop or el.tag in ranges:
            parent.remove(el)
        elif el.tag in keep:
            if parent.tag in (q("rPr"), q("trPr")):
                parent.remove(el)
            else:
                at = parent.index(el)
                for n, child in enumerate(list(el)):
                    parent.insert(at + n, child)
                parent.remove(el)
    for el in root.iter(q("delText")):
        el.tag = q("t")
    return root


def _val(el, path: str) -> str | None:
    found = el.find(path, NS)
    return found.get(q("val")) if found is not None else None


def _roman(n: int) -> str:
    out = ""
    for size, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= size:
            out, n = out + letters, n - size
    return out


def _show(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return "abcdefghijklmnopqrstuvwxyz"[n - 1]
    if fmt == "lowerRoman":
        return _roman(n)
    return str(n)


def read(document: etree._Element, numbering: etree._Element, styles: etree._Element) -> list[tuple]:
    """(style, list level, rendered number, text) of every paragraph."""
    style_num = {}
    for style in styles.findall("w:style", NS):
        num = _val(style, "w:pPr/w:numPr/w:numId")
        if num:
            style_num[style.get(q("styleId"))] = (num, _val(style, "w:pPr/w:numPr/w:ilvl"))
    nums = {n.get(q("numId")): n for n in numbering.findall("w:num", NS)}
    abstract = {a.get(q("abstractNumId")): a for a in numbering.findall("w:abstractNum", NS)}
    counts: dict = {}
    out = []
    for p in document.iter(q("p")):
        style = _val(p, "w:pPr/w:pStyle") or ""
        num, level = _val(p, "w:pPr/w:numPr/w:numId"), _val(p, "w:pPr/w:numPr/w:ilvl")
        if num is None and style in style_num:
            num, level = style_num[style]
            if level is None:  # the level whose w:pStyle names the style
                definition = abstract[_val(nums[num], "w:abstractNumId")]
                level = next(lvl.get(q("ilvl")) for lvl in definition.findall("w:lvl", NS)
                             if _val(lvl, "w:pStyle") == style)
        number, lvl_no = "", None
        if num and num != "0":
            lvl_no = int(level or 0)
            instance = nums[num]
            definition = abstract[_val(instance, "w:abstractNumId")]
            owner = num if instance.find("w:lvlOverride", NS) is not None else "a" + _val(instance, "w:abstractNumId")
            mine = counts.setdefault(owner, {})

            def start(k: int) -> int:
                over = instance.find(f"w:lvlOverride[@w:ilvl='{k}']/w:startOverride", NS)
                lvl_el = definition.find(f"w:lvl[@w:ilvl='{k}']", NS)
                return int(over.get(q("val")) if over is not None else _val(lvl_el, "w:start") or 1)

            mine[lvl_no] = mine.get(lvl_no, start(lvl_no) - 1) + 1
            for deeper in [k for k in mine if k > lvl_no]:
                mine.pop(deeper)
            lvl_el = definition.find(f"w:lvl[@w:ilvl='{lvl_no}']", NS)
            number = _val(lvl_el, "w:lvlText") or ""
            if _val(lvl_el, "w:numFmt") != "bullet":
                for k in range(lvl_no + 1):
                    fmt = _val(definition.find(f"w:lvl[@w:ilvl='{k}']", NS), "w:numFmt") or "decimal"
                    number = number.replace(f"%{k + 1}", _show(mine.get(k, start(k)), fmt))
        text = "".join(t.text or "" if t.tag == q("t") else "\t" for t in p.iter(q("t"), q("tab")))
        out.append((style, lvl_no, number, text))
    return out


def contents(document: etree._Element, lines: list[tuple]) -> list[tuple[str, str, str]]:
    """(entry text, number, heading text) of where each contents link leads."""
    paragraphs = list(document.iter(q("p")))
    at = {}
    for n, p in enumerate(paragraphs):
        for mark in p.iter(q("bookmarkStart")):
            at[mark.get(q("name"))] = n
    out = []
    for n, p in enumerate(paragraphs):
        for link in p.iter(q("hyperlink")):
            if link.get(q("anchor")):
                target = at.get(link.get(q("anchor")))
                out.append((lines[n][3], *(lines[target][2:4] if target is not None else ("?", "?"))))
    return out


def view(docx: bytes, accept: bool | None) -> tuple[list[tuple], list[tuple]]:
    """Paragraph lines and contents links of a .docx with changes accepted, rejected, or of a plain file (None)."""
    p = parts(docx)
    document = p["word/document.xml"] if accept is None else decide(p["word/document.xml"], accept)
    lines = read(document, p["word/numbering.xml"], p["word/styles.xml"])
    return lines, contents(document, lines)
