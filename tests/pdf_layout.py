"""Reading a LibreOffice PDF by its words and their positions (pdftotext -bbox): split words, empty pages.

A word that a too-narrow column breaks ("Granskningsrappo|rt") is missing from the PDF as a whole
word: every word of the Word file's text is counted there and in the PDF, where a line that ends
in a hyphen is joined to the word that continues it in the same column on the next line (a break
after a real hyphen is allowed; LibreOffice adds no hyphens of its own).
"""

from __future__ import annotations

import collections
import re
import subprocess
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
CELL_GAP = 5.0  # points: wider than a word space (about 2.3 pt), narrower than the gap between two cells
MARGIN = 65.0  # points: header and footer lie within this distance of the page's top and bottom edges


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    text: str


def pages(pdf: Path) -> list[tuple[float, list[Word]]]:
    """Each page's height and words."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(float(h), [Word(float(a), float(b), float(c), unescape(t)) for a, b, c, _, t in _WORD.findall(body)])
            for _, h, body in _PAGE.findall(html)]


def empty_pages(pdf: Path) -> list[int]:
    """Numbers (1-based) of pages with nothing between the header and the footer."""
    return [n for n, (height, words) in enumerate(pages(pdf), 1)
            if not any(MARGIN < w.y0 < height - MARGIN for w in words)]


def docx_words(docx: Path) -> collections.Counter:
    """Every word of the document body as Word holds it."""
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    return _count(" ".join(unescape("".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", p, re.S))) for p in paragraphs).split())


def pdf_words(pdf: Path, known: collections.Counter) -> collections.Counter:
    """The PDF's words, a hyphen at a line's end joined to its continuation when that makes a known word."""
    words: list[str] = []
    overflow: list[tuple[float, str]] = []  # (column x, piece) of words a page ended in the middle of
    for height, page in pages(pdf):
        lines = _segments(page)
        carry: dict[int, list[str]] = {}  # segment → the hyphen-ended pieces that continue in it
        for x, piece in overflow:  # a row that breaks across pages continues at the top of the next
            # the first line in that column that completes the word (a repeated header row comes first)
            top = sorted((j for j, (y2, s) in enumerate(lines) if MARGIN < y2 and abs(s[0].x0 - x) < 2.0
                          and j not in carry and known[_clean(piece + s[0].text)]), key=lambda k: lines[k][0])
            if top:
                carry[top[0]] = [piece]
            else:
                words.append(piece)
        overflow = []
        for i, (y, segment) in enumerate(lines):
            texts = [w.text for w in segment]
            parts = carry.pop(i, []) + [texts[0]]
            if len(parts) > 1:  # a word continued from the lines above: whole if that makes a known word
                texts[0:1] = ["".join(parts)] if known[_clean("".join(parts))] or parts[-1].endswith("-") else parts
            last = texts[-1]
            if last.endswith("-") and len(last) > 1:
                below = [j for j, (y2, s) in enumerate(lines)
                         if 0.5 < y2 - y < 25 and abs(s[0].x0 - segment[0].x0) < 2.0]
                if below:
                    carry[min(below, key=lambda k: lines[k][0])] = [texts.pop()]
                elif y > height - 2 * MARGIN:
                    overflow.append((segment[0].x0, texts.pop()))
            words += texts
        words += [p for parts in carry.values() for p in parts]
    words += [piece for _, piece in overflow]
    return _count(words)


def split_words(docx: Path, pdf: Path) -> dict[str, tuple[int, int]]:
    """Words that occur fewer times whole in the PDF than in the Word file: (in Word, in the PDF)."""
    known = docx_words(docx)
    found = pdf_words(pdf, known)
    return {w: (n, found[w]) for w, n in known.items() if found[w] < n}


def _segments(words: list[Word]) -> list[tuple[float, list[Word]]]:
    """Runs of words on one line without a cell-sized gap between them, top to bottom."""
    rows: dict[float, list[Word]] = collections.defaultdict(list)
    for w in words:
        rows[round(w.y0, 1)].append(w)
    out = []
    for y in sorted(rows):
        current: list[Word] = []
        for w in sorted(rows[y], key=lambda w: w.x0):
            if current and w.x0 - current[-1].x1 > CELL_GAP:
                out.append((y, current))
                current = []
            current.append(w)
        out.append((y, current))
    return out


def _clean(word: str) -> str:
    return word.strip(".,;:()\u201d\"'")


def _count(words) -> collections.Counter:
    # Dot leaders of the table of contents run into the title and page number in the PDF. A line may
    # end at a hyphen of its own (service-credits), which is no broken word: count the hyphen's parts.
    out = collections.Counter()
    for w in words:
        for part in re.split(r"\.{2,}\d*|-", w):
            if _clean(part):
                out[_clean(part)] += 1
    return out


def stranded_lead_ins(pdf: Path) -> list[tuple[int, str]]:
    """(page, line) where the last line of a page's body ends in a colon: a lead-in parted from its list."""
    found = []
    for n, (height, words) in enumerate(pages(pdf), 1):
        body = [w for w in words if MARGIN < w.y0 < height - MARGIN]
        if body:
            bottom = max(w.y0 for w in body)
            line = " ".join(w.text for w in sorted((w for w in body if abs(w.y0 - bottom) < 1.0), key=lambda w: w.x0))
            if line.endswith(":"):
                found.append((n, line))
    return found
