"""What a Word template may contain and do, beyond the package checks in render/docx.py.

- No content from outside: field codes that fetch files or data (INCLUDEPICTURE, INCLUDETEXT,
  LINK, DDE, ...) in `w:fldSimple` or `w:instrText`, however the instruction is split into runs.
- No macros under any part name: a VBA project or OLE object is found by its relationship type,
  its content type or its bytes (an OLE compound file), not only by the name vbaProject.bin.
- Jinja that stays linear: the template may print values, test them, filter them through a short
  list of filters and loop over the given lists; no arithmetic, calls, ranges or nested loops, so
  neither `title*30000000` nor a billion iterations can be written. Rendering also has a time limit.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import zipfile

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from generator.core.errors import OutputError

_FIELDS = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|IMPORT|LINK|DDE|DDEAUTO|RD|DATABASE)\b", re.I)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ACTIVE = re.compile(r"vba|macro|activex|oleobject|/control$|/package$|ole2|msword8|binary", re.I)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
RENDER_SECONDS = 20  # the default template renders in well under 0.1 s


def check_package(z: zipfile.ZipFile, name: str) -> None:
    """Refuse outside-content field codes and active content under any name; OutputError."""
    for info in z.infolist():
        part = info.filename
        with z.open(info) as handle:
            head = handle.read(len(_OLE_MAGIC))
        if head == _OLE_MAGIC:
            raise OutputError(f"{name}: the template contains an embedded program or object ({part}); "
                              "use a macro-free .docx")
        if part == "[Content_Types].xml" or part.endswith(".rels"):
            root = _xml(z, part, name)
            for element in root:
                kind = element.get("ContentType") or element.get("Type") or ""
                if _ACTIVE.search(kind):
                    raise OutputError(f"{name}: the template contains macros, ActiveX or embedded objects "
                                      f"({part}: {kind}); use a macro-free .docx")
        elif part.startswith("word/") and part.endswith(".xml"):
            _check_fields(_xml(z, part, name), part, name)


def _check_fields(root, part: str, name: str) -> None:
    simple = [e.get(f"{{{_W}}}instr") or "" for e in root.iter(f"{{{_W}}}fldSimple")]
    # A complex field's instruction may be split over many runs (INCLUDE|PICTURE): read them joined.
    joined = "".join(e.text or "" for e in root.iter(f"{{{_W}}}instrText"))
    for instruction in simple + [joined]:
        if found := _FIELDS.search(instruction):
            raise OutputError(f"{name}: the template has a field that fetches outside content ({part}: "
                              f"{found.group(1).upper()}); remove the field")


def _xml(z: zipfile.ZipFile, part: str, name: str):
    try:
        return etree.fromstring(z.read(part), _PARSER)
    except etree.XMLSyntaxError:
        raise OutputError(f"{name}: not a Word file (broken {part})") from None


class TemplateEnvironment(SandboxedEnvironment):
    """The sandbox with the template language cut down to what a cover page needs (see above)."""

    _FILTERS = {"e", "escape", "upper", "lower", "title", "capitalize", "trim", "default", "d", "length",
                "count", "first", "last", "join", "safe", "string"}
    _ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem,
                nodes.Const, nodes.If, nodes.For, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
                nodes.Test, nodes.Filter, nodes.CondExpr, nodes.Concat, nodes.Tuple, nodes.Slice)

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for node in tree.find_all(nodes.Node):
            if not isinstance(node, self._ALLOWED):
                raise SecurityError(f"'{type(node).__name__}' is not allowed in a template; it may only print, "
                                    "test and filter the given values and loop over the given lists")
            if isinstance(node, nodes.Filter) and node.name not in self._FILTERS:
                raise SecurityError(f"the filter '{node.name}' is not allowed in a template")
            if isinstance(node, nodes.For) and any(True for _ in node.find_all(nodes.For)):
                raise SecurityError("loops inside loops are not allowed in a template")
        return tree


@contextlib.contextmanager
def time_limit(name: str, seconds: int = RENDER_SECONDS):
    """OutputError when the block runs longer than `seconds` (main thread only; elsewhere unlimited)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise OutputError(f"{name}: rendering the template took longer than {seconds} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` inside docxtpl swallows it."""
