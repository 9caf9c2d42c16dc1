"""The second hardening round (issue 16): whole-batch failures, metadata that depends on what else is
installed, denial of service, injection, special files and processes.

Each test names the class of failure it guards; most run the real command line, several in their own
process (FIFOs, /dev/zero, /dev/full, a killed parent), with a timeout that only keeps a hang from
stalling the suite: nothing asserts on speed (bench/pathological.py measures the curves).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import generator.render as render_module
from generator.cli import cli
from generator.draft.markup import parse
from generator.core.model import Link, Paragraph, Text
from generator.render.docx import default_template
from generator.render import markdown as markdown_writer

from tests.conftest import DATA

HARDENING = DATA / "hardening" / "library"
CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(HARDENING, root)
    return root


def _run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def _process(root: Path, *args: str, timeout: int = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], capture_output=True,
                          timeout=timeout, **kw)


def _clean(result) -> None:
    out = result.stdout + result.stderr
    assert "Traceback" not in (out if isinstance(out, str) else out.decode("utf-8", "replace")), out


def _core(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read("docProps/core.xml"))


# --- one agreement's failure is that agreement's; core properties written by Klausul -----------

def test_any_exception_in_one_agreement_leaves_the_others_built(lib, monkeypatch):
    original = render_module.WRITERS["coverage.md"]

    def crash_for_second(draft, **options):
        if draft.id == "second":
            raise ValueError("a bug in a writer")
        return original[1](draft, **options)

    monkeypatch.setitem(render_module.WRITERS, "coverage.md", (original[0], crash_for_second))
    result = _run(lib, "build", "--jobs", "1")
    _clean(result)
    assert result.exit_code == 70
    assert "second: internal error while building (ValueError)" in result.stderr
    assert (lib / "output" / "first.docx").is_file() and not (lib / "output" / "second.docx").exists()
    assert "built 1, failed 1" in result.stderr


def test_a_title_of_300_characters_builds_and_reaches_core_properties(lib):
    title = "Avtal " + "x" * 294
    path = lib / "agreements" / "first.yaml"
    path.write_text(path.read_text().replace("title: First hardening agreement", f"title: {title}"))
    result = _run(lib, "build", "first")
    _clean(result)
    assert result.exit_code == 0, result.stderr
    assert _core(lib / "output" / "first.docx").findtext("dc:title", namespaces=CORE) == title


def test_core_properties_do_not_depend_on_the_prefix_table_another_package_changes(lib, monkeypatch):
    """docxcompose (loaded by docxtpl when installed) points python-docx's `cp` prefix at the custom
    properties namespace; CI also runs the whole suite with docxcompose really installed."""
    from docx.oxml import ns

    monkeypatch.setitem(ns.nsmap, "cp", "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties")
    result = _run(lib, "build", "first")
    assert result.exit_code == 0, result.stderr
    core = _core(lib / "output" / "first.docx")
    assert {etree.QName(e).namespace for e in core} <= set(CORE.values())
    assert core.findtext("cp:keywords", namespaces=CORE) == "first"
    assert core.findtext("cp:lastModifiedBy", namespaces=CORE) == "Hardby Municipality"
    assert core.findtext("cp:revision", namespaces=CORE) == "1"


# --- pathological text: nesting bounded with a message; links parsed without dropping text ------

def _clause_text(root: Path, text: str) -> None:
    path = root / "clauses" / "prose.yaml"
    body = "".join(f"    {line}\n" for line in text.split("\n"))
    data = path.read_text()
    start = data.index("text:")
    end = data.index("\n", data.index("  en:", start))
    path.write_text(data[:start] + "text:\n  sv: |\n" + body + "  en: |\n" + body + data[end + 1:])


@pytest.mark.parametrize("nested", ["> " * 300 + "quoted", "\n".join("    " * i + "- level" for i in range(110)),
                                    "\n".join("  " * i + "- level" for i in range(170))],
                         ids=["quotes", "4-space list", "2-space list"])
def test_deep_nesting_is_refused_with_file_and_line(lib, nested):
    _clause_text(lib, "The Supplier shall act.\n\n" + nested)
    for command in (["validate"], ["build"]):
        result = _process(lib, *command)
        _clean(result)
        assert result.returncode == 1
        assert b"clauses/prose.yaml:" in result.stderr and b"[nesting-too-deep]" in result.stderr


def test_thousands_of_unclosed_brackets_and_placeholders_build(lib):
    """The inputs that took minutes (bench/pathological.py shows the curves) build to a readable draft."""
    _clause_text(lib, "The Supplier shall act " + "[" * 3000 + " and " + "[a](b " * 2000 + ".")
    result = _run(lib, "build", "first", "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert "\\[" * 3000 in (lib / "output" / "first.md").read_text()


def test_links_keep_every_word_and_references_stay_literal():
    blocks = parse("See [the guide](https://x.example/a_(b)) and [ref][id], ![logo](p.png).\n\n[id]: https://y")
    first = blocks[0].inlines
    assert Link((Text("the guide"),), "https://x.example/a_(b)") in first
    assert "[ref][id]" in "".join(i.text for i in first if isinstance(i, Text))
    assert blocks[1] == Paragraph((Text("[id]: https://y"),))  # a reference definition is not swallowed


# --- invisible characters and terminal escapes -----------------------------------------------

def test_every_format_character_but_the_joiner_is_refused():
    import unicodedata

    from generator.core.text import INVISIBLE

    format_characters = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    missed = [f"U+{ord(c):04X}" for c in format_characters - {"\u200d"} if not INVISIBLE.match(c)]
    assert missed == [] and not INVISIBLE.match("\u200d")
    assert all(INVISIBLE.match(chr(c)) for c in range(0x80, 0xA0))


def test_escape_sequences_never_reach_the_terminal(lib):
    result = _run(lib, "build", "\x1b]0;pwned\x07\x1b[2J")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "<U+001B>]0;pwned<U+0007>" in result.stderr
    from generator.core.text import visible

    assert visible("a\u202eb\tc\n") == "a<U+202E>b\tc\n"


# --- Markdown draft: no live script links, tables that hold multi-line values ------------------

@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:x", "file:///etc/passwd",
                                 "data:text/html,<script>", "https://a.example/x y", "vbscript:x"])
def test_markdown_links_to_anything_but_web_and_mail_are_text(url):
    out = markdown_writer.link("label", url)
    assert "](" not in out and out.startswith("label (")


def test_markdown_table_cells_keep_line_breaks_inside_the_row():
    lines = markdown_writer.table(["a", "b"], [["first\nsecond", "x"]])
    assert lines[2] == "| first<br>second | x |"


# --- inputs: size checked before reading, no blocking on special files ------------------------

def test_special_and_oversized_library_files_are_refused_unread(lib, tmp_path):
    os.mkfifo(lib / "clauses" / "fifo.yaml")
    with open(lib / "clauses" / "huge.yaml", "wb") as handle:
        handle.truncate(3 * 2**30)  # sparse: 3 GiB that would take 3 GiB of memory to read
    (tmp_path / "outside.yaml").write_text("id: outside\n")
    (lib / "clauses" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    (lib / "clauses" / "linked-folder").symlink_to(tmp_path, target_is_directory=True)
    (lib / "clauses" / os.fsdecode(b"bad-\xff.yaml")).write_text("id: bad\n")
    result = _process(lib, "validate", preexec_fn=_limit_memory)
    _clean(result)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 1, err
    for line in ("clauses/fifo.yaml:1: not a regular file", "clauses/huge.yaml:1: file is 3221225472 bytes",
                 "clauses/link.yaml:1: a symbolic link that leads outside the library [path-outside-library]",
                 "clauses/linked-folder:1: a symbolic link that leads outside",
                 "clauses/bad-\\xff.yaml:1: the file name is not UTF-8"):
        assert line in err, err


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20))


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_template_that_is_not_a_regular_file_is_refused(lib, tmp_path, special):
    path = tmp_path / "t.docx"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path = Path(special)
    result = _process(lib, "build", "first", "--template", str(path), preexec_fn=_limit_memory)
    _clean(result)
    assert result.returncode == 3 and b"is not a regular file" in result.stderr


def test_verify_does_not_unpack_a_bomb(tmp_path):
    from tests.gitrepo import GitRepo

    lib = GitRepo(tmp_path / "repo").root
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/custom.xml", b"<Properties>" + b" " * (400 * 2**20) + b"</Properties>")
    (tmp_path / "bomb.docx").write_bytes(bomb.getvalue())
    result = _process(lib, "verify", str(tmp_path / "bomb.docx"), preexec_fn=_limit_memory)
    _clean(result)
    assert result.returncode == 2 and b"custom document properties cannot be read" in result.stderr


# --- templates ---------------------------------------------------------------------------------

def _template(replace: dict[str, tuple[bytes, bytes]] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(default_template())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            for old, new in [(replace or {})[item.filename]] if item.filename in (replace or {}) else []:
                assert old in data, (item.filename, old)
                data = data.replace(old, new)
            dst.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


_BODY = b"{{p body }}"
_TITLE = b"{{ title }}"
_FIELD_RUNS = (b'</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDE</w:instrText>'
               b'</w:r><w:r><w:instrText>PICTURE "http://evil.example/t.png" \\d</w:instrText></w:r><w:r>'
               b'<w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>')
TEMPLATES = {
    "INCLUDETEXT in fldSimple": (lambda: _template({"word/document.xml": (_TITLE, _TITLE + b'</w:t></w:r>'
                                 b'<w:fldSimple w:instr=" INCLUDETEXT &quot;C:\\\\x.docx&quot; "/><w:r><w:t>')}),
                                 "fetches outside content"),
    "INCLUDEPICTURE split over instrText runs": (lambda: _template({"word/document.xml": (_TITLE, _TITLE + _FIELD_RUNS)}),
                                                 "fetches outside content"),
    "VBA project under another name": (lambda: _template(extra={"word/media/image9.png":
                                       b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512}), "embedded program"),
    "VBA content type": (lambda: _template({"[Content_Types].xml": (b"</Types>", b'<Override PartName="/word/x.bin" '
                         b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')}), "macros"),
    "lower-case TargetMode": (lambda: _template({"word/_rels/document.xml.rels": (b'Target="styles.xml"',
                              b'Target="styles.xml" TargetMode="external"')}), "TargetMode"),
    "malformed document.xml": (lambda: _template({"word/document.xml": (b"</w:body>", b"</w:bod>")}), "broken"),
    "division by zero": (lambda: _template({"word/document.xml": (_TITLE, b"{{ 1/0 }}")}), "not allowed"),
    "memory: string times a huge number": (lambda: _template({"word/document.xml": (_TITLE, b"{{ title*30000000 }}")}),
                                           "not allowed"),
    "CPU: range": (lambda: _template({"word/document.xml": (_TITLE, b"{% for i in range(99999) %}x{% endfor %}")}),
                   "not allowed"),
    "CPU: nested loops": (lambda: _template({"word/document.xml": (_TITLE, b"{% for a in parties %}{% for b in "
                                            b"parties %}x{% endfor %}{% endfor %}")}), "loops inside loops"),
    "300-deep nesting": (lambda: _template({"word/document.xml": (_TITLE, b"{{ " + b"(" * 300 + b"title" + b")" * 300
                                                                  + b" }}")}), "cannot be rendered"),
    "two body paragraphs": (lambda: _template({"word/document.xml": (_TITLE, _BODY)}), "2 {{p body }} paragraphs"),
    "bad deflate data": (lambda: _bad_deflate(), "not a Word file"),
}


def _bad_deflate() -> bytes:
    data = bytearray(_template())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/styles.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 10:start + 60] = b"\xff" * 50
    return bytes(data)


@pytest.mark.parametrize("make, message", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_template_problems_are_exit_3_with_a_message(lib, tmp_path, make, message):
    path = tmp_path / "house.docx"
    path.write_bytes(make())
    result = _process(lib, "build", "first", "--template", str(path), timeout=60)
    _clean(result)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 3, err
    assert message in err, err
    assert not (lib / "output" / "first.docx").exists()


def test_the_default_template_still_passes_the_guard(lib):
    result = _run(lib, "build")
    assert result.exit_code == 0, result.stderr


# --- output paths ------------------------------------------------------------------------------

def test_output_never_replaces_a_device_or_fifo(lib, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in ("/dev/null", str(fifo), "/dev/stdout"):
        result = _run(lib, "export", "requirements", "first", "-o", target)
        _clean(result)
        assert result.exit_code == 3, (target, result.stderr)
    assert Path("/dev/null").is_char_device() and fifo.is_fifo() and Path("/dev/stdout").is_symlink()


def test_dash_output_is_stdout(lib):
    result = _process(lib, "export", "requirements", "first", "--format", "xlsx", "-o", "-")
    assert result.returncode == 0 and result.stdout[:2] == b"PK"
    assert not (lib / "-").exists()
    import openpyxl

    assert openpyxl.load_workbook(io.BytesIO(result.stdout)).sheetnames


def test_a_full_disk_on_stdout_is_exit_3(lib):
    with open("/dev/full", "wb") as full:
        result = subprocess.run([sys.executable, "-m", "generator", "--root", str(lib), "coverage", "first", "--format",
                                 "json"], stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 3, result.stderr
    assert b"No space left on device" in result.stderr and b"Traceback" not in result.stderr


def test_stale_temporary_files_of_a_killed_build_are_removed(lib):
    out = lib / "output"
    out.mkdir()
    stale, fresh = out / ".first.docx.abc123.tmp", out / ".first.docx.def456.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"partial")
    os.utime(stale, (time.time() - 7200,) * 2)
    assert _run(lib, "build", "first").exit_code == 0
    assert not stale.exists() and fresh.exists()  # a recent one may belong to a build still running


# --- processes ---------------------------------------------------------------------------------

def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_end_when_their_parent_is_killed(sig):
    script = ("import time\nfrom generator.core.workers import run\n"
              "for _ in run(time.sleep, [300, 300, 300], 2):\n    pass\n")
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) >= 2, "the workers did not start"
        time.sleep(0.5)
        parent.send_signal(sig)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{w}").exists() and "Z" not in _state(w) for w in workers) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in _state(w)]
        assert alive == [], f"workers {alive} outlived their parent"
    finally:
        parent.kill()
        for w in _children(parent.pid) if Path(f"/proc/{parent.pid}").exists() else ():
            os.kill(w, signal.SIGKILL)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


# --- git ---------------------------------------------------------------------------------------

@pytest.fixture
def repo(tmp_path):
    from tests.gitrepo import GitRepo

    return GitRepo(tmp_path / "repo")


def test_lint_reads_an_id_that_is_a_list(repo):
    repo.edit("clauses/alpha.yaml", "id: alpha", "id: [x]")
    (repo.root / "clauses" / "other.yaml").write_text("id: [alpha]\nversion: 1.0.0\n")
    result = _run(repo.root, "lint")
    _clean(result)
    assert result.exit_code in (0, 1), result.stderr


def test_a_missing_git_object_is_a_message(repo):
    blob = repo.git("rev-parse", "HEAD:clauses/alpha.yaml").strip()
    (repo.top / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    repo.edit("clauses/alpha.yaml", "Larm & <rapport>", "Larm")
    result = _run(repo.root, "diff")
    _clean(result)
    assert result.exit_code == 2, result.stderr
    assert f"git object {blob} is missing" in result.stderr


def test_git_runs_in_the_c_locale(repo, tmp_path, monkeypatch):
    """A git that answers in Swedish would hide the messages Klausul reads; a wrapper records LC_ALL."""
    real = shutil.which("git")
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    log = tmp_path / "locale.log"
    wrapper.write_text(f'#!/bin/sh\necho "${{LC_ALL:-unset}}" >> {log}\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("LC_ALL", "sv_SE.UTF-8")
    result = _run(repo.root, "diff")
    assert result.exit_code == 0, result.stderr
    assert set(log.read_text().split()) == {"C"}


@pytest.mark.parametrize("author", ["Anna\x1b[2J", "Anna\u202eBob", "A\x00B"])
def test_an_author_with_control_characters_is_refused(repo, tmp_path, author):
    result = _run(repo.root, "diff", "--agreement", "pilot", "--format", "docx", "-o", str(tmp_path / "r.docx"),
                  "--author", author)
    _clean(result)
    assert result.exit_code == 2 and "--author may not contain" in result.stderr
    assert "\x1b" not in result.stderr


def test_a_commit_author_with_control_characters_still_makes_a_redline(repo, tmp_path):
    repo.edit("clauses/alpha.yaml", "Larm & <rapport>", "Larm")
    from tests.gitrepo import ENV

    env = {**os.environ, **ENV, "GIT_AUTHOR_NAME": "Eve\x1b[31m"}
    subprocess.run(["git", "commit", "-qam", "edit"], cwd=repo.top, env=env, check=True)
    result = _run(repo.root, "diff", "HEAD~1", "HEAD", "--agreement", "pilot", "--format", "docx",
                  "-o", str(tmp_path / "r.docx"))
    _clean(result)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        assert b"Eve\xef\xbf\xbd[31m" in z.read("word/document.xml")


# --- packaging ---------------------------------------------------------------------------------

def test_schemas_come_from_the_package_even_with_a_foreign_schemas_package_first(lib, tmp_path):
    shadow = tmp_path / "shadow" / "schemas"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('a foreign schemas package')\n")
    (shadow / "clause.yaml").write_text("id: {type: integer}\n")
    env = dict(os.environ, PYTHONPATH=f"{shadow.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(lib), "validate"], cwd=shadow.parent,
                            capture_output=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    from generator.library.schema import schema_dir

    # the package's own schemas: the repository's schemas/ (editable install) or generator/schemas (wheel)
    found = Path(str(schema_dir()))
    assert found != shadow and (found / "clause.yaml").read_text(encoding="utf-8") != "id: {type: integer}\n"
    assert found.name == "schemas" and (found / "__init__.py").is_file()


def test_one_version_number():
    import tomllib
    from importlib.metadata import version

    import generator

    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert version("klausul") == generator.__version__
