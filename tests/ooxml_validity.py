"""The validity gate for generated Word files: re-open, schema-check, and convert to PDF.

Schema check: openxml-audit (PyPI), a pure-Python port of the validator of Microsoft's Open XML
SDK that carries the SDK's schema data for ECMA-376 / ISO/IEC 29500 Transitional plus the Office
extensions. The ECMA XSDs themselves are not on any registry this project can reach (they are a
download from ecma-international.org), and the SDK itself needs .NET and NuGet, which are not
here either. It checks every XML part of the package: document, styles, numbering, settings,
headers and footers, font table, theme, and core and app properties (the latter two partly as
warnings, which the gate counts as failures too).
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx as python_docx
import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    not SOFFICE and not os.environ.get("KLAUSUL_REQUIRE_SOFFICE"),
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)


@functools.cache
def _validator():
    from openxml_audit import OpenXmlValidator

    # security_validation adds the checks for external relationships, dangerous URIs and active content.
    return OpenXmlValidator(max_errors=100, security_validation=True)


def ooxml_findings(docx: bytes | Path) -> list[str]:
    """Every error and warning the Open XML SDK rules report for the package, as readable lines."""
    if isinstance(docx, Path):
        result = _validator().validate(docx)
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "checked.docx"
            path.write_bytes(docx)
            result = _validator().validate(path)
    return [f"{e.severity.value}: {e.part_uri} {e.path}: {e.description}" for e in result.errors]


def assert_valid_docx(docx: bytes | Path) -> None:
    """The file re-opens with python-docx and has no schema, semantic or package finding."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    python_docx.Document(io.BytesIO(data))
    findings = ooxml_findings(docx)
    assert findings == [], "\n".join(findings)


def pdf_texts(documents: list[Path], workdir: Path) -> dict[str, str]:
    """Each document converted by LibreOffice, as pdftotext reads the PDF, white space folded.

    LibreOffice is not a validator: it exits 0 on broken XML without writing a PDF, so the PDF
    and its page count are checked before its text is trusted.
    """
    assert SOFFICE, "KLAUSUL_REQUIRE_SOFFICE is set but soffice is missing"
    profile = workdir / "lo-profile"  # private: parallel or leftover instances do not interfere
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(workdir), *map(str, documents)],
                          capture_output=True, text=True, timeout=600)
    texts = {}
    for document in documents:
        pdf = workdir / f"{document.stem}.pdf"
        assert pdf.exists(), f"LibreOffice made no PDF of {document.name}: {done.stdout} {done.stderr}"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) >= 1
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        texts[document.name] = " ".join(text.replace("\u00a0", " ").split())
    return texts
