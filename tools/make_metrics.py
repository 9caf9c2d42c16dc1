"""Writes generator/render/metrics.py: advance widths of Carlito Bold (metric-compatible with Calibri).

Run once when the template's font changes: `python tools/make_metrics.py` (needs fontTools and
fonts-crosextra-carlito; neither is needed at run time). Bold is the widest face, so widths
measured with it are an upper bound for regular text too.
"""

from pathlib import Path

from fontTools.ttLib import TTFont

FONT = "/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf"
CHARS = [chr(c) for c in range(0x20, 0x250)] + list("\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u00a0\u2002\u20ac\u2022")


def main() -> None:
    font = TTFont(FONT)
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    widths = {ch: round(hmtx[cmap[ord(ch)]][0] * 1000 / upem) for ch in CHARS if ord(ch) in cmap}
    body = "".join(f"    {ch!r}: {w},\n" for ch, w in widths.items())
    Path(__file__).resolve().parents[1].joinpath("generator/render/metrics.py").write_text(
        '"""Advance widths in thousandths of an em, Carlito Bold (= Calibri Bold); from tools/make_metrics.py."""\n\n'
        f"WIDTHS = {{\n{body}}}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
