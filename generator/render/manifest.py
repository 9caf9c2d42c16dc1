"""The provenance manifest of a .docx, in its custom document properties (docProps/custom.xml).

One property per fact, so that no value nears the 255 characters some Word versions keep of a
text property: `klausul.clause.<id>` = "<version> sha256:<content hash>" for every clause, plus the
agreement, the generator, and, when the build layer knows them, the library's git commit and the
hashes of the agreement, services and catalogs. Written in a fixed order without timestamps, so
builds stay byte-identical.
"""

from __future__ import annotations

import io
import zipfile
from typing import Union

from lxml import etree

from generator.core.model import Draft

PREFIX = "klausul."
FORMAT = 1  # klausul.manifest: the layout of these properties
PART = "docProps/custom.xml"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CP = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id of user-defined properties

Value = Union[str, bool, int]


def manifest_properties(draft: Draft) -> list[tuple[str, Value]]:
    """The manifest of a draft as (name, value) pairs in a fixed order."""
    props: list[tuple[str, Value]] = [
        ("klausul.manifest", FORMAT),
        ("klausul.generator", f"klausul {draft.generator_version}"),
        ("klausul.agreement", draft.id),
        ("klausul.agreement.version", draft.version),
    ]
    if getattr(draft, "edition", None):  # which edition the file is, so verify rebuilds the same one
        props.append(("klausul.edition", draft.edition))
    origin = draft.provenance
    if origin is not None and origin.commit:
        props += [("klausul.commit", origin.commit), ("klausul.dirty", origin.dirty)]
    if origin is not None:
        props += [(f"klausul.input.{kind}.{ident}", f"sha256:{digest}") for kind, ident, digest in origin.inputs]
    props.append(("klausul.clauses", len(draft.clauses)))
    props += [(f"klausul.clause.{c.id}", f"{c.version} sha256:{c.content_hash}") for c in draft.clauses]
    return props


def set_package_properties(package, props: list[tuple[str, Value]], drop_prefix: str | None = None) -> None:
    """Set custom properties on a python-docx package before it is saved (no second pass over the zip)."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = next((r.target_part for r in package.rels.values() if r.reltype == RELATIONSHIP and not r.is_external),
                None)
    blob = _write(_merged(part.blob if part is not None else None, props, drop_prefix))
    if part is not None:
        part._blob = blob  # the template's own part: python-docx keeps unknown parts as plain blobs
    else:
        package.relate_to(Part(PackURI(f"/{PART}"), CONTENT_TYPE, blob, package), RELATIONSHIP)


def _merged(existing: bytes | None, props: list[tuple[str, Value]], drop_prefix: str | None
            ) -> list[tuple[str, Value]]:
    names = {n for n, _ in props}
    kept = [(n, v) for n, v in _read(existing) if n not in names and not (drop_prefix and n.startswith(drop_prefix))]
    return kept + list(props)


def read_properties(data: bytes | None) -> list[tuple[str, Value]]:
    """The properties of a docProps/custom.xml part, in its order."""
    return _read(data)


def custom_xml(kept: list[tuple[str, Value]], props: list[tuple[str, Value]]) -> bytes:
    """docProps/custom.xml holding `kept` (properties the manifest does not set) and then `props`."""
    names = {n for n, _ in props}
    return _write([(n, v) for n, v in kept if n not in names] + list(props))


def set_custom_properties(docx: bytes, props: list[tuple[str, Value]], drop_prefix: str | None = None) -> bytes:
    """The package with these custom properties set; others are kept unless their name has `drop_prefix`."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[PART] = _write(_merged(parts.get(PART), props, drop_prefix))
    parts["[Content_Types].xml"] = _with_override(parts["[Content_Types].xml"])
    parts["_rels/.rels"] = _with_relationship(parts["_rels/.rels"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def read_custom_properties(docx: bytes) -> dict[str, Value]:
    """The custom properties of a package by name; BadZipFile or KeyError when it is not one."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        z.getinfo("[Content_Types].xml")
        info = z.getinfo(PART) if PART in z.namelist() else None
        if info is not None and info.file_size > MAX_PART_BYTES:  # zipfile stops at the declared size
            raise ValueError(f"{PART} unpacks to {info.file_size} bytes; the limit is {MAX_PART_BYTES}")
        data = z.read(info) if info is not None else None
    return dict(_read(data))


MAX_PART_BYTES = 4 * 2**20  # a manifest of 10,000 clauses is under 1 MiB
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _read(data: bytes | None) -> list[tuple[str, Value]]:
    if not data:
        return []
    root = etree.fromstring(data, _SAFE_PARSER)
    found = []
    for prop in root.findall(f"{{{CP}}}property"):
        value = prop[0] if len(prop) else None
        if value is None:
            continue
        kind = etree.QName(value).localname
        text = value.text or ""
        found.append((prop.get("name"), text == "true" if kind == "bool" else int(text) if kind in ("i4", "int")
                      else text))
    return found


def _write(props: list[tuple[str, Value]]) -> bytes:
    root = etree.Element(f"{{{CP}}}Properties", nsmap={None: CP, "vt": VT})
    for pid, (name, value) in enumerate(props, start=2):  # pid 0 and 1 are reserved
        prop = etree.SubElement(root, f"{{{CP}}}property", fmtid=FMTID, pid=str(pid), name=name)
        kind, text = (("bool", "true" if value else "false") if isinstance(value, bool)
                      else ("i4", str(value)) if isinstance(value, int) else ("lpwstr", value))
        etree.SubElement(prop, f"{{{VT}}}{kind}").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_override(data: bytes) -> bytes:
    root = etree.fromstring(data)
    if not root.xpath("ct:Override[@PartName=$p]", namespaces={"ct": CT}, p=f"/{PART}"):
        etree.SubElement(root, f"{{{CT}}}Override", PartName=f"/{PART}", ContentType=CONTENT_TYPE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_relationship(data: bytes) -> bytes:
    root = etree.fromstring(data)
    if not root.xpath("pr:Relationship[@Type=$t]", namespaces={"pr": PR}, t=RELATIONSHIP):
        taken = set(root.xpath("pr:Relationship/@Id", namespaces={"pr": PR}))
        ident = next(f"rId{n}" for n in range(len(taken) + 1, len(taken) + 1000) if f"rId{n}" not in taken)
        etree.SubElement(root, f"{{{PR}}}Relationship", Id=ident, Type=RELATIONSHIP, Target=PART)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
