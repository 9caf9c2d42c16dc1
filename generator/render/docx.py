"""The Word writer: the assembled Draft rendered into a .docx through docxtpl and a template."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from importlib import resources
from typing import Callable
from generator.core.xmltext import escape

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from lxml import etree
from markupsafe import Markup

from generator.core.errors import OutputError
from generator.core.i18n import LABELS
from generator.core.legal import FRAME_TERMS, WORDS, legal_date, legal_version
from generator.core.model import Draft
from generator.render.coreprops import set_core_part
from generator.render.docx_body import body
from generator.render.manifest import PREFIX, manifest_properties, set_package_properties
from generator.render.reproducible import normalize_zip
from generator.render.template_guard import TemplateEnvironment, check_package, time_limit
from generator.render.wordml import ListNumbering, text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MACRO_PARTS = re.compile(r"vbaProject|vbaData|activeX", re.I)
MAX_TEMPLATE_UNPACKED = 64 * 2**20
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


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
    with _template_errors(template_name, "read"):
        doc = DocxTemplate(io.BytesIO(template))
        doc.init_docx()
    numbering = _numbering(doc, template_name)
    xml = make_body(draft, numbering)
    env = TemplateEnvironment(undefined=StrictUndefined, autoescape=True)
    # docxtpl renders the template around a marker; the body goes in after (see _splice_body)
    with _template_errors(template_name, "rendered"), time_limit(template_name):
        doc.render(_context(draft, RawXml(_BODY_MARKER), subtitle), jinja_env=env, autoescape=True)
    _one_body_marker(doc, template_name)
    placed = _splice_body(doc, xml)
    _append_nums(doc, numbering)
    _set_properties(doc, draft)
    _set_app_properties(doc, draft)
    out = io.BytesIO()
    # The provenance manifest goes in as the package's custom properties (see render/manifest.py).
    set_package_properties(doc.docx.part.package, manifest_properties(draft), drop_prefix=PREFIX)
    with _template_errors(template_name, "saved"):
        doc.save(out)
    data = normalize_zip(out.getvalue())
    if not placed:  # a spliced body is in the saved tree by construction; otherwise say what is missing
        _check_body_placed(data, draft, template_name)
    return data


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


def _one_body_marker(doc: DocxTemplate, name: str) -> None:
    """Exactly one {{p body }} paragraph: a second would leave an internal marker in the draft."""
    parts = [doc.docx.element] + [p.element for p in doc.docx.part.package.iter_parts()
                                  if p is not doc.docx.part and hasattr(p, "element")]
    count = sum(1 for root in parts for t in root.iter(f"{{{W}}}t") if t.text and _MARKER_TEXT in t.text)
    if count != 1 and count:
        raise OutputError(f"{name}: the template holds {count} {{{{p body }}}} paragraphs; it must hold exactly one")


def _check_template(data: bytes, name: str) -> None:
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


def _numbering(doc: DocxTemplate, name: str) -> ListNumbering:
    """Find the ordered and bullet list definitions through the ListNumber and ListBullet styles."""
    styles = doc.docx.styles.element
    try:
        numbering = doc.docx.part.numbering_part.element
    except NotImplementedError:
        raise OutputError(f"{name}: the template has no numbering definitions") from None

    def style_num(style_id: str) -> str:
        found = styles.xpath(f'w:style[@w:styleId="{style_id}"]/w:pPr/w:numPr/w:numId/@w:val')
        if not found:
            raise OutputError(f"{name}: style {style_id} is missing or not numbered (see the template README)")
        return found[0]

    ordered = style_num("ListNumber")
    abstract = numbering.xpath(f'w:num[@w:numId="{ordered}"]/w:abstractNumId/@w:val')
    if not abstract:
        raise OutputError(f"{name}: numbering {ordered} of style ListNumber is not defined")
    used = [int(n) for n in numbering.xpath("w:num/@w:numId")]
    return ListNumbering(abstract_id=int(abstract[0]), next_id=max(used) + 1, bullet_num=int(style_num("ListBullet")))


def _append_nums(doc: DocxTemplate, numbering: ListNumbering) -> None:
    element = doc.docx.part.numbering_part.element
    wrapper = etree.fromstring(f'<w:numbering xmlns:w="{W}">{numbering.num_elements()}</w:numbering>')
    for num in wrapper:
        element.append(num)  # w:num after every w:abstractNum, as the schema requires


# The body takes the place of this paragraph after docxtpl has rendered the template. Rendered
# through docxtpl, a 40-clause body went through its regular expressions for line breaks, its table
# fixing and a recovering parse: half of docxtpl's time per draft (bench/RESULTS.md), for a body
# that has no line breaks, consistent table grids and is parsed strictly here. The output is the same.
_MARKER_TEXT = "klausul:body:3f9c1e"
_BODY_MARKER = f"<w:p><w:r><w:t>{_MARKER_TEXT}</w:t></w:r></w:p>"


def _splice_body(doc: DocxTemplate, xml: str) -> bool:
    """Put the body where the template's {{p body }} paragraph was rendered; False if there is none.

    The body is parsed strictly (docxtpl's recovering parse would drop what it cannot read) inside a
    copy of the rendered body's start tag; the template's own few paragraphs move into it around
    the body, and it replaces the rendered body: moving the body's hundreds of elements one by one
    would cost more than all the rest.
    """
    rendered = doc.docx.element.body
    marker = next((t.getparent().getparent() for t in rendered.iter(f"{{{W}}}t") if t.text == _MARKER_TEXT), None)
    if marker is None or marker.getparent() is not rendered:
        return False
    start_tag = etree.tostring(rendered, encoding="unicode").split(">", 1)[0] + ">"
    body = etree.fromstring(f"{start_tag}{xml}</w:body>".encode("utf-8"))
    children = list(rendered)
    at = children.index(marker)
    for offset, element in enumerate(children[:at]):
        body.insert(offset, element)
    body.extend(children[at + 1:])
    rendered.getparent().replace(rendered, body)
    return True


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


def _set_properties(doc: DocxTemplate, draft: Draft) -> None:
    set_core_part(doc.docx, draft)  # written by Klausul, not python-docx's setters (see render/coreprops.py)


def _set_app_properties(doc: DocxTemplate, draft: Draft) -> None:
    # docProps/app.xml is not modelled by python-docx: replace the template's (company, manager,
    # template path, edit time, word counts) with a fixed one naming only the agreement's customer.
    customer = next((p.name for p in draft.parties if p.role == "customer"), "")
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{_APP}">'
           f"<Application>Klausul</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           f"<Company>{escape(customer)}</Company><LinksUpToDate>false</LinksUpToDate>"
           f"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>")
    for part in doc.docx.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = xml.encode("utf-8")


def _check_body_placed(data: bytes, draft: Draft, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    content = " ".join("".join(root.itertext()).split())  # the writer folds runs of white space
    missing = [c.title for c in draft.clauses if " ".join(c.title.split()) not in content]
    if missing:
        raise OutputError(f"{name}: the rendered document lacks clause '{missing[0]}'; does the template "
                          f"hold a paragraph with {{{{p body }}}}?")
