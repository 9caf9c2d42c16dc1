"""Building blocks of Word tracked changes: change marks with unique ids, list instances for deleted
list paragraphs, and paragraphs taken apart into words and put back together as runs."""

from __future__ import annotations

import copy
from typing import Callable

from lxml import etree

from generator.review.diff import tokens
from generator.review.wordview import NS, W, w

TAB, BREAK = "\0tab", "\0br"

# --- marks ------------------------------------------------------------------------------------

class Marks:
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

    def fresh_id(self) -> str:
        """An id no other annotation in the document has."""
        self.next_id += 1
        return str(self.next_id - 1)


class ListInstances:
    """List instances: deleted list paragraphs keep the numbering they had in the old rendering."""

    def __init__(self, old: bytes | None, new: bytes | None):
        self.old = etree.fromstring(old) if old else None
        self.new = etree.fromstring(new) if new else None
        self.mapping: dict[str, str] = {}
        self.claimed: dict[str, str] = {}  # new list instance -> the old one it continues
        self.pending: list[etree._Element] = []  # w:numId elements of deleted paragraphs, still old ids

    def pair(self, old_p: etree._Element, new_p: etree._Element) -> None:
        """Two paragraphs that are the same one: the old list instance is now the new one."""
        a, b = num_id(old_p), num_id(new_p)
        if a is not None and b is not None:
            self.mapping.setdefault(a.get(w("val")), b.get(w("val")))
            self.claimed.setdefault(b.get(w("val")), a.get(w("val")))

    def can_pair(self, old: etree._Element, new: etree._Element) -> bool:
        """Whether the paragraphs of two blocks can each be one paragraph in both renderings: not when the
        old list instance already continues as another new one (or the new one continues another old one).
        One paragraph has one list instance; two lists the new rendering split or joined (two adjacent
        Markdown lists are one list, until a block between them moves away) would count wrong in one view."""
        for pa, pb in zip(old.iter(w("p")), new.iter(w("p"))):
            a, b = num_id(pa), num_id(pb)
            if a is not None and b is not None:
                a, b = a.get(w("val")), b.get(w("val"))
                if self.mapping.get(a, b) != b or self.claimed.get(b, a) != a:
                    return False
        return True

    def deleted(self, p: etree._Element) -> None:
        if (num := num_id(p)) is not None:
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
        shared = old_num is not None and old_num.find("w:lvlOverride", NS) is None
        if old_num is None or (shared and new_num is not None and etree.tostring(old_num) == etree.tostring(new_num)):
            return old_id  # a template list both renderings share (bullets): it shows no count of its own
        # A list that restarts (an instance of its own) keeps one here too, even where the new rendering
        # gave its number to another list: sharing it would count the deleted items into that list.
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


def num_id(p: etree._Element) -> etree._Element | None:
    return p.find("w:pPr/w:numPr/w:numId", NS) if p.tag == w("p") else None



_SIMPLE_P = {w("pPr"), w("r"), w("bookmarkStart"), w("bookmarkEnd"), w("proofErr")}
_SIMPLE_R = {w("rPr"), w("t"), w("tab"), w("br")}


def simple(p: etree._Element) -> bool:
    """Whether the paragraph is plain runs of text (bookmarks only around them), so words can be compared."""
    if p.tag != w("p") or any(c.tag not in _SIMPLE_P for c in p):
        return False
    at = [i for i, c in enumerate(p) if c.tag == w("r")]
    if at and any(c.tag != w("r") and c.tag != w("pPr") and at[0] < i < at[-1] for i, c in enumerate(p)):
        return False
    return all(c.tag in _SIMPLE_R and not (c.tag == w("br") and c.get(w("type")) not in (None, "textWrapping"))
               for r in p.iter(w("r")) for c in r)


def atoms(p: etree._Element) -> list[tuple[bytes, str, etree._Element | None]]:
    """(formatting key, token, formatting) for every word, space, tab and break of a simple paragraph."""
    out = []
    for r in p.iter(w("r")):
        r_pr = r.find("w:rPr", NS)
        key = etree.tostring(r_pr) if r_pr is not None else b""
        for child in r:
            if child.tag == w("t"):
                out += [(key, tok, r_pr) for tok in tokens(child.text or "")]
            elif child.tag == w("tab"):
                out.append((key, TAB, r_pr))
            elif child.tag == w("br"):
                out.append((key, BREAK, r_pr))
    return out


def runs(items: list, deleted: bool) -> list[etree._Element]:
    """Runs for consecutive atoms, one run per stretch of the same formatting."""
    out: list[etree._Element] = []
    last_key = None
    for key, tok, r_pr in items:
        if not out or key != last_key:
            run = etree.Element(w("r"))
            if r_pr is not None:
                run.append(copy.deepcopy(r_pr))
            out.append(run)
            last_key = key
        run = out[-1]
        if tok in (TAB, BREAK):
            run.append(etree.Element(w("tab" if tok == TAB else "br")))
            continue
        text = run[-1] if len(run) and run[-1].tag in (w("t"), w("delText")) else None
        if text is None:
            text = etree.SubElement(run, w("delText" if deleted else "t"))
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            text.text = ""
        text.text += tok
    return out


def extend(parent: etree._Element, children: list) -> None:
    """Append the children in order."""
    for child in children:
        parent.append(child)


def replace_children(parent: etree._Element, children: list) -> None:
    """Make `children` the element's only children, in order.

    Children that stay are left where they are when already in place: detaching an element makes lxml
    walk its whole subtree to fix namespaces (about a second for the coverage table of a 1,000-clause
    draft), so removing and re-appending every child made a redline grow faster than the draft."""
    staying = {id(c) for c in children}
    for child in list(parent):
        if id(child) not in staying:
            parent.remove(child)
    previous = None
    for child in children:
        if previous is None:
            if len(parent) == 0 or parent[0] is not child:
                parent.insert(0, child)
        elif previous.getnext() is not child:
            previous.addnext(child)
        previous = child


_RUN_CONTAINERS = {w("hyperlink"), w("fldSimple"), w("smartTag"), w("customXml"), w("sdtContent"), w("sdt")}


def wrap_runs(parent: etree._Element, make: Callable[[], etree._Element], deleted: bool) -> None:
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
                wrap_runs(child, make, deleted)
