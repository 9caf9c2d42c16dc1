"""What a library change does to each agreement's draft: clauses that enter or leave, and sentences that
read differently. The pull-request comment lists these per agreement; EXTRA takes further checks
(such as coverage), each a function from the two drafts to Markdown lines.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator.core.errors import KlausulError
from generator.core.model import Draft, Library
from generator.draft.markup import blocks_text

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=\S)|\n+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a clause (or the scope) that reads differently: old None = new, new None = gone."""

    where: str  # clause id, or "scope"
    old: str | None
    new: str | None


@dataclass(frozen=True)
class AgreementEffect:
    """The consequences of a change for one agreement's draft."""

    agreement: str
    status: str  # changed | added | removed | failed
    entered: tuple[tuple[str, str], ...] = ()  # (clause id, title) of clauses that come into the draft
    left: tuple[tuple[str, str], ...] = ()  # ... and that drop out of it
    moved: tuple[tuple[str, str, str, str], ...] = ()  # (clause id, title, old section, new section)
    sentences: tuple[Sentence, ...] = ()
    lines: tuple[str, ...] = ()  # further consequences, as Markdown lines (see EXTRA)
    problem: str | None = None  # why the draft cannot be built at one of the revisions


# Further consequences: f(old draft or None, new draft or None) -> Markdown lines for the comment.
EXTRA: list[Callable[[Draft | None, Draft | None], list[str]]] = []


def library_effects(old: Library, new: Library) -> list[AgreementEffect]:
    """The effect on every agreement whose draft differs between two libraries, by agreement id."""
    from generator.draft.assemble import assemble

    out = []
    for agreement in sorted(old.agreements.keys() | new.agreements.keys()):
        drafts, problem = [], None
        for library in (old, new):
            try:
                drafts.append(assemble(library, agreement) if agreement in library.agreements else None)
            except KlausulError as exc:
                drafts.append(None)
                problem = str(exc)
        if problem:
            out.append(AgreementEffect(agreement, "failed", problem=problem))
        elif (effect := draft_effect(agreement, *drafts)) is not None:
            out.append(effect)
    return out


def draft_effect(agreement: str, old: Draft | None, new: Draft | None) -> AgreementEffect | None:
    """How the draft changes from `old` to `new`; None when nothing a reader sees changed."""
    extra = tuple(line for check in EXTRA for line in check(old, new))
    if old is None or new is None:
        status = "added" if old is None else "removed"
        return AgreementEffect(agreement, status, lines=extra)
    a, b = {c.id: c for c in old.clauses}, {c.id: c for c in new.clauses}
    entered = tuple((i, b[i].title) for i in b if i not in a)
    left = tuple((i, a[i].title) for i in a if i not in b)
    old_at, new_at = _sections(old), _sections(new)
    moved = tuple((i, b[i].title, old_at[i], new_at[i]) for i in b if i in a and old_at[i] != new_at[i])
    sentences: list[Sentence] = []
    sentences += _sentences("scope", blocks_text(old.scope), blocks_text(new.scope))
    for ident in [i for i in b if i in a]:
        before, after = a[ident], b[ident]
        sentences += _sentences(ident, f"{before.title}.\n{blocks_text(before.blocks)}",
                                f"{after.title}.\n{blocks_text(after.blocks)}")
    if not (entered or left or moved or sentences or extra):
        return None
    return AgreementEffect(agreement, "changed", entered, left, moved, tuple(sentences), extra)


def _sections(draft: Draft) -> dict[str, str]:
    return {c.id: section.title for section in draft.sections for c in section.clauses}


def split_sentences(text: str) -> list[str]:
    """A text's sentences (and list items, which stand on lines of their own)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _sentences(where: str, old: str, new: str) -> list[Sentence]:
    if old == new:
        return []
    a, b = split_sentences(old), split_sentences(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for n in range(max(len(olds), len(news))):
            out.append(Sentence(where, olds[n] if n < len(olds) else None, news[n] if n < len(news) else None))
    return out


def effects_between(root: Path, old: str, new: str | None) -> list[AgreementEffect]:
    """The effects on every agreement of the change from revision `old` to `new` (None: the working tree)."""
    from generator.review.gitrev import WORKTREE, Repo, Revision, open_at

    repo = Repo(root)
    a = repo.resolve(old)
    b = repo.resolve(new) if new is not None else Revision(WORKTREE)
    return library_effects(open_at(repo.snapshot(a), root), open_at(repo.snapshot(b), root))
