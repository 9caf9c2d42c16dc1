"""Word tracked changes: a rendered draft marked up against an earlier rendering (w:ins / w:del).

It compares the two finished packages part by part (body, headers, footers), so whatever the
change did to the document is tracked: clause text, clauses that came in or dropped out, heading
numbers, the annexes, the cover. Paragraphs are matched first; within a matched paragraph the
words are compared. Accepting every change gives the new rendering and rejecting every change the
old one; `redline` checks both before it returns.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from typing import Callable

from lxml import etree

from generator.review.diff import opcodes, tokens
from generator.render.reproducible import normalize_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
# What differs between two renderings without being content: list instances, bookmark names and ids.
_VOLATILE = re.compile(rb'(?<=<w:numId w:val=")\d+|_Toc\d+|(?<=w:id=")\d+')
_TAB, _BREAK = "\0tab", "\0br"
WINDOW = 20  # how far ahead a changed paragraph looks for its counterpart
SIMILAR = 0.5  # share of words two paragraphs must have in common to be shown as one edited paragraph


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{tag}"


class RedlineError(Exception):
    """The tracked changes do not reproduce both renderings: a bug in this module."""


def redline(old: bytes, new: bytes, author: str, date: str) -> bytes:
    """`new` with tracked changes against `old` (both .docx bytes from the same template)."""
    with zipfile.ZipFile(io.BytesIO(old)) as z_old, zipfile.ZipFile(io.BytesIO(new)) as z_new:
        old_parts = {n: z_old.read(n) for n in z_old.namelist()}
        new_parts = {n: z_new.read(n) for n in z_new.namelist()}
    names = [n for n in new_parts if _PARTS.fullmatch(n) and n in old_parts]
    trees = {n: etree.fromstring(new_parts[n]) for n in names}
    marks = _Marks(author, date, 1 + max(_max_id(t) for t in trees.values()))
    numbering = _Numbering(old_parts.get("word/numbering.xml"), new_parts.get("word/numbering.xml"))
    merger = _Merger(marks, numbering)
    for name in names:
        old_root = etree.fromstring(old_parts[name])
        container = trees[name].find("w:body", NS) if name == "word/document.xml" else trees[name]
        old_container = old_root.find("w:body", NS) if name == "word/document.xml" else old_root
        _merge_container(merger, old_container, container)
    out = dict(new_parts)
    for name in names:
        out[name] = etree.tostring(trees[name], xml_declaration=True, encoding="UTF-8", standalone=True)
    if numbering.new is not None:
        numbering.finish()
        out["word/numbering.xml"] = etree.tostring(numbering.new, xml_declaration=True, encoding="UTF-8",
                                                   standalone=True)
    _check(out["word/document.xml"], old_parts["word/document.xml"], new_parts["word/document.xml"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in out.items():
            z.writestr(name, data)
    return normalize_zip(buffer.getvalue())


def _max_id(root: etree._Element) -> int:
    ids = [int(v) for v in root.xpath("//@w:id", namespaces=NS) if v.isdigit()]
    return max(ids, default=0)


def _merge_container(merger: "_Merger", old: etree._Element, new: etree._Element) -> None:
    """Replace the block-level children of `new` with the merged sequence; a final w:sectPr stays."""
    def blocks(el):
        return [c for c in el if c.tag != w("sectPr")]

    tail = [c for c in new if c.tag == w("sectPr")]
    merged = merger.blocks(blocks(old), blocks(new))
    for child in list(new):
        new.remove(child)
    for child in merged + tail:
        new.append(child)


# --- marks ------------------------------------------------------------------------------------

class _Marks:
    """Makes w:ins / w:del elements with unique ids, the author and the date."""

    def __init__(self, author: str, date: str, first_id: int):
        self.author, self.date, self.next_id = author, date, first_id

    def make(self, kind: str) -> etree._Element:
        el = etree.Element(w(kind), nsmap={"w": W})
        el.set(w("id"), str(self.next_id))
        el.set(w("author"), self.author)
        el.set(w("date"), self.date)
        self.next_id += 1
        return el


class _Numbering:
    """List instances: deleted list paragraphs keep the numbering they had in the old rendering."""

    def __init__(self, old: bytes | None, new: bytes | None):
        self.old = etree.fromstring(old) if old else None
        self.new = etree.fromstring(new) if new else None
        self.mapping: dict[str, str] = {}
        self.pending: list[etree._Element] = []  # w:numId elements of deleted paragraphs, still old ids

    def pair(self, old_p: etree._Element, new_p: etree._Element) -> None:
        """Two paragraphs that are the same one: the old list instance is now the new one."""
        a, b = _num_id(old_p), _num_id(new_p)
        if a is not None and b is not None:
            self.mapping.setdefault(a.get(w("val")), b.get(w("val")))

    def deleted(self, p: etree._Element) -> None:
        if (num := _num_id(p)) is not None:
            self.pending.append(num)

    def finish(self) -> None:
        """Point each deleted list paragraph at its list's new instance, or at a copy of its old one."""
        copies: dict[str, str] = {}
        for num in self.pending:
            old_id = num.get(w("val"))
            num.set(w("val"), self.mapping.get(old_id) or copies.get(old_id) or self._copy(old_id, copies))

    def _copy(self, old_id: str, copies: dict[str, str]) -> str:
        old_num = self._num(self.old, old_id)
        new_num = self._num(self.new, old_id)
        if old_num is None or (new_num is not None and etree.tostring(old_num) == etree.tostring(new_num)):
            return old_id  # a template list both renderings share
        fresh = str(1 + max((int(n) for n in self.new.xpath("w:num/@w:numId", namespaces=NS)), default=0))
        clone = copy.deepcopy(old_num)
        clone.set(w("numId"), fresh)
        cleanup = self.new.find("w:numIdMacAtCleanup", NS)
        if cleanup is not None:
            cleanup.addprevious(clone)
        else:
            self.new.append(clone)
        copies[old_id] = fresh
        return fresh

    @staticmethod
    def _num(root: etree._Element | None, num_id: str) -> etree._Element | None:
        found = root.xpath(f'w:num[@w:numId="{num_id}"]', namespaces=NS) if root is not None else []
        return found[0] if found else None


def _num_id(p: etree._Element) -> etree._Element | None:
    return p.find("w:pPr/w:numPr/w:numId", NS) if p.tag == w("p") else None


# --- matching ----------------------------------------------------------------------------------

def _key(el: etree._Element) -> bytes:
    return _VOLATILE.sub(b"", etree.tostring(el))


def _coarse(el: etree._Element) -> tuple:
    if el.tag == w("p"):
        style = el.find("w:pPr/w:pStyle", NS)
        return ("p", style.get(w("val")) if style is not None else "")
    if el.tag == w("tbl"):
        grid = el.find("w:tblGrid", NS)
        return ("tbl", etree.tostring(grid) if grid is not None else b"")
    if el.tag == w("tr"):
        return ("tr", len(el.findall("w:tc", NS)))
    return (el.tag,)


def text_of(el: etree._Element) -> str:
    """The visible text of an element: w:t and w:delText, tabs as tab characters."""
    out = []
    for node in el.iter(w("t"), w("delText"), w("tab")):
        out.append("\t" if node.tag == w("tab") else node.text or "")
    return "".join(out)


def _similarity(a: etree._Element, b: etree._Element) -> float:
    return difflib.SequenceMatcher(None, tokens(text_of(a)), tokens(text_of(b)), autojunk=False).ratio()


class _Merger:
    """Merges block sequences (body, cell, header) and table rows into one tracked sequence."""

    def __init__(self, marks: _Marks, numbering: _Numbering):
        self.marks, self.numbering = marks, numbering

    def blocks(self, olds: list, news: list) -> list:
        """Paragraphs, tables and other blocks of both renderings, as one sequence with changes tracked."""
        return self._sequence(olds, news, self._changed_block)

    def _sequence(self, olds: list, news: list, changed: Callable) -> list:
        out = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
                None, [_key(e) for e in olds], [_key(e) for e in news], autojunk=False).get_opcodes():
            if op == "equal":
                for a, b in zip(olds[i1:i2], news[j1:j2]):
                    self._pair_all(a, b)
                    out.append(b)
            else:
                out += self._pair_up(olds[i1:i2], news[j1:j2], changed)
        return out

    def _pair_up(self, olds: list, news: list, changed: Callable) -> list:
        """Pair changed elements with their counterparts (same kind, similar text); the rest came or went."""
        if len(olds) == 1 and len(news) == 1 and _coarse(olds[0]) == _coarse(news[0]):
            return changed(olds[0], news[0], True)
        out, j = [], 0
        for a in olds:
            candidates = [(k, _similarity(a, news[k])) for k in range(j, min(j + WINDOW, len(news)))
                          if _coarse(news[k]) == _coarse(a)]
            best = max(candidates, key=lambda c: c[1], default=None)
            if best is None or best[1] < SIMILAR:
                out.append(self.deleted(a))
                continue
            out += [self.inserted(b) for b in news[j:best[0]]]
            out += changed(a, news[best[0]], False)
            j = best[0] + 1
        return out + [self.inserted(b) for b in news[j:]]

    def _pair_all(self, a: etree._Element, b: etree._Element) -> None:
        for pa, pb in zip(a.iter(w("p")), b.iter(w("p"))):
            self.numbering.pair(pa, pb)

    def _changed_block(self, a: etree._Element, b: etree._Element, forced: bool) -> list:
        if a.tag == w("p") and _simple(a) and _simple(b) and (forced or _similarity(a, b) >= SIMILAR):
            self.numbering.pair(a, b)
            return [self._words(a, b)]
        if a.tag == w("tbl") and b.tag == w("tbl") and _coarse(a) == _coarse(b):
            return [self._table(a, b)]
        if a.tag == b.tag == w("sdt") and a.find("w:sdtContent", NS) is not None \
                and b.find("w:sdtContent", NS) is not None:
            content = b.find("w:sdtContent", NS)
            merged = self.blocks(list(a.find("w:sdtContent", NS)), list(content))
            _replace_children(content, merged)
            return [b]
        return [self.deleted(a), self.inserted(b)]

    def _table(self, a: etree._Element, b: etree._Element) -> etree._Element:
        rows_a, rows_b = a.findall("w:tr", NS), b.findall("w:tr", NS)
        merged = self._sequence(rows_a, rows_b, self._changed_row)
        for row in rows_b:
            b.remove(row)
        for row in merged:
            b.append(row)
        return b

    def _changed_row(self, a: etree._Element, b: etree._Element, _forced: bool) -> list:
        cells_a, cells_b = a.findall("w:tc", NS), b.findall("w:tc", NS)
        if len(cells_a) != len(cells_b):
            return [self.deleted(a), self.inserted(b)]
        for ca, cb in zip(cells_a, cells_b):
            content = [c for c in cb if c.tag != w("tcPr")]
            merged = self.blocks([c for c in ca if c.tag != w("tcPr")], content)
            for c in content:
                cb.remove(c)
            for c in merged:
                cb.append(c)
        return [b]

    # --- whole elements that came in or went out ---------------------------------------------

    def inserted(self, el: etree._Element) -> etree._Element:
        """A block or row of the new rendering only, marked as inserted throughout."""
        return self._mark(el, "ins")

    def deleted(self, el: etree._Element) -> etree._Element:
        """A block or row of the old rendering only, marked as deleted throughout."""
        el = copy.deepcopy(el)
        for mark in el.xpath(".//w:bookmarkStart|.//w:bookmarkEnd", namespaces=NS):
            mark.getparent().remove(mark)  # its name may be taken by the new rendering
        return self._mark(el, "del")

    def _mark(self, el: etree._Element, kind: str) -> etree._Element:
        if el.tag == w("p"):
            self._mark_paragraph(el, kind)
        elif el.tag == w("tr"):
            self._mark_row(el, kind)
        else:
            for row in el.iter(w("tr")):
                self._mark_row(row, kind, cells=False)
            for p in list(el.iter(w("p"))):
                self._mark_paragraph(p, kind)
        return el

    def _mark_row(self, row: etree._Element, kind: str, cells: bool = True) -> None:
        tr_pr = row.find("w:trPr", NS)
        if tr_pr is None:
            tr_pr = etree.Element(w("trPr"))
            before = row.find("w:tblPrEx", NS)
            (before.addnext if before is not None else lambda e: row.insert(0, e))(tr_pr)
        change = tr_pr.find("w:trPrChange", NS)
        (change.addprevious if change is not None else tr_pr.append)(self.marks.make(kind))
        if cells:
            for p in list(row.iter(w("p"))):
                self._mark_paragraph(p, kind)

    def _mark_paragraph(self, p: etree._Element, kind: str) -> None:
        p_pr = p.find("w:pPr", NS)
        if p_pr is None:
            p_pr = etree.Element(w("pPr"))
            p.insert(0, p_pr)
        r_pr = p_pr.find("w:rPr", NS)
        if r_pr is None:
            r_pr = etree.Element(w("rPr"))
            after = [c for c in p_pr if c.tag in (w("sectPr"), w("pPrChange"))]
            (after[0].addprevious if after else p_pr.append)(r_pr)
        r_pr.insert(0, self.marks.make(kind))  # ins/del come first in a paragraph mark's properties
        if kind == "del":
            self.numbering.deleted(p)
        _wrap_runs(p, lambda: self.marks.make(kind), deleted=kind == "del")

    # --- a paragraph edited word by word -----------------------------------------------------

    def _words(self, a: etree._Element, b: etree._Element) -> etree._Element:
        atoms_a, atoms_b = _atoms(a), _atoms(b)
        out = etree.Element(w("p"), nsmap=b.nsmap)
        first_run = next((i for i, c in enumerate(b) if c.tag == w("r")), len(b))
        last_run = max((i for i, c in enumerate(b) if c.tag == w("r")), default=len(b) - 1)
        for child in b[:first_run]:
            out.append(copy.deepcopy(child))
        keys_a, keys_b = [x[:2] for x in atoms_a], [x[:2] for x in atoms_b]
        for op, i1, i2, j1, j2 in opcodes(keys_a, keys_b, space=lambda k: not k[1].strip()):
            if op == "equal":
                _extend(out, _runs(atoms_b[j1:j2], deleted=False))
            if op in ("delete", "replace"):
                wrapper = self.marks.make("del")
                _extend(wrapper, _runs(atoms_a[i1:i2], deleted=True))
                out.append(wrapper)
            if op in ("insert", "replace"):
                wrapper = self.marks.make("ins")
                _extend(wrapper, _runs(atoms_b[j1:j2], deleted=False))
                out.append(wrapper)
        for child in b[last_run + 1:]:
            out.append(copy.deepcopy(child))
        return out


_SIMPLE_P = {w("pPr"), w("r"), w("bookmarkStart"), w("bookmarkEnd"), w("proofErr")}
_SIMPLE_R = {w("rPr"), w("t"), w("tab"), w("br")}


def _simple(p: etree._Element) -> bool:
    """Whether the paragraph is plain runs of text (bookmarks only around them), so words can be compared."""
    if p.tag != w("p") or any(c.tag not in _SIMPLE_P for c in p):
        return False
    runs = [i for i, c in enumerate(p) if c.tag == w("r")]
    if runs and any(c.tag != w("r") and c.tag != w("pPr") and runs[0] < i < runs[-1] for i, c in enumerate(p)):
        return False
    return all(c.tag in _SIMPLE_R and not (c.tag == w("br") and c.get(w("type")) not in (None, "textWrapping"))
               for r in p.iter(w("r")) for c in r)


def _atoms(p: etree._Element) -> list[tuple[bytes, str, etree._Element | None]]:
    """(formatting key, token, formatting) for every word, space, tab and break of a simple paragraph."""
    out = []
    for r in p.iter(w("r")):
        r_pr = r.find("w:rPr", NS)
        key = etree.tostring(r_pr) if r_pr is not None else b""
        for child in r:
            if child.tag == w("t"):
                out += [(key, tok, r_pr) for tok in tokens(child.text or "")]
            elif child.tag == w("tab"):
                out.append((key, _TAB, r_pr))
            elif child.tag == w("br"):
                out.append((key, _BREAK, r_pr))
    return out


def _runs(atoms: list, deleted: bool) -> list[etree._Element]:
    """Runs for consecutive atoms, one run per stretch of the same formatting."""
    runs: list[etree._Element] = []
    last_key = None
    for key, tok, r_pr in atoms:
        if not runs or key != last_key:
            run = etree.Element(w("r"))
            if r_pr is not None:
                run.append(copy.deepcopy(r_pr))
            runs.append(run)
            last_key = key
        run = runs[-1]
        if tok in (_TAB, _BREAK):
            run.append(etree.Element(w("tab" if tok == _TAB else "br")))
            continue
        text = run[-1] if len(run) and run[-1].tag in (w("t"), w("delText")) else None
        if text is None:
            text = etree.SubElement(run, w("delText" if deleted else "t"))
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            text.text = ""
        text.text += tok
    return runs


def _extend(parent: etree._Element, children: list) -> None:
    for child in children:
        parent.append(child)


def _replace_children(parent: etree._Element, children: list) -> None:
    for child in list(parent):
        parent.remove(child)
    _extend(parent, children)


_RUN_CONTAINERS = {w("hyperlink"), w("fldSimple"), w("smartTag"), w("customXml"), w("sdtContent"), w("sdt")}


def _wrap_runs(parent: etree._Element, make: Callable[[], etree._Element], deleted: bool) -> None:
    """Put every run under `parent` into w:ins or w:del wrappers, one per stretch of runs."""
    wrapper = None
    for child in list(parent):
        if child.tag == w("r"):
            if wrapper is None:
                wrapper = make()
                child.addprevious(wrapper)
            wrapper.append(child)
            if deleted:
                for t in child.iter(w("t")):
                    t.tag = w("delText")
                for t in child.iter(w("instrText")):
                    t.tag = w("delInstrText")
        else:
            wrapper = None
            if child.tag in _RUN_CONTAINERS:
                _wrap_runs(child, make, deleted)


# --- the check: accepting gives the new rendering, rejecting the old -----------------------------

def resolve(document: bytes, accept: bool) -> list[str]:
    """The paragraph texts of a document.xml with every change accepted (or rejected)."""
    root = etree.fromstring(document)
    gone, kept = ("del", "ins") if accept else ("ins", "del")
    for mark in root.xpath(f"//w:pPr/w:rPr/w:{gone}", namespaces=NS):
        p = mark.getparent().getparent().getparent()
        p.getparent().remove(p)
    for mark in root.xpath(f"//w:trPr/w:{gone}", namespaces=NS):
        row = mark.getparent().getparent()
        row.getparent().remove(row)
    for el in root.xpath(f"//w:{gone}", namespaces=NS):
        el.getparent().remove(el)
    for el in root.xpath(f"//w:{kept}", namespaces=NS):
        parent = el.getparent()
        if parent.tag in (w("rPr"), w("trPr")):
            parent.remove(el)
            continue
        for child in list(el):
            el.addprevious(child)
        parent.remove(el)
    for t in root.iter(w("delText")):
        t.tag = w("t")
    return [text_of(p) for p in root.iter(w("p"))]


def _check(merged: bytes, old: bytes, new: bytes) -> None:
    plain_old = [text_of(p) for p in etree.fromstring(old).iter(w("p"))]
    plain_new = [text_of(p) for p in etree.fromstring(new).iter(w("p"))]
    if resolve(merged, accept=True) != plain_new:
        raise RedlineError("accepting every tracked change does not give the new draft")
    if resolve(merged, accept=False) != plain_old:
        raise RedlineError("rejecting every tracked change does not give the old draft")
