"""Each command loads only what it uses: a real process, its imports read from `-X importtime`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = "fjallby-kustlinjen-it"

# Loaded on no warm build of one agreement: worker processes (one job), schema errors (cerberus: the
# fast check passes), Babel and holidays (own formatting and calendar), Python-Markdown (parsed
# Markdown is cached), xml.sax.saxutils and the urllib/http/ssl it pulls in, validation itself.
NOT_ON_BUILD = ("multiprocessing", "concurrent.futures", "cerberus", "babel", "holidays", "dateutil",
                "markdown", "xml.sax", "urllib.request", "http.client", "ssl", "generator.library.validate",
                "generator.draft.markdown_reader")
# Text commands never load the Word writer
NOT_ON_TEXT = NOT_ON_BUILD + ("docx", "docxtpl", "jinja2", "openpyxl", "lxml")


def _loaded(root: Path, *args: str, env: dict) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", "--root", str(root), *args],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return {m.group(1) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \| *(\S+)\s*$", done.stderr, re.M)}


def _forbidden(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture
def warm(shipped_copy, tmp_path):
    env = {**os.environ, "KLAUSUL_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("KLAUSUL_NO_CACHE", None)
    out = str(tmp_path / "out")
    loaded = _loaded(shipped_copy, "build", "--out", out, "-q", "--jobs", "1", env=env)  # every agreement
    assert "markdown" in loaded and "generator.render.docx" in loaded  # the cold build: the check can see them
    return shipped_copy, env, out


def test_a_warm_build_of_one_agreement_loads_nothing_it_does_not_use(warm):
    root, env, out = warm
    loaded = _loaded(root, "build", SAMPLE, "--out", out, "-q", env=env)
    assert "generator.render.docx" in loaded
    assert _forbidden(loaded, NOT_ON_BUILD) == []


@pytest.mark.parametrize("args", [("coverage", SAMPLE), ("list", "clauses"), ("validate",),
                                  ("build", SAMPLE, "--format", "md", "-q", "--out", "{out}")])
def test_text_commands_load_no_word_writer(warm, args):
    root, env, out = warm
    loaded = _loaded(root, *[a.replace("{out}", out) for a in args], env=env)
    assert "generator.cli" in loaded
    assert _forbidden(loaded, NOT_ON_TEXT) == []
