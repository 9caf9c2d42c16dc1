"""Reading a user-named input file safely: a regular file, its size checked before it is read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.core.errors import KlausulError

MAX_INPUT_BYTES = 64 * 2**20  # a Word template or a generated draft; the sample's are under 100 KiB


def read_regular(path: Path, error: type[KlausulError], what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of `path`; `error` (with its exit code) when it is not a regular file (a FIFO would
    block forever, /dev/zero never ends), is larger than `limit`, or cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{path}: the {what} is not a regular file (a device, a FIFO or a socket)")
        if info.st_size > limit:
            raise error(f"{path}: the {what} is {info.st_size} bytes; the limit is {limit}")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if len(data) > limit:  # it grew while we read it
        raise error(f"{path}: the {what} is larger than {limit} bytes")
    return data
