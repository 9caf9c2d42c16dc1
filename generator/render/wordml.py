"""Model → WordprocessingML fragments (strings) in the styles the template defines.

Every string that reaches the document passes through `text()`, which escapes XML and the braces
docxtpl would otherwise re-read as template syntax after rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from generator.core.xmltext import escape

from generator.core.model import Block, Inline, Link, ListBlock, Paragraph, Styled, Table, Text
from generator.draft.markup import lead_in
from generator.render.fit import fit_widths, fits

_WS = re.compile(r"[ \t\n\r\f\v]+")  # ASCII white space only: a no-break space is meant
TEXT_WIDTH = 9072  # twips: A4 (11906) less 2 × 2.5 cm margins, as in the default template


def text(value: str) -> str:
    """Escaped text content: XML-safe, one line, and inert to docxtpl's `{_{` post-processing."""
    return escape(_WS.sub(" ", value)).replace("{", "&#123;").replace("}", "&#125;")


@dataclass
class ListNumbering:
    """Hands out a fresh w:num for every ordered list so that each one restarts at 1."""

    abstract_id: int
    next_id: int
    bullet_num: int
    created: list[int] = field(default_factory=list)
    starts: dict[int, int] = field(default_factory=dict)  # list instances that do not start at 1

    def new_ordered(self, start: int = 1) -> int:
        """A new list instance of the ordered-list definition, counting from `start`."""
        self.created.append(self.next_id)
        if start != 1:
            self.starts[self.next_id] = start
        self.next_id += 1
        return self.created[-1]

    def num_elements(self) -> str:
        """The w:num elements to append to numbering.xml."""
        return "".join(
            f'<w:num w:numId="{n}"><w:abstractNumId w:val="{self.abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{self.starts.get(n, 1)}"/></w:lvlOverride></w:num>'
            for n in self.created)


def run(content: str, bold: bool = False, italic: bool = False, code: bool = False) -> str:
    """One run of text."""
    props = ""
    if code:
        props += '<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas" w:cs="Consolas"/>'
    if bold:
        props += "<w:b/>"
    if italic:
        props += "<w:i/>"
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text(content)}</w:t></w:r>'


def paragraph(runs: str, style: str = "Normal", num: tuple[int, int] | None = None, keep_next: bool = False,
              extra_ppr: str = "") -> str:
    """A paragraph in a template style; `num` is (numId, ilvl) for list paragraphs."""
    ppr = f'<w:pStyle w:val="{style}"/>'
    if keep_next:
        ppr += "<w:keepNext/>"
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    return f"<w:p><w:pPr>{ppr}{extra_ppr}</w:pPr>{runs}</w:p>"


def inlines(items: tuple[Inline, ...], bold: bool = False, italic: bool = False, code: bool = False) -> str:
    """Runs for rich text."""
    out = []
    for item in items:
        if isinstance(item, Text):
            out.append(run(item.text, bold, italic, code))
        elif isinstance(item, Styled):
            out.append(inlines(item.children, bold or item.style == "strong",
                               italic or item.style == "emphasis", code or item.style == "code"))
        elif isinstance(item, Link):  # printed with its address: a contract carries no external links
            out.append(inlines(item.children, bold, italic, code))
            if item.url:
                out.append(run(f" ({item.url})", bold, italic, code))
        else:
            raise TypeError(f"unresolved inline {item!r}")
    return "".join(out)


def blocks(items: tuple[Block, ...], numbering: ListNumbering, level: int = -1,
           ordered_num: int | None = None, width: int = TEXT_WIDTH) -> str:
    """Paragraphs, lists and tables for clause text; `level` is the list depth (-1: not in a list);
    `width` is the room for a table (twips): the text width, or a table cell's."""
    out = []
    for i, block in enumerate(items):
        if isinstance(block, Paragraph):
            indent = f'<w:ind w:left="{720 * (level + 1)}"/>' if level >= 0 else ""
            following = items[i + 1] if i + 1 < len(items) else None
            out.append(paragraph(inlines(block.inlines), keep_next=leads_in(block, following), extra_ppr=indent))
        elif isinstance(block, ListBlock):
            out.append(_list(block, numbering, level + 1, ordered_num, width))
        else:
            header, rows = [_cell(c, bold=True) for c in block.header], [[_cell(c) for c in row] for row in block.rows]
            out.append(table(header, rows, total=width) if fits([header, *rows], width) else _table_as_lines(block))
    return "".join(out)


def leads_in(block: Paragraph, following: Block | None) -> bool:
    """Whether a paragraph must stay on the page of what follows: a lead-in to a list ("ska:"), or a
    sentence whose values stand in the table under it."""
    return isinstance(following, Table) or (isinstance(following, ListBlock) and lead_in(block))


def _list(block: ListBlock, numbering: ListNumbering, level: int, ordered_num: int | None,
          width: int = TEXT_WIDTH) -> str:
    # A nested ordered list continues its parent's list instance one level down, which Word
    # restarts at every parent item; a top-level ordered list gets an instance of its own.
    if block.ordered:
        num_id = ordered_num if ordered_num is not None and level > 0 else numbering.new_ordered(block.start)
        style, inner_ordered = "ListNumber", num_id
    else:
        num_id, style, inner_ordered = numbering.bullet_num, "ListBullet", ordered_num
    out = []
    for item in block.items:
        rest = item
        if item and isinstance(item[0], Paragraph):
            following = item[1] if len(item) > 1 else None
            out.append(paragraph(inlines(item[0].inlines), style, num=(num_id, min(level, 2)),
                                 keep_next=leads_in(item[0], following)))
            rest = item[1:]
        out.append(blocks(rest, numbering, level, inner_ordered, width))
    return "".join(out)


def _table_as_lines(block: Table) -> str:
    """A table too wide for its room (a value table inside a table cell) as one line per row:
    "**IT-arbetsplats** – Tid: 8 timmar; Frekvens: varje halvår"."""
    out = []
    for row in block.rows:
        pairs = [inlines(block.header[i]) + run(": ") + inlines(cell) for i, cell in enumerate(row[1:], 1)]
        out.append(paragraph(inlines(row[0], bold=True) + run(" \u2013 ") + run("; ").join(pairs), "TableText"))
    return "".join(out)


def _cell(content: tuple[Inline, ...], bold: bool = False) -> str:
    return paragraph(inlines(content, bold=bold), "TableText")


def table(header: list[str] | None, rows: list[list[str]], widths: list[int] | None = None,
          whole_rows: bool = True, total: int = TEXT_WIDTH) -> str:
    """A KlausulTable whose header row repeats on every page; cells are prepared paragraph XML.

    Without `widths` the columns are fitted to their content (render/fit.py).

    Without a header the table is a plain layout grid: no style, no borders. `whole_rows=False`
    lets a row break across pages, for rows that may be longer than a page.
    """
    widths = widths or fit_widths(([header] if header else []) + rows, total)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

    def row(cells: list[str], head: bool) -> str:
        # A header row repeats on every page and stays with the first row (keep-with-next); it is not
        # marked cantSplit: LibreOffice 7.4 dropped every later row of a table whose repeated,
        # unsplittable header landed at the foot of a page.
        props = "<w:tblHeader/>" if head else ("<w:cantSplit/>" if whole_rows else "")
        if head:
            cells = [_keep_next(c) for c in cells]
        trpr = f"<w:trPr>{props}</w:trPr>" if props else ""
        tcs = "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{c or paragraph("", "TableText")}</w:tc>'
                      for c, w in zip(cells, widths))
        return f"<w:tr>{trpr}{tcs}</w:tr>"

    body = (row(header, True) if header else "") + "".join(row(r, False) for r in rows)
    style = '<w:tblStyle w:val="KlausulTable"/>' if header else ""
    return (f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="{int(bool(header))}" w:lastRow="0" '
            f'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>{_AFTER_TABLE}")


def _keep_next(cell: str) -> str:
    return re.sub(r'(<w:pStyle w:val="[^"]*"/>)(?!<w:keepNext/>)', r"\1<w:keepNext/>", cell)


# A small gap after every table, so that the next paragraph does not touch its border.
_AFTER_TABLE = '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="160" w:lineRule="exact"/></w:pPr></w:p>'


def without_stray_spacers(xml: str, page_styles: tuple[str, ...] = ("AnnexHeading",)) -> str:
    """Body XML without the gap paragraph after a table where a new page follows.

    A table that fills its page pushes that gap onto the next page; before a heading that starts a
    page of its own it was alone there, as a blank page.
    """
    for style in page_styles:
        xml = xml.replace(_AFTER_TABLE + f'<w:p><w:pPr><w:pStyle w:val="{style}"/>', f'<w:p><w:pPr><w:pStyle w:val="{style}"/>')
    return xml.replace(_AFTER_TABLE + page_break(), page_break())


def cell_text(value: str, bold: bool = False) -> str:
    """A table cell holding plain text."""
    return paragraph(run(value, bold=bold), "TableText")


def page_break() -> str:
    """A paragraph that starts a new page."""
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
