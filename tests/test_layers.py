"""The package's stages import one way: a lower stage never imports a higher one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# What each stage may import of generator (itself included). The command layer (modules directly
# under generator/) may import everything, so it has no entry.
ALLOWED = {
    "core": {"core"},
    "library": {"core", "library"},
    "draft": {"core", "library", "draft"},
    "render": {"core", "draft", "render"},
    "review": {"core", "library", "draft", "render", "review"},
}
STAGES = set(ALLOWED)
COMMAND_LAYER = {"__init__", "__main__", "cli", "batch", "build", "output", "report", "scaffold"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every generator module that `path` imports, at module level or inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import; write generator.<stage>..."
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, name) for name in names if name == "generator" or name.startswith("generator.")]
    return found


def _stage(module: str) -> str | None:
    """The stage a generator module belongs to; the package face (`generator`, its version) is below all."""
    parts = module.split(".")
    if len(parts) == 1:
        return "core"
    return parts[1] if parts[1] in STAGES else "command"


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_stage_imports_only_the_stages_below_it(path):
    stage = path.relative_to(PACKAGE).parts[0]
    if stage in ("templates", "schemas"):  # data, not code
        return
    wrong = [f"{path.name}:{line} imports {module}" for line, module in _imports(path)
             if _stage(module) not in ALLOWED[stage]]
    assert not wrong, f"generator/{stage} may import only {sorted(ALLOWED[stage])}: " + "; ".join(wrong)


def test_only_the_command_layer_stands_directly_under_generator():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= COMMAND_LAYER, f"modules directly under generator/ outside the command layer: {top - COMMAND_LAYER}"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == STAGES | {"templates"}


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_every_stage_says_what_it_may_import(stage):
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "May import:" in doc, f"generator/{stage}/__init__.py has no 'May import:' line"
    named = set(re.findall(r"generator\.([a-z]+)", doc.split("May import:", 1)[1].split("\n")[0]))
    assert named == ALLOWED[stage] - {stage}, f"generator/{stage}: the docstring says {named}"


def test_a_lower_stage_importing_a_higher_one_is_caught(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from generator.review.diff import tokens\n", encoding="utf-8")
    assert [module for _, module in _imports(bad) if _stage(module) not in ALLOWED["library"]] == ["generator.review.diff"]


def test_the_wheel_lists_every_package():
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")}
    assert on_disk <= set(config["packages"]), f"pyproject.toml misses {on_disk - set(config['packages'])}"
    assert {"generator.schemas", "generator.templates"} <= set(config["packages"])
    assert "*.yaml" in config["package-data"]["generator.schemas"]
    assert "*.docx" in config["package-data"]["generator.templates"]
