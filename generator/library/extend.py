"""A library that builds on another: which files it reads, and how its own documents replace the base's.

`extends:` in klausul.yaml names the base: `klausul-sv` (the library shipped with the package) or a
path, relative to the library. The base's clauses, services, catalogs and terms are read as if they
were the library's own, under paths like `klausul-sv::clauses/x.yaml`; its agreements are not. A
document of the library's own with a base document's id replaces it only when it says so with
`overrides: id@version`, which records the version it was forked from.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from generator.core.errors import Diagnostic
from generator.library.load import BASE_SEPARATOR, SETTINGS, Source, library_paths

SHIPPED = "klausul-sv"
_BASE_KINDS = {"clause", "service", "catalog", "term"}
# Problems in base files that only say the extension does not use something of the base.
_UNUSED_BASE = {"unknown-reference", "partial-not-covering", "unknown-service-type", "unnamed-service-type",
                "file-name-id", "folder-category"}


def shipped_root() -> Path:
    """The shipped library: the checkout's own folders, or the copy a wheel carries."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "clauses").is_dir() and (checkout / "catalogs").is_dir():
        return checkout
    return Path(str(resources.files("generator") / "shipped"))


def base_of(root: Path) -> tuple[str, Path] | None:
    """(name, folder) of the library root extends, or None; a broken settings file is validation's to report."""
    try:
        settings = yaml.safe_load((root / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    name = settings.get("extends") if isinstance(settings, dict) else None
    if not isinstance(name, str) or not name:
        return None
    return (name, shipped_root()) if name == SHIPPED else (name, (root / name).resolve())


def library_inputs(root: Path) -> list[tuple[str, str, Path]]:
    """(library-relative path, kind, file) of every file the library at root reads, base files first."""
    return [(rel, kind, Path(path)) for rel, kind, path in library_input_paths(root)]


def library_input_paths(root: Path) -> list[tuple[str, str, str]]:
    """library_inputs with each file's path as a string."""
    own = [(rel, kind, path) for kind, rel, path in library_paths(root)]
    if (root / SETTINGS).is_file():
        own.insert(0, (SETTINGS, "library", str(root / SETTINGS)))
    base = base_of(root)
    if base is None or not base[1].is_dir():
        return own
    name, folder = base
    inherited = [(f"{name}{BASE_SEPARATOR}{rel}", kind, path)
                 for kind, rel, path in library_paths(folder) if kind in _BASE_KINDS]
    return inherited + own


def is_base(source: Source | Diagnostic) -> bool:
    """Whether a document or problem belongs to the base library."""
    return BASE_SEPARATOR in source.path


def resolve_overrides(sources: list[Source]) -> tuple[list[Source], list[Diagnostic]]:
    """The sources with base documents that the library's own replace left out, and the problems of
    replacing: an own document without `overrides:` (error) or forked from an older base (warning)."""
    base = {(s.kind, s.data.get("id")): s for s in sources if is_base(s) and isinstance(s.data, dict)}
    if not base:
        return sources, []
    replaced, problems = set(), []
    for source in sources:
        key = (source.kind, source.data.get("id"))
        if is_base(source) or key not in base:
            continue
        original, marker = base[key], source.data.get("overrides")
        if not isinstance(marker, str):
            problems.append(Diagnostic(source.path, source.line(("id",)), "id", f"{source.kind} '{key[1]}' is also "
                                       f"in {original.path}; to replace it write overrides: "
                                       f"{key[1]}@{original.data.get('version', '')}".rstrip("@"), "duplicate-id"))
            continue
        replaced.add(key)
        forked_id, _, forked = marker.partition("@")
        if forked_id != key[1]:
            problems.append(Diagnostic(source.path, source.line(("overrides",)), "overrides", f"overrides names "
                                       f"'{forked_id}' but the id is '{key[1]}'", "override-mismatch"))
        elif forked and str(original.data.get("version")) != forked:
            problems.append(Diagnostic(source.path, source.line(("overrides",)), "overrides", f"upstream changed: "
                                       f"{original.path} is now version {original.data.get('version')}, this fork "
                                       f"is of {forked}; review the change and update `overrides`",
                                       "upstream-changed", "warning"))
    kept = [s for s in sources if not (is_base(s) and (s.kind, s.data.get("id")) in replaced)]
    return kept, problems


def quiet_unused(problems: list[Diagnostic]) -> list[Diagnostic]:
    """The problems without those that only say the extension leaves part of its base unused."""
    return [d for d in problems if not (is_base(d) and d.code in _UNUSED_BASE)]
