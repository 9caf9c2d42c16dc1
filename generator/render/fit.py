"""Table column widths fitted to their content, so that no word has to break inside a cell.

Each column gets at least the width of its longest word (a word breaks only at a space or after a
hyphen, as LibreOffice and Word break lines); the room left goes to the columns whose text wraps,
in proportion to how much more they would need to stand on one line. Widths come from the font's
own advance widths (render/metrics.py), never from the fonts installed where the build runs, so
two builds anywhere give the same file.
"""

from __future__ import annotations

import functools
import re
from html import unescape

from generator.render.metrics import WIDTHS

CELL_PADDING = 2 * 85 + 60  # the table style's left and right cell margins, and room for borders and rounding
EM = 1000
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_RUN = re.compile(r"<w:r>(?:<w:rPr>(.*?)</w:rPr>)?<w:t[^>]*>(.*?)</w:t></w:r>", re.S)
_SIZE = re.compile(r'<w:sz w:val="(\d+)"/>')
_BREAK = re.compile(r"(?<=[-\u2013/])|\s+")
_SPACES = re.compile(r"\s+")


def text_width(text: str, size_half_points: int) -> int:
    """Width of `text` in twips at the given font size (half-points, as Word counts them)."""
    return -(-_units(text) * size_half_points * 10 // EM)  # twips = units/1000 em × points × 20; rounded up


# The same words and cells come back in every table of a draft and in every draft of a batch:
# each is measured once (bounded, so a huge library cannot grow the memory without end).
@functools.lru_cache(maxsize=1 << 16)
def _units(text: str) -> int:
    get = WIDTHS.get
    return sum([get(ch, EM) for ch in text])


@functools.lru_cache(maxsize=1 << 14)
def cell_lines(cell_xml: str, size: int = 20) -> tuple[tuple[str, int], ...]:
    """The paragraphs of a cell as (text, font size in half-points)."""
    lines = []
    for para in _PARAGRAPH.findall(cell_xml):
        runs = _RUN.findall(para)
        text = unescape("".join(t for _, t in runs)).replace("&#123;", "{").replace("&#125;", "}")
        sizes = [int(m.group(1)) for props, _ in runs if (m := _SIZE.search(props or ""))]
        lines.append((text, max(sizes, default=size)))
    return tuple(lines)


@functools.lru_cache(maxsize=1 << 14)
def _measures(cell_xml: str, size: int) -> tuple[int, int, int, int]:
    """A cell's longest whole word, longest part between hyphens, widest line (each with padding;
    0 when empty) and its text's total width."""
    whole = parts = natural = volume = 0
    for text, pt in cell_lines(cell_xml, size):
        whole = max(whole, _longest(_SPACES.split(text), pt))
        parts = max(parts, _longest(_BREAK.split(text), pt))
        width = text_width(text, pt)
        natural = max(natural, width + CELL_PADDING)
        volume += width
    return whole, parts, natural, volume


def fit_widths(rows: list[list[str]], total: int, size: int = 20, indent: list[int] | None = None) -> list[int]:
    """Column widths (twips) summing to `total` for rows of cell XML (the header row included);
    `indent` adds to a column's least width the indentation of list paragraphs it holds.

    Words are kept whole, hyphenated ones too (a date, a clause id); only when that cannot fit does
    the column with the widest hyphenated word, and then the next, give way at its hyphens. The room
    left is shared in proportion to how much text each column holds, none getting more than it
    needs to stand on one line.
    """
    columns = len(rows[0])
    whole, parts, natural, volume = [0] * columns, [0] * columns, [0] * columns, [0] * columns
    for row in rows:
        for i, cell in enumerate(row[:columns]):
            cell_whole, cell_parts, cell_natural, cell_volume = _measures(cell or "", size)
            whole[i] = max(whole[i], cell_whole)
            parts[i] = max(parts[i], cell_parts)
            natural[i] = max(natural[i], cell_natural)
            volume[i] += cell_volume
    if indent:  # room a column's list paragraphs are indented by
        whole, parts = [w + x for w, x in zip(whole, indent)], [p + x for p, x in zip(parts, indent)]
    least = list(whole)
    for i in sorted(range(columns), key=lambda c: parts[c] - whole[c]):
        if sum(least) <= total:
            break
        least[i] = parts[i]
    if sum(least) >= total:  # cannot fit every word: narrow columns keep theirs, the wide ones share the rest
        narrow = [i for i in range(columns) if least[i] <= total // 8]
        room = total - sum(least[i] for i in narrow)
        wide = sum(least[i] for i in range(columns) if i not in narrow)
        if room <= 0 or not wide:
            return _spread(least, total)
        return _spread([least[i] if i in narrow else least[i] * room / wide for i in range(columns)], total)
    widths = [float(w) for w in least]
    open_ = {i for i in range(columns) if natural[i] > widths[i]}
    room = total - sum(widths)
    while open_ and room > 0.5:  # water-filling: by text volume, capped at one line's width
        weight = sum(volume[i] or 1 for i in open_)
        capped = {i for i in open_ if room * (volume[i] or 1) / weight >= natural[i] - widths[i]}
        if not capped:
            for i in open_:
                widths[i] += room * (volume[i] or 1) / weight
            break
        for i in capped:
            room -= natural[i] - widths[i]
            widths[i] = natural[i]
        open_ -= capped
    return _spread(widths, total)


def fits(rows: list[list[str]], total: int, size: int = 20) -> bool:
    """Whether every word of the rows can stand whole in columns summing to `total` (breaking at hyphens)."""
    columns = len(rows[0])
    parts = [0] * columns
    for row in rows:
        for i, cell in enumerate(row[:columns]):
            parts[i] = max(parts[i], _measures(cell or "", size)[1])
    return sum(parts) <= total


def _longest(words: list[str], size: int) -> int:
    return max((text_width(w, size) for w in words if w), default=0) + CELL_PADDING


def _spread(widths: list[float], total: int) -> list[int]:
    """Scale to `total` and round, the rounding remainder going to the widest column."""
    scale = total / sum(widths) if sum(widths) else 1
    out = [int(w * scale) for w in widths]
    out[out.index(max(out))] += total - sum(out)
    return out
