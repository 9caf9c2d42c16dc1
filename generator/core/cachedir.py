"""Where Klausul keeps its caches and whether they are on, for every stage: KLAUSUL_CACHE_DIR and KLAUSUL_NO_CACHE.

The same answers as generator.library.cache's; here so that the writers (which may not import the
library stage) keep their prepared templates beside the validation cache.
"""

from __future__ import annotations

import os
from pathlib import Path


def caching() -> bool:
    """Whether caches are on (KLAUSUL_NO_CACHE unset, empty or 0)."""
    return os.environ.get("KLAUSUL_NO_CACHE", "") in ("", "0")


def trusted(info: os.stat_result) -> bool:
    """Whether a cache file may be believed: ours and writable by nobody else (a file another user
    planted, or could change, might lie about the library or put text into drafts)."""
    return info.st_uid == os.geteuid() and not info.st_mode & 0o022


def cache_root() -> Path:
    """$KLAUSUL_CACHE_DIR, else $XDG_CACHE_HOME/klausul, else ~/.cache/klausul."""
    if os.environ.get("KLAUSUL_CACHE_DIR"):
        return Path(os.environ["KLAUSUL_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "klausul"
