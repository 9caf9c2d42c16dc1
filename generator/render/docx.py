"""The Word writer: the assembled Draft rendered into a .docx through docxtpl and a template."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from importlib import resources
from typing import Callable

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup

from ..errors import OutputError
from ..i18n import LABELS
from ..model import Draft
from .docx_body import body
from .reproducible import normalize_zip
from .wordml import ListNumbering, text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MACRO_PARTS = re.compile(r"vbaProject|vbaData|activeX", re.I)


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
    doc = DocxTemplate(io.BytesIO(template))
    doc.init_docx()
    numbering = _numbering(doc, template_name)
    xml = make_body(draft, numbering)
    _assert_well_formed(xml)
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        doc.render(_context(draft, RawXml(xml), subtitle), jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise OutputError(f"{template_name}: the template cannot be rendered: {exc}") from None
    _append_nums(doc, numbering)
    _set_properties(doc, draft)
    out = io.BytesIO()
    doc.save(out)
    data = normalize_zip(out.getvalue())
    _check_body_placed(data, draft, template_name)
    return data


def _check_template(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
    except zipfile.BadZipFile:
        raise OutputError(f"{name}: not a Word file (.docx is a zip package)") from None
    if "word/document.xml" not in names:
        raise OutputError(f"{name}: not a Word document (no word/document.xml)")
    if any(_MACRO_PARTS.search(n) for n in names):
        raise OutputError(f"{name}: the template contains macros or ActiveX controls; use a macro-free .docx")


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


def _assert_well_formed(xml: str) -> None:
    # docxtpl parses the body with recover=True, which silently drops what it cannot read.
    etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>'.encode("utf-8"))


def _markup(value: str) -> Markup:
    return Markup(text(value))


def _context(draft: Draft, body_xml: RawXml, subtitle: str | None = None) -> dict:
    labels = dict(LABELS[draft.language], **({"subtitle": subtitle} if subtitle else {}))
    return {
        "title": _markup(draft.title),
        "agreement_id": _markup(draft.id),
        "version": _markup(draft.version),
        "date": _markup(draft.date),
        "status": _markup(labels[draft.status]),
        "labels": {k: _markup(v) for k, v in labels.items()},
        "parties": [{"role": _markup(labels[p.role]), "name": _markup(p.name),
                     "org_number": _markup(p.org_number), "contact_role": _markup(p.contact_role)}
                    for p in draft.parties],
        "body": body_xml,
    }


def _set_properties(doc: DocxTemplate, draft: Draft) -> None:
    # Set from the agreement, never from the template's author or the clock.
    props = doc.docx.core_properties
    stamp = dt.datetime.fromisoformat(draft.date).replace(tzinfo=dt.timezone.utc)
    customer = next((p.name for p in draft.parties if p.role == "customer"), "")
    props.title = draft.title
    props.subject = LABELS[draft.language]["subtitle"]
    props.author = customer
    props.last_modified_by = customer
    props.keywords = draft.id
    props.comments = f"{draft.id} {draft.version}; Klausul {draft.generator_version}"
    props.language = draft.language
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.category = ""
    props.content_status = LABELS[draft.language][draft.status]
    props.identifier = draft.id
    props.version = draft.version


def _check_body_placed(data: bytes, draft: Draft, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    content = " ".join("".join(root.itertext()).split())  # the writer folds runs of white space
    missing = [c.title for c in draft.clauses if " ".join(c.title.split()) not in content]
    if missing:
        raise OutputError(f"{name}: the rendered document lacks clause '{missing[0]}'; does the template "
                          f"hold a paragraph with {{{{p body }}}}?")
