"""What a build writes: atomically, reproducibly, clean of outside references and personal data, valid.

Every agreement of three libraries is built: the small hardening library, the test library and the
shipped sample library (whatever agreements it holds today), each into its own temporary folder.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import generator.render as render_module
from generator.draft.assemble import assemble
from generator.cli import cli
from generator.library.open import open_library
from generator.render.docx import default_template

from tests.conftest import DATA, REPO
from tests.ooxml_validity import assert_valid_docx, needs_soffice, ooxml_findings, pdf_texts

HARDENING = DATA / "hardening" / "library"
LIBRARIES = {"hardening": HARDENING, "test": DATA / "library", "shipped": REPO}
CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


def _copy(source: Path, target: Path) -> Path:
    for folder in ("clauses", "services", "catalogs", "agreements", "templates"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


def _build(root: Path, out: Path, *args: str) -> None:
    # --debug: a bug surfaces here as its traceback, not as exit 70
    result = CliRunner().invoke(cli, ["--root", str(root), "--debug", "build", "--out", str(out), "--format", "docx",
                                      "--format", "md", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, tuple[Path, Path, Path]]:
    """library name → (library copy, first build, second build)."""
    out = {}
    for name, source in LIBRARIES.items():
        base = tmp_path_factory.mktemp(name)
        root = _copy(source, base / "lib")
        _build(root, base / "a")
        _build(root, base / "b")
        out[name] = (root, base / "a", base / "b")
    return out


# --- reproducible --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", LIBRARIES)
def test_two_builds_are_byte_identical(builds, name):
    _root, first, second = builds[name]
    assert len(list(first.glob("*.docx"))) >= 1
    assert _hashes(first) == _hashes(second)


def test_a_build_in_another_process_time_zone_hash_seed_and_folder_is_identical(builds, tmp_path):
    root, first, _ = builds["hardening"]
    env = dict(os.environ, TZ="America/Los_Angeles", PYTHONHASHSEED="12345", LC_ALL="C", LANG="C")
    done = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), "build", "--out",
                           str(tmp_path / "c"), "--format", "docx", "--format", "md"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _hashes(tmp_path / "c") == _hashes(first)


def test_undated_draft_takes_its_date_from_source_date_epoch(tmp_path):
    root = _copy(HARDENING, tmp_path / "lib")
    path = root / "agreements" / "first.yaml"
    path.write_text(path.read_text().replace("date: 2027-05-01\n", ""))
    outs = []
    for name in ("x", "y"):
        env = dict(os.environ, SOURCE_DATE_EPOCH="1800000000")  # 2027-01-15
        done = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), "build", "first",
                               "--out", str(tmp_path / name)], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outs.append(tmp_path / name)
    assert _hashes(outs[0]) == _hashes(outs[1])
    core = _part(outs[0] / "first.docx", "docProps/core.xml")
    assert core.findtext("dcterms:created", namespaces=CORE).startswith("2027-01-15")


# --- nothing lost --------------------------------------------------------------------------------

def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() if p.is_file() else b"<folder>" for p in sorted(folder.iterdir())}


def _edit_clause(root: Path) -> None:
    path = root / "clauses" / "prose.yaml"
    path.write_text(path.read_text().replace("guidelines.", "guidelines and policies."))


def test_second_agreement_failing_mid_build_leaves_its_earlier_files_untouched(tmp_path, monkeypatch):
    root = _copy(HARDENING, tmp_path / "lib")
    out = tmp_path / "out"
    _build(root, out)
    before = _snapshot(out)
    _edit_clause(root)  # every file of both agreements would change

    original = render_module.WRITERS["coverage.md"]

    def failing_for_second(draft, **options):
        if draft.id == "second":  # docx, md and coverage.json of `second` are rendered by then
            raise RuntimeError("writer crashed")
        return original[1](draft, **options)

    monkeypatch.setitem(render_module.WRITERS, "coverage.md", (original[0], failing_for_second))
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--out", str(out), "--format", "docx",
                                      "--format", "md"])
    assert result.exit_code == 70 and "Traceback" not in result.stderr
    after = _snapshot(out)
    assert sorted(after) == sorted(before)  # no temporary file left behind
    assert _of(after, "second") == _of(before, "second")
    # Whether `first` was written before the crash depends on the order workers finish in; either
    # way its files are one set: all of the earlier build or all of a good new one.
    monkeypatch.undo()
    _build(root, tmp_path / "fresh")
    fresh = _snapshot(tmp_path / "fresh")
    assert _of(after, "first") in (_of(before, "first"), _of(fresh, "first"))
    assert _of(fresh, "first") != _of(before, "first")


def test_folder_in_the_way_of_the_second_agreement_keeps_its_earlier_files(tmp_path):
    root = _copy(HARDENING, tmp_path / "lib")
    out = tmp_path / "out"
    _build(root, out)
    before = _snapshot(out)
    (out / "second.coverage.md").unlink()
    (out / "second.coverage.md").mkdir()
    _edit_clause(root)
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--out", str(out), "--format", "docx",
                                      "--format", "md"])
    assert result.exit_code == 3 and "Traceback" not in result.stderr
    assert "second.coverage.md: cannot write the output" in result.stderr
    after = _snapshot(out)
    assert sorted(after) == sorted(before)  # no temporary files
    assert after["second.docx"] == before["second.docx"] and after["second.md"] == before["second.md"]
    assert after["second.coverage.json"] == before["second.coverage.json"]
    assert after["first.docx"] != before["first.docx"]  # the first agreement was built and written


def _of(files: dict[str, bytes], agreement: str) -> dict[str, bytes]:
    return {n: d for n, d in files.items() if n.startswith(f"{agreement}.")}


def test_disk_full_while_writing_removes_partial_files(tmp_path):
    """A real write failure: the process may write files of at most 4 KiB (EFBIG past that)."""
    root = _copy(HARDENING, tmp_path / "lib")
    out = tmp_path / "out"
    _build(root, out)
    before = _snapshot(out)
    _edit_clause(root)

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), "build", "--out", str(out),
                           "--format", "docx", "--format", "md"], preexec_fn=small_files,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    assert "cannot write output" in done.stderr and "Traceback" not in done.stderr
    assert _snapshot(out) == before  # same names (no partial temp files), same bytes


# --- clean files ---------------------------------------------------------------------------------

def _part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(name))


def _leaks(docx: Path, library: Path) -> list[str]:
    """Outside references, macros, local paths and user names anywhere in the package."""
    found = []
    user = getpass.getuser()
    paths = re.compile(rb"(/tmp/|/home/|/root/|/Users/|[A-Za-z]:\\\\|file:|%s|%s)"
                       % (re.escape(str(library.resolve()).encode()), re.escape(str(Path.cwd()).encode())))
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            data = z.read(name)
            if re.search(r"vbaProject|vbaData|activeX|oleObject|embeddings/", name, re.I):
                found.append(f"{name}: active or embedded content")
            if match := paths.search(data):
                found.append(f"{name}: path {match.group().decode(errors='replace')}")
            # The clause text may say "root cause"; metadata and markup must not name the user.
            markup = re.sub(rb"<w:t(?: [^>]*)?>[^<]*</w:t>", b"", data)
            if re.search(rb"\b%s\b" % re.escape(user.encode()), markup):
                found.append(f"{name}: the user name {user}")
            if name.endswith(".rels"):
                for rel in etree.fromstring(data):
                    if rel.get("TargetMode") == "External":
                        found.append(f"{name}: external {rel.get('Type')} -> {rel.get('Target')}")
    return found


@pytest.mark.parametrize("name", LIBRARIES)
def test_files_hold_no_outside_reference_macro_path_or_user_name(builds, name):
    root, first, _ = builds[name]
    for docx in sorted(first.glob("*.docx")):
        assert _leaks(docx, root) == [], docx.name


@pytest.mark.parametrize("name", LIBRARIES)
def test_properties_come_from_the_agreement(builds, name):
    root, first, _ = builds[name]
    library = open_library(root)[0]
    for spec in library.agreements.values():
        docx = first / f"{spec.id}.docx"
        customer = next(p.name for p in spec.parties if p.role == "customer")
        core = _part(docx, "docProps/core.xml")
        assert core.findtext("dc:title", namespaces=CORE) == spec.title
        assert core.findtext("dc:creator", namespaces=CORE) == customer
        assert core.findtext("cp:lastModifiedBy", namespaces=CORE) == customer
        assert core.findtext("cp:version", namespaces=CORE) == spec.version
        if spec.date:
            assert core.findtext("dcterms:created", namespaces=CORE).startswith(spec.date)
            assert core.findtext("dcterms:modified", namespaces=CORE).startswith(spec.date)
        app = _part(docx, "docProps/app.xml")
        assert {el.tag.removeprefix(APP): el.text or "" for el in app} == {
            "Application": "Klausul", "DocSecurity": "0", "ScaleCrop": "false", "Company": customer,
            "LinksUpToDate": "false", "SharedDoc": "false", "HyperlinksChanged": "false"}


def _template_with_personal_metadata() -> bytes:
    out = io.BytesIO()
    planted = {
        "docProps/app.xml": (b"<Template></Template>", b"<Template>C:\\Users\\anna\\Normal.dotm</Template>"
                             b"<Manager>Anna Andersson</Manager>"),
        "docProps/core.xml": (b"<dc:creator/><cp:keywords/><dc:description/><cp:lastModifiedBy/>",
                              b"<dc:creator>anna</dc:creator><cp:keywords>internal</cp:keywords><dc:description>"
                              b"Saved from C:\\Users\\anna\\Documents</dc:description><cp:lastModifiedBy>anna"
                              b"</cp:lastModifiedBy>"),
    }
    with zipfile.ZipFile(io.BytesIO(default_template())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in planted:
                old, new = planted[item.filename]
                assert old in data, item.filename
                data = data.replace(old, new)
            dst.writestr(item.filename, data)
    return out.getvalue()


def test_template_metadata_does_not_reach_the_draft(tmp_path):
    root = _copy(HARDENING, tmp_path / "lib")
    template = tmp_path / "house.docx"
    template.write_bytes(_template_with_personal_metadata())
    _build(root, tmp_path / "out", "first", "--template", str(template))
    with zipfile.ZipFile(tmp_path / "out" / "first.docx") as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert b"anna" not in blob.lower() and b"Normal.dotm" not in blob and b"Users" not in blob
    assert _leaks(tmp_path / "out" / "first.docx", root) == []


# --- validity gate -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", LIBRARIES)
def test_every_generated_docx_passes_the_validity_gate(builds, name):
    _root, first, _ = builds[name]
    for docx in sorted(first.glob("*.docx")):
        assert_valid_docx(docx)


def _broken(data: bytes, part: str) -> bytes:
    """The package with an element the schema does not allow appended to one part's root."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == part:
                root = etree.fromstring(content)
                namespace = etree.QName(root).namespace
                root.append(etree.Element(f"{{{namespace}}}bogus"))
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "word/numbering.xml",
                                  "word/settings.xml", "word/header1.xml", "word/footer1.xml",
                                  "word/fontTable.xml", "docProps/core.xml", "docProps/app.xml"])
def test_the_gate_catches_a_schema_error_in_each_part(builds, part):
    """The gate can fail: an unknown element in any checked part is reported with that part."""
    _root, first, _ = builds["hardening"]
    data = (first / "first.docx").read_bytes()
    assert ooxml_findings(data) == []
    findings = ooxml_findings(_broken(data, part))
    assert any(f"/{part}" in f for f in findings), findings


@needs_soffice
def test_every_generated_docx_converts_to_a_pdf_with_its_titles_and_values(builds, tmp_path):
    drafts, documents = {}, []
    for name, (root, first, _) in builds.items():
        library = open_library(root)[0]
        for agreement in sorted(library.agreements):
            target = tmp_path / f"{name}-{agreement}.docx"
            shutil.copy(first / f"{agreement}.docx", target)
            drafts[target.name] = assemble(library, agreement)
            documents.append(target)
    texts = pdf_texts(documents, tmp_path)
    for document, draft in drafts.items():
        text = texts[document]
        for clause in draft.clauses:
            assert " ".join(clause.title.split()) in text, (document, clause.id)
        values = [v for c in draft.clauses for v in c.values.values()]
        assert values, document
        assert any(" ".join(v.replace("\u00a0", " ").split()) in text for v in values), document
