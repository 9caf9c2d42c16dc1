"""The document's own text against the draft rebuilt in memory: part by part, word by word.

Both sides are read by `docread`, the rebuilt draft from the bytes the Word writer gives for it,
so only content can differ: cover, frame sections, clauses (matched by their bookmark, else by
heading, else by text), annexes, and text that sits outside every clause.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from generator.review.diff import Segment, tokens, word_diff
from generator.review.docread import Comment, Part, WordDocument

SIMILAR = 0.6  # share of words a clause without mark or known heading must share with its counterpart


@dataclass(frozen=True)
class PartDiff:
    """One difference: a part changed, missing or new, or tracked changes still pending in it."""

    kind: str  # cover | section | clause | outside
    number: str  # "3.1" for a clause, "3" for a section, the heading of an annex, "" for the cover
    id: str | None  # the clause id
    title: str
    status: str  # changed | missing | added | pending
    words: tuple[Segment, ...] = ()
    where: str = ""  # for text outside any clause: after which clause
    comments: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class Pairing:
    """Expected and actual parts side by side (either may be None), with their number and clause id."""

    expected: Part | None
    actual: Part | None
    number: str
    id: str | None


def numbers(parts: tuple[Part, ...], marks: dict[str, str]) -> dict[int, tuple[str, str | None]]:
    """(number, clause id) of each part of a rebuilt draft, by position."""
    out, section, clause = {}, 0, 0
    for i, part in enumerate(parts):
        style = part.units[0].style if part.units else ""
        if part.kind == "section" and style == "Heading1":
            section, clause = section + 1, 0
            out[i] = (str(section), None)
        elif part.kind == "section" and style == "Heading2":  # a frame clause: precedence, term, language
            clause += 1
            out[i] = (f"{section}.{clause}", None)
        elif part.kind == "section":
            out[i] = (part.title.split("\u2013")[0].strip(), None)  # "Bilaga 2 – ...": the annex by its number
        elif part.kind == "clause":
            clause += 1
            out[i] = (f"{section}.{clause}", marks.get(part.mark or ""))
        else:
            out[i] = ("", None)
    return out


def pair(expected: WordDocument, actual: WordDocument, marks: dict[str, str]) -> list[Pairing]:
    """Match the actual parts to the expected ones: by clause mark, by heading, then by text."""
    ex = [p for p in expected.parts if p.kind != "contents"]
    ac = [p for p in actual.parts if p.kind not in ("contents", "outside")]
    nums = numbers(tuple(ex), marks)
    found: dict[int, int] = {}  # expected index → actual index
    taken: set[int] = set()

    def take(test) -> None:
        for j, a in enumerate(ac):
            if j in taken:
                continue
            i = next((i for i, e in enumerate(ex) if i not in found and e.kind == a.kind and test(e, a)), None)
            if i is not None:
                found[i] = j
                taken.add(j)

    take(lambda e, a: a.kind == "cover")
    take(lambda e, a: e.mark is not None and e.mark == a.mark)
    take(lambda e, a: e.title == a.title and (e.kind == "section" or a.mark is None or a.mark not in marks))
    take(lambda e, a: a.kind == "clause" and _similarity(e, a) >= SIMILAR)
    out = [Pairing(e, ac[found[i]] if i in found else None, *nums[i]) for i, e in enumerate(ex)]
    out += [Pairing(None, a, "", marks.get(a.mark or "")) for j, a in enumerate(ac) if j not in taken]
    return out


def _similarity(a: Part, b: Part) -> float:
    return difflib.SequenceMatcher(None, tokens(" ".join(a.text())), tokens(" ".join(b.text())),
                                   autojunk=False).ratio()


def compare(expected: WordDocument, actual: WordDocument, marks: dict[str, str]) -> list[PartDiff]:
    """Every difference between the rebuilt draft and the document, in the draft's order."""
    out: list[PartDiff] = []
    comments = actual.comments
    pairs = pair(expected, actual, marks)
    for p in pairs:
        part = p.actual or p.expected
        noted = tuple(comments[c] for u in (p.actual.units if p.actual else []) for c in u.comments if c in comments)
        if p.actual is None:
            out.append(PartDiff(part.kind, p.number, p.id, part.title, "missing",
                                word_diff(paragraphs(p.expected), "")))
            continue
        if p.expected is None:  # new as it stands, or a tracked insertion or deletion still pending
            agreed, proposed = paragraphs(p.actual), paragraphs(p.actual, proposed=True)
            out.append(PartDiff(part.kind, p.number, p.id, part.title, "added" if agreed == proposed else "pending",
                                word_diff("" if agreed == proposed else agreed, proposed), comments=noted))
            continue
        old, new = paragraphs(p.expected), paragraphs(p.actual)
        if old != new:
            out.append(PartDiff(part.kind, p.number, p.id, p.expected.title, "changed", word_diff(old, new),
                                comments=noted))
        if (proposed := paragraphs(p.actual, proposed=True)) != new:  # net of changes that cancel out
            out.append(PartDiff(part.kind, p.number, p.id, p.expected.title, "pending", word_diff(new, proposed),
                                comments=noted))
    numbered = {p.expected.mark: f"{p.number} {p.id}" for p in pairs if p.expected and p.expected.mark}
    return out + moved(pairs, actual) + outside(actual, numbered)


def moved(pairs: list[Pairing], actual: WordDocument) -> list[PartDiff]:
    """Parts found out of the draft's order: the fewest that, put back, restore it (a longest increasing run)."""
    order = {id(part): i for i, part in enumerate(actual.parts)}
    matched = [p for p in pairs if p.expected is not None and p.actual is not None]
    positions = [order[id(p.actual)] for p in matched]
    keep = _increasing(positions)
    out = []
    for k, p in enumerate(matched):
        if k in keep:
            continue
        before = max((order[id(q.actual)] for q in matched if order[id(q.actual)] < positions[k]), default=None)
        after = next((q for q in matched if before is not None and order[id(q.actual)] == before), None)
        where = f"{after.number} {after.id or after.expected.title}".strip() if after else "the start"
        out.append(PartDiff(p.expected.kind, p.number, p.id, p.expected.title, "moved", where=where))
    return out


def _increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of `values`."""
    import bisect

    tails: list[int] = []  # index in values of the smallest tail of each length
    back: list[int | None] = [None] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left([values[t] for t in tails], v)
        back[i] = tails[k - 1] if k else None
        tails[k:k + 1] = [i]
    out, i = set(), tails[-1] if tails else None
    while i is not None:
        out.add(i)
        i = back[i]
    return out


def outside(actual: WordDocument, numbered: dict[str, str]) -> list[PartDiff]:
    """Text that sits after a clause's end and before the next heading: in no clause at all."""
    comments = actual.comments
    return [PartDiff("outside", "", None, "", "added" if (agreed := paragraphs(p)) == text else "pending",
                     word_diff("" if agreed == text else agreed, text), where=numbered.get(p.after or "", p.after or ""),
                     comments=tuple(comments[c] for u in p.units for c in u.comments if c in comments))
            for p in actual.parts if p.kind == "outside" and (text := paragraphs(p, proposed=True))]


def paragraphs(part: Part, proposed: bool = False) -> str:
    """The part's text, one paragraph per blank-line-separated block (as word_diff reads paragraphs)."""
    return "\n\n".join(part.text(proposed))
