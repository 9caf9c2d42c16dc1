"""The requirement list for procurement: one row per clause of the draft, in the agreement's words."""

from __future__ import annotations

from dataclasses import dataclass

from generator.core.i18n import CATEGORIES, LABELS, followup_text, pick
from generator.draft.markup import blocks_text
from generator.core.model import Draft


@dataclass(frozen=True)
class Requirement:
    """One clause as a tender requirement."""

    number: str  # the clause's number in the draft, so tender and contract cite the same thing
    clause: str  # id@version
    category: str
    title: str
    text: str
    obligation: str  # shall | should
    verification: str
    followup: str
    covers: tuple[str, ...]


def requirements(draft: Draft) -> list[Requirement]:
    """Every clause of the draft as a requirement, parameters filled in, nothing left out."""
    lang = draft.language
    return [Requirement(
        number=number, clause=f"{c.id}@{c.version}", category=pick(CATEGORIES[c.category], lang),
        title=c.title, text=blocks_text(c.blocks), obligation=c.obligation, verification=c.verification,
        followup=followup_text(c) if c.followup_kpi else "", covers=c.covers,
    ) for number, c in draft.numbered_clauses()]


def obligation_counts(rows: list[Requirement]) -> dict[str, int]:
    """How many requirements are mandatory (shall) and how many recommended (should)."""
    return {kind: sum(r.obligation == kind for r in rows) for kind in ("shall", "should")}


def obligation_label(obligation: str, lang: str) -> str:
    """'Ska-krav' / 'Bör-krav', 'Mandatory (shall)' / 'Recommended (should)'."""
    return LABELS[lang][f"obligation_{obligation}"]
