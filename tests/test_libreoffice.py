"""Round trip through a real LibreOffice: the .docx converts to a PDF that holds the expected text."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from generator.draft.assemble import assemble
from generator.library.open import open_library
from generator.render.docx import render_docx

from tests.conftest import REPO

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    not SOFFICE and not os.environ.get("KLAUSUL_REQUIRE_SOFFICE"),
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)


def _to_pdf(docx_path, tmp_path) -> tuple[int, str]:
    assert SOFFICE, "KLAUSUL_REQUIRE_SOFFICE is set but soffice is missing"
    profile = tmp_path / "lo-profile"  # a private profile: parallel or leftover instances do not interfere
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_path)],
                          capture_output=True, text=True, timeout=240)
    pdf = tmp_path / (docx_path.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice made no PDF: {done.stdout} {done.stderr}"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


@needs_soffice
def test_sample_agreement_converts_to_a_complete_pdf(tmp_path):
    draft = assemble(open_library(REPO)[0], "fjallby-kustlinjen-it")
    path = tmp_path / "sample.docx"
    path.write_bytes(render_docx(draft))
    pages, text = _to_pdf(path, tmp_path)
    assert pages > 5
    flat = " ".join(text.split())
    for clause in draft.clauses:
        assert " ".join(clause.title.split()) in flat, clause.id
    assert "Sida 2 av" in flat  # footer fields
    # the table of contents got real page numbers from the PAGEREF fields
    toc_line = next(line for line in text.splitlines() if "Parter och omfattning" in line and "..." in line)
    assert toc_line.rstrip()[-1].isdigit()


@needs_soffice
def test_special_characters_survive_the_round_trip(library, tmp_path):
    draft = assemble(open_library(library)[0], "pilot")
    path = tmp_path / "pilot.docx"
    path.write_bytes(render_docx(draft))
    _, text = _to_pdf(path, tmp_path)
    flat = " ".join(text.split())
    assert "Bob & Sons <UK> Ltd" in flat
    assert "\"Customer & Co\" <security>, it's 'quoted'." in flat
