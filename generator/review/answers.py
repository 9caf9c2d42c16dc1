"""A bidder's returned requirement workbook, read and compared with the agreement: the compliance result.

Rows are matched by the hidden identity cell, never by position or number. Every locked cell is
compared with what the library says today, because the sheet's protection has no password: an
edit is reported, and the requirement stands as issued.
"""

from __future__ import annotations

import difflib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import UsageError
from generator.core.model import Draft
from generator.core.tender_i18n import ANSWER_KEYS, ANSWERS, TENDER
from generator.draft.requirements import Requirement, requirements
from generator.render.requirements import (ANSWER, DESCRIPTION, EVIDENCE, IDENTITY, LOCKED, WORKBOOK_COLUMNS,
                                           column_label, fingerprint, locked_cells, unit_hash)

MAX_FILE = 32 * 1024 * 1024  # a requirement workbook is well under a megabyte; refuse anything near this
MAX_UNPACKED = 256 * 1024 * 1024  # and never unpack a zip bomb
POINTS = {"yes": 1.0, "partly": 0.5, "no": 0.0}  # a should-requirement's score


@dataclass(frozen=True)
class Answer:
    """One requirement unit and what the bidder answered."""

    requirement: Requirement
    answer: str | None  # yes | no | partly | None (unanswered) | "invalid"
    raw: str  # the cell as the bidder left it
    description: str
    evidence: str
    row: int | None  # the workbook row, None when the row is missing from the file

    @property
    def status(self) -> str:
        """met | not_met | partly | missing | invalid | scored."""
        if self.answer is None:
            return "missing"
        if self.answer == "invalid":
            return "invalid"
        if self.requirement.obligation == "should":
            return "scored"
        return {"yes": "met", "no": "not_met", "partly": "partly"}[self.answer]

    @property
    def points(self) -> float | None:
        """The score of a should-requirement (1, ½ or 0), None for a shall-requirement."""
        if self.requirement.obligation != "should":
            return None
        return POINTS.get(self.answer or "", 0.0)


@dataclass(frozen=True)
class Edit:
    """A locked cell the bidder changed."""

    number: str
    column: str
    expected: str
    found: str

    @property
    def change(self) -> str:
        """The words that differ, e.g. '"shall" → "may"'; at most three places, then '…'."""
        old, new = self.expected.split(), self.found.split()
        places = [(" ".join(old[i1:i2]), " ".join(new[j1:j2]))
                  for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
                  if op != "equal"]
        shown = "; ".join(f"\u201c{a}\u201d \u2192 \u201c{b}\u201d" for a, b in places[:3])
        return shown + ("; \u2026" if len(places) > 3 else "") if places else "(white space)"


@dataclass
class Compliance:
    """A returned workbook, compared requirement by requirement with the agreement."""

    draft: Draft
    file: str
    answers: list[Answer] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (row, identity cell) of rows not in the list

    @property
    def disqualified(self) -> list[Answer]:
        """Mandatory requirements answered No or Partly."""
        return [a for a in self.answers if a.status in ("not_met", "partly")]

    @property
    def missing(self) -> list[Answer]:
        return [a for a in self.answers if a.answer is None]

    @property
    def invalid(self) -> list[Answer]:
        return [a for a in self.answers if a.answer == "invalid"]

    @property
    def scored(self) -> list[Answer]:
        return [a for a in self.answers if a.requirement.obligation == "should"]

    @property
    def score(self) -> tuple[float, int]:
        """Points of the should-requirements, and the most there are."""
        return sum(a.points or 0.0 for a in self.scored), len(self.scored)

    @property
    def met(self) -> bool:
        """Every mandatory requirement answered Yes (an unanswered or invalid one is not met)."""
        return all(a.status == "met" for a in self.answers if a.requirement.obligation == "shall")


def compliance(draft: Draft, path: Path) -> Compliance:
    """Read the returned workbook at `path` and compare it with `draft`; UsageError for a wrong file."""
    rows = _read_rows(path)
    expected = {r.key: r for r in requirements(draft)}
    result = Compliance(draft, path.name)
    found: dict[str, tuple[int, tuple]] = {}
    changed: list[str] = []  # units whose text the library now gives differently from the export
    current = fingerprint(draft)
    for number, cells in rows:
        ident = _text(cells[IDENTITY - 1] if len(cells) >= IDENTITY else None)
        if not ident and not any(_text(c) for c in cells):
            continue
        agreement, version, key, exported = (ident.split("|") + ["", "", "", ""])[:4]
        if agreement and key and agreement != draft.id:
            raise UsageError(f"{path}: this is the requirement workbook of agreement '{agreement}', not '{draft.id}' "
                             f"(row {number}); import it for that agreement")
        if agreement == draft.id and version != current:
            raise UsageError(f"{path}: the workbook was exported from another library version ({version}; the "
                             f"library now gives {current}): its requirements are not the ones the library holds "
                             f"now; import it with the library at the revision it was exported from")
        if key not in expected or key in found:
            result.unknown.append((number, ident))
            continue
        if exported != unit_hash(draft, expected[key]):
            changed.append(expected[key].number)
        found[key] = (number, cells)
    if not found:
        raise UsageError(f"{path}: no requirement row of agreement '{draft.id}' (the hidden identity column is empty)")
    if changed:
        listed = ", ".join(changed[:10]) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")
        raise UsageError(f"{path}: requirement(s) {listed} read differently now than when the workbook "
                         f"was exported (the agreement, its services or parameters changed since); export the "
                         f"workbook again, or import it with the library at the revision it was exported from")
    for key, requirement in expected.items():
        number, cells = found.get(key, (None, ()))
        result.answers.append(_answer(requirement, number, cells, draft.language))
        if number is not None:
            result.edits += _edits(draft, requirement, cells)
    return result


def _answer(requirement: Requirement, number: int | None, cells: tuple, lang: str) -> Answer:
    def cell(column: int) -> str:
        return _text(cells[column - 1]) if len(cells) >= column else ""

    raw = cell(ANSWER).strip()
    return Answer(requirement, parse_answer(raw), raw, cell(DESCRIPTION).strip(), cell(EVIDENCE).strip(), number)


def parse_answer(raw: str) -> str | None:
    """yes / no / partly from the drop-down's words in either language; None when empty; 'invalid' otherwise."""
    if not raw:
        return None
    for words in ANSWERS.values():
        for key, word in zip(ANSWER_KEYS, words):
            if raw.casefold() == word.casefold():
                return key
    return "invalid"


def _edits(draft: Draft, requirement: Requirement, cells: tuple) -> list[Edit]:
    expected = locked_cells(draft, requirement)
    edits = []
    for column in LOCKED:
        found = _text(cells[column - 1]) if len(cells) >= column else ""
        if found != expected[column - 1]:
            edits.append(Edit(requirement.number, column_label(WORKBOOK_COLUMNS[column - 1][0], draft.language),
                              expected[column - 1], found))
    return edits


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n")  # a spreadsheet may save line ends either way


def _read_rows(path: Path) -> list[tuple[int, tuple]]:
    """The data rows of the requirement sheet (the one with the identity column), with their row numbers."""
    import openpyxl

    if not path.is_file():
        raise UsageError(f"{path}: not a regular file")
    if path.stat().st_size > MAX_FILE:
        raise UsageError(f"{path}: {path.stat().st_size} bytes is far larger than a requirement workbook")
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise UsageError(f"{path}: unpacks to more than {MAX_UNPACKED // 2 ** 20} MiB; refused")
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            return _sheet_rows(workbook, path)
        finally:
            workbook.close()
    except UsageError:
        raise
    except Exception as exc:  # openpyxl, zipfile and defusedxml (a DTD, an entity) raise many kinds
        raise UsageError(f"{path}: not an Excel workbook (.xlsx) that can be read ({type(exc).__name__})") from None


def _sheet_rows(workbook, path: Path) -> list[tuple[int, tuple]]:
    """The rows of the sheet with the identity column, each in the export's column order: columns are
    found by their headings (either language), so a column the bidder inserted or moved does no harm."""
    names = {key: {column_label(key, lang) for lang in TENDER} for key, _ in WORKBOOK_COLUMNS}
    for ws in workbook.worksheets:  # read-only sheets are parsed here, as they are iterated
        header = [_text(v).strip() for v in next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())]
        if not names["internal_id"] & set(header):
            continue
        where = [next((i for i, h in enumerate(header) if h in names[key]), position)
                 for position, (key, _) in enumerate(WORKBOOK_COLUMNS)]
        return [(n, tuple(row[i] if i < len(row) else None for i in where))
                for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), 2)]
    raise UsageError(f"{path}: no requirement sheet exported by Klausul (no column "
                     f"'{sorted(names['internal_id'])[0]}')")
