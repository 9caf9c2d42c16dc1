"""From zero to an own library: init, new, list, the library found from a subfolder, extending the
shipped library, hollow agreements, Markdown lists as previews show them, acknowledged translations."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.core.model import ListBlock, Paragraph
from generator.draft.markup import parse
from generator.library.extend import shipped_root

from tests.gitrepo import GitRepo

DATA = Path(__file__).parent / "data"


def run(*args: str, cwd: Path | None = None, monkeypatch=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- init, new, list --------------------------------------------------------------------------

def test_init_new_validate_build_and_list_parameters(tmp_path, monkeypatch):
    lib = tmp_path / "skola"
    assert run("init", str(lib)).exit_code == 0
    monkeypatch.chdir(lib)
    for args in (("new", "clause", "patch-times", "--category", "vulnerability-management"),
                 ("new", "service", "school-admin", "--type", "cloud-service"),
                 ("new", "agreement", "school")):
        result = run(*args)
        assert result.exit_code == 0, result.output
    assert (lib / "clauses/vulnerability-management/patch-times.yaml").is_file()
    assert yaml.safe_load((lib / "agreements/school.yaml").read_text())["services"] == ["school-admin", "school-platform"]
    result = run("validate")
    assert result.exit_code == 0 and "library is valid" in result.output, result.output
    result = run("build", "-q")
    assert result.exit_code == 0, result.output
    document = docx.Document(str(lib / "output" / "school.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "kritiska sårbarheter inom 30\u00a0dagar" in text  # the example clause, its value filled in
    rows = json.loads(run("list", "parameters", "school", "--format", "json").output)
    assert {(r["service"], r["value"], r["from"]) for r in rows} == {
        ("school-admin", 30, "default"), ("school-platform", 30, "default")}


def test_list_parameters_says_where_each_value_comes_from(library, klausul):
    _edit(library / "services" / "hall.yaml", lambda d: d["classification"].update(availability=3))
    rows = json.loads(klausul(library, "list", "parameters", "pilot", "--format", "json").output)
    sources = {(r["parameter"], r["service"]): (r["value"], r["from"]) for r in rows}
    assert all(source in ("default", "agreement", "service") or source.startswith("level ")
               for _, source in sources.values())
    assert len({service for _, service in sources}) == 2  # a value for each of the agreement's services
    text = klausul(library, "list", "parameters", "pilot").output
    assert text.splitlines()[0].split() == ["parameter", "clause", "service", "value", "unit", "from"]


@pytest.mark.parametrize("what, expected", [("categories", "vulnerability-management"), ("units", "working-days"),
                                            ("frequencies", "quarterly"), ("forums", "security-forum"),
                                            ("service-types", "datacenter"), ("agreements", "pilot")])
def test_list_shows_allowed_values_and_documents(library, klausul, what, expected):
    result = klausul(library, "list", what, "--format", "json")
    assert result.exit_code == 0 and expected in {str(v) for row in json.loads(result.output) for v in row.values()}


def test_init_refuses_a_folder_that_holds_a_library(library):
    result = run("init", str(library))
    assert result.exit_code == 2 and "already holds a Klausul library" in result.output


def test_new_refuses_an_existing_id_and_a_bad_one(library, klausul):
    assert klausul(library, "new", "service", "desk").exit_code == 2
    result = klausul(library, "new", "clause", "Bad Id")
    assert result.exit_code == 2 and "not a valid id" in result.output


def test_commands_find_the_library_from_a_subfolder(library, monkeypatch):
    result = run("validate", cwd=library / "clauses", monkeypatch=monkeypatch)
    assert result.exit_code == 0 and "library is valid" in result.output


def test_shell_completion_offers_agreement_ids(library):
    from generator.cli import build

    param = next(p for p in build.params if p.name == "agreements")
    context = cli.make_context("klausul", ["--root", str(library), "build"], resilient_parsing=True)
    assert [c.value for c in param.shell_complete(context, "pi")] == ["pilot"]


# --- building on another library -------------------------------------------------------------

def _extending(tmp_path: Path, base: str) -> Path:
    lib = tmp_path / "own"
    run("init", str(lib), "--extends", base)
    return lib


def test_a_library_extends_the_shipped_one_overrides_a_clause_and_adds_one(tmp_path, monkeypatch):
    lib = _extending(tmp_path, "klausul-sv")
    shipped = shipped_root() / "clauses" / "incident-management" / "incident-evidence-and-assistance.yaml"
    base = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    fork = lib / "clauses" / "incident-management" / shipped.name
    fork.parent.mkdir(parents=True)
    fork.write_text(shipped.read_text(encoding="utf-8").replace(
        "Leverantören ska ha dokumenterade rutiner", "Leverantören ska ha skriftliga och övade rutiner")
        + f"overrides: {base['id']}@{base['version']}\n", encoding="utf-8")
    monkeypatch.chdir(lib)
    result = run("validate")
    assert result.exit_code == 0 and "library is valid" in result.output, result.output
    assert run("build", "-q").exit_code == 0
    text = "\n".join(p.text for p in docx.Document(str(lib / "output" / "example.docx")).paragraphs)
    assert "skriftliga och övade rutiner" in text and "ska ha dokumenterade rutiner" not in text
    assert "kritiska sårbarheter" in text  # the library's own clause is there too
    clauses = {row["id"] for row in json.loads(run("list", "clauses", "--format", "json").output)}
    assert len(clauses) > 50 and "vulnerability-remedy" in clauses


def test_a_fork_warns_when_its_base_moves_on_and_a_copy_without_overrides_is_an_error(tmp_path, monkeypatch):
    base = tmp_path / "base"
    shutil.copytree(DATA / "library", base)
    lib = _extending(tmp_path, "../base")
    copy = lib / "clauses" / "alpha.yaml"
    shutil.copy(base / "clauses" / "alpha.yaml", copy)
    monkeypatch.chdir(lib)
    result = run("validate")
    assert result.exit_code == 1 and "clauses/alpha.yaml" in result.output and "[duplicate-id]" in result.output
    assert "overrides: alpha@" in result.output
    version = yaml.safe_load(copy.read_text())["version"]
    copy.write_text(copy.read_text() + f"overrides: alpha@{version}\n", encoding="utf-8")
    assert "library is valid" in run("validate").output
    _edit(base / "clauses" / "alpha.yaml", lambda d: d.update(version="9.0.0"))
    result = run("validate")
    assert "[upstream-changed]" in result.output and "now version 9.0.0" in result.output, result.output
    assert result.exit_code == 0 and run("validate", "--strict").exit_code == 1


# --- hollow agreements and misplaced files ---------------------------------------------------

def _service_type(library):
    _edit(library / "services" / "hall.yaml", lambda d: d.update(type="datacentre"))


def _all_excluded(library):
    clauses = [yaml.safe_load(p.read_text())["id"] for p in (library / "clauses").glob("*.yaml")]
    _edit(library / "agreements" / "gaps.yaml", lambda d: (d.pop("include", None), d.update(
        exclude=[{"clause": c, "reason": "Not needed."} for c in clauses])))


def _folder(library):
    (library / "clauses" / "governance").mkdir()
    (library / "clauses" / "alpha.yaml").rename(library / "clauses" / "governance" / "alpha.yaml")


def _file_name(library):
    (library / "clauses" / "beta.yaml").rename(library / "clauses" / "betta.yaml")


def _version(library):
    path = library / "clauses" / "alpha.yaml"
    path.write_text(path.read_text().replace("version: 1.", "version: 1.0\nx_old: 1.", 1).replace("x_old: 1.", "#", 1))


@pytest.mark.parametrize("break_it, path, code, words, severity", [
    (_service_type, "services/hall.yaml", "unnamed-service-type", "did you mean 'datacenter'", "warning"),
    (_all_excluded, "agreements/gaps.yaml", "empty-agreement", "selects no clause", "error"),
    (_folder, "clauses/governance/alpha.yaml", "folder-category", "move it to clauses/", "warning"),
    (_file_name, "clauses/betta.yaml", "file-name-id", "name it beta.yaml", "warning"),
    (_version, "clauses/alpha.yaml", "schema", "write 1.0.0", "error"),
])
def test_hollow_and_misplaced_documents_are_reported_at_their_line(library, klausul, break_it, path, code, words,
                                                                    severity):
    break_it(library)
    result = klausul(library, "validate", "--format", "json")
    found = [p for p in json.loads(result.output)["problems"] if p["code"] == code]
    assert found and found[0]["path"] == path and words in found[0]["message"], result.output
    assert found[0]["line"] >= 1 and found[0]["severity"] == severity
    assert result.exit_code == (1 if severity == "error" else 0)


def test_an_agreement_without_clauses_does_not_build(library, klausul):
    _all_excluded(library)
    result = klausul(library, "build", "gaps", "-q")
    assert result.exit_code == 1 and "selects no clause" in result.output
    assert not (library / "output" / "gaps.docx").exists()


# --- Markdown as previews show it ------------------------------------------------------------

def _shape(blocks):
    return [("list", [_shape(item) for item in b.items]) if isinstance(b, ListBlock) else "p" for b in blocks]


@pytest.mark.parametrize("text, shape", [
    ("Leverantören ska:\n- logga\n- larma", ["p", ("list", [["p"], ["p"]])]),
    ("Steg:\n1. ett\n2. två", ["p", ("list", [["p"], ["p"]])]),
    ("- a\n  - a1\n  - a2\n- b", [("list", [["p", ("list", [["p"], ["p"]])], ["p"]])]),
    ("1. a\n   - a1\n2. b", [("list", [["p", ("list", [["p"]])], ["p"]])]),
    ("- a\n    - a1\n- b", [("list", [["p", ("list", [["p"]])], ["p"]])]),
    ("Text\n2. is not a list in a preview", ["p"]),
])
def test_lists_render_as_github_and_vs_code_preview_them(text, shape):
    assert _shape(parse(text)) == shape


def test_a_wrapped_list_item_stays_one_item():
    blocks = parse("Minst:\n\n- den tjänst den hör till och\n  ägaren;\n- klassningen.")
    assert _shape(blocks) == ["p", ("list", [["p"], ["p"]])]
    assert "ägaren" in str(blocks[1].items[0])


def test_parsing_is_safe_from_several_threads():
    texts = [f"Punkt {i}:\n- a {i}\n  - b {i}\n- **c** {i}" for i in range(300)]
    expected = [parse.__wrapped__(t) for t in texts]
    results: dict[int, object] = {}

    def work(offset):
        for i in range(offset, len(texts), 4):
            results[i] = parse.__wrapped__(texts[i])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(texts))] == expected


# --- acknowledged translations ---------------------------------------------------------------

def test_an_acknowledged_translation_stops_warning_until_the_next_change(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    path = repo.root / "clauses" / "alpha.yaml"

    def lint(*args):
        return CliRunner().invoke(cli, ["--root", str(repo.root), "lint", *args], catch_exceptions=False)

    def edit_sv(old, new):
        _edit(path, lambda d: (d["text"].update(sv=d["text"]["sv"].replace(old, new)),
                               d.update(version=_bump(d["version"]))))

    sv = yaml.safe_load(path.read_text())["text"]["sv"]
    word = sv.split()[0]
    edit_sv(word, word + " nu")
    assert "[translation-drift]" in lint().output
    result = lint("--ack")
    assert "translation_checked recorded" in result.output and "[translation-drift]" not in result.output
    assert "translation_checked:" in path.read_text()
    assert lint("--strict").exit_code == 0
    repo.commit("ack")
    edit_sv(word + " nu", word + " numera")
    assert "[translation-drift]" in lint().output


def _bump(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"
