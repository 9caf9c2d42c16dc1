"""Provenance manifests in generated .docx files, and `klausul verify` against real git history."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from lxml import etree

from generator.draft.assemble import assemble
from generator.library.open import open_library
from generator.render.docx import default_template, render_docx

from tests.gitrepo import GitRepo

CP = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def custom_properties(data: bytes) -> dict[str, tuple[str, str]]:
    """name → (value type, text), read straight from docProps/custom.xml via the package relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = etree.fromstring(z.read("_rels/.rels"))
        (target,) = [r.get("Target") for r in rels if r.get("Type").endswith("/custom-properties")]
        types = z.read("[Content_Types].xml").decode()
        assert f'PartName="/{target}"' in types and "custom-properties+xml" in types
        root = etree.fromstring(z.read(target))
    assert [int(p.get("pid")) for p in root] == list(range(2, 2 + len(root)))
    return {p.get("name"): (etree.QName(p[0]).localname, p[0].text) for p in root.iter(f"{CP}property")}


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _build(klausul, root: Path, out: Path, agreement: str = "pilot") -> Path:
    result = klausul(root, "build", agreement, "--out", str(out), "-q")
    assert result.exit_code == 0, result.stderr
    return out / f"{agreement}.docx"


def test_the_manifest_names_every_clause_the_commit_and_the_inputs(repo, klausul, tmp_path):
    path = _build(klausul, repo.root, tmp_path / "out")
    props = custom_properties(path.read_bytes())
    library, _ = open_library(repo.root)
    draft = assemble(library, "pilot")
    assert props["klausul.agreement"] == ("lpwstr", "pilot")
    assert props["klausul.agreement.version"] == ("lpwstr", "2.1.0")
    assert props["klausul.generator"] == ("lpwstr", "klausul 0.1.0")
    assert props["klausul.commit"] == ("lpwstr", repo.git("rev-parse", "HEAD").strip())
    assert props["klausul.dirty"] == ("bool", "false")
    assert props["klausul.clauses"] == ("i4", str(len(draft.clauses)))
    clauses = {k.removeprefix("klausul.clause."): v[1] for k, v in props.items() if k.startswith("klausul.clause.")}
    assert clauses == {c.id: f"{c.version} sha256:{c.content_hash}" for c in draft.clauses}
    assert {k for k in props if k.startswith("klausul.input.")} == {
        "klausul.input.agreement.pilot", "klausul.input.service.desk", "klausul.input.service.hall",
        "klausul.input.catalog.mini"}
    assert all(len(v[1]) < 255 for v in props.values())  # Word keeps at most 255 characters of a text property
    python_docx.Document(str(path))  # the package still opens


def test_uncommitted_changes_are_recorded_as_dirty(repo, klausul, tmp_path):
    repo.edit("clauses/gamma.yaml", "only on", "solely on")
    props = custom_properties(_build(klausul, repo.root, tmp_path / "out").read_bytes())
    assert props["klausul.dirty"] == ("bool", "true")


def test_outside_git_there_is_no_commit_and_builds_stay_identical(library, klausul, tmp_path):
    first = _build(klausul, library, tmp_path / "a").read_bytes()
    second = _build(klausul, library, tmp_path / "b").read_bytes()
    assert first == second
    props = custom_properties(first)
    assert "klausul.commit" not in props and "klausul.dirty" not in props and "klausul.clause.alpha" in props


def test_a_template_with_custom_properties_of_its_own_keeps_them(library, tmp_path):
    from generator.render.manifest import set_custom_properties

    template = set_custom_properties(default_template(),
                                     [("Department", "IT"), ("klausul.clause.stale", "9.9.9 sha256:" + "0" * 64)])
    data = render_docx(assemble(open_library(library)[0], "pilot"), template, "house")
    props = custom_properties(data)
    assert props["Department"] == ("lpwstr", "IT") and "klausul.clause.stale" not in props
    assert "klausul.clause.alpha" in props


# --- verify ------------------------------------------------------------------------------------

def _verify(klausul, repo: GitRepo, path: Path, *args: str) -> tuple[int, dict]:
    result = klausul(repo.root, "verify", str(path), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def _statuses(data: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in data["clauses"]}


def test_verify_a_file_that_still_matches(repo, klausul, tmp_path):
    path = _build(klausul, repo.root, tmp_path / "out")
    code, data = _verify(klausul, repo, path)
    assert code == 0 and data["matches"]
    assert _statuses(data) == {"beta": "unchanged", "alpha": "unchanged", "gamma": "unchanged"}
    text = klausul(repo.root, "verify", str(path))
    assert text.exit_code == 0 and "the file matches the library at HEAD" in text.stdout


def test_verify_detects_changed_removed_and_newly_selected_clauses(repo, klausul, tmp_path):
    path = _build(klausul, repo.root, tmp_path / "out")
    repo.edit("clauses/alpha.yaml", "The Supplier shall alert", "The Supplier must alert")
    repo.bump("alpha", "1.3.0")
    repo.git("rm", "-q", "clauses/gamma.yaml")
    repo.edit("clauses/delta.yaml", "status: draft", "status: approved")  # now selected by its (empty) rules
    repo.bump("delta", "1.0.0")
    repo.commit("alpha must, gamma gone, delta approved")
    code, data = _verify(klausul, repo, path)
    assert code == 1 and not data["matches"]
    assert _statuses(data) == {"beta": "unchanged", "alpha": "changed", "gamma": "removed", "delta": "added"}
    alpha = next(c for c in data["clauses"] if c["id"] == "alpha")
    assert (alpha["document_version"], alpha["library_version"]) == ("1.2.0", "1.3.0")
    text_change = next(ch for ch in alpha["changes"] if ch["path"] == "text.en")
    assert [w for w in text_change["words"] if w[0] != "="] == [["-", "shall"], ["+", "must"]]
    text = klausul(repo.root, "verify", str(path)).stdout
    assert "changed   alpha  1.2.0 → 1.3.0  (text)" in text
    assert "[-shall-]{+must+}" in text
    assert "removed   gamma  2.0.1  removed from the library" in text
    assert "added     delta  1.0.0  would now be included" in text
    # against the revision it was built from, it matches
    assert _verify(klausul, repo, path, "--rev", "HEAD~1")[0] == 0


def test_verify_detects_a_changed_agreement_value(repo, klausul, tmp_path):
    path = _build(klausul, repo.root, tmp_path / "out")
    repo.edit("agreements/pilot.yaml", "catalogs: [mini]", "catalogs: [mini]\nparameters: {alert_time: 4}")
    repo.commit("pilot: alert within 4 hours")
    code, data = _verify(klausul, repo, path)
    assert code == 1 and set(_statuses(data).values()) == {"unchanged"}
    assert {(i["kind"], i["id"]): i["status"] for i in data["inputs"]}[("agreement", "pilot")] == "changed"


def test_verify_refuses_files_without_a_manifest(repo, klausul, tmp_path):
    plain = tmp_path / "plain.docx"
    python_docx.Document().save(str(plain))
    result = klausul(repo.root, "verify", str(plain))
    assert result.exit_code == 2 and "carries no Klausul manifest" in result.stderr
    junk = tmp_path / "junk.docx"
    junk.write_text("not a zip")
    result = klausul(repo.root, "verify", str(junk))
    assert result.exit_code == 2 and "not a Word file" in result.stderr and "Traceback" not in result.stderr
