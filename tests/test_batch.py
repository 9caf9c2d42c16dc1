"""Batch builds: worker processes, fixed order of messages, failures, progress bar and summary line."""

from __future__ import annotations

import hashlib
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import generator.core.workers as workers

SUMMARY = re.compile(r"^built (\d+), failed (\d+) in \d+\.\d s$", re.M)


def _add_agreements(root: Path, count: int) -> list[str]:
    """Copies of pilot.yaml (English) and gaps.yaml (Swedish) under new ids; all ids, sorted."""
    for n in range(count):
        source = ("pilot", "gaps")[n % 2]
        text = (root / "agreements" / f"{source}.yaml").read_text(encoding="utf-8")
        (root / "agreements" / f"extra-{n:02d}.yaml").write_text(
            text.replace(f"id: {source}\n", f"id: extra-{n:02d}\n", 1), encoding="utf-8")
    return sorted(p.stem for p in (root / "agreements").glob("*.yaml"))


def _add_failing_agreement(root: Path) -> None:
    """A level-4 service without a security-protection clause: valid files, but no draft (exit 1)."""
    (root / "services" / "vault.yaml").write_text(
        (root / "services" / "hall.yaml").read_text(encoding="utf-8")
        .replace("id: hall", "id: vault").replace("integrity: 2", "integrity: 4"), encoding="utf-8")
    (root / "agreements" / "locked.yaml").write_text(
        (root / "agreements" / "gaps.yaml").read_text(encoding="utf-8")
        .replace("id: gaps", "id: locked").replace("services: [desk]", "services: [vault]"), encoding="utf-8")


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_parallel_build_is_byte_identical_to_one_job_and_prints_in_order(library, klausul, tmp_path):
    ids = _add_agreements(library, 6)
    one = klausul(library, "build", "--jobs", "1", "--format", "docx", "--format", "md", "--out", str(tmp_path / "one"))
    two = klausul(library, "build", "-j", "3", "--format", "docx", "--format", "md", "--out", str(tmp_path / "two"))
    assert one.exit_code == two.exit_code == 0, two.stderr
    assert len(_hashes(tmp_path / "one")) == 6 * len(ids) == 48
    assert _hashes(tmp_path / "one") == _hashes(tmp_path / "two")
    lines = [line.split(":")[0] for line in two.stdout.splitlines()]
    assert lines == ids  # the order asked for, whichever worker finished first
    assert one.stdout.replace("/one/", "/two/") == two.stdout
    assert SUMMARY.findall(two.stderr) == [("8", "0")]


def test_a_failing_agreement_does_not_stop_the_others_and_exits_1(library, klausul):
    ids = _add_agreements(library, 3)
    _add_failing_agreement(library)
    result = klausul(library, "build", "-j", "2")
    assert result.exit_code == 1
    assert "service 'vault' is classified at level 4" in result.stderr
    assert SUMMARY.findall(result.stderr) == [(str(len(ids)), "1")]
    written = {p.name for p in (library / "output").iterdir()}
    assert written == {f"{a}{s}" for a in ids for s in (".contract.docx", ".docx", ".coverage.json", ".coverage.md")}


def test_worst_exit_code_wins_and_every_failure_is_reported_in_order(library, klausul):
    _add_failing_agreement(library)
    (library / "house.docx").write_bytes(b"not a Word file")
    pilot = library / "agreements" / "pilot.yaml"
    pilot.write_text(pilot.read_text() + "template: house.docx\n")
    result = klausul(library, "build", "-j", "2")
    assert result.exit_code == 3  # a template that cannot be used outranks a library problem
    assert result.stderr.index("level 4") < result.stderr.index("not a Word file")  # locked < pilot
    assert SUMMARY.findall(result.stderr) == [("1", "2")]
    assert (library / "output" / "gaps.docx").exists()


def test_quiet_prints_only_errors_and_the_summary(library, klausul):
    result = klausul(library, "build", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert SUMMARY.findall(result.stderr) == [("2", "0")]


def test_no_progress_bar_when_stderr_is_not_a_terminal(library, klausul):
    _add_agreements(library, 2)
    result = klausul(library, "build")
    assert "building" not in result.output and "\r" not in result.output
    assert SUMMARY.findall(result.stderr) == [("4", "0")]


def test_one_job_builds_in_this_process(library, klausul, monkeypatch):
    def no_workers(*args, **kwargs):
        raise AssertionError("--jobs 1 must not start worker processes")

    monkeypatch.setattr(workers, "run", no_workers)
    _add_agreements(library, 2)
    assert klausul(library, "build", "--jobs", "1").exit_code == 0
    assert klausul(library, "build", "--jobs", "2").exit_code == 70  # the tripwire does fire with workers


def test_jobs_must_be_positive(library, klausul):
    result = klausul(library, "build", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.stderr


def _run_in_terminal(args: list[str], cwd: Path, stop_after: bytes | None = None) -> tuple[int, str]:
    """Run klausul with a pseudo-terminal as stdin/stdout/stderr; Ctrl-C when `stop_after` shows."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", *args], stdin=child, stdout=child,
                               stderr=child, cwd=cwd, start_new_session=True)
    os.close(child)
    output, deadline = b"", time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            output += chunk
            if stop_after is not None and stop_after in output:
                os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
                stop_after = None
        elif process.poll() is not None:
            break
    os.close(main)
    return process.wait(timeout=60), output.decode("utf-8", "replace")


def test_progress_bar_and_summary_on_a_terminal(library):
    _add_agreements(library, 4)
    code, screen = _run_in_terminal(["--root", str(library), "build", "-j", "2"], library.parent)
    assert code == 0, screen
    assert re.search(r"building\s+\[[#-]*\]\s+\d+/6", screen), screen
    assert "\r" in screen
    assert SUMMARY.findall(screen.replace("\r\n", "\n")) == [("6", "0")]
    quiet_code, quiet = _run_in_terminal(["--root", str(library), "build", "-q"], library.parent)
    assert quiet_code == 0 and "building" not in quiet and SUMMARY.search(quiet.replace("\r\n", "\n"))


def test_ctrl_c_leaves_no_temporary_files(library):
    _add_agreements(library, 30)
    code, screen = _run_in_terminal(["--root", str(library), "build", "-j", "2", "--format", "docx",
                                     "--format", "md"], library.parent, stop_after=b"extra-02:")
    assert code != 0, screen  # interrupted
    assert "Aborted" in screen
    names = [p.name for p in (library / "output").iterdir()]
    assert names and not [n for n in names if n.endswith(".tmp")]
    assert len(names) < 4 * 32  # it did stop early
