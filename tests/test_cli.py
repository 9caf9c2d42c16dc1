"""The command line, run in-process with click's CliRunner against real files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator.render as render_module
from generator.cli import cli


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_build_writes_draft_and_checklists(library, klausul, tmp_path):
    out = tmp_path / "out"
    result = klausul(library, "build", "pilot", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["pilot.contract.docx", "pilot.coverage.json",
                                                       "pilot.coverage.md", "pilot.docx"]
    report = json.loads((out / "pilot.coverage.json").read_text(encoding="utf-8"))
    assert report["agreement"] == "pilot" and report["language"] == "en"
    assert report["catalogs"][0]["summary"] == {"covered": 3, "partial": 1, "inadequate": 0, "excluded": 1, "gap": 0}
    assert "mini 3/5 covered, 1 partly" in result.stdout


def test_build_everything_by_default_into_output(library, klausul):
    result = klausul(library, "build", "--format", "md", "--format", "docx")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (library / "output").iterdir())
    assert names == sorted(f"{a}{s}" for a in ("gaps", "pilot")
                           for s in (".docx", ".md", ".contract.docx", ".contract.md", ".coverage.json", ".coverage.md"))


def test_build_one_edition(library, klausul, tmp_path):
    result = klausul(library, "build", "pilot", "--edition", "contract", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["pilot.contract.docx", "pilot.coverage.json",
                                                          "pilot.coverage.md"]
    assert klausul(library, "build", "pilot", "--edition", "draft").exit_code == 2


def test_two_builds_are_byte_identical(library, klausul, tmp_path):
    klausul(library, "build", "--out", str(tmp_path / "a"))
    klausul(library, "build", "--out", str(tmp_path / "b"))
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")


def test_undated_agreement_uses_source_date_epoch(library, klausul, tmp_path, monkeypatch):
    text = (library / "agreements" / "pilot.yaml").read_text().replace("date: 2027-03-01\n", "")
    (library / "agreements" / "pilot.yaml").write_text(text)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    klausul(library, "build", "pilot", "--format", "md", "--out", str(tmp_path))
    assert "Date: 2027-01-15" in (tmp_path / "pilot.md").read_text(encoding="utf-8")


def test_failed_build_keeps_earlier_output_and_leaves_no_partial_files(library, klausul, monkeypatch):
    assert klausul(library, "build", "pilot").exit_code == 0
    before = _hashes(library / "output")

    def failing(draft, **_):
        raise OSError("disk full while rendering")

    # The coverage writers run after the docx writer: the failure comes mid-build.
    monkeypatch.setitem(render_module.WRITERS, "coverage.md", (".coverage.md", failing))
    (library / "clauses" / "gamma.yaml").write_text(
        (library / "clauses" / "gamma.yaml").read_text().replace("only on", "solely on"))
    result = klausul(library, "build", "pilot")
    assert result.exit_code == 70 and "internal error" in result.stderr and "Traceback" not in result.stderr
    assert _hashes(library / "output") == before


def test_output_that_cannot_be_written_is_exit_3(library, klausul, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = klausul(library, "build", "pilot", "--out", str(blocker / "sub"))
    assert result.exit_code == 3 and "cannot create the output directory" in result.stderr


def test_one_failing_agreement_does_not_stop_the_others(library, klausul):
    (library / "house.docx").write_bytes(b"not a Word file")
    (library / "agreements" / "pilot.yaml").write_text(
        (library / "agreements" / "pilot.yaml").read_text() + "template: house.docx\n")
    result = klausul(library, "build")
    assert result.exit_code == 3
    assert "not a Word file" in result.stderr
    assert (library / "output" / "gaps.docx").exists() and not (library / "output" / "pilot.docx").exists()


def test_custom_template_option(library, klausul, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK not really")
    result = klausul(library, "build", "pilot", "--template", str(bad), "--out", str(tmp_path))
    assert result.exit_code == 3 and "not a Word file" in result.stderr


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_coverage_formats(library, klausul, fmt):
    result = klausul(library, "coverage", "pilot", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        assert [i["status"] for i in json.loads(result.stdout)["catalogs"][0]["items"]] == [
            "covered", "covered", "covered", "excluded", "partial"]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        # one row per item and service the item concerns: B (hosting) and C (personal data) only the hall
        assert [(r["item"], r["service"], r["service_status"]) for r in rows] == [
            ("A", "desk", "covered"), ("A", "hall", "covered"), ("B", "hall", "covered"), ("C", "hall", "covered"),
            ("D", "desk", "excluded"), ("D", "hall", "excluded"), ("E", "desk", "partial"), ("E", "hall", "partial")]
    else:
        assert "| D | Draft | Test 4 | Excluded | Exit terms are in the main agreement. |" in result.stdout


def test_coverage_strict_fails_on_gaps_and_unexplained_partial_coverage(library, klausul):
    # pilot: E is only partly covered, but the agreement states why that is accepted.
    assert klausul(library, "coverage", "pilot", "--strict").exit_code == 0
    result = klausul(library, "coverage", "gaps", "--strict")
    assert result.exit_code == 1
    assert "1 catalog item(s) are gaps, inadequate or only partly covered: mini:E" in result.stderr
    assert "mini:E [desk]: partial" in result.stderr


def test_unknown_agreement_is_a_usage_error(library, klausul):
    result = klausul(library, "build", "nope")
    assert result.exit_code == 2
    assert "unknown agreement 'nope'" in result.stderr
    assert klausul(library, "coverage", "nope").exit_code == 2


def test_broken_library_stops_build_with_positions(library, klausul):
    path = library / "clauses" / "alpha.yaml"
    path.write_text(path.read_text().replace("{{ alert_time }} till", "{{ alert_tim }} till"))
    result = klausul(library, "build")
    assert result.exit_code == 1
    assert "clauses/alpha.yaml:12: text.sv: placeholder '{{ alert_tim }}' is not a declared parameter" in result.stderr
    assert not (library / "output").exists()


def test_internal_errors_hide_the_traceback_unless_debug(library, monkeypatch):
    from click.testing import CliRunner

    import generator.draft.check

    def boom(root):
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.draft.check, "diagnose", boom)
    runner = CliRunner()
    quiet = runner.invoke(cli, ["--root", str(library), "validate"])
    assert quiet.exit_code == 70 and "--debug" in quiet.stderr and "RuntimeError" not in quiet.stderr
    loud = runner.invoke(cli, ["--root", str(library), "--debug", "validate"])
    assert isinstance(loud.exception, RuntimeError)


def test_console_script_runs(library):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(library), "validate"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "library is valid" in done.stdout


def test_debug_shows_the_traceback_of_a_failing_agreement_in_a_batch(library, klausul):
    (library / "house.docx").write_bytes(b"not a Word file")
    (library / "agreements" / "pilot.yaml").write_text(
        (library / "agreements" / "pilot.yaml").read_text() + "template: house.docx\n")
    plain = klausul(library, "build", "--jobs", "2")
    assert plain.exit_code == 3 and "Traceback" not in plain.stderr
    debug = CliRunner().invoke(cli, ["--root", str(library), "--debug", "build", "--jobs", "2"])
    assert debug.exit_code == 3
    assert "Traceback (most recent call last)" in debug.stderr and "OutputError" in debug.stderr
