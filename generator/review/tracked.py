"""Word tracked changes: a rendered draft marked up against an earlier rendering (w:ins / w:del).

It compares the two finished packages part by part (body, headers, footers), so whatever the
change did to the document is tracked: clause text, clauses that came in or dropped out, heading
numbers, the annexes, the cover. Paragraphs are matched first; within a matched paragraph the
words are compared. A paragraph that left one place in the body and arrived, unchanged or nearly
so, at another is a move (w:moveFrom / w:moveTo with named move ranges), with its word changes
inside. Deleted list paragraphs keep a list instance of their own and deleted headings keep their
bookmarks under new names, so that accepting every change gives the new rendering and rejecting
every change the old one, numbers and contents links included; `redline` checks both before it
returns.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from collections import Counter
from typing import Callable

from lxml import etree

from generator.render.reproducible import normalize_zip
from generator.review.diff import opcodes, tokens
from generator.review.wordmarks import (ListInstances, Marks, atoms, extend, replace_children, runs, simple,
                                        wrap_runs)
from generator.review.wordview import NS, Numbering, text_of, toc_targets, w
from generator.review.wordview import resolve as resolved

_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
# What differs between two renderings without being content: list instances, bookmark names and ids.
# Column widths too: they are fitted to the table's content (render/fit.py), so a row elsewhere in
# the table changes them without changing this row.
_VOLATILE = re.compile(rb'(?<=<w:numId w:val=")\d+|_Toc\d+|(?<=w:id=")\d+|(?<=<w:tcW w:w=")\d+')
WINDOW = 20  # how far ahead a changed paragraph looks for its counterpart
SIMILAR = 0.5  # share of words two paragraphs must have in common to be shown as one edited paragraph
ROW_SIMILAR = 0.75  # table rows share their labels: pair them only when they are nearly the same row
SMALL = 400  # stretches of up to this many old × new elements are paired for the best total similarity
LONG = 600  # words of two elements beyond which they are compared by the words they share, not their order
NEAR_MOVES = 40_000  # deleted × inserted paragraphs beyond which only unchanged ones are looked for as moves
MOVED = 0.8  # share of words a paragraph keeps when it moves to be shown as moved rather than deleted and inserted


class RedlineError(Exception):
    """The tracked changes do not reproduce both renderings: a bug in this module."""


def redline(old: bytes, new: bytes, author: str, date: str,
            credit: Callable[[etree._Element], None] | None = None, careful: bool = False) -> bytes:
    """`new` with tracked changes against `old` (both .docx bytes from the same template).

    Every change is made by `author` on `date`; `credit`, if given, may then set each change's
    author and date from the history (see review/credit.py). `careful` pairs only paragraphs that
    are the same (what is done anyway when the finer merge fails its check).
    """
    with zipfile.ZipFile(io.BytesIO(old)) as z_old, zipfile.ZipFile(io.BytesIO(new)) as z_new:
        old_parts = {n: z_old.read(n) for n in z_old.namelist()}
        new_parts = {n: z_new.read(n) for n in z_new.namelist()}
    try:
        out = _merge(old_parts, new_parts, author, date, credit, careful=careful)
    except RedlineError:
        # Paragraphs paired by likeness can pull list instances apart in ways one numbering cannot serve
        # both outcomes; pairing only the same paragraphs (and moving only unchanged ones) always can.
        out = _merge(old_parts, new_parts, author, date, credit, careful=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in out.items():
            z.writestr(name, data)
    return normalize_zip(buffer.getvalue())


def _merge(old_parts: dict[str, bytes], new_parts: dict[str, bytes], author: str, date: str,
           credit: Callable[[etree._Element], None] | None, careful: bool) -> dict[str, bytes]:
    """The parts of the tracked document, checked; `careful` pairs only paragraphs that are the same."""
    names = [n for n in new_parts if _PARTS.fullmatch(n) and n in old_parts]
    trees = {n: etree.fromstring(new_parts[n]) for n in names}
    marks = Marks(author, date, 1 + max(_max_id(t) for t in trees.values()))
    numbering = ListInstances(old_parts.get("word/numbering.xml"), new_parts.get("word/numbering.xml"))
    merger = _Merger(marks, numbering, careful)
    for name in names:
        old_root = etree.fromstring(old_parts[name])
        container = trees[name].find("w:body", NS) if name == "word/document.xml" else trees[name]
        old_container = old_root.find("w:body", NS) if name == "word/document.xml" else old_root
        _merge_container(merger, old_container, container, moves=name == "word/document.xml")
    merger.finish_bookmarks()
    if credit is not None:
        credit(trees["word/document.xml"])
    out = dict(new_parts)
    if numbering.new is not None:
        numbering.finish()  # before the parts are written: it sets the list instance of deleted paragraphs
        out["word/numbering.xml"] = etree.tostring(numbering.new, xml_declaration=True, encoding="UTF-8",
                                                   standalone=True)
    for name in names:
        out[name] = etree.tostring(trees[name], xml_declaration=True, encoding="UTF-8", standalone=True)
    _check((out["word/document.xml"], out.get("word/numbering.xml"), out.get("word/styles.xml")),
           (old_parts["word/document.xml"], old_parts.get("word/numbering.xml"), old_parts.get("word/styles.xml")),
           (new_parts["word/document.xml"], new_parts.get("word/numbering.xml"), new_parts.get("word/styles.xml")))
    return out


def _max_id(root: etree._Element) -> int:
    ids = [int(v) for v in root.xpath("//@w:id", namespaces=NS) if v.isdigit()]
    return max(ids, default=0)


def _merge_container(merger: "_Merger", old: etree._Element, new: etree._Element, moves: bool = False) -> None:
    """Replace the block-level children of `new` with the merged sequence; a final w:sectPr stays."""
    def blocks(el):
        return [c for c in el if c.tag != w("sectPr")]

    tail = [c for c in new if c.tag == w("sectPr")]
    replace_children(new, merger.blocks(blocks(old), blocks(new), moves) + tail)


# --- matching ----------------------------------------------------------------------------------

def _key(el: etree._Element) -> bytes:
    return _VOLATILE.sub(b"", etree.tostring(el))


def _coarse(el: etree._Element) -> tuple:
    if el.tag == w("p"):  # style, list level, indents: a paired paragraph keeps the new one's properties
        props = el.find("w:pPr", NS)
        return ("p", _VOLATILE.sub(b"", etree.tostring(props)) if props is not None else b"")
    if el.tag == w("tbl"):
        return ("tbl", len(el.findall("w:tblGrid/w:gridCol", NS)))  # columns, not their fitted widths
    if el.tag == w("tr"):
        return ("tr", len(el.findall("w:tc", NS)))
    return (el.tag,)


def _similarity(a: etree._Element, b: etree._Element) -> float:
    return difflib.SequenceMatcher(None, tokens(_words(a)), tokens(_words(b)), autojunk=False).ratio()


class _Similarity:
    """_similarity for the elements of one stretch, their words read once, hopeless pairs ruled out cheaply."""

    def __init__(self, elements: list):
        self.words = {id(e): tokens(_words(e)) for e in elements}  # the stretch holds the elements alive
        self.bags = {k: Counter(v) for k, v in self.words.items()}

    def __call__(self, a: etree._Element, b: etree._Element, floor: float) -> float:
        x, y = self.words[id(a)], self.words[id(b)]
        if not x and not y:
            return 1.0
        common = sum((self.bags[id(a)] & self.bags[id(b)]).values())
        if 2 * common < floor * (len(x) + len(y)):  # an upper bound of the ratio below: it cannot reach floor
            return 0.0
        if len(x) + len(y) > LONG:  # whole tables: words in common, in any order, tell enough (and fast)
            return 2 * common / (len(x) + len(y))
        return difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()


def _words(el: etree._Element) -> str:
    """The text of a paragraph, or of a row or table with its paragraphs apart (cells do not run together)."""
    return text_of(el) if el.tag == w("p") else "\n".join(text_of(p) for p in el.iter(w("p")))


def _movable(el: etree._Element) -> bool:
    """A paragraph that may be shown as moved: plain text, something to read."""
    return el.tag == w("p") and simple(el) and bool(text_of(el).strip())


# An action of the merge: ("=", old, new) the same, ("~", old, new) edited, ("-", old) deleted,
# ("+", new) inserted, ("<", old, new, name) moved away from here, (">", new, old, name) moved here.
Action = tuple


class _Merger:
    """Merges block sequences (body, cell, header) and table rows into one tracked sequence."""

    def __init__(self, marks: Marks, numbering: ListInstances, careful: bool = False):
        self.marks, self.numbering = marks, numbering
        self.similar = 2.0 if careful else SIMILAR  # careful: no pairing by likeness, no near moves
        self.bookmarks: dict[str, str] = {}  # old bookmark name -> the new one of the same paragraph
        self.from_old: list[etree._Element] = []  # what only the old rendering has (deleted, moved away)
        self.linked: list[tuple[etree._Element, etree._Element]] = []  # same paragraphs that hold links
        self.moves = 0

    def blocks(self, olds: list, news: list, moves: bool = False) -> list:
        """Paragraphs, tables and other blocks of both renderings, as one sequence with changes tracked."""
        return self._sequence(olds, news, self._changed_block, moves, self.similar)

    def _sequence(self, olds: list, news: list, changed: Callable, moves: bool = False,
                  similar: float = SIMILAR) -> list:
        codes = difflib.SequenceMatcher(None, [_key(e) for e in olds], [_key(e) for e in news],
                                        autojunk=False).get_opcodes()
        moved = self._find_moves(olds, news, codes) if moves else {}
        out = []
        for op, i1, i2, j1, j2 in codes:
            if op == "equal":
                for a, b in zip(olds[i1:i2], news[j1:j2]):
                    if not self.numbering.can_pair(a, b):  # the same text, in a list that split or joined
                        out += [self.deleted(a), self.inserted(b)]
                        continue
                    self._pair_all(a, b)
                    out.append(b)
            else:
                actions = self._pair_up(olds[i1:i2], news[j1:j2], moved, similar)
                out += [x for action in actions for x in self._apply(action, changed)]
        return out

    def _find_moves(self, olds: list, news: list, codes: list) -> dict[int, Action]:
        """Paragraphs that left one changed stretch and arrived in another: unchanged first, then nearly so."""
        gone = [(n, i) for n, (op, i1, i2, _j1, _j2) in enumerate(codes) if op != "equal"
                for i in range(i1, i2) if _movable(olds[i])]
        came = [(n, j) for n, (op, _i1, _i2, j1, j2) in enumerate(codes) if op != "equal"
                for j in range(j1, j2) if _movable(news[j])]
        pairs: dict[int, int] = {}
        taken: set[int] = set()
        by_key: dict[bytes, list[tuple[int, int]]] = {}
        for n, j in came:
            by_key.setdefault(_key(news[j]), []).append((n, j))
        for n, i in gone:  # the same paragraph elsewhere, even in its own stretch (a reordered paragraph)
            for candidate in by_key.get(_key(olds[i]), []):
                if candidate[1] not in taken:
                    pairs[i] = candidate[1]
                    taken.add(candidate[1])
                    break
        sizes = {id(e): len(tokens(text_of(e))) for e in [olds[i] for _n, i in gone] + [news[j] for _m, j in came]}

        def could(a, b) -> bool:  # the ratio can reach MOVED only if the lengths are close enough
            x, y = sizes[id(a)], sizes[id(b)]
            return 2 * min(x, y) >= MOVED * (x + y)

        near = len(gone) * len(came) <= NEAR_MOVES and self.similar <= 1
        for n, i in gone if near else ():  # nearly the same paragraph in another stretch (in its own: an edit)
            if i in pairs:
                continue
            best = max(((_similarity(olds[i], news[j]), j) for m, j in came
                        if m != n and j not in taken and _coarse(news[j]) == _coarse(olds[i])
                        and could(olds[i], news[j])), default=None)
            if best is not None and best[0] >= MOVED:
                pairs[i] = best[1]
                taken.add(best[1])
        moved: dict[int, Action] = {}
        for i, j in sorted(pairs.items()):
            self.moves += 1
            name = f"move{self.moves}"
            moved[id(olds[i])] = ("<", olds[i], news[j], name)
            moved[id(news[j])] = (">", news[j], olds[i], name)
        return moved

    def _pair_up(self, olds: list, news: list, moved: dict[int, Action], similar: float) -> list[Action]:
        """Pair changed elements with their counterparts (same kind, similar text); the rest came, went or moved."""
        def came(b):
            return moved.get(id(b), ("+", b))

        stay_old = [a for a in olds if id(a) not in moved]
        stay_new = [b for b in news if id(b) not in moved]
        if len(stay_old) == 1 and len(stay_new) == 1 and _coarse(stay_old[0]) == _coarse(stay_new[0]) \
                and len(olds) == len(news) == 1:
            return [("~", olds[0], news[0], True)]
        pairs = self._best_pairs(olds, news, moved, similar)
        out, j = [], 0
        for i, a in enumerate(olds):
            if id(a) in moved:
                out.append(moved[id(a)])
            elif i not in pairs:
                out.append(("-", a))
            else:
                out += [came(b) for b in news[j:pairs[i]]]
                out.append(("~", a, news[pairs[i]], False))
                j = pairs[i] + 1
        return out + [came(b) for b in news[j:]]

    @staticmethod
    def _best_pairs(olds: list, news: list, moved: dict, similar: float) -> dict[int, int]:
        """Old index -> new index of the pairs, in order, with the most similarity in all (small stretches),
        else each old element with its most similar counterpart within WINDOW."""
        similarity = _Similarity(olds + news)

        def score(a, b) -> float:
            if id(a) in moved or id(b) in moved or _coarse(a) != _coarse(b):
                return 0.0
            value = similarity(a, b, similar)
            return value if value >= similar else 0.0

        if len(olds) * len(news) > SMALL:
            pairs, j = {}, 0
            for i, a in enumerate(olds):
                found = [(score(a, news[k]), k) for k in range(j, min(j + WINDOW, len(news)))]
                best = max(found, key=lambda c: (c[0], -c[1]), default=(0.0, 0))
                if best[0] > 0:
                    pairs[i], j = best[1], best[1] + 1
            return pairs
        n, m = len(olds), len(news)
        table = [[0.0] * (m + 1) for _ in range(n + 1)]
        scores = [[score(a, b) for b in news] for a in olds]
        for i in range(n):
            for k in range(m):
                table[i + 1][k + 1] = max(table[i][k + 1], table[i + 1][k],
                                          table[i][k] + scores[i][k] if scores[i][k] else 0.0)
        pairs, i, k = {}, n, m
        while i and k:
            if scores[i - 1][k - 1] and table[i][k] == table[i - 1][k - 1] + scores[i - 1][k - 1]:
                pairs[i - 1] = k - 1
                i, k = i - 1, k - 1
            elif table[i][k] == table[i - 1][k]:
                i -= 1
            else:
                k -= 1
        return pairs

    def _apply(self, action: Action, changed: Callable) -> list:
        kind = action[0]
        if kind == "~":
            return changed(action[1], action[2], action[3])
        if kind == "-":
            return [self.deleted(action[1])]
        if kind == "+":
            return [self.inserted(action[1])]
        if kind == "<":
            return [self._moved_from(action[1], action[2], action[3])]
        return [self._moved_to(action[1], action[2], action[3])]

    def _pair_all(self, a: etree._Element, b: etree._Element) -> None:
        for pa, pb in zip(a.iter(w("p")), b.iter(w("p"))):
            self.numbering.pair(pa, pb)
        self._pair_bookmarks(a, b)
        if b.tag == w("p") and b.find(".//w:hyperlink[@w:anchor]", NS) is not None:
            self.linked.append((a, b))

    def _pair_bookmarks(self, a: etree._Element, b: etree._Element) -> None:
        for ma, mb in zip(a.iter(w("bookmarkStart")), b.iter(w("bookmarkStart"))):
            self.bookmarks.setdefault(ma.get(w("name")), mb.get(w("name")))

    def _changed_block(self, a: etree._Element, b: etree._Element, forced: bool) -> list:
        if a.tag == w("p") and simple(a) and simple(b) and self.numbering.can_pair(a, b) and (
                (forced and self.similar <= 1) or _similarity(a, b) >= self.similar):
            self.numbering.pair(a, b)
            self._pair_bookmarks(a, b)
            return [self._words(a, b)]
        if a.tag == w("tbl") and b.tag == w("tbl") and _coarse(a) == _coarse(b):
            return [self._table(a, b)]
        if a.tag == b.tag == w("sdt") and a.find("w:sdtContent", NS) is not None \
                and b.find("w:sdtContent", NS) is not None:
            content = b.find("w:sdtContent", NS)
            merged = self.blocks(list(a.find("w:sdtContent", NS)), list(content))
            replace_children(content, merged)
            return [b]
        return [self.deleted(a), self.inserted(b)]

    def _table(self, a: etree._Element, b: etree._Element) -> etree._Element:
        rows_a, rows_b = a.findall("w:tr", NS), b.findall("w:tr", NS)
        merged = self._sequence(rows_a, rows_b, self._changed_row, similar=max(ROW_SIMILAR, self.similar))
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

    # --- whole elements that came in, went out or moved ----------------------------------------

    def inserted(self, el: etree._Element) -> etree._Element:
        """A block or row of the new rendering only, marked as inserted throughout."""
        return self._mark(el, "ins")

    def deleted(self, el: etree._Element) -> etree._Element:
        """A block or row of the old rendering only, marked as deleted throughout."""
        el = copy.deepcopy(el)
        self.from_old.append(el)  # its bookmarks and links get names of their own in finish_bookmarks
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
        self._paragraph_mark(p, kind)
        if kind in ("del", "moveFrom"):
            self.numbering.deleted(p)
        wrap_runs(p, lambda: self.marks.make(kind), deleted=kind == "del")

    def _paragraph_mark(self, p: etree._Element, kind: str) -> None:
        p_pr = p.find("w:pPr", NS)
        if p_pr is None:
            p_pr = etree.Element(w("pPr"))
            p.insert(0, p_pr)
        r_pr = p_pr.find("w:rPr", NS)
        if r_pr is None:
            r_pr = etree.Element(w("rPr"))
            after = [c for c in p_pr if c.tag in (w("sectPr"), w("pPrChange"))]
            (after[0].addprevious if after else p_pr.append)(r_pr)
        r_pr.insert(0, self.marks.make(kind))  # the change comes first in a paragraph mark's properties

    def _moved_from(self, a: etree._Element, b: etree._Element, name: str) -> etree._Element:
        """The old paragraph where it was: its kept words moved away (w:moveFrom), the rest deleted."""
        out = self._moved(a, b, name, "moveFrom", "del", old_side=True)
        self.from_old.append(out)
        self.numbering.deleted(out)
        return out

    def _moved_to(self, b: etree._Element, a: etree._Element, name: str) -> etree._Element:
        """The new paragraph where it is now: its kept words moved here (w:moveTo), the rest inserted."""
        return self._moved(a, b, name, "moveTo", "ins", old_side=False)

    def _moved(self, a: etree._Element, b: etree._Element, name: str, move: str, change: str,
               old_side: bool) -> etree._Element:
        side = a if old_side else b
        out = etree.Element(w("p"), nsmap=side.nsmap)
        at = [i for i, c in enumerate(side) if c.tag == w("r")]
        first, last = (at[0], at[-1]) if at else (len(side), len(side) - 1)
        for child in side[:first]:
            out.append(copy.deepcopy(child))
        self._paragraph_mark(out, move)
        start = etree.SubElement(out, w(f"{move}RangeStart"))
        range_id = self.marks.fresh_id()
        start.set(w("id"), range_id)
        start.set(w("name"), name)
        start.set(w("author"), self.marks.author)
        start.set(w("date"), self.marks.date)
        atoms_a, atoms_b = atoms(a), atoms(b)
        for op, i1, i2, j1, j2 in opcodes([x[:2] for x in atoms_a], [x[:2] for x in atoms_b],
                                          space=lambda k: not k[1].strip()):
            kept = atoms_a[i1:i2] if old_side else atoms_b[j1:j2]
            own = atoms_a[i1:i2] if old_side else atoms_b[j1:j2]
            if op == "equal":
                wrapper = self.marks.make(move)
                extend(wrapper, runs(kept, deleted=False))
                out.append(wrapper)
            elif (old_side and op in ("delete", "replace")) or (not old_side and op in ("insert", "replace")):
                wrapper = self.marks.make(change)
                extend(wrapper, runs(own, deleted=old_side))
                out.append(wrapper)
        end = etree.SubElement(out, w(f"{move}RangeEnd"))
        end.set(w("id"), range_id)
        for child in side[last + 1:]:
            out.append(copy.deepcopy(child))
        return out

    # --- bookmarks: one name per heading in each outcome ----------------------------------------

    def finish_bookmarks(self) -> None:
        """Give what only the old rendering has its own bookmark names and ids, and its links the old targets.

        Both renderings name their headings' bookmarks by position (_Toc00001 ...), so an old name may
        belong to another heading in the new one. A deleted or moved-away heading keeps its bookmark
        under a fresh name; an old contents entry leads to it, or to the paragraph both renderings share.
        """
        for a, b in self.linked:  # the same words, but leading to different headings: an old and a new link
            old_targets = [self.bookmarks.get(x) for x in a.xpath(".//w:hyperlink/@w:anchor", namespaces=NS)]
            if old_targets != b.xpath(".//w:hyperlink/@w:anchor", namespaces=NS):
                b.addprevious(self.deleted(a))
                self.inserted(b)
        fresh: dict[str, str] = {}
        for el in self.from_old:
            for mark in el.iter(w("bookmarkStart")):
                fresh.setdefault(mark.get(w("name")), f"_Old{len(fresh) + 1:05d}")
        for el in self.from_old:
            ids: dict[str, str] = {}
            for mark in el.iter(w("bookmarkStart"), w("bookmarkEnd")):
                old_id = mark.get(w("id"))
                mark.set(w("id"), ids.setdefault(old_id, self.marks.fresh_id()))
                if mark.tag == w("bookmarkStart"):
                    mark.set(w("name"), fresh[mark.get(w("name"))])
            for link in el.iter(w("hyperlink")):
                anchor = link.get(w("anchor"))
                if anchor is not None:
                    link.set(w("anchor"), fresh.get(anchor) or self.bookmarks.get(anchor, anchor))
            for instr in el.iter(w("instrText"), w("delInstrText")):
                instr.text = _REF.sub(lambda m: m.group(1) + (fresh.get(m.group(2)) or self.bookmarks.get(
                    m.group(2), m.group(2))), instr.text or "")

    # --- a paragraph edited word by word -----------------------------------------------------

    def _words(self, a: etree._Element, b: etree._Element) -> etree._Element:
        atoms_a, atoms_b = atoms(a), atoms(b)
        out = etree.Element(w("p"), nsmap=b.nsmap)
        first_run = next((i for i, c in enumerate(b) if c.tag == w("r")), len(b))
        last_run = max((i for i, c in enumerate(b) if c.tag == w("r")), default=len(b) - 1)
        for child in b[:first_run]:
            out.append(copy.deepcopy(child))
        keys_a, keys_b = [x[:2] for x in atoms_a], [x[:2] for x in atoms_b]
        for op, i1, i2, j1, j2 in opcodes(keys_a, keys_b, space=lambda k: not k[1].strip()):
            if op == "equal":
                extend(out, runs(atoms_b[j1:j2], deleted=False))
            if op in ("delete", "replace"):
                wrapper = self.marks.make("del")
                extend(wrapper, runs(atoms_a[i1:i2], deleted=True))
                out.append(wrapper)
            if op in ("insert", "replace"):
                wrapper = self.marks.make("ins")
                extend(wrapper, runs(atoms_b[j1:j2], deleted=False))
                out.append(wrapper)
        for child in b[last_run + 1:]:
            out.append(copy.deepcopy(child))
        return out


_REF = re.compile(r"(\b(?:PAGEREF|REF)\s+)(\S+)")
# --- the check: accepting gives the new rendering, rejecting the old -----------------------------

Package = tuple  # (document.xml, numbering.xml or None, styles.xml or None)


def resolve(document: bytes, accept: bool) -> list[str]:
    """The paragraph texts of a document.xml with every change accepted (or rejected)."""
    return [text_of(p) for p in resolved(etree.fromstring(document), accept).iter(w("p"))]


def outcome(package: Package, accept: bool | None) -> tuple[list, list]:
    """The paragraphs (style, level, number, text) and contents links of a document as Word shows it
    with every change accepted (True), rejected (False), or as it is (None)."""
    root = etree.fromstring(package[0])
    if accept is not None:
        root = resolved(root, accept)
    numbering = Numbering(package[1], package[2])
    lines = numbering.lines(root)
    return lines, toc_targets(root, numbering, lines)


def _check(merged: Package, old: Package, new: Package) -> None:
    for accept, plain, name in ((True, new, "new"), (False, old, "old")):
        got, want = outcome(merged, accept), outcome(plain, None)
        verb = "accepting" if accept else "rejecting"
        if [(x.style, x.text) for x in got[0]] != [(x.style, x.text) for x in want[0]]:
            raise RedlineError(f"{verb} every tracked change does not give the {name} draft's text")
        if got[0] != want[0]:
            wrong = next(g for g, x in zip(got[0], want[0]) if g != x)
            raise RedlineError(f"{verb} every tracked change does not give the {name} draft's numbering "
                               f"(at '{wrong.text[:40]}': {wrong.number!r})")
        if got[1] != want[1]:
            raise RedlineError(f"{verb} every tracked change does not give the {name} draft's contents links")
