"""Finding the library a command works on: the folder named, or the nearest one above, as git does."""

from __future__ import annotations

from pathlib import Path

from generator.library.load import KINDS, SETTINGS


def is_library(folder: Path) -> bool:
    """Whether folder holds a library: a klausul.yaml or one of the document folders."""
    return (folder / SETTINGS).is_file() or any((folder / name).is_dir() for name in KINDS)


def find_root(start: Path) -> Path:
    """The nearest folder at or above start that holds a library; start itself when none does."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_library(folder):
            return folder
    return start
