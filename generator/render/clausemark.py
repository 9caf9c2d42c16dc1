"""Clause boundaries in the Word body: a hidden bookmark around every clause, named for its id and version.

Bookmarks, not content controls: LibreOffice 7.4 drops block-level `w:sdt` on a docx→docx save
while it keeps bookmarks (both measured; see README "Round trip"). A name starting with `_` is a
hidden bookmark in Word, so the contract shows no marker. Word keeps at most 40 characters of a
name and allows only letters, digits and `_`, so the name carries a hash of `id@version`; the
manifest in the custom properties lists every id and version, which decodes it.
"""

from __future__ import annotations

import hashlib

PREFIX = "_Kl_"
FIRST_ID = 900000  # bookmark ids of clause marks, clear of the table of contents' marks


FRAME_PREFIX = "_Kf_"  # the contract frame's own clauses (precedence, term, language): frame text, not library clauses
FRAME_FIRST_ID = 800000


def frame_mark(xml: str, ident: str, index: int) -> str:
    """A frame clause's heading paragraph with a hidden bookmark `_Kf_<ident>` on it, so that a reader
    tells it from a library clause whose mark was lost."""
    head = xml.index("</w:pPr>") + len("</w:pPr>")
    name = FRAME_PREFIX + ident.replace("-", "_")
    return (xml[:head] + f'<w:bookmarkStart w:id="{FRAME_FIRST_ID + index}" w:name="{name}"/>'
            + f'<w:bookmarkEnd w:id="{FRAME_FIRST_ID + index}"/>' + xml[head:])


def mark_name(clause_id: str, version: str) -> str:
    """The bookmark name of one clause version: `_Kl_` and 16 hex digits of sha256("id@version")."""
    return PREFIX + hashlib.sha256(f"{clause_id}@{version}".encode("utf-8")).hexdigest()[:16]


def wrap(xml: str, clause_id: str, version: str, index: int) -> str:
    """Clause XML (starting with its heading paragraph) with a bookmark from its heading to its last paragraph."""
    ident = FIRST_ID + index
    name = mark_name(clause_id, version)
    head = xml.index("</w:pPr>") + len("</w:pPr>")  # after the heading's properties, before its runs
    tail = xml.rindex("</w:p>")  # inside the clause's last paragraph, after its runs
    return (xml[:head] + f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>' + xml[head:tail]
            + f'<w:bookmarkEnd w:id="{ident}"/>' + xml[tail:])
