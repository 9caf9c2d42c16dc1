#!/usr/bin/env python3
"""Build Klausul's default Word template: generator/templates/default.docx.

The template owns every style, the numbering definitions, the page set-up, the
header/footer and the cover page.  The body renderer only emits paragraphs and
tables that reference the style ids and numIds defined here (see
generator/templates/README.md for the contract).

How it is built
    python-docx opens its own blank package and creates the four header/footer
    parts (so the relationships and content types are right).  Every XML part we
    care about is then replaced wholesale by the XML written below, the leftovers
    of python-docx's default template (customXml, stylesWithEffects, thumbnail,
    author "python-docx", Mac "Normal.dotm" app properties, rsids, ...) are
    dropped, and the zip is rewritten with fixed timestamps so that every run
    produces a byte-identical file.

Usage:  python tools/make_template.py [--output PATH]
"""

from __future__ import annotations

import argparse
import io
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "generator" / "templates" / "default.docx"

# --------------------------------------------------------------------------
# Page geometry (twentieths of a point).  A4, 2.5 cm margins.
# --------------------------------------------------------------------------
PAGE_W, PAGE_H = 11906, 16838
MARGIN = 1417  # 2.5 cm
HDR_DIST = 709  # 1.25 cm from the page edge to header / footer
TEXT_W = PAGE_W - 2 * MARGIN  # 9072 = 16 cm

# --------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------
ACCENT = "1F3864"  # dark blue, headings only
TEXT = "000000"
GREY = "595959"  # meta text, header/footer
BORDER = "A6A6A6"  # thin table / rule lines
HEAD_FILL = "E7E6E6"  # table header row
LABEL_FILL = "F2F2F2"  # cover info table label column

FONT = "Calibri"
LANG = "sv-SE"

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = (
    f'xmlns:w="{NS_W}" xmlns:r="{NS_R}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'mc:Ignorable="w14 wp14"'
)

# numbering ids (the contract)
NUM_HEADINGS, NUM_BULLETS, NUM_LIST = 1, 2, 3
ABS_HEADINGS, ABS_BULLETS, ABS_LIST = 0, 1, 2

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# ==========================================================================
# styles.xml
# ==========================================================================
def _style(kind, sid, name, *, based=None, next_=None, default=False,
           ui=None, qformat=False, semi_hidden=False, ppr="", rpr="", extra=""):
    """One w:style element; child order follows CT_Style."""
    attrs = f'w:type="{kind}"' + (' w:default="1"' if default else "") + f' w:styleId="{sid}"'
    parts = [f'<w:style {attrs}>', f'<w:name w:val="{name}"/>']
    if based:
        parts.append(f'<w:basedOn w:val="{based}"/>')
    if next_:
        parts.append(f'<w:next w:val="{next_}"/>')
    if ui is not None:
        parts.append(f'<w:uiPriority w:val="{ui}"/>')
    if semi_hidden:
        parts.append("<w:semiHidden/><w:unhideWhenUsed/>")
    if qformat:
        parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append(extra)
    parts.append("</w:style>")
    return "".join(parts)


def _spacing(before=None, after=None, line=None, rule="auto"):
    a = ""
    if before is not None:
        a += f' w:before="{before}"'
    if after is not None:
        a += f' w:after="{after}"'
    if line is not None:
        a += f' w:line="{line}" w:lineRule="{rule}"'
    return f"<w:spacing{a}/>"


def _sz(half_points):
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def _color(c):
    return f'<w:color w:val="{c}"/>'


BOLD = "<w:b/><w:bCs/>"
ITALIC = "<w:i/><w:iCs/>"
KEEP = "<w:keepNext/><w:keepLines/>"


def _heading_rpr(half_points):
    return BOLD + _color(ACCENT) + _sz(half_points)


def _border(side, sz=4, color=BORDER, space=0, val="single"):
    return f'<w:{side} w:val="{val}" w:sz="{sz}" w:space="{space}" w:color="{color}"/>'


def build_styles() -> str:
    s = []
    # --- defaults -------------------------------------------------------
    doc_defaults = (
        "<w:docDefaults>"
        "<w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        + _color(TEXT) + _sz(22)
        + f'<w:lang w:val="{LANG}" w:eastAsia="en-US" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault>"
        "<w:pPrDefault><w:pPr>" + _spacing(after=120, line=276) + "</w:pPr></w:pPrDefault>"
        "</w:docDefaults>"
    )

    # --- paragraph styles ----------------------------------------------
    s.append(_style("paragraph", "Normal", "Normal", default=True, qformat=True,
                    ppr="<w:widowControl/>" + _spacing(after=120, line=276),
                    rpr=_color(TEXT) + _sz(22)))
    s.append(_style("paragraph", "Title", "Title", based="Normal", next_="Subtitle", ui=10,
                    qformat=True,
                    ppr=KEEP + "<w:pBdr>" + _border("bottom", sz=12, color=ACCENT, space=8)
                    + "</w:pBdr>" + _spacing(before=2835, after=200, line=240),
                    rpr=BOLD + _color(ACCENT) + '<w:kern w:val="28"/>' + _sz(52)))
    s.append(_style("paragraph", "Subtitle", "Subtitle", based="Normal", next_="Normal",
                    ui=11, qformat=True,
                    ppr=KEEP + _spacing(before=120, after=240, line=240),
                    rpr=_color(GREY) + _sz(30)))

    heading_spec = [  # id, name, level, size, before, after
        ("Heading1", "heading 1", 0, 28, 360, 120),
        ("Heading2", "heading 2", 1, 24, 240, 120),
        ("Heading3", "heading 3", 2, 22, 200, 80),
    ]
    for sid, name, lvl, size, before, after in heading_spec:
        s.append(_style(
            "paragraph", sid, name, based="Normal", next_="Normal", ui=9, qformat=True,
            ppr=KEEP
            + f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{NUM_HEADINGS}"/></w:numPr>'
            + _spacing(before=before, after=after, line=240)
            + f'<w:outlineLvl w:val="{lvl}"/>',
            rpr=_heading_rpr(size)))

    s.append(_style("paragraph", "AnnexHeading", "Annex Heading", based="Normal",
                    next_="Normal", ui=9, qformat=True,
                    ppr=KEEP + "<w:pageBreakBefore/>" + _spacing(before=0, after=240, line=240)
                    + '<w:outlineLvl w:val="0"/>',
                    rpr=_heading_rpr(28)))
    s.append(_style("paragraph", "TOCHeading", "TOC Heading", based="Normal",
                    next_="Normal", ui=39, qformat=True, semi_hidden=True,
                    ppr=KEEP + _spacing(before=0, after=240, line=240)
                    + '<w:outlineLvl w:val="9"/>',
                    rpr=_heading_rpr(28)))

    right_tab = f'<w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W}"/>'
    s.append(_style("paragraph", "TOC1", "toc 1", based="Normal", next_="Normal", ui=39,
                    semi_hidden=True,
                    ppr=f'<w:tabs><w:tab w:val="left" w:pos="567"/>{right_tab}</w:tabs>'
                    + _spacing(before=120, after=40, line=240)
                    + '<w:ind w:left="567" w:hanging="567"/>',
                    rpr=BOLD))
    s.append(_style("paragraph", "TOC2", "toc 2", based="Normal", next_="Normal", ui=39,
                    semi_hidden=True,
                    ppr=f'<w:tabs><w:tab w:val="left" w:pos="1276"/>{right_tab}</w:tabs>'
                    + _spacing(before=0, after=40, line=240)
                    + '<w:ind w:left="1276" w:hanging="709"/>'))

    s.append(_style("paragraph", "ListBullet", "List Bullet", based="Normal", ui=99,
                    qformat=True,
                    ppr=f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{NUM_BULLETS}"/></w:numPr>'
                    + _spacing(after=80)))
    s.append(_style("paragraph", "ListNumber", "List Number", based="Normal", ui=99,
                    qformat=True,
                    ppr=f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{NUM_LIST}"/></w:numPr>'
                    + _spacing(after=80)))

    s.append(_style("paragraph", "ClauseMeta", "Clause Meta", based="Normal", next_="Normal",
                    qformat=True,
                    ppr=_spacing(before=0, after=200, line=240),
                    rpr=ITALIC + _color(GREY) + _sz(18)))
    s.append(_style("paragraph", "TableText", "Table Text", based="Normal", qformat=True,
                    ppr=_spacing(before=20, after=20, line=240),
                    rpr=_sz(20)))
    s.append(_style("paragraph", "CoverLabel", "Cover Label", based="TableText",
                    next_="CoverValue", qformat=True,
                    ppr=_spacing(before=40, after=40, line=240),
                    rpr=BOLD + _color(GREY) + _sz(20)))
    s.append(_style("paragraph", "CoverValue", "Cover Value", based="TableText", qformat=True,
                    ppr=_spacing(before=40, after=40, line=240),
                    rpr=_sz(20)))
    s.append(_style("paragraph", "SignatureLine", "Signature Line", based="Normal",
                    qformat=True,
                    ppr="<w:keepLines/><w:pBdr>" + _border("top", sz=6, color=TEXT, space=1)
                    + "</w:pBdr>" + _spacing(before=960, after=0, line=240),
                    rpr=_sz(20)))

    s.append(_style("paragraph", "Header", "header", based="Normal", ui=99, semi_hidden=True,
                    ppr="<w:pBdr>" + _border("bottom", sz=4, space=4) + "</w:pBdr>"
                    + f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
                    + _spacing(before=0, after=0, line=240),
                    rpr=_color(GREY) + _sz(16)))
    s.append(_style("paragraph", "Footer", "footer", based="Normal", ui=99, semi_hidden=True,
                    ppr=_spacing(before=0, after=0, line=240) + '<w:jc w:val="center"/>',
                    rpr=_color(GREY) + _sz(16)))

    # --- character styles ----------------------------------------------
    s.append(_style("character", "DefaultParagraphFont", "Default Paragraph Font",
                    default=True, ui=1, semi_hidden=True))
    s.append(_style("character", "Strong", "Strong", based="DefaultParagraphFont", ui=22,
                    qformat=True, rpr=BOLD))
    s.append(_style("character", "Emphasis", "Emphasis", based="DefaultParagraphFont", ui=20,
                    qformat=True, rpr=ITALIC))
    s.append(_style("character", "Hyperlink", "Hyperlink", based="DefaultParagraphFont",
                    ui=99, semi_hidden=True,
                    rpr=_color("1F4E79") + '<w:u w:val="single"/>'))

    # --- table styles --------------------------------------------------
    s.append(_style("table", "TableNormal", "Normal Table", default=True, ui=99,
                    semi_hidden=True,
                    extra='<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
                    '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
                    "</w:tblCellMar></w:tblPr>"))
    borders = "".join(_border(side) for side in
                      ("top", "left", "bottom", "right", "insideH", "insideV"))
    s.append(_style(
        "table", "KlausulTable", "Klausul Table", based="TableNormal", ui=59, qformat=True,
        ppr=_spacing(before=0, after=0, line=240),
        rpr=_sz(20),
        extra="<w:tblPr>"
        '<w:tblStyleRowBandSize w:val="1"/><w:tblStyleColBandSize w:val="1"/>'
        '<w:tblInd w:w="0" w:type="dxa"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr>"
        "<w:trPr><w:cantSplit/></w:trPr>"
        '<w:tblStylePr w:type="firstRow">'
        "<w:rPr>" + BOLD + "</w:rPr>"
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEAD_FILL}"/></w:tcPr>'
        "</w:tblStylePr>"))

    # --- numbering style -----------------------------------------------
    s.append(_style("numbering", "NoList", "No List", default=True, ui=99, semi_hidden=True))

    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:styles {NSDECL}>{doc_defaults}{''.join(s)}</w:styles>"
    )


# ==========================================================================
# numbering.xml
# ==========================================================================
def _lvl(ilvl, fmt, text, left, hanging, *, pstyle=None, rpr=""):
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:pStyle w:val="{pstyle}"/>' if pstyle else "")
        + f'<w:suff w:val="tab"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
        + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
        + "</w:lvl>"
    )


def build_numbering() -> str:
    # Headings: 1 / 1.1 / 1.1.1, each level linked back to its style.
    head = [
        _lvl(0, "decimal", "%1", 851, 851, pstyle="Heading1"),
        _lvl(1, "decimal", "%1.%2", 851, 851, pstyle="Heading2"),
        _lvl(2, "decimal", "%1.%2.%3", 851, 851, pstyle="Heading3"),
    ]
    for i in range(3, 9):  # unused deeper levels, kept for Word's sake
        text = ".".join(f"%{n}" for n in range(1, i + 2))
        head.append(_lvl(i, "decimal", text, 1134, 1134))

    # Bullets: • – ▪ (repeating), text at 1 / 2 / 3 cm.
    bullet_font = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:hint="default"/>'
    bullets = [
        _lvl(i, "bullet", "•–▪"[i % 3], 567 * (i + 1), 283, rpr=bullet_font)
        for i in range(9)
    ]

    # Numbered list: 1. / (a) / (i), hanging 1 cm per level.
    lst = [
        _lvl(0, "decimal", "%1.", 567, 567),
        _lvl(1, "lowerLetter", "(%2)", 1134, 567),
        _lvl(2, "lowerRoman", "(%3)", 1701, 567),
    ]
    for i in range(3, 9):
        lst.append(_lvl(i, "decimal", f"%{i + 1}.", 567 * (i + 1), 567))

    def abstract(aid, nsid, name, levels):
        return (
            f'<w:abstractNum w:abstractNumId="{aid}"><w:nsid w:val="{nsid}"/>'
            f'<w:multiLevelType w:val="multilevel"/><w:name w:val="{name}"/>'
            + "".join(levels) + "</w:abstractNum>"
        )

    body = (
        abstract(ABS_HEADINGS, "4B4C0001", "Klausul Headings", head)
        + abstract(ABS_BULLETS, "4B4C0002", "Klausul Bullets", bullets)
        + abstract(ABS_LIST, "4B4C0003", "Klausul Numbered List", lst)
        # every w:num after every w:abstractNum
        + f'<w:num w:numId="{NUM_HEADINGS}"><w:abstractNumId w:val="{ABS_HEADINGS}"/></w:num>'
        + f'<w:num w:numId="{NUM_BULLETS}"><w:abstractNumId w:val="{ABS_BULLETS}"/></w:num>'
        + f'<w:num w:numId="{NUM_LIST}"><w:abstractNumId w:val="{ABS_LIST}"/></w:num>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:numbering {NSDECL}>{body}</w:numbering>"
    )


# ==========================================================================
# settings.xml, fontTable.xml, docProps
# ==========================================================================
def build_settings() -> str:
    compat = "".join(
        f'<w:compatSetting w:name="{n}" w:uri="http://schemas.microsoft.com/office/word" w:val="{v}"/>'
        for n, v in (
            ("compatibilityMode", "15"),
            ("overrideTableStyleFontSizeAndJustification", "1"),
            ("enableOpenTypeFeatures", "1"),
            ("doNotFlipMirrorIndents", "1"),
            ("differentiateMultirowTableHeaders", "1"),
        )
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:settings {NSDECL}>"
        '<w:zoom w:percent="100"/>'
        '<w:defaultTabStop w:val="709"/>'
        '<w:hyphenationZone w:val="425"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:updateFields w:val="true"/>'
        f"<w:compat>{compat}</w:compat>"
        f'<w:themeFontLang w:val="{LANG}"/>'
        '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" '
        'w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" '
        'w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink" '
        'w:followedHyperlink="followedHyperlink"/>'
        '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
        "</w:settings>"
    )


FONT_TABLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f"<w:fonts {NSDECL}>"
    f'<w:font w:name="{FONT}"><w:panose1 w:val="020F0502020204030204"/>'
    '<w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="E4002EFF" w:usb1="C000247B" w:usb2="00000009" w:usb3="00000000" '
    'w:csb0="000001FF" w:csb1="00000000"/></w:font>'
    "</w:fonts>"
)

# Everything blank: the generator fills in title/author/dates per agreement.
CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties '
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title/><dc:subject/><dc:creator/><cp:keywords/><dc:description/>"
    "<cp:lastModifiedBy/><cp:category/>"
    "</cp:coreProperties>"
)

APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template></Template><TotalTime>0</TotalTime><DocSecurity>0</DocSecurity>"
    "<ScaleCrop>false</ScaleCrop><Manager></Manager><Company></Company>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinkBase></HyperlinkBase><HyperlinksChanged>false</HyperlinksChanged>"
    "</Properties>"
).encode("utf-8")


# ==========================================================================
# document.xml, headers, footers
# ==========================================================================
def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _run(text: str, rpr: str = "") -> str:
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'


def _para(text: str = "", style: str | None = None, ppr: str = "") -> str:
    p = (f'<w:pStyle w:val="{style}"/>' if style else "") + ppr
    return f"<w:p>{'<w:pPr>' + p + '</w:pPr>' if p else ''}{_run(text) if text else ''}</w:p>"


def _cell(width: int, text: str, style: str, *, span: int = 1, fill: str | None = None) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        tcpr += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{_para(text, style)}</w:tc>"


def _row(cells: str, header: bool = False) -> str:
    trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{trpr}</w:trPr>{cells}</w:tr>"


def _table(widths: list[int], rows: list[str], *, first_row: bool) -> str:
    look = ("04A0", "1") if first_row else ("0480", "0")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        "<w:tbl><w:tblPr>"
        '<w:tblStyle w:val="KlausulTable"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblLook w:val="{look[0]}" w:firstRow="{look[1]}" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def build_document(rids: dict[str, str]) -> str:
    body = []
    # ---- cover page ----------------------------------------------------
    body.append(_para("{{ title }}", "Title"))
    body.append(_para("{{ labels.subtitle }}", "Subtitle"))
    body.append(_para("{{ cover_note }}", "ClauseMeta",
                      ppr=_spacing(before=0, after=720)))

    pw = [1300, 2400, 2150, 3222]  # role | name | org number | contact role  = 9072
    parties = [
        _row("".join(_cell(w, t, "TableText") for w, t in zip(pw, (
            "{{ labels.role }}", "{{ labels.name }}",
            "{{ labels.org_number }}", "{{ labels.contact_role }}"))), header=True),
        _row(_cell(TEXT_W, "{%tr for p in parties %}", "TableText", span=4)),
        _row("".join(_cell(w, t, "TableText") for w, t in zip(pw, (
            "{{ p.role }}", "{{ p.name }}", "{{ p.org_number }}", "{{ p.contact_role }}")))),
        _row(_cell(TEXT_W, "{%tr endfor %}", "TableText", span=4)),
    ]
    body.append(_table(pw, parties, first_row=True))
    body.append(_para(ppr=_spacing(before=0, after=240)))

    iw = [2835, TEXT_W - 2835]
    info = [  # the rows differ by edition (reference, version, date, status in legal form, or the id)
        _row(_cell(TEXT_W, "{%tr for row in cover_rows %}", "TableText", span=2)),
        _row(_cell(iw[0], "{{ row.label }}", "CoverLabel", fill=LABEL_FILL)
             + _cell(iw[1], "{{ row.value }}", "CoverValue")),
        _row(_cell(TEXT_W, "{%tr endfor %}", "TableText", span=2)),
    ]
    body.append(_table(iw, info, first_row=False))

    # Page break in a 1-pt paragraph, so that nothing visible is left at the top of page 2.
    body.append(
        "<w:p><w:pPr>" + _spacing(before=0, after=0, line=20, rule="exact")
        + '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr>'
        '<w:r><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr><w:br w:type="page"/></w:r></w:p>'
    )
    # ---- the generated body replaces this whole paragraph ----------------
    body.append(_para("{{p body }}"))

    sect = (
        "<w:sectPr>"
        f'<w:headerReference w:type="default" r:id="{rids["header_default"]}"/>'
        f'<w:footerReference w:type="default" r:id="{rids["footer_default"]}"/>'
        f'<w:headerReference w:type="first" r:id="{rids["header_first"]}"/>'
        f'<w:footerReference w:type="first" r:id="{rids["footer_first"]}"/>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" '
        f'w:header="{HDR_DIST}" w:footer="{HDR_DIST}" w:gutter="0"/>'
        '<w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/>'
        "</w:sectPr>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:document {NSDECL}><w:body>{''.join(body)}{sect}</w:body></w:document>"
    )


def _field(instr: str, cached: str = "1") -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:rPr><w:noProof/></w:rPr><w:t>{cached}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def build_header_default() -> str:
    p = (
        '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
        + _run("{{ title }}")
        + "<w:r><w:tab/></w:r>"
        + _run("{{ header_note }}")
        + "</w:p>"
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NSDECL}>{p}</w:hdr>'


def build_footer_default() -> str:
    p = (
        '<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
        + _run("{{ labels.page }} ")
        + _field("PAGE")
        + _run(" {{ labels.of }} ")
        + _field("NUMPAGES")
        + "</w:p>"
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {NSDECL}>{p}</w:ftr>'


def build_header_first() -> str:  # cover page: nothing, and no rule
    p = ('<w:p><w:pPr><w:pStyle w:val="Header"/><w:pBdr><w:bottom w:val="nil"/></w:pBdr>'
         "</w:pPr></w:p>")
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NSDECL}>{p}</w:hdr>'


def build_footer_first() -> str:
    p = '<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p>'
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {NSDECL}>{p}</w:ftr>'


# ==========================================================================
# assembly
# ==========================================================================
def _xml(text: str):
    return parse_xml(text.encode("utf-8"))


def build_package() -> bytes:
    document = docx.Document()  # python-docx's blank package, used only as a skeleton
    doc_part = document.part
    package = doc_part.package

    # Drop leftovers of python-docx's default template.
    unwanted = {RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}
    for rid, rel in list(doc_part.rels.items()):
        if rel.reltype in unwanted:
            doc_part.rels.pop(rid)
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)

    # Header/footer parts (default + first page) via python-docx.
    section = document.sections[0]
    section.different_first_page_header_footer = True
    hf = {
        "header_default": section.header,
        "footer_default": section.footer,
        "header_first": section.first_page_header,
        "footer_first": section.first_page_footer,
    }
    for item in hf.values():
        item.is_linked_to_previous = False
    builders = {
        "header_default": build_header_default,
        "footer_default": build_footer_default,
        "header_first": build_header_first,
        "footer_first": build_footer_first,
    }
    rids = {}
    for key, item in hf.items():
        part = item.part
        part._element = _xml(builders[key]())
        rids[key] = next(rid for rid, rel in doc_part.rels.items()
                         if not rel.is_external and rel.target_part is part)

    # Replace the XML parts wholesale.
    doc_part._element = _xml(build_document(rids))
    doc_part._styles_part._element = _xml(build_styles())
    doc_part.numbering_part._element = _xml(build_numbering())
    doc_part._settings_part._element = _xml(build_settings())
    package._core_properties_part._element = _xml(CORE_XML)
    for part in package.iter_parts():
        name = str(part.partname)
        if name == "/docProps/app.xml":
            part._blob = APP_XML
        elif name == "/word/fontTable.xml":
            part._blob = FONT_TABLE.encode("utf-8")

    # Sanity: nothing external, nothing unexpected.
    for part in package.iter_parts():
        for rel in part.rels.values():
            if rel.is_external:
                raise SystemExit(f"external relationship in {part.partname}")

    buf = io.BytesIO()
    document.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps/permissions so output is byte-stable."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, src.read(info.filename), compresslevel=9)
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = ap.parse_args()
    data = build_package()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
