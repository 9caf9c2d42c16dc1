"""A Word template prepared once: docxtpl's reading of its XML and python-docx's package layout, kept by hash.

Preparing needs docxtpl and python-docx (about 200 ms to import, more than writing a 40-clause
draft). What they produce from a template does not depend on the draft: the template's XML with its
Jinja tags freed from Word's runs (docxtpl's `patch_xml`), the list of zip members python-docx
writes (content types, relationships, the parts it re-serialises, in its order), the numbering
definitions the body's lists use and the properties docxtpl renders. So it is kept in memory and,
unless KLAUSUL_NO_CACHE is set, in a JSON file beside the validation cache (never a pickle), found by
the sha256 of the template's bytes together with the installed docxtpl and python-docx; a file that
cannot be read, or that another user owns or others may write, is ignored and rewritten. The draft's own parts are left as named slots for render/docx.py.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from importlib.util import find_spec
from pathlib import Path

from generator.core.cachedir import cache_root, caching, trusted
from generator.core.errors import OutputError

FORMAT = 1  # bump when the prepared layout or the way it is made changes
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
CORE_FIELDS = ("author", "comments", "identifier", "language", "subject", "title")  # docxtpl renders these
_MEMORY: dict[str, "Prepared"] = {}


@dataclass
class Prepared:
    """What rendering a draft into one template needs; every field is plain data (JSON)."""

    body: str  # the document's w:body as docxtpl renders it: Jinja source
    document: str  # the document part as python-docx writes it (base64), its body replaced per draft
    parts: dict[str, list[str]]  # zip member name → [kind, Jinja source]: headers, footers ("xml"), footnotes ("raw")
    members: list[list[str]]  # [name, "static", base64 bytes] or [name, "slot", slot name], in python-docx's order
    numbering: str  # the numbering part as python-docx writes it (base64)
    lists: list[int]  # abstract id of the ordered list, the next free w:num id, the bullet list's w:num id
    core: list[str]  # the template's core properties docxtpl renders (errors in them are the template's)
    custom: list[list] = field(default_factory=list)  # the template's own custom properties, kept

    def static(self, data: str) -> bytes:
        return base64.b64decode(data)


def prepared(template: bytes, name: str) -> Prepared:
    """The prepared template, from memory, the cache file or docxtpl and python-docx (in that order)."""
    key = _key(template)
    found = _MEMORY.get(key)
    if found is None:
        found = _read(key) or _store(key, _prepare(template, name))
        _MEMORY[key] = found
    return found


def _key(template: bytes) -> str:
    return hashlib.sha256(template + _stamp().encode("utf-8")).hexdigest()


@functools.cache
def _stamp() -> str:
    """The installed docxtpl and python-docx and this module, by their files' size and time (once per process)."""
    stamp = []
    for package, module in (("docxtpl", "template.py"), ("docx", "opc/pkgwriter.py"), ("docx", "oxml/parser.py"),
                            ("docxcompose", "__init__.py")):  # docxcompose, when present, changes python-docx
        with contextlib.suppress(Exception):  # find_spec of a top-level package does not import it
            info = os.stat(Path(find_spec(package).origin).parent / module)
            stamp.append(f"{package}/{module}:{info.st_size}:{info.st_mtime_ns}")
    mine = Path(__file__).stat()
    stamp.append(f"{FORMAT}:{mine.st_size}:{mine.st_mtime_ns}")
    return "|".join(stamp)


def _cache_file(key: str) -> Path | None:
    return cache_root() / "templates" / f"{key[:32]}.json" if caching() else None


def _read(key: str) -> Prepared | None:
    path = _cache_file(key)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            # another user's file, or one others may write, could have been planted to put XML into drafts
            if not trusted(info):
                return None
            data = json.loads(handle.read().decode("utf-8"))
        if data.pop("key") != key:
            return None
        return Prepared(**data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # unreadable or from another layout: prepared again and rewritten


def _store(key: str, prep: Prepared) -> Prepared:
    path = _cache_file(key)
    if path is None:
        return prep
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"key": key, **asdict(prep)}, handle)
        os.replace(tmp, path)
    return prep


def _prepare(template: bytes, name: str) -> Prepared:
    """docxtpl's and python-docx's reading of the template (the only place this module imports them)."""
    from docx.opc.pkgwriter import PackageWriter
    from docxtpl import DocxTemplate

    from generator.render.manifest import PREFIX, RELATIONSHIP, read_properties, set_package_properties

    tpl = DocxTemplate(io.BytesIO(template))
    tpl.init_docx()
    doc = tpl.docx
    lists = _numbering(doc, name)
    body = tpl.patch_xml(tpl.get_xml())
    parts: dict[str, list[str]] = {}
    for uri in (_HEADER, _FOOTER):
        for _rel, part in tpl.get_headers_footers(uri):
            parts[part.partname.membername] = ["xml", tpl.patch_xml(tpl.get_part_xml(part))]
    package = doc.part.package
    sections = len(doc.sections)
    # docxtpl renders the footnotes once per section, each time over the last output, and not at all without a
    # section; rendered once here, which is the same unless the template writes Jinja through its `{_{` escapes
    for part in package.parts if sections else ():
        if part.content_type == _CT_FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            parts[part.partname.membername] = ["raw", tpl.patch_xml(blob)]
    core = [getattr(doc.core_properties, f) or "" for f in CORE_FIELDS]  # adds the part when there is none
    custom = next((r.target_part for r in package.rels.values() if r.reltype == RELATIONSHIP and not r.is_external),
                  None)
    kept = [[n, v] for n, v in read_properties(custom.blob if custom is not None else None)
            if not n.startswith(PREFIX)]
    set_package_properties(package, [], drop_prefix=PREFIX)  # the part the manifest goes into
    slots = {doc.part.partname.membername: "document", doc.part.numbering_part.partname.membername: "numbering",
             package._core_properties_part.partname.membername: "core", "docProps/app.xml": "app"}
    slots.update({n: "part" for n in parts})
    custom = next(r.target_part for r in package.rels.values() if r.reltype == RELATIONSHIP and not r.is_external)
    slots[custom.partname.membername] = "custom"
    members = _Recorder(slots)
    parts_in_order = list(package.iter_parts())
    PackageWriter._write_content_types_stream(members, parts_in_order)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, parts_in_order)
    return Prepared(body=body, document=_b64(doc.part.blob), parts=parts, members=members.members,
                    numbering=_b64(doc.part.numbering_part.blob), lists=lists, core=core, custom=kept)


class _Recorder:
    """Stands in for python-docx's zip writer: notes each member, or the slot a draft fills."""

    def __init__(self, slots: dict[str, str]):
        self.slots, self.members = slots, []

    def write(self, uri, blob: bytes) -> None:
        name = uri.membername
        slot = self.slots.get(name)
        self.members.append([name, "slot", slot] if slot else [name, "static", _b64(blob)])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _numbering(doc, name: str) -> list[int]:
    """The ordered and bullet list definitions, found through the ListNumber and ListBullet styles."""
    styles = doc.styles.element
    try:
        numbering = doc.part.numbering_part.element
    except NotImplementedError:
        raise OutputError(f"{name}: the template has no numbering definitions") from None

    def style_num(style_id: str) -> str:
        found = styles.xpath(f'w:style[@w:styleId="{style_id}"]/w:pPr/w:numPr/w:numId/@w:val')
        if not found:
            raise OutputError(f"{name}: style {style_id} is missing or not numbered (see the template README)")
        return found[0]

    ordered = style_num("ListNumber")
    abstract = numbering.xpath(f'w:num[@w:numId="{ordered}"]/w:abstractNumId/@w:val')
    if not abstract:
        raise OutputError(f"{name}: numbering {ordered} of style ListNumber is not defined")
    used = [int(n) for n in numbering.xpath("w:num/@w:numId")]
    return [int(abstract[0]), max(used) + 1, int(style_num("ListBullet"))]
