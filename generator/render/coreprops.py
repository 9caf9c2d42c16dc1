"""docProps/core.xml written by Klausul itself, with the namespaces fixed here.

python-docx's setters use a prefix table that other installed packages can change: with
docxcompose installed (docxtpl loads it when present) `cp:` pointed at the custom-properties
namespace, so Word saw no keywords, no revision and the template's last author. They also refuse
values over 255 characters. Writing the part ourselves depends on neither.
"""

from __future__ import annotations

from generator.core.xmltext import escape

from generator.core.i18n import LABELS
from generator.core.model import Draft

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def core_xml(draft: Draft) -> bytes:
    """The core properties of the draft: from the agreement, never from the template or the clock."""
    customer = next((p.name for p in draft.parties if p.role == "customer"), "")
    stamp = f"{draft.date}T00:00:00Z"
    labels = LABELS[draft.language]
    review = getattr(draft, "edition", "review") == "review"
    fields = [
        ("dc:title", draft.title), ("dc:subject", labels["subtitle"]), ("dc:creator", customer),
        # the contract edition's properties carry no tool material either
        ("cp:keywords", draft.id if review else (draft.reference or "")),
        ("dc:description", f"{draft.id} {draft.version}; Klausul {draft.generator_version}" if review else ""),
        ("cp:lastModifiedBy", customer), ("cp:revision", "1"), ("cp:lastPrinted", stamp),
        ("cp:category", ""), ("cp:contentStatus", labels[draft.status]), ("dc:identifier", draft.id),
        ("dc:language", draft.language), ("cp:version", draft.version),
    ]
    body = "".join(f"<{tag}>{escape(value)}</{tag}>" if value else f"<{tag}/>" for tag, value in fields)
    dates = "".join(f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{tag}>' for tag in ("created", "modified"))
    spaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in _NS.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties {spaces}>{body}{dates}'
            "</cp:coreProperties>").encode("utf-8")
