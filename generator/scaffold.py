"""`klausul init` and `klausul new`: write a starting library or one document skeleton, never over a file."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from generator.core.errors import UsageError
from generator.library import skeletons
from generator.library.load import SETTINGS
from generator.library.locate import is_library
from generator.output import write_files

_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def init_library(directory: Path, extends: str | None, today: str) -> list[Path]:
    """Write the example library into directory (created if needed); refuse a folder that holds one."""
    if directory.exists() and is_library(directory):
        raise UsageError(f"{directory}: already holds a Klausul library")
    files = skeletons.example_library(today)
    if extends:
        files[SETTINGS] = skeletons.settings(extends)
    return _write_all(directory, files)


def new_document(root: Path, kind: str, ident: str, text: str, category: str | None = None) -> Path:
    """Write one skeleton to its folder (clauses/<category>/<id>.yaml); refuse an existing file."""
    if not _ID.fullmatch(ident):
        raise UsageError(f"'{ident}' is not a valid id: use lowercase letters, digits and single hyphens")
    folder = root / skeletons.FOLDER[kind] / (category or "")
    existing = [p for p in (root / skeletons.FOLDER[kind]).rglob(f"{ident}.y*ml")] if folder.parent.exists() else []
    if existing:
        raise UsageError(f"{existing[0]}: a {kind} with id '{ident}' is already there")
    return _write_all(folder, {f"{ident}.yaml": text})[0]


def _write_all(directory: Path, files: dict[str, str]) -> list[Path]:
    by_folder: dict[Path, dict[str, bytes]] = defaultdict(dict)
    for rel, text in files.items():
        path = directory / rel
        if path.exists():
            raise UsageError(f"{path}: already exists; nothing was written")
        by_folder[path.parent][path.name] = text.encode("utf-8")
    return [p for folder, content in sorted(by_folder.items()) for p in write_files(folder, content)]


def acknowledge_translations(root: Path, paths: list[str]) -> list[Path]:
    """Write `translation_checked` into each clause file named (library-relative), once each."""
    from generator.library.load import load_file
    from generator.library.translation import with_acknowledgement

    written = []
    for rel in dict.fromkeys(paths):
        file = root / rel
        source = load_file(file, "clause", rel)
        text = with_acknowledgement(file.read_text(encoding="utf-8"), source.data)
        written += write_files(file.parent, {file.name: text.encode("utf-8")})
    return written
