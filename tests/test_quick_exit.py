"""The console entry point ends with os._exit after flushing: same exit codes, nothing buffered lost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import edit_yaml


def _timeless(text: str) -> str:
    return re.sub(r" in [0-9.]+ s", " in … s", text)


def _run(root: Path, *args: str, tmp_path: Path) -> tuple[int, bytes, bytes]:
    """`python -m generator` in a real process, stdout and stderr going to files (block-buffered)."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with open(out, "wb") as o, open(err, "wb") as e:
        code = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], stdout=o,
                              stderr=e, env={**os.environ, "PYTHONUNBUFFERED": ""}, timeout=300).returncode
    return code, out.read_bytes(), err.read_bytes()


@pytest.mark.parametrize("args, code", [
    (("coverage", "fjallby-kustlinjen-it", "--format", "md"), 0),
    (("list", "clauses"), 0),
    (("build", "no-such-agreement", "-q"), 2),
    (("coverage", "fjallby-kustlinjen-it", "--no-such-option"), 2),
])
def test_exit_code_and_every_byte_as_in_process(shipped_copy, klausul, tmp_path, args, code):
    expected = klausul(shipped_copy, *args)
    got_code, stdout, stderr = _run(shipped_copy, *args, tmp_path=tmp_path)
    assert (got_code, expected.exit_code) == (code, code)
    assert stdout.decode("utf-8") == expected.stdout
    # click names the program as it was started; a build's summary line says how long it took
    assert _timeless(stderr.decode("utf-8").replace("python -m generator", "cli")) == _timeless(expected.stderr)
    if args[0] == "coverage" and code == 0:
        assert len(stdout) > 10_000 and stdout.rstrip().endswith(b"|")  # the whole table, to its last row


def test_a_failing_validation_prints_every_problem_and_exits_1(shipped_copy, klausul, tmp_path):
    edit_yaml(next((shipped_copy / "clauses").rglob("*.yaml")), lambda d: d.update(version="not-a-version"))
    expected = klausul(shipped_copy, "validate")
    got_code, stdout, stderr = _run(shipped_copy, "validate", tmp_path=tmp_path)
    assert got_code == expected.exit_code == 1
    assert "version" in stderr.decode("utf-8") + stdout.decode("utf-8")
    assert (stdout.decode("utf-8"), stderr.decode("utf-8")) == (expected.stdout, expected.stderr)


def test_a_build_writes_whole_files_and_exits_0(shipped_copy, tmp_path):
    got_code, _stdout, stderr = _run(shipped_copy, "build", "fjallby-kustlinjen-it", "--out", str(tmp_path / "o"),
                                     tmp_path=tmp_path)
    assert got_code == 0, stderr
    import zipfile

    for docx in (tmp_path / "o").glob("*.docx"):
        with zipfile.ZipFile(docx) as package:
            assert package.testzip() is None  # every member complete: nothing cut off at exit
    assert b"built 1, failed 0" in stderr
