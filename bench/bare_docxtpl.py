"""The bare-docxtpl baseline: the same Word document made by plain docxtpl use (render and save).

It is built from Klausul's output and the template alone, so it does not depend on how the writer
works inside: the body is the part of the built document's body that is not the template's own
paragraphs (found by rendering the template around a marker), and it goes into the template's
`{{p body }}` paragraph as plain docxtpl use would put it. The template's other fields get the
context the writer rendered the template with in the real build where it can be seen (docxtpl's render,
or the writer's own `_render_template`), else they stay empty.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MARK = "bench-bare-docxtpl-body-marker"


def shipped_template() -> bytes:
    """The template Klausul ships (what an agreement without its own template is rendered with)."""
    return resources.files("generator.templates").joinpath("default.docx").read_bytes()


def captured_contexts(build) -> list[dict]:
    """The contexts docxtpl's render received while `build()` ran, in order (none if it was not called)."""
    import docxtpl

    import generator.render.docx as writer

    seen, real = [], docxtpl.DocxTemplate.render
    own = getattr(writer, "_render_template", None)  # a writer that renders a prepared template itself

    def spy(self, context=None, *args, **kwargs):
        seen.append(dict(context or {}))
        return real(self, context, *args, **kwargs)

    def spy_own(prep, context, *args, **kwargs):
        seen.append(dict(context or {}))
        return own(prep, context, *args, **kwargs)

    docxtpl.DocxTemplate.render = spy
    if own is not None:
        writer._render_template = spy_own
    try:
        build()
    finally:
        docxtpl.DocxTemplate.render = real
        if own is not None:
            writer._render_template = own
    return seen


def bare_context(built: bytes, template: bytes, context: dict | None = None) -> dict:
    """The context for render(): `body` holds the built document's own body as WordprocessingML."""
    from lxml import etree
    from markupsafe import Markup

    base = {k: v for k, v in (context or {}).items() if k != "body"}
    around = _children(render(template, dict(base, body=Markup(f"<w:p><w:r><w:t>{_MARK}</w:t></w:r></w:p>"))))
    at = next((i for i, child in enumerate(around) if _MARK in "".join(child.itertext())), None)
    if at is None:
        raise ValueError("the template has no {{p body }} paragraph")
    children = _children(built)
    after = len(around) - at - 1  # the template's paragraphs after the body, its sectPr last
    if at + after > len(children):
        raise ValueError("the built document is shorter than the template around its body")
    body = children[at:len(children) - after]
    return dict(base, body=Markup("".join(etree.tostring(c, encoding="unicode") for c in body)))


def render(template: bytes, context: dict) -> bytes:
    """docxtpl as its documentation shows it: load, render (autoescaped), save."""
    from docxtpl import DocxTemplate
    from jinja2 import ChainableUndefined
    from jinja2.sandbox import SandboxedEnvironment

    doc = DocxTemplate(io.BytesIO(template))
    env = SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)  # fields it lacks stay empty
    doc.render(dict(context), jinja_env=env, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def paragraphs(docx: bytes) -> int:
    """How many paragraphs the document's body holds (to show the baseline is the same document)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml").count(b"<w:p>") + z.read("word/document.xml").count(b"<w:p ")


def _children(docx: bytes) -> list:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return list(root.find(f"{{{W}}}body"))
