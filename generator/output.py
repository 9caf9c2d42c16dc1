"""Writing output files so that a failure never leaves a partial file or destroys a good one."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
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
        _refuse_special(directory / name)
    _clean_stale(directory, files)
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


def _refuse_special(path: Path) -> None:
    """A device node, FIFO or socket at the path (or where a link there points) is never replaced:
    `-o /dev/stdout` or `-o /dev/sda` run as root would otherwise swap the node for a file. Nothing
    in /dev, /proc or /sys is replaced: /dev/stdout is a link that may point at a regular file."""
    parent = path.parent.resolve()
    if any(parent == Path(top) or parent.is_relative_to(top) for top in _SYSTEM):
        raise OutputError(f"{path}: refusing to replace a file in {parent} (use -o - for stdout)")
    for where in (path, path.resolve()) if path.is_symlink() else (path,):
        try:
            mode = os.stat(where, follow_symlinks=False).st_mode
        except OSError:  # nothing there (a new file, a dangling link): fine
            continue
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise OutputError(f"{path}: is a device, FIFO or socket, not a file; refusing to replace it "
                              "(use -o - for stdout)")


_SYSTEM = ("/dev", "/proc", "/sys")
STALE_SECONDS = 3600


def _clean_stale(directory: Path, files: dict[str, bytes]) -> None:
    """Remove temporary files of these outputs that a killed build left behind (older than an hour,
    so that a build running at the same time keeps its own)."""
    now = time.time()
    for name in files:
        for leftover in directory.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if now - leftover.lstat().st_mtime > STALE_SECONDS and leftover.is_file():
                    leftover.unlink()


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
