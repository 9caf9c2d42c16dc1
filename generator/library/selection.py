"""Which services a clause's applicability rules select: shared by validation and assembly."""

from __future__ import annotations

from typing import Any, Mapping

from generator.library.parameters import classification_level


def rules_select(rules: Mapping[str, Any], service_type: str, classification: Mapping[str, int],
                 personal_data: bool) -> bool:
    """Whether `applies_to` rules hold for a service of this type, classification and personal data."""
    if "service_types" in rules and service_type not in rules["service_types"]:
        return False
    if any(classification_level(a, classification) < n for a, n in (rules.get("min_level") or {}).items()):
        return False
    if any(classification_level(a, classification) > n for a, n in (rules.get("max_level") or {}).items()):
        return False
    return rules.get("personal_data") in (None, personal_data)


def selected_ids(clauses: Mapping[str, Mapping], services: list[Mapping], include, exclude) -> set[str]:
    """The ids of the clauses an agreement's draft holds (raw documents: approved and applicable,
    or included; never excluded)."""
    return {cid for cid, c in clauses.items() if cid not in exclude and (cid in include or (
        c["status"] == "approved" and any(rules_select(c.get("applies_to") or {}, s["type"], s["classification"],
                                                       s["personal_data"]) for s in services)))}
