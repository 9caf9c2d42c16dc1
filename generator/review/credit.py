"""Who made each change of a redline over several commits: the commit from which its words stay.

The drafts built at every commit of the range that changed the library give a text per state. An
inserted stretch (with a word of context either side, as it reads once accepted) is credited to the
first commit from which it is in every later draft; a deleted stretch (as it reads once rejected) to
the first commit whose draft no longer has it. Moves are read with the paragraph before them. A
change's context that no state explains falls to the newest commit. Drafts rather than clause files
are compared because a change reaches the draft from a service, a parameter or a rule as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from generator.review.diff import tokens
from generator.review.wordview import NS, text_of, w

_INSERTING = {w("ins"), w("moveTo")}
_DELETING = {w("del"), w("moveFrom")}
_CHANGES = _INSERTING | _DELETING


@dataclass(frozen=True)
class State:
    """The draft after one commit: who made the commit, when, and the draft's paragraphs as one text."""

    author: str
    date: str
    text: str  # "\n" + the paragraphs' texts joined by "\n" + "\n"


def state_text(document: bytes) -> str:
    """The text a State holds for a rendered document.xml."""
    root = etree.fromstring(document)
    return "\n" + "\n".join(text_of(p) for p in root.iter(w("p"))) + "\n"


class Credit:
    """Sets the author and date of every change in a merged document.xml from a list of states."""

    def __init__(self, states: list[State]):
        self.states = states  # states[0]: the old revision; states[-1]: the new one

    def __call__(self, root: etree._Element) -> None:
        views = {accept: _View(root, accept) for accept in (True, False)}
        for el in list(root.iter(*_CHANGES)):
            accept = el.tag in _INSERTING
            state = self._state(self._context(el, views[accept]), accept)
            el.set(w("author"), state.author)
            el.set(w("date"), state.date)
        for start in root.iter(w("moveFromRangeStart"), w("moveToRangeStart")):
            mark = start.getparent().find("w:pPr/w:rPr/*", NS)
            if mark is not None:
                start.set(w("author"), mark.get(w("author")))
                start.set(w("date"), mark.get(w("date")))

    def _context(self, el: etree._Element, view: "_View") -> str:
        parent = el.getparent()
        if parent.tag == w("trPr"):
            row = parent.getparent()
            return "\n" + "\n".join(view.text(p) for p in row.iter(w("p")) if view.present(p)) + "\n"
        p = parent.getparent().getparent() if parent.tag == w("rPr") else next(el.iterancestors(w("p")))
        if parent.tag == w("rPr") or el.tag in (w("moveFrom"), w("moveTo")):
            before = view.before(p) if el.tag in (w("moveFrom"), w("moveTo")) or \
                p.find("w:pPr/w:rPr/w:moveFrom", NS) is not None or \
                p.find("w:pPr/w:rPr/w:moveTo", NS) is not None else None
            own = "\n" + view.text(p) + "\n"
            return own if before is None else "\n" + before + own
        left, middle, right = view.split(p, el)
        return "".join(tokens(left)[-2:]) + middle + "".join(tokens(right)[:2])

    def _state(self, context: str, inserted: bool) -> State:
        texts = [s.text for s in self.states]
        last = len(self.states) - 1
        if inserted:  # the first state from which it is there in every later one
            missing = [j for j in range(last) if context not in texts[j]]
            return self.states[missing[-1] + 1] if missing and context in texts[last] else self.states[last]
        gone = [j for j in range(1, last + 1) if context not in texts[j]]  # the first state without it
        return self.states[gone[0]] if gone and context in texts[0] else self.states[last]


class _View:
    """The paragraphs of a merged document as they read with every change accepted (or rejected)."""

    def __init__(self, root: etree._Element, accept: bool):
        self.dropped = _DELETING if accept else _INSERTING
        self.order = [p for p in root.iter(w("p")) if self.present(p)]
        self.index = {id(p): n for n, p in enumerate(self.order)}

    def present(self, p: etree._Element) -> bool:
        marks = p.find("w:pPr/w:rPr", NS)
        if marks is not None and any(c.tag in self.dropped for c in marks):
            return False
        return not any(c.tag in self.dropped for row in p.iterancestors(w("tr"))
                       for props in row.findall("w:trPr", NS) for c in props)

    def _kept(self, node: etree._Element, p: etree._Element) -> bool:
        for ancestor in node.iterancestors():
            if ancestor is p:
                return True
            if ancestor.tag in self.dropped:
                return False
        return True

    def text(self, p: etree._Element) -> str:
        return "".join("\t" if n.tag == w("tab") else n.text or ""
                       for n in p.iter(w("t"), w("delText"), w("tab")) if self._kept(n, p))

    def before(self, p: etree._Element) -> str | None:
        n = self.index.get(id(p))
        return self.text(self.order[n - 1]) if n else None

    def split(self, p: etree._Element, el: etree._Element) -> tuple[str, str, str]:
        """The paragraph's text before `el`, in it, and after it."""
        inside = list(el.iter(w("t"), w("delText"), w("tab")))  # held, so that lxml keeps these proxies
        parts, where = ["", "", ""], 0
        for n in p.iter(w("t"), w("delText"), w("tab")):
            mine = any(n is x for x in inside)
            if mine:
                where = 1
            elif where == 1:
                where = 2
            if mine or self._kept(n, p):
                parts[where] += "\t" if n.tag == w("tab") else n.text or ""
        return parts[0], parts[1], parts[2]
