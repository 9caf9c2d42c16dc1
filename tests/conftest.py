"""Shared fixtures: a copy of the small test library, the CLI runner, and the golden-file switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output.")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    """Each test's validation cache (generator/library/cache.py) lives in a fresh temporary folder, never ~/.cache."""
    monkeypatch.setenv("KLAUSUL_CACHE_DIR", str(tmp_path_factory.mktemp("klausul-cache")))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A writable copy of tests/data/library."""
    root = tmp_path / "lib"
    shutil.copytree(DATA / "library", root)
    return root


@pytest.fixture
def klausul():
    """Run the CLI in-process: klausul(root, *args) -> click Result."""
    runner = CliRunner()

    def run(root: Path, *args: str):
        return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)

    return run


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped library (clauses, services, catalogs, agreements)."""
    root = tmp_path / "shipped"
    for folder in ("clauses", "services", "catalogs", "agreements"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def edit_yaml(path: Path, change) -> None:
    """Load a library file, let `change` edit the data, write it back (comments are not kept)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
