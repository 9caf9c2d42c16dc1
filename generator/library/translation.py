"""Acknowledged translations: a clause records, as `translation_checked`, a hash of its texts in every
language at the moment someone confirmed they say the same; any later text change breaks the match."""

from __future__ import annotations

import hashlib
import json
import re

LOCALIZED = (("title",), ("text",), ("verification",), ("followup", "kpi"))
# Localized texts added later: hashed only when a clause has them, so earlier acknowledgements hold.
LATER_LOCALIZED = (("tender_evidence",),)
_LINE = re.compile(r"^translation_checked:.*$", re.MULTILINE)


def translation_hash(data: dict) -> str:
    """12 hex digits over the clause's localized texts in every language."""
    texts = []
    for path in LOCALIZED + LATER_LOCALIZED:
        value = data
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        if value is not None or path in LOCALIZED:
            texts.append(value)
    canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def acknowledged(data: dict) -> bool:
    """Whether the clause's texts are the ones whose translation was last confirmed."""
    return data.get("translation_checked") == translation_hash(data)


def with_acknowledgement(text: str, data: dict) -> str:
    """The clause file's text with `translation_checked` set to the current hash (replaced or appended)."""
    line = f"translation_checked: {translation_hash(data)}"
    if _LINE.search(text):
        return _LINE.sub(line, text, count=1)
    return text + ("" if text.endswith("\n") else "\n") + line + "\n"
