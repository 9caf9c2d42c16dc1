"""The requirement list for procurement: the draft's clauses as requirement units, in the agreement's words.

A clause that fits one spreadsheet row is one requirement ("3.1"); a longer one is split at its
paragraphs, then between list items, into sub-requirements ("16.1 a", "16.1 b"), every word kept
and in order. The Excel workbook, the Word list and the CSV all number the same units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.core.i18n import CATEGORIES, LABELS, followup_text, join_words, pick
from generator.core.model import Block, Draft, DraftClause, ListBlock, Paragraph, Text
from generator.core.tender_i18n import TENDER
from generator.draft.assemble import applies_note
from generator.draft.markup import blocks_text
from generator.core.rowfit import TEXT_WIDTH, UNIT_LINES, lines_needed


@dataclass(frozen=True)
class Requirement:
    """One requirement unit: a whole clause, or one part of a long one."""

    number: str  # "3.1" for a whole clause, "16.1 a" for a part: the clause's number in the draft
    clause_id: str
    version: str
    unit: str  # "" for a whole clause, else the part's letter
    category: str
    title: str
    blocks: tuple[Block, ...]  # this unit's part of the clause text, values filled in
    text: str
    obligation: str  # shall | should
    applies_to: str  # the services the clause binds, or "" when it binds all of them
    tender_evidence: str  # what the bidder submits with the tender
    verification: str  # how compliance is verified during the contract
    followup: str  # what is followed up, how often, where
    verified: str  # verification and follow-up together: the workbook's cell
    covers: tuple[str, ...]

    @property
    def clause(self) -> str:
        """id@version."""
        return f"{self.clause_id}@{self.version}"

    @property
    def key(self) -> str:
        """The unit's identity across export and import: 'alpha@1.2.0' or 'alpha@1.2.0/b'."""
        return f"{self.clause}/{self.unit}" if self.unit else self.clause


def requirements(draft: Draft) -> list[Requirement]:
    """Every clause of the draft as one or more requirement units, nothing left out."""
    return [r for number, c in draft.numbered_clauses() for r in _clause_units(draft, number, c)]


def _clause_units(draft: Draft, number: str, c: DraftClause) -> list[Requirement]:
    lang = draft.language
    tender = TENDER[lang]
    blocks, applies = _scope(draft, c)
    units = split_units(blocks)
    letters = [unit_letter(i) for i in range(len(units))] if len(units) > 1 else [""]
    first = f"{number} {letters[0]}".strip()
    followup = followup_text(c) if c.followup_kpi else ""
    see = tender["see"].format(number=first)
    return [Requirement(
        number=f"{number} {letter}".strip(), clause_id=c.id, version=c.version, unit=letter,
        category=pick(CATEGORIES[c.category], lang), title=c.title, blocks=unit, text=blocks_text(unit),
        obligation=c.obligation, applies_to=applies,
        tender_evidence=(c.tender_evidence or tender["default_evidence"]) if i == 0 else see,
        verification=c.verification if i == 0 else see, followup=followup if i == 0 else "",
        verified=(c.verification + (f"\n{tender['followup']}: {followup}" if followup else "")) if i == 0 else see,
        covers=c.covers,
    ) for i, (letter, unit) in enumerate(zip(letters, units))]


def _scope(draft: Draft, c: DraftClause) -> tuple[tuple[Block, ...], str]:
    """The clause's blocks without the 'applies to' note assemble puts first, and the services it names."""
    if len(c.services) < len(draft.services):
        names = {s.id: s.name for s in draft.services}
        wanted = [names[s] for s in c.services]
        if c.blocks and c.blocks[0] == applies_note(wanted, draft.language):
            return c.blocks[1:], join_words(wanted, draft.language)
    return c.blocks, ""


def unit_letter(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: the letter of a clause's part."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


# --- splitting -----------------------------------------------------------------------------------

def _lines(blocks: list[Block] | tuple[Block, ...]) -> int:
    return lines_needed(blocks_text(tuple(blocks)), TEXT_WIDTH)


def _fits(blocks: list[Block] | tuple[Block, ...]) -> bool:
    return _lines(blocks) <= UNIT_LINES


def split_units(blocks: tuple[Block, ...]) -> list[tuple[Block, ...]]:
    """The clause text as units that each fit one row: whole, else per paragraph (with the lists and
    tables that follow it), else between list items; plain lines, sentences and words only as a last resort."""
    if not blocks or _fits(blocks):
        return [blocks]
    units: list[tuple[Block, ...]] = []
    current: list[Block] = []
    for group in _groups(blocks):  # as many whole paragraphs per unit as fit
        if _fits(current + group):
            current += group
            continue
        if current:
            units.append(tuple(current))
        current = group if _fits(group) else []
        if not current:
            units += _pack(group)
    if current:
        units.append(tuple(current))
    return units


def _groups(blocks: tuple[Block, ...]) -> list[list[Block]]:
    # A list or table belongs to the paragraph before it (its lead-in: "... shall contain:").
    groups: list[list[Block]] = []
    for block in blocks:
        if isinstance(block, Paragraph) or not groups:
            groups.append([block])
        else:
            groups[-1].append(block)
    return groups


def _pack(group: list[Block]) -> list[tuple[Block, ...]]:
    """A group too long for one row, cut between list items into as few units as fit, of even length."""
    pieces: list[tuple[int, Block]] = []  # (which block it came from, the piece)
    for origin, block in enumerate(group):
        if isinstance(block, ListBlock):
            pieces += [(origin, ListBlock(block.ordered, (item,), block.start + i)) for i, item in enumerate(block.items)]
        else:
            pieces.append((origin, block))
    fewest = _greedy(pieces, UNIT_LINES)
    # The tightest limit that needs no more units gives parts of even length, not a full one and a stub.
    return next((units for limit in range(1, UNIT_LINES) if len(units := _greedy(pieces, limit)) <= len(fewest)),
                fewest)


def _greedy(pieces: list[tuple[int, Block]], limit: int) -> list[tuple[Block, ...]]:
    units: list[tuple[Block, ...]] = []
    current: list[tuple[int, Block]] = []
    for origin, piece in pieces:
        if _lines(_join(current + [(origin, piece)])) <= limit:
            current.append((origin, piece))
            continue
        if current:
            units.append(tuple(_join(current)))
        current = [(origin, piece)] if _fits([piece]) else []
        if not current:
            units += _plain(piece)
    if current:
        units.append(tuple(_join(current)))
    return units


def _join(pieces: list[tuple[int, Block]]) -> list[Block]:
    """Consecutive items of one list back into one list block."""
    out: list[Block] = []
    origins: list[int] = []
    for origin, piece in pieces:
        if isinstance(piece, ListBlock) and out and isinstance(out[-1], ListBlock) and origins[-1] == origin:
            out[-1] = ListBlock(piece.ordered, out[-1].items + piece.items, out[-1].start)
        else:
            out.append(piece)
            origins.append(origin)
    return out


_SENTENCE = re.compile(r"(?<=[.;:!?]) ")


def _plain(block: Block) -> list[tuple[Block, ...]]:
    """One block too long for a row even alone: its text as plain lines, cut at line, sentence or word
    ends (and inside a word longer than a row), each part a unit; formatting is not kept, words are."""
    pieces: list[str] = []
    for line in blocks_text((block,)).split("\n"):
        pieces += _cut(line, [_SENTENCE.split, lambda s: s.split(" ")])
    units, current = [], []
    for piece in pieces:
        if current and lines_needed("\n".join(current + [piece]), TEXT_WIDTH) > UNIT_LINES:
            units.append(tuple(Paragraph((Text(p),)) for p in current))
            current = []
        current.append(piece)
    if current:
        units.append(tuple(Paragraph((Text(p),)) for p in current))
    return units


def _cut(text: str, splitters: list) -> list[str]:
    if lines_needed(text, TEXT_WIDTH) <= UNIT_LINES:
        return [text] if text else []
    if not splitters:  # one word longer than a whole row: cut it into row-sized pieces
        size = TEXT_WIDTH * UNIT_LINES
        return [text[i:i + size] for i in range(0, len(text), size)]
    parts, current = [], ""
    for part in splitters[0](text):
        candidate = f"{current} {part}" if current else part
        if current and lines_needed(candidate, TEXT_WIDTH) > UNIT_LINES:
            parts += _cut(current, splitters[1:])
            current = part
        else:
            current = candidate
    return parts + _cut(current, splitters[1:])


# --- counts and labels ----------------------------------------------------------------------------

def obligation_counts(rows: list[Requirement]) -> dict[str, int]:
    """How many requirement units are mandatory (shall) and how many recommended (should)."""
    return {kind: sum(r.obligation == kind for r in rows) for kind in ("shall", "should")}


def obligation_label(obligation: str, lang: str) -> str:
    """'Ska-krav' / 'Bör-krav', 'Mandatory (shall)' / 'Recommended (should)'."""
    return LABELS[lang][f"obligation_{obligation}"]
