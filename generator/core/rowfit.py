"""How much room text needs in a spreadsheet row: the estimate behind splitting and row heights."""

from __future__ import annotations

TEXT_WIDTH = 70  # characters per line of the requirement column (its width in the workbook)
TITLE_WIDTH, EVIDENCE_WIDTH, VERIFIED_WIDTH = 22, 30, 36  # the heading, tender evidence and verification columns
UNIT_LINES = 24  # a requirement unit longer than this many lines is split (24 × 15 pt < 409 pt)
LINE_PT = 15  # the height of one line of 11-point Calibri, Excel's default font
MAX_ROW_PT = 409  # Excel's maximum row height
MAX_LINES = (MAX_ROW_PT - 4) // LINE_PT  # 27 lines, with a little padding
MAX_CELL = 32767  # Excel's maximum number of characters in a cell
# A column's width counts the digit 0 of the default font; running text is narrower. Splitting
# counts one character per unit (so a unit always fits); row heights count 1.25 (Calibri prose
# averages about 1.3 in Excel and LibreOffice), so that rows are not half empty on screen while
# still leaving room for wide letters.
TEXT_PER_UNIT = 1.25


def lines_needed(text: str, width: int) -> int:
    """How many lines `text` takes when wrapped at `width` characters, as a spreadsheet wraps it."""
    total = 0
    for line in text.split("\n"):
        count, column = 1, 0
        for word in line.split(" "):
            size = len(word)
            if column == 0:
                column = size
            elif column + 1 + size <= width:
                column += 1 + size
            else:
                count, column = count + 1, size
            while column > width:  # a word longer than a line breaks inside it
                count, column = count + 1, column - width
        total += count
    return total


def row_height(cells: list[str], widths: list[int], per_unit: float = TEXT_PER_UNIT) -> float:
    """The height in points a row needs to show every cell wrapped at its column's width."""
    lines = max((lines_needed(c, int(w * per_unit)) for c, w in zip(cells, widths) if c), default=1)
    return min(MAX_ROW_PT, lines * LINE_PT + 4)


def too_tall(title: str, evidence: str, verified: str) -> list[tuple[str, int, int]]:
    """The clause-level cells of a workbook row that need more lines than Excel's tallest row:
    (which, lines needed, column width). Requirement text is split instead, so it is never here."""
    cells = (("title", title, TITLE_WIDTH), ("tender_evidence", evidence, EVIDENCE_WIDTH),
             ("verification", verified, VERIFIED_WIDTH))
    return [(which, n, width) for which, text, width in cells if (n := lines_needed(text, width)) > MAX_LINES]
