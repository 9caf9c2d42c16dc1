"""The validation cache's file format: JSON with a few tagged forms, which no reader can execute.

A pickle runs whatever code a planted file names; this format only ever builds dicts, lists,
tuples, sets, dates, Sources and Diagnostics. Tags are one-key objects whose key starts with
U+0000, a character no YAML document (and so no library value or key) can contain.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from generator.core.errors import Diagnostic
from generator.library.load import Source

_SOURCE, _DIAG, _MAP, _TUPLE, _SET, _DATE, _TIME = (f"\x00{t}" for t in ("source", "diag", "map", "tuple", "set",
                                                                         "date", "datetime"))


def dumps(value: Any) -> bytes:
    """The value as UTF-8 JSON bytes."""
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> Any:
    """The value dumps wrote; ValueError for anything else."""
    return json.loads(data.decode("utf-8"), object_hook=_decode)


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(type(k) is str and not k.startswith("\x00") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_MAP: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {_TUPLE: [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {_SET: [_encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, dt.datetime):
        return {_TIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, Source):
        return {_SOURCE: [value.kind, value.path, _encode(value.data), _encode(value.lines),
                          _encode(value.block_scalars)]}
    if isinstance(value, Diagnostic):
        return {_DIAG: [value.path, value.line, value.key, value.message, value.code, value.severity]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"the cache cannot store {type(value).__name__}")


def _decode(obj: dict) -> Any:
    if len(obj) != 1:
        return obj
    (tag, value), = obj.items()
    if not tag.startswith("\x00"):
        return obj
    if tag == _MAP:
        return {_hashable(k): v for k, v in value}
    if tag == _TUPLE:
        return tuple(value)
    if tag == _SET:
        return {_hashable(v) for v in value}
    if tag == _DATE:
        return dt.date.fromisoformat(value)
    if tag == _TIME:
        return dt.datetime.fromisoformat(value)
    if tag == _SOURCE:
        kind, path, data, lines, blocks = value
        return Source(kind, path, data, lines, blocks)
    if tag == _DIAG:
        return Diagnostic(*value)
    raise ValueError(f"unknown tag {tag!r}")


def _hashable(value: Any) -> Any:
    if isinstance(value, list):  # only ever a tuple's items once decoded; keep keys hashable
        return tuple(value)
    return value
