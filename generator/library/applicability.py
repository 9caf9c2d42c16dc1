"""Which services a clause's rules select, and which services it binds in one agreement.

One place for the rules, so that assembly and the library's consistency checks select alike.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from generator.library.parameters import classification_level

# How a service is delivered: the supplier operates the customer's own environment; a dedicated
# environment at the supplier; a multi-tenant cloud service (SaaS) shared with other customers.
DELIVERY_MODELS = ("on-premises", "hosted", "saas")
DEFAULT_DELIVERY = "on-premises"


def selects(rules: Mapping[str, Any], service_type: str, classification: Mapping[str, int],
            personal_data: bool, delivery: str) -> bool:
    """Whether applicability rules (a clause's `applies_to`) select a service with these properties."""
    if "service_types" in rules and service_type not in rules["service_types"]:
        return False
    if "delivery" in rules and delivery not in rules["delivery"]:
        return False
    if any(classification_level(a, classification) < n for a, n in (rules.get("min_level") or {}).items()):
        return False
    if any(classification_level(a, classification) > n for a, n in (rules.get("max_level") or {}).items()):
        return False
    return rules.get("personal_data") in (None, personal_data)


def bound_services(clause_id: str, status: str, selected: Iterable[str], services: list[str],
                   include: Iterable[str], exclude: Iterable[str]) -> list[str]:
    """The services a clause binds in one agreement: none when excluded; those its rules select when
    approved; all of the agreement's services when it is included by name and its rules select none."""
    if clause_id in set(exclude):
        return []
    chosen = [s for s in services if s in set(selected)] if status == "approved" else []
    if clause_id in set(include):
        chosen = chosen or list(services)
    return chosen
