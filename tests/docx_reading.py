"""Reading generated .docx files back at the XML level (python-docx drops some content)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def part(docx: bytes | Path, name: str) -> etree._Element:
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def paragraphs(docx) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph, table cells included."""
    root = part(docx, "word/document.xml")
    out = []
    for p in root.iter(f"{{{W}}}p"):
        style = p.find("w:pPr/w:pStyle", NS)
        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
        out.append((style.get(f"{{{W}}}val") if style is not None else "", text))
    return out


def all_text(docx) -> str:
    """All visible text of the body, headers and footers, one paragraph per line."""
    data = docx.read_bytes() if isinstance(docx, Path) else docx
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")
                 and n.split("/")[-1].startswith(("document", "header", "footer"))]
    lines = []
    for name in names:
        root = part(data, name)
        for p in root.iter(f"{{{W}}}p"):
            lines.append("".join(t.text or "" for t in p.iter(f"{{{W}}}t")))
    return "\n".join(lines)


def replace_in_part(docx: bytes, name: str, old: str, new: str) -> bytes:
    """A copy of the package with text replaced in one part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == name:
                assert old.encode() in data, f"{old!r} not in {name}"
                data = data.replace(old.encode(), new.encode())
            dst.writestr(item, data)
    return out.getvalue()
