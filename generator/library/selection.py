"""Which clauses an agreement's draft holds, from the raw documents (validation runs before anything is typed)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Mapping

from generator.library.parameters import selects


def selected_ids(clauses: Mapping[str, Mapping], services: list[Mapping], include, exclude) -> set[str]:
    """The ids of the clauses an agreement's draft holds: approved and applicable to one of its
    services, or included; never excluded. The same rules as the assembler's, through `selects`."""
    typed = [SimpleNamespace(type=s["type"], classification=s["classification"], personal_data=s["personal_data"],
                             delivery=s.get("delivery", "on-premises"))
             for s in services]
    return {cid for cid, c in clauses.items() if cid not in exclude and (cid in include or (
        c["status"] == "approved" and any(selects(c.get("applies_to") or {}, s) for s in typed)))}
