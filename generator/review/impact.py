"""Impact of a clause: the agreements that include it and the services it applies to."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from generator.draft.assemble import applies, assemble
from generator.core.errors import KlausulError, UsageError
from generator.review.gitrev import Revision
from generator.core.model import Clause, Library


@dataclass(frozen=True)
class Use:
    """How one agreement uses the clause."""

    agreement: str
    title: str
    status: str
    language: str
    how: str  # rules | include | excluded | unused | error
    services: tuple[str, ...] = ()  # the agreement's services the clause is for
    note: str | None = None  # the reason of an exclusion, or why the agreement cannot be assembled


@dataclass(frozen=True)
class Impact:
    """Everything in the library that a change to one clause touches."""

    clause: Clause
    revision: Revision
    uses: tuple[Use, ...]
    services: tuple[tuple[str, str], ...]  # (id, name) of every service the clause's rules select

    @property
    def agreements(self) -> tuple[Use, ...]:
        """The agreements whose draft contains the clause."""
        return tuple(u for u in self.uses if u.how in ("rules", "include"))


def impact(library: Library, clause_id: str, revision: Revision) -> Impact:
    """Where the clause `clause_id` is used; UsageError for an unknown id."""
    clause = library.clauses.get(clause_id)
    if clause is None:
        close = difflib.get_close_matches(clause_id, list(library.clauses), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"unknown clause '{clause_id}' in the library {revision.where}{hint}")
    uses = tuple(_use(library, clause, spec.id) for spec in sorted(library.agreements.values(), key=lambda a: a.id))
    services = tuple((s.id, _name(s.name)) for s in sorted(library.services.values(), key=lambda s: s.id)
                     if clause.status == "approved" and applies(clause, s))
    return Impact(clause, revision, uses, services)


def _use(library: Library, clause: Clause, agreement: str) -> Use:
    spec = library.agreements[agreement]
    base = dict(agreement=spec.id, title=spec.title, status=spec.status, language=spec.language)
    reason = next((e.reason for e in spec.exclude if e.clause == clause.id), None)
    if reason is not None:
        return Use(how="excluded", note=reason, **base)
    try:
        draft = assemble(library, agreement)
    except KlausulError as exc:
        return Use(how="error", note=str(exc), **base)
    found = next((c for c in draft.clauses if c.id == clause.id), None)
    if found is None:
        return Use(how="unused", **base)
    return Use(how="include" if clause.id in spec.include else "rules", services=found.services, **base)


def _name(names: dict[str, str]) -> str:
    return names.get("en") or next(iter(names.values()), "")
