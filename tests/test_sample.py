"""The shipped sample library: the audited scenario builds and covers the audit's minimum list."""

from __future__ import annotations

import io
import shutil

import docx as python_docx
import yaml

from generator.draft.assemble import assemble
from generator.library.open import open_library
from generator.render.docx import render_docx

from tests.conftest import REPO
from tests.docx_reading import all_text

SAMPLE = "fjallby-kustlinjen-it"


def test_every_audit_topic_is_covered():
    draft = assemble(open_library(REPO)[0], SAMPLE)
    baseline = next(c for c in draft.coverage if c.id == "se-municipal-baseline")
    status = {item.id: item.status for item in baseline.items}
    assert all(status[str(n)] == "covered" for n in range(1, 10)), status
    assert all(item.status != "gap" for cat in draft.coverage for item in cat.items)


def test_sample_draft_is_complete(klausul, tmp_path):
    result = klausul(REPO, "build", SAMPLE, "--out", str(tmp_path), "--format", "docx", "--format", "md")
    assert result.exit_code == 0, result.stderr
    data = (tmp_path / f"{SAMPLE}.docx").read_bytes()
    python_docx.Document(io.BytesIO(data))
    text = all_text(data)
    draft = assemble(open_library(REPO)[0], SAMPLE)
    assert len(draft.clauses) >= 12
    for clause in draft.clauses:
        assert clause.title in text
    assert "{{" not in text and "{%" not in text
    assert klausul(REPO, "coverage", SAMPLE, "--strict").exit_code == 0


def test_sample_also_builds_in_english(tmp_path):
    root = tmp_path / "lib"
    for folder in ("clauses", "services", "catalogs", "agreements"):
        shutil.copytree(REPO / folder, root / folder)
    path = root / "agreements" / f"{SAMPLE}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["language"] = "en"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    draft = assemble(open_library(root)[0], SAMPLE)
    assert all(c.title.isascii() for c in draft.clauses[:3])
    assert "The Supplier shall" in all_text(render_docx(draft))


def test_personal_data_brings_in_processor_clauses():
    library = open_library(REPO)[0]
    with_data = {c.id for c in assemble(library, SAMPLE).clauses}
    processor = {c.id for c in library.clauses.values() if c.applies_to.get("personal_data") is True}
    assert processor and processor <= with_data
