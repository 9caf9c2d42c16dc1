"""Writing output files so that a failure never leaves a partial file or destroys a good one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from generator.core.errors import OutputError


def write_files(directory: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file to a temporary sibling first, then rename all of them into place."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{directory}: cannot create the output directory ({exc.strerror})") from None
    for name in files:  # checked before anything is renamed, so that no file of the set is replaced
        if (directory / name).is_dir():
            raise OutputError(f"{directory / name}: cannot write the output, a folder of that name is in the way")
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            staged.append((tmp, directory / name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())  # on disk before the rename makes it the file of record
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        for tmp, final in staged:
            os.replace(tmp, final)
    except BaseException as exc:  # a full disk, a file size limit, Ctrl-C: no temporary file stays
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{directory}: cannot write output ({exc.strerror})") from None
        raise
    _sync_directory(directory)
    return [final for _, final in staged]


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened or synced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
