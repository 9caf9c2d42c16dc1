"""The two editions of every draft: the contract edition goes to the other party and is signed; the
review edition is ours (clause ids and versions, obligation and verification lines, overrides, the
coverage checklist and the clause register)."""

from __future__ import annotations

import dataclasses

from generator.core.model import Draft

EDITIONS = ("contract", "review")
# The file of each edition beside the other outputs: <id>.contract.docx goes to the counterparty.
SUFFIXES = {"contract": ".contract", "review": ""}


def edition(draft: Draft, name: str) -> Draft:
    """The draft as edition `name` prints it."""
    if name not in EDITIONS:
        raise ValueError(f"unknown edition {name!r}")
    return dataclasses.replace(draft, edition=name)
