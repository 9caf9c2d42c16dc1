"""Stage 2: fixtures named by outcome; every invalid one names its code, line and key."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.draft.check import diagnose

from tests.conftest import DATA, REPO

INVALID = sorted((DATA / "invalid").rglob("invalid_*.yaml"))
VALID = sorted((DATA / "valid").rglob("valid_*.yaml"))


def _expectation(path: Path) -> tuple[str, int, str]:
    match = re.match(r"# expect: (\S+) (\d+) (\S+)", path.read_text(encoding="utf-8"))
    assert match, f"{path} lacks its '# expect: code line key' header"
    code, line, key = match.groups()
    return code, int(line), "" if key == "-" else key


def _add(library: Path, fixture: Path) -> str:
    folder = fixture.parent.name
    shutil.copy(fixture, library / folder / fixture.name)
    return f"{folder}/{fixture.name}"


def _unexpected(problems) -> list[str]:
    """The problems, less the file-name warning of fixtures, which are named by their outcome."""
    return [str(p) for p in problems
            if not (p.code == "file-name-id" and Path(p.path).name.startswith(("valid_", "invalid_")))]


def test_test_library_is_valid(library):
    assert diagnose(library) == []


def test_a_baseline_item_a_draft_leaves_open_is_a_warning_at_the_agreement(library):
    path = library / "catalogs" / "mini.yaml"
    text = path.read_text(encoding="utf-8").replace("\nitems:", "\nbaseline: true\nitems:", 1)
    # Items B (hosting) and C (personal data) are made to concern every service, the workplace too.
    text = "\n".join(line for line in text.split("\n") if "applies_to:" not in line)
    path.write_text(text, encoding="utf-8")
    gaps = [p for p in diagnose(library) if p.code == "category-missing" and p.path != "agreements/pilot.yaml"]
    assert gaps and all(p.severity == "warning" and p.key == "catalogs" and p.path == "agreements/gaps.yaml"
                        and p.line == 10 for p in gaps)
    assert "mini:B" in gaps[0].message and "beta would cover it" in gaps[0].message


def test_shipped_library_is_valid():
    problems = diagnose(REPO)
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.name)
def test_valid_fixture(library, fixture):
    _add(library, fixture)
    assert _unexpected(diagnose(library)) == []


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.name)
def test_invalid_fixture(library, fixture):
    code, line, key = _expectation(fixture)
    rel = _add(library, fixture)
    problems = diagnose(library)
    found = [(p.path, p.line, p.key, p.code) for p in problems]
    assert (rel, line, key, code) in found, "\n".join(str(p) for p in problems)
    assert all(p.path == rel for p in problems), "only the fixture may have problems"


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_through_cli(library, klausul, fixture):
    code, line, key = _expectation(fixture)
    rel = _add(library, fixture)
    result = klausul(library, "validate")
    assert result.exit_code == 1
    assert f"{rel}:{line}:" in result.stderr and f"[{code}]" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_every_problem_is_collected_before_failing(library, klausul):
    for fixture in INVALID[:6]:
        _add(library, fixture)
    result = klausul(library, "validate", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["ok"] is False
    assert len({p["path"] for p in report["problems"]}) == 6
    assert report["errors"] == sum(p["severity"] == "error" for p in report["problems"])


def test_not_utf8_file(library):
    (library / "clauses" / "latin1.yaml").write_bytes("id: x\ntitle: {sv: Sj\xe4lv}\n".encode("latin-1"))
    problems = diagnose(library)
    assert [(p.path, p.line, p.code) for p in problems] == [("clauses/latin1.yaml", 2, "not-utf8")]


def test_unknown_service_type_is_a_warning_that_strict_fails(library, klausul):
    text = (library / "clauses" / "beta.yaml").read_text().replace("[datacenter]", "[datacentre]")
    (library / "clauses" / "beta.yaml").write_text(text)
    assert klausul(library, "validate").exit_code == 0
    strict = klausul(library, "validate", "--strict")
    assert strict.exit_code == 1 and "unknown-service-type" in strict.stderr


def test_empty_library(tmp_path, klausul):
    (tmp_path / "clauses").mkdir()
    result = klausul(tmp_path, "validate")
    assert result.exit_code == 1 and "[empty-library]" in result.stderr


def test_not_a_library(tmp_path, klausul):
    result = klausul(tmp_path, "validate")
    assert result.exit_code == 2 and "not a Klausul library" in result.stderr


def test_validate_reports_agreements_that_cannot_be_assembled(library, klausul):
    path = library / "clauses" / "gamma.yaml"
    text = path.read_text().replace("languages: [sv, en]", "languages: [sv]")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("en:"))
    path.write_text(text.replace("title: {sv: Behandling enligt instruktion, en: Processing on instructions}",
                                 "title: {sv: Behandling enligt instruktion}")
                    .replace("verification: {sv: Instruktionen., en: The instruction.}",
                             "verification: {sv: Instruktionen.}") + "\n")
    result = klausul(library, "validate")
    assert result.exit_code == 1, result.stderr
    assert "agreements/pilot.yaml:5: clauses/gamma.yaml: clause 'gamma' has no 'en' text" in result.stderr


def test_a_clause_included_by_name_conflicts_like_a_selected_one(library):
    # delta is a draft clause that only agreement `gaps` brings in, by `include`, for its service desk
    (library / "clauses" / "epsilon.yaml").write_text(
        "id: epsilon\nversion: 1.0.0\nstatus: approved\ncategory: exit\nobligation: shall\nlanguages: [sv, en]\n"
        "title: {sv: Avslut, en: Exit}\ntext: {sv: Leverantören ska återlämna., en: The Supplier shall return.}\n"
        "applies_to: {service_types: [workplace]}\nconflicts_with: [delta]\n"
        "verification: {sv: Kvitto., en: A receipt.}\n", encoding="utf-8")
    problems = [(p.path, p.line, p.key, p.code) for p in diagnose(library)]
    assert problems == [("clauses/epsilon.yaml", 10, "conflicts_with[0]", "conflicting-clauses")]
    assert "agreement 'gaps'" in next(str(p) for p in diagnose(library))
