"""Reading a Word file back as the draft's parts: cover, sections, clauses (by their marks), text outside them.

Works on what Word, LibreOffice and python-docx leave of a generated file: clause bookmarks that
lost their end or gained a second start, a table of contents LibreOffice renamed and wrapped in a
content control, tracked changes (each paragraph is read as it stood before the pending changes,
`agreed`, and with them accepted, `proposed`) and comments.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from generator.core.errors import UsageError
from generator.render.clausemark import FRAME_PREFIX, PREFIX

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_WS = re.compile(r"\s+")
_CONTENTS = re.compile(r"^(TOC|Contents)", re.I)  # Word's TOC1, TOCHeading; LibreOffice's Contents1
_SECTION_STYLES = {"Heading1", "AnnexHeading"}
_CLAUSE_STYLE = "Heading2"
_INSERTED, _DELETED = {f"{{{W}}}ins", f"{{{W}}}moveTo"}, {f"{{{W}}}del", f"{{{W}}}moveFrom"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag."""
    return f"{{{W}}}{tag}"


@dataclass(frozen=True)
class Unit:
    """A paragraph or a table row: its text before the pending tracked changes and with them accepted."""

    style: str
    agreed: str
    proposed: str
    comments: tuple[str, ...] = ()

    @property
    def pending(self) -> bool:
        """Whether tracked changes that nobody accepted or rejected touch this unit."""
        return self.agreed != self.proposed


@dataclass
class Part:
    """One stretch of the document: the cover, the contents, a section, a clause, or text outside any clause."""

    kind: str  # cover | contents | section | clause | outside
    title: str
    mark: str | None = None  # the clause bookmark's name
    units: list[Unit] = field(default_factory=list)
    after: str | None = None  # for `outside`: the mark (else the title) of the clause it follows

    def text(self, proposed: bool = False) -> list[str]:
        """The non-empty paragraph and row texts of the part (the heading included)."""
        return [t for u in self.units if (t := u.proposed if proposed else u.agreed)]


@dataclass(frozen=True)
class Comment:
    id: str
    author: str
    text: str


@dataclass(frozen=True)
class WordDocument:
    parts: tuple[Part, ...]
    comments: dict[str, Comment]


def read_document(data: bytes, name: str = "the file") -> WordDocument:
    """The parts of a .docx; UsageError when it is not a Word file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            body = etree.fromstring(z.read("word/document.xml"), _PARSER).find("w:body", NS)
            comments = _comments(z.read("word/comments.xml")) if "word/comments.xml" in z.namelist() else {}
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise UsageError(f"{name}: not a readable Word file ({exc})") from None
    if body is None:
        raise UsageError(f"{name}: word/document.xml has no body")
    return WordDocument(tuple(_segment(_units(body))), comments)


def read_fragment(xml: str) -> list[Part]:
    """The parts of a stretch of body XML (as the Word writer makes it), read like a whole document."""
    body = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>'.encode("utf-8"), _PARSER)
    return [p for p in _segment(_units(body)) if p.units]


def _comments(data: bytes) -> dict[str, Comment]:
    root = etree.fromstring(data, _PARSER)
    return {c.get(w("id")): Comment(c.get(w("id")), c.get(w("author")) or "",
                                    " ".join(_fold("".join(p.xpath(".//w:t/text()", namespaces=NS)))
                                             for p in c.iter(w("p"))).strip())
            for c in root.iter(w("comment"))}


def _fold(text: str) -> str:
    return _WS.sub(" ", text).strip()


@dataclass
class _Raw:
    unit: Unit
    starts: list[tuple[str, str]]  # (id, name) of bookmarkStart
    ends: list[str]  # ids of bookmarkEnd


def _units(body: etree._Element) -> list[_Raw]:
    """Paragraphs and table rows in document order; content controls are looked through."""
    out: list[_Raw] = []
    for el in body:
        if el.tag == w("p"):
            out.append(_paragraph(el))
        elif el.tag == w("tbl"):
            for row in el.iter(w("tr")):
                out.append(_row(row))
        elif el.tag == w("sdt"):
            content = el.find("w:sdtContent", NS)
            if content is not None:
                out += _units(content)
        elif el.tag in (w("bookmarkStart"), w("bookmarkEnd")) and out:  # between blocks: belongs to the last one
            if el.tag == w("bookmarkStart"):
                out[-1].starts.append((el.get(w("id")) or "", el.get(w("name")) or ""))
            else:
                out[-1].ends.append(el.get(w("id")) or "")
    return out


def _marks(el: etree._Element) -> tuple[list[tuple[str, str]], list[str]]:
    starts = [(b.get(w("id")) or "", b.get(w("name")) or "") for b in el.iter(w("bookmarkStart"))]
    return starts, [b.get(w("id")) or "" for b in el.iter(w("bookmarkEnd"))]


_TEXT_TAGS = (w("t"), w("delText"))
_TEXT_NODES = (*_TEXT_TAGS, w("tab"), w("br"))
_VANISH = f"{w('rPr')}/{w('vanish')}"


def _texts(el: etree._Element) -> tuple[str, str]:
    """(agreed, proposed) text of a paragraph or cell."""
    agreed, proposed = [], []
    runs: dict[etree._Element, tuple[bool, bool, bool]] = {}  # a run's hidden, inserted and deleted, once per run
    for node in el.iter(*_TEXT_NODES):
        value = node.text or "" if node.tag in _TEXT_TAGS else " "
        parent = node.getparent()
        if parent not in runs:
            ancestors = {a.tag for a in node.iterancestors()}
            runs[parent] = (parent.find(_VANISH) is not None, bool(ancestors & _INSERTED), bool(ancestors & _DELETED))
        hidden, inserted, deleted = runs[parent]
        if hidden:
            continue
        deleted = deleted or node.tag == _TEXT_TAGS[1]
        if not inserted:
            agreed.append(value)
        if not deleted:
            proposed.append(value)
    return _fold("".join(agreed)), _fold("".join(proposed))


def _paragraph(p: etree._Element) -> _Raw:
    style = p.find("w:pPr/w:pStyle", NS)
    agreed, proposed = _texts(p)
    mark = p.find("w:pPr/w:rPr", NS)
    if mark is not None and mark.find("w:ins", NS) is not None and not _texts_outside(p, _INSERTED):
        agreed = ""  # a paragraph the pending changes insert
    if mark is not None and mark.find("w:del", NS) is not None and not _texts_outside(p, _DELETED):
        proposed = ""
    comments = tuple(dict.fromkeys(c.get(w("id")) for c in p.iter(w("commentRangeStart"), w("commentReference"))))
    starts, ends = _marks(p)
    return _Raw(Unit(style.get(w("val")) if style is not None else "", agreed, proposed, comments), starts, ends)


def _texts_outside(p: etree._Element, tracked: set[str]) -> bool:
    """Whether the paragraph has text that is not inside one of the `tracked` wrappers."""
    return any(not ({a.tag for a in t.iterancestors()} & tracked) and (t.text or "").strip()
               for t in p.iter(w("t")))


def _row(row: etree._Element) -> _Raw:
    cells = [_texts(tc) for tc in row.findall("w:tc", NS)]
    agreed, proposed = " | ".join(c[0] for c in cells), " | ".join(c[1] for c in cells)
    props = row.find("w:trPr", NS)
    if props is not None and props.find("w:ins", NS) is not None:
        agreed = ""
    if props is not None and props.find("w:del", NS) is not None:
        proposed = ""
    comments = tuple(dict.fromkeys(c.get(w("id")) for c in row.iter(w("commentRangeStart"), w("commentReference"))))
    starts, ends = _marks(row)
    return _Raw(Unit("TableRow", agreed, proposed, comments), starts, ends)


def _segment(raws: list[_Raw]) -> list[Part]:
    """Cut the units into parts at section headings and clause marks (or clause headings)."""
    names_by_id: dict[str, str] = {}
    seen: set[str] = set()
    parts = [Part("cover", "")]
    open_mark: str | None = None  # the clause whose end has not been seen
    for raw in raws:
        unit = raw.unit
        new = [n for _, n in raw.starts if n.startswith(PREFIX) and n not in seen]
        if _CONTENTS.match(unit.style):
            if unit.style.lower().endswith("heading"):
                parts.append(Part("contents", unit.agreed or unit.proposed))
            part = parts[-1]
        elif unit.style == _CLAUSE_STYLE and any(n.startswith(FRAME_PREFIX) for _, n in raw.starts):
            part = Part("section", unit.agreed or unit.proposed)  # a frame clause (precedence, term): frame text
            parts.append(part)
            open_mark = None
        elif new or unit.style == _CLAUSE_STYLE:
            part = Part("clause", unit.agreed or unit.proposed, new[0] if new else None)
            parts.append(part)
            open_mark = part.mark
        elif unit.style in _SECTION_STYLES:
            part = Part("section", unit.agreed or unit.proposed)
            parts.append(part)
            open_mark = None
        elif parts[-1].kind == "clause" and parts[-1].mark and open_mark is None:
            part = Part("outside", "", after=parts[-1].mark or parts[-1].title)
            parts.append(part)
        else:
            part = parts[-1]
        part.units.append(unit)
        seen.update(n for _, n in raw.starts if n.startswith(PREFIX))
        names_by_id.update(raw.starts)
        for ident in raw.ends:
            if open_mark is not None and names_by_id.get(ident) == open_mark:
                open_mark = None
    return parts

