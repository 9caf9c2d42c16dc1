"""The Word writer's prepared templates, its body splice and its one-pass zip, on real files read back."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.core.model import ListBlock, Paragraph, Styled, Link, Text
from generator.draft.assemble import assemble
from generator.draft.editions import edition
from generator.library.open import open_library
from generator.render import docx as writer
from generator.render import docx_template
from generator.render.docx import default_template, render_docx
from tests.docx_reading import W, replace_in_part
from tests.ooxml_validity import assert_valid_docx, needs_soffice, pdf_texts

REPO = Path(__file__).parent.parent
sys.path.insert(0, str(REPO / "bench"))
SAMPLES = ("fjallby-kustlinjen-it", "fjallby-cloud-collaboration", "fjallby-lon-ekonomi")


def _forget_templates() -> None:
    """A fresh process, as far as the writer's memory goes: prepared and compiled templates dropped."""
    docx_template._MEMORY.clear()
    writer._COMPILED.clear()


@pytest.fixture(scope="module")
def sample_drafts():
    library = open_library(REPO)[0]
    return [edition(assemble(library, a), name) for a in SAMPLES for name in ("contract", "review")]


def test_samples_are_byte_identical_from_docxtpl_the_cache_file_memory_and_without_cache(sample_drafts, monkeypatch,
                                                                                          tmp_path):
    monkeypatch.setenv("KLAUSUL_CACHE_DIR", str(tmp_path / "cache"))
    _forget_templates()
    prepared_now = [render_docx(d) for d in sample_drafts]  # prepared by docxtpl and python-docx, file written
    assert list((tmp_path / "cache" / "templates").glob("*.json"))
    from_memory = [render_docx(d) for d in sample_drafts]
    _forget_templates()
    from_file = [render_docx(d) for d in sample_drafts]
    monkeypatch.setenv("KLAUSUL_NO_CACHE", "1")
    _forget_templates()
    without_cache = [render_docx(d) for d in sample_drafts]
    assert prepared_now == from_memory == from_file == without_cache
    assert len(set(prepared_now)) == len(sample_drafts)  # six different documents, not one repeated
    for data in prepared_now:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
            assert z.namelist()[:2] == ["[Content_Types].xml", "_rels/.rels"]
            assert "docProps/custom.xml" in z.namelist()


def test_without_cache_no_template_file_is_written(sample_drafts, monkeypatch, tmp_path):
    monkeypatch.setenv("KLAUSUL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KLAUSUL_NO_CACHE", "1")
    _forget_templates()
    render_docx(sample_drafts[0])
    assert not (tmp_path / "cache" / "templates").exists()


def test_a_damaged_cache_file_is_ignored_and_rewritten(sample_drafts, monkeypatch, tmp_path):
    monkeypatch.setenv("KLAUSUL_CACHE_DIR", str(tmp_path / "cache"))
    _forget_templates()
    expected = render_docx(sample_drafts[0])
    (cached,) = (tmp_path / "cache" / "templates").glob("*.json")
    for damage in ("{not json", json.dumps({"key": "another", "body": "<w:body/>"}), json.dumps([1, 2])):
        cached.write_text(damage, encoding="utf-8")
        _forget_templates()
        assert render_docx(sample_drafts[0]) == expected
        assert json.loads(cached.read_text(encoding="utf-8"))["key"] != "another"
    planted = json.loads(cached.read_text(encoding="utf-8"))  # a valid entry with a paragraph put in
    planted["body"] = planted["body"].replace("</w:body>", "<w:p><w:r><w:t>PLANTED</w:t></w:r></w:p></w:body>")
    for mode, read in ((0o600, True), (0o666, False)):  # ours is read; one others may write is not
        cached.write_text(json.dumps(planted), encoding="utf-8")
        cached.chmod(mode)
        _forget_templates()
        assert (b"PLANTED" in _document(render_docx(sample_drafts[0]))) is read


def _document(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


def test_an_edited_template_is_prepared_again_not_served_from_the_cache(sample_drafts, monkeypatch, tmp_path):
    monkeypatch.setenv("KLAUSUL_CACHE_DIR", str(tmp_path / "cache"))
    _forget_templates()
    render_docx(sample_drafts[0])
    header = "word/header1.xml"
    with zipfile.ZipFile(io.BytesIO(default_template())) as z:
        assert b"header_note" in z.read(header)
    edited = replace_in_part(default_template(), header, "header_note", "title")
    _forget_templates()
    data = render_docx(sample_drafts[0], edited, "house.docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        text = "".join(etree.fromstring(z.read(header)).itertext())
    assert sample_drafts[0].title in text
    assert len(list((tmp_path / "cache" / "templates").glob("*.json"))) == 2


def test_a_build_from_a_prepared_template_imports_neither_docxtpl_nor_python_docx(tmp_path):
    script = ("import sys\n"
              "from pathlib import Path\n"
              "from generator.library.open import open_library\n"
              "from generator.draft.assemble import assemble\n"
              "from generator.render.docx import render_docx\n"
              f"draft = assemble(open_library(Path({str(REPO)!r}))[0], {SAMPLES[0]!r})\n"
              "data = render_docx(draft)\n"
              "print(len(data), 'docxtpl' in sys.modules, 'docx' in sys.modules)\n")
    env = {"KLAUSUL_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    size, *imported = first.stdout.split()
    assert imported == ["True", "True"]  # the first build prepares the template with them
    assert second.stdout.split() == [size, "False", "False"]


def _plain(inlines) -> str:
    out = []
    for item in inlines:
        if isinstance(item, Text):
            out.append(item.text)
        elif isinstance(item, Styled):
            out.append(_plain(item.children))
        elif isinstance(item, Link):
            out.append(_plain(item.children) + (f" ({item.url})" if item.url else ""))
    return " ".join("".join(out).split())


def _expected_paragraphs(clause) -> list[str]:
    """The clause's heading and the text of its paragraphs and list items, in order."""
    out = [" ".join(clause.title.split())]

    def walk(blocks):
        for block in blocks:
            if isinstance(block, Paragraph):
                out.append(_plain(block.inlines))
            elif isinstance(block, ListBlock):
                for item in block.items:
                    walk(item)
    walk(clause.blocks)
    return out


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    import writer_bench

    root = tmp_path_factory.mktemp("large") / "lib"
    names = writer_bench.make_library(root, (201,))
    draft = edition(assemble(open_library(root)[0], names[201]), "contract")
    return draft, render_docx(draft)


def test_a_large_draft_comes_out_whole_and_in_order(large):
    draft, data = large
    assert len(draft.clauses) == 201
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    body = root.find(f"{{{W}}}body")
    texts = [" ".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t")).split()) for p in body.iter(f"{{{W}}}p")]
    expected = [text for clause in draft.clauses for text in _expected_paragraphs(clause) if text]
    position = 0
    for text in expected:  # every clause heading and paragraph, each after the one before it
        position = texts.index(text, position) + 1
    marks = [b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert sum(1 for m in marks if m.startswith("_Kl_")) == len(draft.clauses)
    assert body[-1].tag == f"{{{W}}}sectPr"  # the template's section settings still close the body
    assert writer._MARKER_TEXT.encode() not in data


def test_a_large_draft_passes_the_schema_check(large):
    assert_valid_docx(large[1])


@needs_soffice
def test_a_large_draft_opens_in_libreoffice_with_its_last_clause(large, tmp_path):
    draft, data = large
    path = tmp_path / "large.docx"
    path.write_bytes(data)
    text = pdf_texts([path], tmp_path)["large.docx"]
    assert " ".join(draft.clauses[-1].title.split()) in text and " ".join(draft.clauses[0].title.split()) in text


@pytest.mark.parametrize("xml", ["<w:p><w:r><w:t>unclosed</w:r></w:p>", "<w:p><q:r/></w:p>",
                                 "<w:p><w:r><w:t>\x01</w:t></w:r></w:p>", "<w:p>&nbsp;</w:p>"])
def test_a_body_that_is_not_well_formed_fails_the_build(sample_drafts, xml):
    from generator.core.errors import OutputError

    with pytest.raises(OutputError, match="body is not well-formed XML"):
        render_docx(sample_drafts[0], make_body=lambda draft, numbering: xml)


_CELL_LOOP = ('<w:tbl><w:tblPr><w:tblW w:w="4000" w:type="dxa"/></w:tblPr><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid>'
              '<w:tr><w:tc><w:p><w:r><w:t>{%tc for p in parties %}</w:t></w:r></w:p></w:tc>'
              '<w:tc><w:p><w:r><w:t>{{ p.name }}</w:t></w:r></w:p></w:tc>'
              '<w:tc><w:p><w:r><w:t>{%tc endfor %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
              '<w:p><w:r><w:t xml:space="preserve">{{ title }}\tafter a tab</w:t></w:r></w:p>')


def test_a_template_renders_as_docxtpl_renders_it_cell_loops_and_tabs_included(sample_drafts):
    """The prepared path against docxtpl itself: a cell loop that widens a table (docxtpl's grid fix), a tab
    in the text (docxtpl's listing rewrite), the headers, footers and footnotes; the body where the marker was."""
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined

    from generator.render.template_guard import TemplateEnvironment

    template = _with_cell_loop(default_template())
    draft = sample_drafts[1]
    seen = {}

    def recorded(d, numbering):
        seen["body"] = writer.body(d, numbering)
        return seen["body"]

    _forget_templates()
    ours = render_docx(draft, template, "loops.docx", make_body=recorded)
    reference = DocxTemplate(io.BytesIO(template))
    reference.render(writer._context(draft, writer.RawXml(writer._BODY_MARKER)),
                     jinja_env=TemplateEnvironment(undefined=StrictUndefined, autoescape=True), autoescape=True)
    expected = etree.tostring(reference.docx.element, encoding="UTF-8", standalone=True)
    marker = writer._BODY_MARKER.encode()
    # the loop's two cells widened the one-column grid into two halves; the tab became a w:tab
    assert expected.count(marker) == 1 and b"<w:tab/>" in expected
    assert b'<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>' in expected
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert z.read("word/document.xml") == expected.replace(marker, writer._canonical(seen["body"]).encode())
        for rel in reference.docx.part.rels.values():
            if rel.reltype.endswith(("/header", "/footer", "/footnotes")):
                assert z.read(rel.target_part.partname.membername) == rel.target_part.blob
        assert f"Note on {draft.title}".encode() in z.read("word/footnotes.xml")


_FOOTNOTES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
              '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
              '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
              '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Note on {{ title }}</w:t></w:r></w:p></w:footnote>'
              '</w:footnotes>')


def _with_cell_loop(template: bytes) -> bytes:
    """The template with a cell loop and a tab before its body paragraph, and a footnotes part."""
    with zipfile.ZipFile(io.BytesIO(template)) as z:
        document = z.read("word/document.xml").decode("utf-8")
    at = document.index("{{p body }}")
    at = document.rindex("<w:p>", 0, at) if "<w:p>" in document[:at] else document.rindex("<w:p ", 0, at)
    template = replace_in_part(template, "word/document.xml", document[at:at + 40], _CELL_LOOP + document[at:at + 40])
    template = replace_in_part(template, "[Content_Types].xml", "</Types>",
                               '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                               'officedocument.wordprocessingml.footnotes+xml"/></Types>')
    template = replace_in_part(template, "word/_rels/document.xml.rels", "</Relationships>",
                               '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                               'relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/footnotes.xml", _FOOTNOTES)
    return out.getvalue()
