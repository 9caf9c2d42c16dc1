"""Bad input that is not one YAML fixture: bytes, sizes, bombs, templates, output paths, Jinja payloads.

Every case runs through the command line and checks the exit code, the message (file and line and
code where the problem lies in the library), that no traceback is printed and that no output file
appears. The YAML fixtures under tests/data/invalid/ run through `validate` in test_validate.py;
here they also run through `build` and `coverage`.
"""

from __future__ import annotations

import io
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.render.docx import default_template

from tests.conftest import DATA
from tests.docx_reading import all_text
from tests.test_validate import INVALID, _add, _expectation

HARDENING = DATA / "hardening" / "library"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """A writable copy of the small hardening library (agreements `first` and `second`)."""
    root = tmp_path / "lib"
    shutil.copytree(HARDENING, root)
    return root


def _clean(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def _expect_problem(result, where: str, code: str) -> None:
    _clean(result)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert where in result.stderr and f"[{code}]" in result.stderr, result.stderr


# --- every YAML fixture through build and coverage as well -------------------------------------

@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_fixture_stops_build_and_coverage(library, klausul, fixture):
    code, line, _key = _expectation(fixture)
    rel = _add(library, fixture)
    build = klausul(library, "build")
    _expect_problem(build, f"{rel}:{line}:", code)
    assert not (library / "output").exists()
    _expect_problem(klausul(library, "coverage", "pilot"), f"{rel}:{line}:", code)


# --- bytes and sizes -----------------------------------------------------------------------------

def _clause_titled(title: str) -> bytes:
    """The prose clause under a new id, its English title (line 7) written as given."""
    text = (HARDENING / "clauses" / "prose.yaml").read_text(encoding="utf-8").replace("id: prose", "id: bytes")
    return text.replace("en: Plain prose}", f"en: {title}}}").encode("utf-8")


BYTE_CASES = {
    # read by the loader: the file cannot be parsed as it is
    "latin-1": ("id: bytes\ntitle: {sv: Sj\xe4lv}\n".encode("latin-1"), 2, "not-utf8"),
    "utf-16 with its byte-order mark": ("id: bytes\n".encode("utf-16"), 1, "not-utf8"),
    "utf-32": ("id: bytes\n".encode("utf-32"), 1, "not-utf8"),
    "invalid utf-8 sequence": (b"id: bytes\n\n\ntitle: \xc3\x28\n", 4, "not-utf8"),
    "raw NUL": (b"id: bytes\nversion: 1.0.0\ntitle: a\x00b\n", 3, "forbidden-character"),
    "raw C1 control": ("id: bytes\ntitle: a\x9bb\n".encode("utf-8"), 2, "forbidden-character"),
    "oversized file": (b"id: bytes\ntitle: " + b"x" * (1024 * 1024) + b"\n", 1, "file-too-large"),
    "impossible date": (b"id: bytes\ndate: 2027-02-30\n", 2, "yaml-value"),
    "5,000-digit number": (b"id: bytes\norder: " + b"9" * 5000 + b"\n", 2, "yaml-value"),
    "null key": (b"id: bytes\n~: nothing\n", 2, "yaml-key"),
    # written as YAML escapes: parsed, then refused by validation because XML cannot carry them
    "escaped U+0008": (_clause_titled('"a\\bb"'), 7, "forbidden-character"),
    "escaped U+001F": (_clause_titled('"a\\x1fb"'), 7, "forbidden-character"),
    "escaped U+FFFE": (_clause_titled('"a\\uFFFEb"'), 7, "forbidden-character"),
    "escaped lone surrogate": (_clause_titled('"a\\uD800b"'), 7, "yaml-syntax"),  # libyaml refuses it
}


@pytest.mark.parametrize("content, line, code", BYTE_CASES.values(), ids=BYTE_CASES.keys())
def test_bad_bytes_are_named_with_file_and_line(lib, klausul, content, line, code):
    (lib / "clauses" / "bytes.yaml").write_bytes(content)
    _expect_problem(klausul(lib, "validate"), f"clauses/bytes.yaml:{line}:", code)


def test_leading_byte_order_mark_is_read_and_lines_stay_right(lib, klausul):
    # Windows editors write one; it carries no meaning in UTF-8, so it is read past, not refused.
    path = lib / "clauses" / "prose.yaml"
    text = path.read_text(encoding="utf-8").replace("category: governance", "category: weather")
    path.write_bytes("\ufeff".encode("utf-8") + text.encode("utf-8"))
    _expect_problem(klausul(lib, "validate"), "clauses/prose.yaml:4: category:", "schema")


def test_empty_library_and_missing_library(tmp_path, klausul):
    (tmp_path / "agreements").mkdir()
    _expect_problem(klausul(tmp_path, "validate"), ".:1:", "empty-library")
    _expect_problem(klausul(tmp_path, "build"), ".:1:", "empty-library")
    missing = klausul(tmp_path / "nowhere", "validate")
    _clean(missing)
    assert missing.exit_code == 2 and "no such directory" in missing.stderr


def test_agreement_without_services_cannot_be_built(lib, klausul):
    path = lib / "agreements" / "first.yaml"
    path.write_text(path.read_text().replace("services: [office]", "services: []"))
    _expect_problem(klausul(lib, "build", "first"), "agreements/first.yaml:9: services:", "schema")


# --- bombs and depth, in a separate process with a memory limit --------------------------------

def _klausul_process(root: Path, *args: str, memory_mib: int = 256) -> subprocess.CompletedProcess:
    """The real console entry point in its own process, its address space capped at memory_mib."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mib * 2**20, memory_mib * 2**20))

    # The timeout only keeps a hang from stalling the suite; nothing here asserts on speed.
    return subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(root), *args],
                          capture_output=True, text=True, preexec_fn=limit, timeout=120)


def _billion_laughs() -> str:
    levels = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(levels) + "\n"  # 10**9 strings once expanded


@pytest.mark.parametrize("name, content, line, code", [
    ("bomb.yaml", _billion_laughs(), 1, "yaml-alias"),
    # libyaml's composer recurses in C: 200,000 levels crash the process unless refused first.
    ("deep.yaml", "id: deep\nx: " + "[" * 200_000 + "]" * 200_000 + "\n", 2, "yaml-depth"),
    ("deep-blocks.yaml", "id: deep\nx:\n" + "".join("  " * i + "-\n" for i in range(25)), 22, "yaml-depth"),
], ids=["billion-laughs", "200000-flow-levels", "25-block-levels"])
def test_bombs_are_refused_within_bounded_memory(lib, name, content, line, code):
    (lib / "clauses" / name).write_text(content)
    done = _klausul_process(lib, "validate")
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])  # not killed, not out of memory
    assert f"clauses/{name}:{line}:" in done.stderr and f"[{code}]" in done.stderr
    assert "Traceback" not in done.stderr


# --- templates -----------------------------------------------------------------------------------

def _template_with(extra: dict[str, bytes] | None = None,
                   replace: dict[str, tuple[bytes, bytes]] | None = None) -> bytes:
    """The shipped template with parts added or text replaced in parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default_template())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if replace and item.filename in replace:
                old, new = replace[item.filename]
                assert old in data
                data = data.replace(old, new)
            dst.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


_SETTINGS_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                  b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                  b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:/Users/'
                  b'anna/AppData/Roaming/Microsoft/Templates/House.dotm" TargetMode="External"/></Relationships>')


def _zip_bomb() -> bytes:
    return _template_with({"word/media/filler.bin": b"\0" * (65 * 2**20)})


TEMPLATES = {
    "not a zip": (lambda: b"%PDF-1.7 this is not a Word file", "not a Word file"),
    "truncated zip": (lambda: default_template()[:4000], "not a Word file"),
    "zip without a document": (lambda: _zip_of({"hello.txt": b"hi"}), "not a Word document"),
    "vbaProject.bin macros": (lambda: _template_with({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), "macros"),
    "macro-enabled content type": (lambda: _template_with(replace={"[Content_Types].xml": (
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")}), "macros"),
    "attached template on a local path": (lambda: _template_with({"word/_rels/settings.xml.rels": _SETTINGS_RELS}),
                                          "links to an outside file"),
    "zip bomb": (_zip_bomb, "unpacks to more than"),
}


def _zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("make, message", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_unusable_template_is_refused_from_the_agreement_and_the_option(lib, klausul, tmp_path, make, message):
    (lib / "templates").mkdir()
    (lib / "templates" / "house.docx").write_bytes(make())
    path = lib / "agreements" / "first.yaml"
    path.write_text(path.read_text() + "template: templates/house.docx\n")
    result = klausul(lib, "build", "first")
    _clean(result)
    assert result.exit_code == 3 and message in result.stderr and "house.docx" in result.stderr, result.stderr
    assert not (lib / "output").exists()
    option = klausul(lib, "build", "second", "--template", str(lib / "templates" / "house.docx"))
    _clean(option)
    assert option.exit_code == 3 and message in option.stderr
    assert not (lib / "output").exists()


def test_template_symlinked_out_of_the_library_is_refused(lib, klausul, tmp_path):
    outside = tmp_path / "outside.docx"
    outside.write_bytes(default_template())
    (lib / "templates").mkdir()
    (lib / "templates" / "house.docx").symlink_to(outside)
    path = lib / "agreements" / "first.yaml"
    path.write_text(path.read_text() + "template: templates/house.docx\n")
    result = klausul(lib, "build", "first")
    _clean(result)
    assert result.exit_code == 3 and "agreements/first.yaml" in result.stderr and "outside the library" in result.stderr


def test_missing_template_is_exit_3(lib, klausul):
    path = lib / "agreements" / "first.yaml"
    path.write_text(path.read_text() + "template: templates/missing.docx\n")
    result = klausul(lib, "build", "first")
    _clean(result)
    assert result.exit_code == 3 and "cannot read the template" in result.stderr


# --- output paths --------------------------------------------------------------------------------

def test_output_folder_that_is_a_file(lib, klausul, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder")
    usage = klausul(lib, "build", "--out", str(blocker))  # click refuses it before anything runs
    _clean(usage)
    assert usage.exit_code == 2 and "is a file" in usage.stderr
    below = klausul(lib, "build", "--out", str(blocker / "sub"))
    _clean(below)
    assert below.exit_code == 3 and "cannot create the output directory" in below.stderr
    assert blocker.read_text() == "a file, not a folder"


def test_folder_in_the_way_of_one_output_replaces_none_of_that_agreement(lib, klausul, tmp_path):
    out = tmp_path / "out"
    assert klausul(lib, "build", "first", "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "first.coverage.md").unlink()
    (out / "first.coverage.md").mkdir()
    path = lib / "clauses" / "prose.yaml"
    path.write_text(path.read_text().replace("guidelines.", "guidelines and policies."))
    result = klausul(lib, "build", "first", "--out", str(out))
    _clean(result)
    assert result.exit_code == 3 and "first.coverage.md: cannot write the output" in result.stderr
    assert (out / "first.docx").read_bytes() == before["first.docx"]  # the set is not half replaced
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # no temporary files


def test_output_symlink_is_replaced_not_written_through(lib, klausul, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    (out / "first.docx").symlink_to(precious)
    assert klausul(lib, "build", "first", "--out", str(out)).exit_code == 0
    assert precious.read_text() == "keep me"
    assert not (out / "first.docx").is_symlink() and zipfile.is_zipfile(out / "first.docx")


# --- Jinja payloads where clause-text validation does not look ---------------------------------

PAYLOADS = ["{{ ''.__class__.__mro__ }}", "{% import 'os' as os %}{{ os.getcwd() }}", "{{ 7*7 }}",
            "{{ cycler.__init__.__globals__.os }}", "{#", "{_{ title }_}"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_syntax_outside_clause_text_comes_out_literally(lib, klausul, tmp_path, payload):
    """Agreement title, party names, scope, service and catalog texts are data, never template."""
    quoted = payload.replace("'", "''")
    agreement = lib / "agreements" / "first.yaml"
    agreement.write_text(agreement.read_text()
                         .replace("title: First hardening agreement", f"title: 'Title {quoted}'")
                         .replace("name: Steady Ops AB", f"name: 'Steady {quoted}'")
                         + f"scope: 'Scope {quoted} end.'\n")
    service = lib / "services" / "office.yaml"
    service.write_text(service.read_text().replace("en: Computers, printers and support.",
                                                   f"en: 'Computers {quoted}'"))
    catalog = lib / "catalogs" / "hard.yaml"
    catalog.write_text(catalog.read_text().replace("en: Alerting}", f"en: 'Alerting {quoted}'}}"))
    out = tmp_path / "out"
    result = klausul(lib, "build", "first", "--out", str(out), "--format", "docx", "--format", "md")
    _clean(result)
    assert result.exit_code == 0, result.stderr
    text = all_text(out / "first.docx")
    for field in (f"Title {payload}", f"Steady {payload}", f"Computers {payload}", f"Alerting {payload}"):
        assert field in text, field
    markdown = re.sub(r"\\(.)", r"\1", (out / "first.md").read_text(encoding="utf-8"))  # as it renders
    assert f"Title {payload}" in markdown and f"Steady {payload}" in markdown
    # The scope is Markdown: `__x__` may turn bold, but the template markers stay text.
    scope = next(line for line in text.splitlines() if line.startswith("Scope "))
    assert all(marker in scope for marker in ("{{", "{%", "{#") if marker in payload), scope
    assert "49" not in text and "<class" not in text and str(Path.cwd()) not in text


# --- debug ---------------------------------------------------------------------------------------

def test_debug_shows_the_traceback_of_a_user_error_only_when_asked(lib, klausul):
    from click.testing import CliRunner

    from generator.cli import cli

    quiet = klausul(lib, "coverage", "nope")
    _clean(quiet)
    assert quiet.exit_code == 2
    loud = CliRunner().invoke(cli, ["--root", str(lib), "--debug", "coverage", "nope"])
    assert loud.exit_code == 2 and "Traceback" in loud.stderr and "unknown agreement 'nope'" in loud.stderr
