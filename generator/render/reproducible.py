"""Write an OOXML zip so that the same content always gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from typing import Iterable

_EPOCH = (1980, 1, 1, 0, 0, 0)


def zip_members(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of these members in this order: fixed timestamps, permissions and compression, each compressed once."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, data, compresslevel=6)
    return out.getvalue()


def normalize_zip(data: bytes) -> bytes:
    """Same members, same order, fixed timestamps, permissions and compression."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return zip_members((name, src.read(name)) for name in src.namelist())
