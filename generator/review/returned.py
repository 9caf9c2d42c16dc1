"""Review of a draft the other party returned: every clause classified against the library's approved positions.

A clause is unchanged; a value changed within the clause's bounds (or outside them); the text of
an approved fallback (possibly with a value changed); a free-text deviation for legal review; or
deleted. New clauses, text outside any clause and changed frame sections are reported where they
sit, and comments beside their clause. Each classification is found by rendering the candidate
(the fallback, the value) exactly as the build would and comparing texts, so an approved outcome
recorded with `accept:` reproduces the returned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.core.model import Acceptance, Draft, DraftClause, Library
from generator.library.fallbacks import bounded
from generator.library.parameters import value_problem
from generator.review.diff import Segment, word_diff
from generator.review.docread import Comment, Part, read_document, read_fragment
from generator.review.gitrev import Repo, Revision, open_at
from generator.review.textcheck import PartDiff, moved, outside, pair, paragraphs

APPROVED = {"unchanged", "value-within-bounds", "fallback"}
_META = "ClauseMeta"  # tool material under a clause; not part of what is negotiated
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class ValueChange:
    parameter: str
    old: str
    new: object
    services: tuple[str, ...] | None  # the services the new value is for; None: all of the clause's
    problem: str | None  # why it is outside the bounds, or None


@dataclass(frozen=True)
class ClauseReview:
    """One clause of the returned draft and what it is."""

    number: str
    id: str
    title: str
    status: str  # unchanged | value-within-bounds | value-out-of-bounds | fallback | free-text | deleted
    fallback: int | None = None
    fallback_label: str | None = None
    values: tuple[ValueChange, ...] = ()
    words: tuple[Segment, ...] = ()
    pending: bool = False  # the change is (partly) in tracked changes nobody has accepted yet
    comments: tuple[Comment, ...] = ()

    def accept_entries(self) -> list[dict]:
        """The `accept:` entries that record this outcome in the agreement file (approved outcomes only)."""
        if self.status not in ("fallback", "value-within-bounds"):
            return []
        out = [{"clause": self.id, "fallback": self.fallback}] if self.fallback else []
        for v in self.values:
            out += [{"clause": self.id, "parameter": v.parameter, "value": v.new}
                    | ({"service": s} if s else {}) for s in v.services or (None,)]
        return out


@dataclass(frozen=True)
class Review:
    file: str
    agreement: str
    revision: Revision
    clauses: tuple[ClauseReview, ...]
    other: tuple[PartDiff, ...]  # new clauses, text outside any clause, frame sections changed
    comments: tuple[Comment, ...]  # comments outside any clause
    notes: tuple[str, ...]

    @property
    def approved(self) -> bool:
        """Whether every clause is unchanged or an approved outcome and nothing else changed."""
        return all(c.status in APPROVED for c in self.clauses) and not self.other


def review_file(root: Path, file: Path, worktree: bool = False) -> Review:
    """Classify every clause of a returned draft against the library it was built from."""
    from generator.render.manifest import read_custom_properties
    from generator.review.provenance import read_manifest
    from generator.review.rebuild import rebuild, source_revision
    from generator.review.unmarked import best_match, has_manifest

    repo = Repo(root)
    data = file.read_bytes()
    notes: list[str] = []
    if has_manifest(file):
        manifest = read_manifest(file)
        revision, why = source_revision(repo, manifest, worktree)
        notes += why
        library = open_at(repo.snapshot(revision), repo.root)
        edition = str(read_custom_properties(data).get("klausul.edition") or "") or None
        built = rebuild(repo, manifest.agreement, revision, data, edition, library=library)
    else:
        revision = repo.resolve("HEAD") if not worktree else source_revision(repo, None, True)[0]
        library = open_at(repo.snapshot(revision), repo.root)
        built, count = best_match(repo, revision, data, str(file))
        notes.append(f"the file carries no Klausul manifest: compared with agreement '{built.draft.id}' "
                     f"({count} of {len(built.draft.clauses)} clauses found by heading or text)")
    return classify(library, built.draft, read_document(built.docx), read_document(data, str(file)), built.marks,
                    str(file), revision, notes)


def classify(library: Library, draft: Draft, expected, actual, marks: dict[str, str], file: str,
             revision: Revision, notes: list[str]) -> Review:
    """The review of `actual` against `expected`, the rendering of `draft`."""
    clauses = {c.id: c for c in draft.clauses}
    reviews, other, seen = [], [], set()
    pairs = pair(expected, actual, marks)
    for p in pairs:
        kind = (p.expected or p.actual).kind
        comments = _comments(p.actual, actual.comments)
        seen.update(c.id for c in comments)
        if kind == "clause" and p.expected is not None and p.id in clauses:
            reviews.append(_clause(library, draft, clauses[p.id], p.number, p.expected, p.actual, comments))
        elif p.expected is None:
            if not paragraphs(p.actual, proposed=True):
                continue  # what the proposal deletes, e.g. the old place of a moved clause: nothing proposed
            other.append(PartDiff(kind, "", p.id, p.actual.title, "added", word_diff("", paragraphs(p.actual, True)),
                                  comments=comments))
        elif p.actual is None:
            other.append(PartDiff(kind, p.number, None, p.expected.title, "missing",
                                  word_diff(paragraphs(p.expected), "")))
        elif (old := paragraphs(p.expected)) != (new := paragraphs(p.actual, proposed=True)):
            other.append(PartDiff(kind, p.number, None, p.expected.title, "changed", word_diff(old, new),
                                  comments=comments))
    numbered = {p.expected.mark: f"{p.number} {p.id}" for p in pairs if p.expected and p.expected.mark}
    extra = moved(pairs, actual) + outside(actual, numbered)
    seen.update(c.id for d in extra for c in d.comments)
    loose = tuple(c for i, c in actual.comments.items() if i not in seen)
    return Review(file, draft.id, revision, tuple(reviews), tuple(other + extra), loose, tuple(notes))


def _comments(part: Part | None, comments: dict[str, Comment]) -> tuple[Comment, ...]:
    if part is None:
        return ()
    return tuple(comments[c] for u in part.units for c in u.comments if c in comments)


def _body(part: Part, proposed: bool) -> str:
    return "\n\n".join(t for u in part.units if u.style != _META and (t := u.proposed if proposed else u.agreed))


def _clause(library: Library, draft: Draft, clause: DraftClause, number: str, expected: Part,
            actual: Part | None, comments: tuple[Comment, ...]) -> ClauseReview:
    base = dict(number=number, id=clause.id, title=clause.title, comments=comments)
    if actual is None:
        return ClauseReview(status="deleted", words=word_diff(_body(expected, False), ""), **base)
    old, new = _body(expected, False), _body(actual, True)
    pending = _body(actual, False) != new
    if not new:  # every paragraph deleted, as a tracked change still pending
        return ClauseReview(status="deleted", words=word_diff(old, ""), pending=pending, **base)
    if old == new:
        return ClauseReview(status="unchanged", pending=pending, **base)
    found = _explain(library, draft, clause, old, new)
    if found is not None:
        fallback, values = found
        source = library.clauses[clause.id]
        label = source.fallbacks[fallback - 1].label[draft.language] if fallback else None
        status = ("value-out-of-bounds" if any(v.problem for v in values) else
                  "fallback" if fallback else "value-within-bounds")
        return ClauseReview(status=status, fallback=fallback, fallback_label=label, values=values,
                            words=word_diff(old, new), pending=pending, **base)
    return ClauseReview(status="free-text", words=word_diff(old, new), pending=pending, **base)


def _explain(library: Library, draft: Draft, clause: DraftClause, old: str, new: str
             ) -> tuple[int | None, tuple[ValueChange, ...]] | None:
    """(fallback number or None, value changes) whose rendering gives exactly `new`; None if nothing does."""
    from generator.draft.assemble import draft_clause

    source = library.clauses[clause.id]
    spec = library.agreements[draft.id]
    kept = tuple(a for a in spec.accept if a.clause == clause.id and a.parameter)
    current = next((a.fallback for a in spec.accept if a.clause == clause.id and a.fallback), None)
    wordings = [current] + [i for i in range(1, len(source.fallbacks) + 1) if i != current]
    inserted = " ".join(t for op, t in word_diff(old, new) if op == "+")
    for fallback in wordings:
        accept = kept + ((Acceptance(clause.id, fallback=fallback),) if fallback else ())
        if fallback != current and _text(draft_clause(library, draft.id, clause.id, accept), draft.language) == new:
            return fallback, ()
        for name, decl in source.parameters.items():
            for value in _candidates(decl, inserted):
                for scope in _scopes(clause.services):
                    entries = tuple(Acceptance(clause.id, parameter=name, value=value, service=s) for s in scope or (None,))
                    if _text(draft_clause(library, draft.id, clause.id, accept + entries), draft.language) == new:
                        limits = source.fallbacks[fallback - 1].bounds.get(name) if fallback else None
                        problem = value_problem(bounded(decl, limits), value)
                        change = ValueChange(name, clause.values.get(name, ""), value, scope, problem)
                        return (None if fallback == current else fallback), (change,)
    return None


def _scopes(services: tuple[str, ...]) -> list[tuple[str, ...] | None]:
    """All services, then each service alone, then (for up to four) every group of them."""
    from itertools import combinations

    scopes: list = [None] + [(s,) for s in services] if len(services) > 1 else [None]
    if 2 < len(services) <= 4:
        scopes += [c for n in range(2, len(services)) for c in combinations(services, n)]
    return scopes


def _candidates(decl: dict, inserted: str) -> list:
    if decl["type"] == "choice":
        return list(decl.get("choices") or {})
    if decl["type"] not in ("integer", "number"):
        return []
    out = []
    for token in _NUMBER.findall(inserted):
        number = float(token.replace(",", "."))
        value = int(number) if number.is_integer() else number
        if decl["type"] == "integer" and not isinstance(value, int):
            continue
        out.append(value)
    return list(dict.fromkeys(out))


def _text(clause: DraftClause | None, lang: str) -> str | None:
    from generator.render.docx_body import clause_xml

    if clause is None:
        return None
    parts = read_fragment(clause_xml(clause, lang))
    return _body(parts[0], False) if parts else None
