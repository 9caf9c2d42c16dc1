"""The one placeholder form clause text may use: `{{ name }}`; anything else Jinja-like is refused."""

from __future__ import annotations

import re

# A parameter (`{{ incident_alert }}`) or a reference (`{{ ref.annex.sub-processors }}`,
# `{{ ref.clause.incident-notification }}`, `{{ ref.main }}`; see generator/draft/references.py).
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*|ref\.main|ref\.(?:annex|clause)\.[a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\}")
REFERENCE_PREFIX = "ref."
# `[^{]` rather than `.`: a search from each `{{` stops at the next brace instead of running to
# the end of the text, so thousands of unclosed `{{` stay linear.
_TEMPLATE_LIKE = re.compile(r"\{\{[^{]*?\}\}|\{\{|\{%|\{#")


def scan(text: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Placeholders as (name, offset), and refused template syntax as (snippet, offset)."""
    names, refused = [], []
    for match in _TEMPLATE_LIKE.finditer(text):
        plain = PLACEHOLDER.fullmatch(match.group(0))
        if plain:
            names.append((plain.group(1), match.start()))
        else:
            refused.append((match.group(0)[:40], match.start()))
    return names, refused
