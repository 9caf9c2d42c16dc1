"""The contract edition the other party receives, read back through LibreOffice's PDF: no tool
material, with definitions, precedence, term and remedies; references that all point somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import build_files
from generator.library.open import open_library
from generator.render.manifest import read_custom_properties

from tests.conftest import REPO
from tests.docx_reading import paragraphs
from tests.ooxml_validity import needs_soffice, pdf_texts

SAMPLES = ("fjallby-kustlinjen-it", "fjallby-lon-ekonomi", "fjallby-cloud-collaboration")
LIBRARY = open_library(REPO)[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("editions")
    for ident in SAMPLES:
        for name, data in build_files(LIBRARY, ident)[1].items():
            (out / name).write_bytes(data)
    return out


@pytest.fixture(scope="module")
def pdf(built) -> dict[str, str]:
    """Every built .docx as LibreOffice prints it (the tests that use it are marked needs_soffice)."""
    return pdf_texts(sorted(built.glob("*.docx")), built)


def _contract(pdf, ident):
    return pdf[f"{ident}.contract.docx"]


@needs_soffice
@pytest.mark.parametrize("ident", SAMPLES)
def test_contract_edition_holds_no_tool_material(pdf, ident):
    text = _contract(pdf, ident)
    assert not re.search(r"\bKlausul\b", text)  # the tool; "klausul" (a clause) is an ordinary Swedish word
    assert "v1." not in text and "Ska-krav ·" not in text and "Mandatory (shall) ·" not in text
    assert not re.search(r"\b[0-9a-f]{12,64}\b", text), "a hash"
    words = " ".join(t for c in LIBRARY.clauses.values() for t in c.text.values())
    ids = [c for c in LIBRARY.clauses if c not in words]  # "sub-processors" is also an ordinary word
    leaked = [c for c in ids if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    assert leaked == []
    assert ident not in text
    review = pdf[f"{ident}.docx"]  # the review edition keeps all of it: the same test can fail
    assert "Klausul" in review and any(c in review for c in LIBRARY.clauses) and re.search(r"\b[0-9a-f]{8,}\b", review)


@needs_soffice
@pytest.mark.parametrize("ident", SAMPLES)
def test_contract_edition_has_definitions_precedence_term_and_remedies(pdf, ident):
    text = _contract(pdf, ident)
    spec = LIBRARY.agreements[ident]
    sv = spec.language == "sv"
    governing = spec.frame.get("main_agreement") or spec.frame["supplier_terms"]
    precedence = text.index("Rangordning" if False else ("ordning, om inte omständigheterna" if sv else "apply in the following order"))
    assert f"\u201d{governing['title']}\u201d" in text[precedence:] or f"\u201c{governing['title']}\u201d" in text[precedence:]
    definitions = text.index("I avtalet har följande begrepp" if sv else "In this agreement the following terms")
    for word in (("Kunden – ", "Leverantören – ", "Säkerhetsincident – ") if sv else ("Customer – ", "Supplier – ", "Security Incident – ")):
        assert word in text[definitions:definitions + 6000]
    assert ("träder i kraft när det har undertecknats" if sv else "enters into force when both parties have signed") in text
    for clause in ("service-credits", "rectification-and-price-reduction", "liability-for-security-breaches"):
        assert LIBRARY.clauses[clause].title[spec.language] in text
    status = "Förslag" if sv else "Proposal"
    assert status in text[:2000] and ("Utkast" not in text[:2000])


@needs_soffice
@pytest.mark.parametrize("ident", SAMPLES)
def test_every_definition_is_used_and_every_used_term_is_defined(pdf, ident):
    text = _contract(pdf, ident)
    lang = LIBRARY.agreements[ident].language
    start = text.index("I avtalet har följande begrepp" if lang == "sv" else "In this agreement the following terms")
    head, rest = text[start:].split("3 Avtalshandlingar" if lang == "sv" else "3 Contract documents", 1)
    body = rest.split("Underskrifter" if lang == "sv" else "Signatures")[0]
    for term in LIBRARY.terms.values():
        defined = f"{term.term[lang]} – " in head
        used = any(re.search(rf"(?<![\w-])[{f[0].lower()}{f[0].upper()}]{re.escape(f[1:])}(?![\w-])", body)
                   for f in term.forms[lang])
        assert defined == used, (term.id, defined, used)


def _targets(docx: Path) -> tuple[set[str], set[str]]:
    """Heading numbers (from the table of contents) and annex numbers that the document has."""
    paras = paragraphs(docx)
    numbers = {t.split("\u2002")[0] for s, t in paras if s in ("TOC1", "TOC2") and "\u2002" in t}
    annexes = {m.group(1) for s, t in paras if s == "AnnexHeading" and (m := re.match(r"(?:Bilaga|Annex) (\d+) ", t))}
    return numbers, annexes


_REF = re.compile(r"\b(bilaga|annex|punkt|section)\s+(\d+(?:\.\d+)?)\b", re.I)


@needs_soffice
@pytest.mark.parametrize("ident", SAMPLES)
@pytest.mark.parametrize("edition", ["contract.docx", "docx"])
def test_every_reference_points_at_an_existing_annex_or_heading(built, pdf, ident, edition):
    docx = built / f"{ident}.{edition}"
    numbers, annexes = _targets(docx)
    assert annexes and numbers
    docx_text = " ".join(t for _, t in paragraphs(docx))
    for text in (pdf[docx.name], docx_text):
        # The review edition's checklist cites the catalogs' own sources ("Audit report ..., section 4.1"),
        # which are no references of the draft: check the text before it.
        for title in ("\u2013 Täckning mot kravkataloger", "\u2013 Coverage against requirement catalogs"):
            text = text[:text.rfind(title)] if title in text else text
        found = _REF.findall(text)
        assert any(k.lower() in ("punkt", "section") for k, _ in found)
        for kind, number in found:
            if kind.lower() in ("bilaga", "annex"):
                if "." in number:  # a catalog's citation, "CIR (EU) 2024/2690 Annex 5.1.4", in the checklist
                    continue
                assert number in annexes, f"{kind} {number} in {docx.name}"
            elif "." in number:  # "punkt 4" is an item of the same clause's list
                assert number in numbers, f"{kind} {number} in {docx.name}"


@pytest.mark.parametrize("ident", SAMPLES)
def test_both_editions_carry_the_provenance_manifest(built, ident):
    contract = read_custom_properties((built / f"{ident}.contract.docx").read_bytes())
    review = read_custom_properties((built / f"{ident}.docx").read_bytes())
    clauses = {k for k in review if k.startswith("klausul.clause.")}
    assert clauses and clauses == {k for k in contract if k.startswith("klausul.clause.")}


_PLAIN_REFERENCES = re.compile(r"bifogas avtalet|bilaga till avtalet|enligt bilagan|huvudavtal|annexed to the agreement|"
                               r"annex to the agreement|the annex\b|main agreement", re.I)


def test_no_shipped_clause_keeps_a_plain_text_annex_or_main_agreement_reference():
    # the text, and the verification and follow-up the review edition prints under it
    fields = lambda c: [c.text, c.verification] + ([c.followup["kpi"]] if c.followup else [])  # noqa: E731
    offenders = [(c.id, lang, m.group(0)) for c in LIBRARY.clauses.values() for texts in fields(c)
                 for lang, text in texts.items() for m in _PLAIN_REFERENCES.finditer(text)]
    assert offenders == []


def test_review_edition_marks_overridden_values(tmp_path):
    import shutil

    root = tmp_path / "lib"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".git", "output", "tests", "bench"))
    spec = root / "agreements" / "fjallby-kustlinjen-it.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "parameters: {incident_alert: 4}\n", encoding="utf-8")
    files = build_files(open_library(root)[0], "fjallby-kustlinjen-it", ("md",))[1]
    review = files["fjallby-kustlinjen-it.md"].decode()
    contract = files["fjallby-kustlinjen-it.contract.md"].decode()
    assert "Avviker från klassningens standardvärde: tid för första incidentlarm 4\u00a0timmar för IT-arbetsplats (standard 8\u00a0timmar)" in review
    assert "Avviker från klassningens standardvärde" not in contract


def test_verify_reads_the_contract_edition_too(tmp_path, klausul):
    from tests.gitrepo import GitRepo

    repo = GitRepo(tmp_path / "repo")
    out = tmp_path / "out"
    assert klausul(repo.root, "build", "pilot", "--out", str(out), "-q").exit_code == 0
    for name in ("pilot.contract.docx", "pilot.docx"):
        result = klausul(repo.root, "verify", str(out / name))
        assert result.exit_code == 0 and "the file matches the library at HEAD" in result.stdout, result.stderr
    repo.edit("clauses/alpha.yaml", "The Supplier shall alert", "The Supplier must alert")
    repo.commit("alpha changed")
    assert klausul(repo.root, "verify", str(out / "pilot.contract.docx")).exit_code == 1


def test_term_with_dates_and_supplier_terms(library):
    spec = library / "agreements" / "pilot.yaml"
    text = spec.read_text(encoding="utf-8")
    text = text.replace("main_agreement: {title: Pilot operations agreement, date: 2027-01-15, reference: TB 2026/99}",
                        "supplier_terms: {title: Bob Online Terms, version: '7'}")
    text = text.replace("term: {entry_into_force: signing, expires: with-main}",
                        "term: {entry_into_force_date: 2027-04-01, expiry_date: 2029-12-31}")
    spec.write_text(text.replace("main-agreement,", "supplier-terms,"), encoding="utf-8")
    md = build_files(open_library(library)[0], "pilot", ("md",), editions=("contract",))[1]["pilot.contract.md"].decode()
    assert "This agreement enters into force on 1 April 2027. This agreement remains in force until and " \
           "including 31 December 2029." in md
    assert "4. The Standard Terms (“Bob Online Terms”, version 7)" in md
    assert "This agreement supplements the Standard Terms." in md and "Main Agreement" not in md
