"""Property tests: whatever Unicode a clause author writes comes out of the Word file as written.

"As written" means, precisely:

- A clause **title** is plain text: every character except those XML cannot carry (controls,
  U+FFFE/U+FFFF, surrogates) and the two private-use characters Klausul reserves comes out
  unchanged, Markdown and template syntax included; runs of ASCII white space (space, tab, line
  breaks) fold to one space, as everywhere in the draft.
- A clause **text** is Markdown, so "as written" holds for prose: paragraphs separated by a blank
  line, each starting with a letter, and without the characters Markdown reads as inline syntax:
  `*`, `_` and backquote (emphasis, code), backslash (escapes), and a closing bracket directly
  followed by `(` or `[` (links), nor a line inside a paragraph that starts with block syntax
  (`#`, `>`, `-`, `+`, `=`, `|` or a number with `.` or `)`: headings, quotes, lists, tables).
  Everything else comes out unchanged: `& < > " '`, quotes of
  every language, right-to-left text and bidi controls, emoji with modifiers, combining marks,
  no-break and other non-ASCII spaces inside the text, single braces and very long words. Raw
  HTML and entities are not Markdown here (`<b>` and `&amp;` stay text). ASCII white space folds
  to one space and white space at the ends of a paragraph is dropped. Template syntax (`{{`,
  `{%`, `{#`) other than a declared `{{ name }}` is refused by validation, never rendered, and
  so is a defined role or forum under another name, or a forum a delivery model lacks
  (`generator/library/terms.py`).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path

import docx as python_docx
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.draft.assemble import assemble
from generator.draft.check import diagnose
from generator.library.open import open_library
from generator.library.terms import forums_named, variants
from generator.render.docx import render_docx

from tests.conftest import DATA
from tests.ooxml_validity import ooxml_findings

HARDENING = DATA / "hardening" / "library"
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_TEMPLATE = re.compile(r"\{\{|\{%|\{#")
_LINK = re.compile(r"\][ ]?[(\[]")
_BLOCK_LINE = re.compile(r"\n[ \t]*([#>=+|-]|\d+[.)])")

# Categories left out everywhere: controls (Cc; XML forbids most, tab and line breaks are tested
# apart), surrogates (Cs), private use (Co; Klausul's placeholder tokens) and unassigned (Cn).
_XML_TEXT = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"))
_PROSE = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"), blacklist_characters="*_`\\")
_SAMPLES = ["& < > \" '", "«citat» „Zitat“ “quote” ‘q’", "שלום עולם", "مرحبا", "\u202eevil\u202c",
            "👩🏽‍💻 🇸🇪", "e\u0301 a\u0308 \u1e9b\u0323", "x" * 3000, "a\u00a0b\u2009c\u3000d",
            "{ single } braces", "<b>bold?</b> &amp; &#123;", "Bob & Sons <UK> Ltd"]
_PIECES = st.one_of(st.text(_PROSE, min_size=1, max_size=40), st.sampled_from(_SAMPLES))


@st.composite
def _paragraph(draw) -> str:
    first = draw(st.characters(whitelist_categories=("Lu", "Ll", "Lo")))
    rest = draw(st.lists(_PIECES, max_size=4))
    spaces = draw(st.lists(st.sampled_from([" ", "  ", "\t", " \n"]), min_size=len(rest), max_size=len(rest)))
    return first + "".join(s + p for s, p in zip(spaces, rest))


_PARAGRAPHS = st.lists(_paragraph(), min_size=1, max_size=3).filter(
    lambda ps: not any(_LINK.search(p) or _BLOCK_LINE.search(p) for p in ps))


def _folded(value: str) -> str:
    return _ASCII_SPACE.sub(" ", value)


@pytest.fixture(scope="module")
def workspace():
    folder = Path(tempfile.mkdtemp(prefix="klausul-properties-"))
    shutil.copytree(HARDENING, folder / "lib")
    yield folder / "lib"
    shutil.rmtree(folder)


def _write_clause(root: Path, title: str, text: str) -> None:
    path = root / "clauses" / "prose.yaml"
    data = yaml.safe_load((HARDENING / "clauses" / "prose.yaml").read_text(encoding="utf-8"))
    data["title"]["en"] = title
    data["text"]["en"] = text
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=80), encoding="utf-8")


def _clause_paragraphs(docx: bytes, title: str) -> list[str]:
    """The body paragraphs of the clause under the heading `title`, up to its meta line."""
    paragraphs = python_docx.Document(io.BytesIO(docx)).paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.style.style_id == "Heading2" and p.text == title)
    out = []
    for p in paragraphs[start + 1:]:
        if p.style.style_id == "ClauseMeta":
            return out
        out.append(p.text)
    raise AssertionError("no ClauseMeta paragraph after the clause")


def _build(root: Path) -> bytes:
    return render_docx(assemble(open_library(root)[0], "first"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=_PARAGRAPHS)
@example(paragraphs=["Leverantören & <Kund> \"avtal\" 'citat' {{ 7*7 }}"])
@example(paragraphs=["Ett\u00a0ord", "x" + "y" * 5000, "a\u200d\u200cb \u2066isolate\u2069 "])
def test_clause_prose_comes_out_as_written(workspace, paragraphs):
    text = "\n\n".join(paragraphs)
    _write_clause(workspace, "Plain prose", text)
    refused = [d for d in diagnose(workspace) if d.severity == "error"]
    if _TEMPLATE.search(text):
        assert [d.code for d in refused] and {d.code for d in refused} == {"template-syntax"}, refused
        return
    if any(variants(text, lang) or forums_named(text, lang) for lang in ("sv", "en")):
        # a defined role or forum under another name, or a forum a delivery model lacks: refused by design
        assert {d.code for d in refused} <= {"term-variant", "forum-not-in-delivery-model"}, refused
        return
    assert refused == []
    docx = _build(workspace)
    assert _clause_paragraphs(docx, "Plain prose") == [_folded(p).strip() for p in paragraphs]
    assert ooxml_findings(docx) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(_XML_TEXT, min_size=1, max_size=60).filter(str.strip))
@example(title="*Not* _emphasis_ `code` [link](http://x) \\ {{ 7*7 }} {% x %} <b> &amp;")
@example(title="\u05e9\u05dc\u05d5\u05dd \u202edesserts\u202c 👍🏽 e\u0301")
def test_clause_title_comes_out_as_written(workspace, title):
    _write_clause(workspace, title, "The Supplier shall follow the guidelines.")
    assert [d for d in diagnose(workspace) if d.severity == "error"] == []
    docx = _build(workspace)
    headings = [p.text for p in python_docx.Document(io.BytesIO(docx)).paragraphs if p.style.style_id == "Heading2"]
    assert _folded(title) in headings
