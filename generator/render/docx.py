"""The Word writer: the assembled Draft rendered into a .docx through a template that docxtpl prepared once
(render/docx_template.py), rendered with Jinja in the sandbox and written in one pass."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import zipfile
import zlib
from importlib import resources
from typing import Callable
from generator.core.xmltext import escape

from jinja2 import StrictUndefined, TemplateError
from lxml import etree
from markupsafe import Markup

from generator.core.errors import OutputError
from generator.core.i18n import LABELS
from generator.core.legal import FRAME_TERMS, WORDS, legal_date, legal_version
from generator.core.model import Draft
from generator.render.coreprops import core_xml
from generator.render.docx_body import body
from generator.render.docx_template import Prepared, prepared
from generator.render.manifest import custom_xml, manifest_properties
from generator.render.reproducible import zip_members
from generator.render.template_guard import TemplateEnvironment, check_package, time_limit
from generator.render.wordml import ListNumbering, text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_MACRO_PARTS = re.compile(r"vbaProject|vbaData|activeX", re.I)
MAX_TEMPLATE_UNPACKED = 64 * 2**20
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
# python-docx reads a part without the white space between elements; so do we, to write the same bytes
_PART_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
_APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
TIMED_STEPS = ("_body_xml", "_render_template", "_splice_body", "_zip")  # what bench/writer_bench.py times


def default_template() -> bytes:
    """The template shipped with Klausul."""
    return resources.files("generator.templates").joinpath("default.docx").read_bytes()


class RawXml(str):
    """Prepared WordprocessingML that the autoescaping environment must insert as it is."""

    def __html__(self) -> str:
        return self


def render_docx(draft: Draft, template: bytes | None = None, template_name: str = "default template",
                make_body: Callable[[Draft, ListNumbering], str] = body, subtitle: str | None = None) -> bytes:
    """The .docx bytes of the draft (or of another body made from it); identical inputs, identical bytes."""
    template = default_template() if template is None else template
    _check_template(template, template_name)
    with _template_errors(template_name, "read"), time_limit(template_name):  # docxtpl's regular expressions
        prep = prepared(template, template_name)
    numbering = ListNumbering(abstract_id=prep.lists[0], next_id=prep.lists[1], bullet_num=prep.lists[2])
    xml = _body_xml(make_body, draft, numbering)
    # The template is rendered around a marker; the body goes in after (see _splice_body)
    rendered = _render_template(prep, _context(draft, RawXml(_BODY_MARKER), subtitle), template_name)
    with _template_errors(template_name, "rendered"):  # the rendered template's XML is parsed strictly here
        document, placed = _splice_body(prep, rendered.pop("document"), xml, template_name)
    with _template_errors(template_name, "saved"):
        parts = {"document": document, "numbering": _numbering_part(prep, numbering),
                 "core": _as_written(core_xml(draft)), "app": _app_xml(draft),
                 "custom": custom_xml([tuple(p) for p in prep.custom], manifest_properties(draft))}
        data = _zip(prep, parts, rendered)
    if not placed:  # a spliced body is in the document by construction; otherwise say what is missing
        _check_body_placed(data, draft, template_name)
    return data


def _body_xml(make_body: Callable[[Draft, ListNumbering], str], draft: Draft, numbering: ListNumbering) -> str:
    return make_body(draft, numbering)


def _render_template(prep: Prepared, context: dict, name: str) -> dict[str, bytes | str]:
    """The template's body (a string) and its headers, footers and footnotes (bytes, as python-docx
    writes them) rendered as docxtpl renders them; the body marker must be there once or not at all."""
    out: dict[str, bytes | str] = {}
    with _template_errors(name, "rendered"), time_limit(name):
        for value in prep.core:  # rendered and dropped, as Klausul writes the core properties itself
            _compiled(value).render(context)
        out["document"] = _render_part(prep.body, context)
        for member, (kind, source) in prep.parts.items():
            xml = _render_part(source, context)
            out[member] = _as_written(xml.encode("utf-8")) if kind == "xml" else xml.encode("utf-8")
    count = sum((xml if isinstance(xml, str) else xml.decode("utf-8")).count(_MARKER_TEXT) for xml in out.values())
    if count > 1:  # a second {{p body }} would leave an internal marker in the draft
        raise OutputError(f"{name}: the template holds {count} {{{{p body }}}} paragraphs; it must hold exactly one")
    return out


_LISTING = re.compile("<w:t(?: [^>]*)?>[^<]*[\t\n\a\f]")  # a tab or break inside a text element


def _render_part(source: str, context: dict) -> str:
    """One part's XML rendered as docxtpl's render_xml_part does: Jinja (each paragraph on a line of its
    own, for Jinja's line numbers), then its `{_{` escapes and its tabs, line and page breaks."""
    xml = _compiled(_PARAGRAPH.sub(r"\n<w:p\1", source)).render(context)
    xml = _LINED_PARAGRAPH.sub(r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if _LISTING.search(xml):  # docxtpl's own rewriting of tabs and breaks in text (rare; it imports docxtpl)
        from docxtpl import DocxTemplate

        xml = DocxTemplate.resolve_listing(None, xml)
    return xml


_COMPILED: dict[str, object] = {}  # Jinja source → compiled template, for the batch's next draft


def _compiled(source: str):
    """The template compiled in the cut-down sandbox (render/template_guard.py); once per process."""
    found = _COMPILED.get(source)
    if found is None:
        found = _COMPILED[source] = TemplateEnvironment(undefined=StrictUndefined, autoescape=True).from_string(source)
    return found


_PARAGRAPH = re.compile(r"<w:p([ >])")
_LINED_PARAGRAPH = re.compile(r"\n<w:p([ >])")


@contextlib.contextmanager
def _template_errors(name: str, doing: str):
    """Whatever a broken template makes docxtpl, python-docx, lxml or Jinja raise is the template's
    problem (exit 3), not Klausul's: bad deflate data, malformed XML, a runtime error, deep nesting."""
    try:
        yield
    except OutputError:
        raise
    except (TemplateError, RecursionError) as exc:
        raise OutputError(f"{name}: the template cannot be {doing}: {type(exc).__name__}: {exc}"[:500]) from None
    except Exception as exc:  # noqa: BLE001  only template-driven code runs inside this block
        raise OutputError(f"{name}: the template cannot be {doing} ({type(exc).__name__}: {exc})"[:500]) from None


_CHECKED: set[bytes] = set()  # templates that passed, by sha256: a batch checks its template once


def _check_template(data: bytes, name: str) -> None:
    digest = hashlib.sha256(data).digest()
    if digest not in _CHECKED:
        _check_package(data, name)
        _CHECKED.add(digest)


def _check_package(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = [i.filename for i in infos]
            if sum(i.file_size for i in infos) > MAX_TEMPLATE_UNPACKED:  # a zip bomb, before docxtpl unpacks it
                raise OutputError(f"{name}: the template unpacks to more than {MAX_TEMPLATE_UNPACKED // 2**20} MiB")
            if "word/document.xml" not in names:
                raise OutputError(f"{name}: not a Word document (no word/document.xml)")
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if any(_MACRO_PARTS.search(n) for n in names) or b"macroEnabled" in types:
                raise OutputError(f"{name}: the template contains macros or ActiveX controls; use a macro-free .docx")
            for rels in (n for n in names if n.endswith(".rels")):
                _check_relationships(z.read(rels), rels, name)
            check_package(z, name)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise OutputError(f"{name}: not a Word file (.docx is a zip package)") from None


def _check_relationships(xml: bytes, part: str, name: str) -> None:
    """Refuse links to outside files: an attached template, a linked image or frame, a remote part.

    They would travel into every draft, fetch content when Word opens it, and often carry a local
    path with a user name (file:///C:/Users/...). Hyperlinks are addresses, not content, and may stay.
    """
    try:
        root = etree.fromstring(xml, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        raise OutputError(f"{name}: not a Word file (broken {part})") from None
    for rel in root:
        mode = str(rel.get("TargetMode", "Internal"))
        if mode not in ("Internal", "External"):  # Word reads 'external' as External; python-docx crashed
            raise OutputError(f"{name}: not a Word file ({part}: TargetMode '{mode}')")
        if mode == "External" and not str(rel.get("Type", "")).endswith("/hyperlink"):
            raise OutputError(f"{name}: the template links to an outside file ({part}: {rel.get('Target')}); "
                              "use a template without attached templates or linked files")


def _numbering_part(prep: Prepared, numbering: ListNumbering) -> bytes:
    """numbering.xml with a w:num for every list the body started, after every w:abstractNum as the schema requires."""
    root = etree.fromstring(prep.static(prep.numbering), _PART_PARSER)
    for num in etree.fromstring(f'<w:numbering xmlns:w="{W}">{numbering.num_elements()}</w:numbering>'):
        root.append(num)
    return etree.tostring(root, encoding="UTF-8", standalone=True)


# The body takes the place of this paragraph after the template has been rendered. Rendered through
# Jinja and docxtpl's rewriting, a 40-clause body went through regular expressions for line breaks and
# a parse: half of the time per draft (bench/RESULTS.md), for a body that has no line breaks and
# consistent table grids. It is checked by a strict parse here and written as it is.
_MARKER_TEXT = "klausul:body:3f9c1e"
_BODY_MARKER = f"<w:p><w:r><w:t>{_MARKER_TEXT}</w:t></w:r></w:p>"
_SLOT = f"<!--{_MARKER_TEXT}-->".encode("ascii")  # where the marker paragraph was, in the serialised document


class _Discard:
    """A parser target that keeps nothing: the parse only checks that the body is well-formed XML."""

    def close(self) -> None:
        return None


def _splice_body(prep: Prepared, rendered: str, xml: str, name: str) -> tuple[bytes, bool]:
    """The document part with the body where the template's {{p body }} paragraph was rendered, and
    whether there was one (a direct child of the body); the body is checked, never re-parsed into a tree.

    The template's rendered body is parsed strictly (docxtpl's recovering parse would drop what it
    cannot read), its table grids and drawing ids fixed as docxtpl fixes them, and the document is
    serialised with a comment where the marker was; the body's bytes go in place of the comment, so
    the time is linear in the body (inserting its elements into a tree was not).
    """
    rendered_body = etree.fromstring(rendered.encode("utf-8"), _SAFE_PARSER)
    if _grid_mismatch(rendered_body):  # a cell loop widened a table: docxtpl's own fix (imports docxtpl)
        from docxtpl import DocxTemplate

        rendered_body = DocxTemplate.fix_tables(None, rendered)
    for number, element in enumerate(rendered_body.iter(f"{{{_WP}}}docPr"), start=1001):
        element.set("id", str(number))  # as docxtpl renumbers them, against collisions
    root = etree.fromstring(prep.static(prep.document), _PART_PARSER)
    old = root.find(f"{{{W}}}body")
    root.replace(old, rendered_body)
    marker = next((t.getparent().getparent() for t in rendered_body.iter(f"{{{W}}}t") if t.text == _MARKER_TEXT),
                  None)
    if marker is None or marker.getparent() is not rendered_body:
        return etree.tostring(root, encoding="UTF-8", standalone=True), False
    marker.getparent().replace(marker, etree.Comment(_MARKER_TEXT))
    head, tail = etree.tostring(root, encoding="UTF-8", standalone=True).split(_SLOT)
    data = _canonical(xml).encode("utf-8")
    spaces = "".join(f' xmlns:{p}="{uri}"' if p else f' xmlns="{uri}"' for p, uri in root.nsmap.items())
    _check_well_formed(b"<w:body" + spaces.encode("utf-8") + b">" + data + b"</w:body>", name)
    return head + data + tail, True


def _check_well_formed(xml: bytes, name: str) -> None:
    """OutputError unless the XML is well-formed with every prefix bound (a writer's fault, not the template's)."""
    parser = etree.XMLParser(target=_Discard(), resolve_entities=False, no_network=True, huge_tree=True)
    try:
        etree.fromstring(xml, parser)
        problem = next((e.message for e in parser.error_log if e.level_name in ("ERROR", "FATAL")), None)
    except etree.XMLSyntaxError as exc:
        problem = str(exc)
    if problem:  # without a tree, an unbound prefix is only logged
        raise OutputError(f"{name}: the draft's Word body is not well-formed XML ({problem}); please report this")


def _canonical(xml: str) -> str:
    """The body as lxml writes it, so that the bytes stay those of a parsed and saved body: braces as
    characters (escaped only against docxtpl's rewriting, which the body skips) and empty text elements
    closed in one tag."""
    if "&#12" in xml:
        xml = xml.replace("&#123;", "{").replace("&#125;", "}")
    return xml.replace('<w:t xml:space="preserve"></w:t>', '<w:t xml:space="preserve"/>').replace("<w:t></w:t>", "<w:t/>")


def _grid_mismatch(body) -> bool:
    """Whether docxtpl's table fixing would change a table: a row with more cells than grid columns,
    or no row spanning them all (rows of nested tables count, as docxtpl counts them)."""
    for table in body.iter(f"{{{W}}}tbl"):
        grid = table.find(f"{{{W}}}tblGrid")
        columns = len(grid.findall(f"{{{W}}}gridCol")) if grid is not None else -1
        widest = spans = 0
        for row in table.iter(f"{{{W}}}tr"):
            cells = row.findall(f"{{{W}}}tc")
            widest = max(widest, len(cells))
            spans = max(spans, sum(_span(c) for c in cells))
        if widest > columns or spans < columns:
            return True
    return False


def _span(cell) -> int:
    span = cell.find(f"{{{W}}}tcPr/{{{W}}}gridSpan")
    value = "1" if span is None else span.get(f"{{{W}}}val", "")
    return int(value) if value.isdigit() else 0  # unreadable: docxtpl's fixing decides (and says so)


def _zip(prep: Prepared, parts: dict[str, bytes], rendered: dict[str, bytes]) -> bytes:
    """The package: python-docx's members in its order, the draft's parts in their slots, compressed once."""
    def member(name: str, kind: str, value: str) -> bytes:
        if kind == "static":
            return prep.static(value)
        return rendered[name] if value == "part" else parts[value]

    return zip_members((name, member(name, kind, value)) for name, kind, value in prep.members)


def _markup(value: str) -> Markup:
    return Markup(text(value))


def _edition_context(draft: Draft, labels: dict) -> dict:
    """What the cover and header show: a legal document's particulars in the contract edition,
    the agreement id and the generator's notice in the review edition."""
    lang = draft.language
    words = WORDS[lang]
    reference = (draft.reference or "")
    if draft.edition == "contract":
        rows = ([(words["reference"], reference)] if reference else []) + [
            (labels["version"], legal_version(draft.version)), (labels["date"], legal_date(draft.date, lang)),
            (labels["status"], words["status_words"][draft.status])]
        note = words["cover_contract"][draft.status]
        header = " \u00b7 ".join(x for x in (reference, f"{labels['version']} {legal_version(draft.version)}") if x)
        ident = reference
    else:
        rows = [(labels["agreement_id"], draft.id), (labels["version"], draft.version), (labels["date"], draft.date),
                (labels["status"], labels[draft.status])]
        note = f"{words['cover_review']}. {labels['draft_notice']}."
        header = f"{words['review_of']} \u00b7 {draft.id} \u00b7 {labels['version']} {draft.version}"
        ident = draft.id
    return {"agreement_id": _markup(ident), "cover_note": _markup(note), "header_note": _markup(header),
            "cover_rows": [{"label": _markup(k), "value": _markup(v)} for k, v in rows]}


def _context(draft: Draft, body_xml: RawXml, subtitle: str | None = None) -> dict:
    if subtitle is None and draft.governing == "supplier_terms":
        subtitle = WORDS[draft.language]["subtitle_terms"]
    elif subtitle is None and draft.governing_title:
        subtitle = WORDS[draft.language]["subtitle_main"].format(title=draft.governing_title)
    labels = dict(LABELS[draft.language], **({"subtitle": subtitle} if subtitle else {}))
    return {
        "title": _markup(draft.title),
        **_edition_context(draft, labels),
        "version": _markup(draft.version),
        "date": _markup(draft.date),
        "status": _markup(labels[draft.status]),
        "labels": {k: _markup(v) for k, v in labels.items()},
        # The contract edition names the roles by the words the agreement defines ("Kunden").
        "parties": [{"role": _markup(FRAME_TERMS[draft.language][p.role][0] if draft.edition == "contract"
                                     else labels[p.role]), "name": _markup(p.name),
                     "org_number": _markup(p.org_number), "contact_role": _markup(p.contact_role)}
                    for p in draft.parties],
        "body": body_xml,
    }


def _as_written(xml: bytes) -> bytes:
    """An XML part serialised as python-docx writes the parts it reads (and as earlier builds were)."""
    return etree.tostring(etree.fromstring(xml, _PART_PARSER), encoding="UTF-8", standalone=True)


def _app_xml(draft: Draft) -> bytes:
    # docProps/app.xml: instead of the template's (company, manager, template path, edit time, word
    # counts) a fixed one naming only the agreement's customer.
    customer = next((p.name for p in draft.parties if p.role == "customer"), "")
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{_APP}">'
           f"<Application>Klausul</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           f"<Company>{escape(customer)}</Company><LinksUpToDate>false</LinksUpToDate>"
           f"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>")
    return xml.encode("utf-8")


def _check_body_placed(data: bytes, draft: Draft, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    content = " ".join("".join(root.itertext()).split())  # the writer folds runs of white space
    missing = [c.title for c in draft.clauses if " ".join(c.title.split()) not in content]
    if missing:
        raise OutputError(f"{name}: the rendered document lacks clause '{missing[0]}'; does the template "
                          f"hold a paragraph with {{{{p body }}}}?")
