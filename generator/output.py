"""Writing output files so that a failure never leaves a partial file or destroys a good one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def write_files(directory: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file to a temporary sibling first, then rename all of them into place."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create the output directory ({exc.strerror})") from None
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            staged.append((tmp, directory / name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        for tmp, final in staged:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{directory}: cannot write output ({exc.strerror})") from None
    return [final for _, final in staged]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
