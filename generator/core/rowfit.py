"""How much room text needs in a spreadsheet row: the estimate behind splitting and row heights."""

from __future__ import annotations

TEXT_WIDTH = 70  # characters per line of the requirement column (its width in the workbook)
UNIT_LINES = 24  # a requirement unit longer than this many lines is split (24 × 15 pt < 409 pt)
LINE_PT = 15  # the height of one line of 11-point Calibri, Excel's default font
MAX_ROW_PT = 409  # Excel's maximum row height
MAX_LINES = (MAX_ROW_PT - 4) // LINE_PT  # 27 lines, with a little padding
MAX_CELL = 32767  # Excel's maximum number of characters in a cell


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


def row_height(cells: list[str], widths: list[int]) -> float:
    """The height in points a row needs to show every cell wrapped at its column's width."""
    lines = max((lines_needed(c, w) for c, w in zip(cells, widths) if c), default=1)
    return min(MAX_ROW_PT, lines * LINE_PT + 4)
