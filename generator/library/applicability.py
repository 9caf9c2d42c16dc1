"""Which services a clause's rules select, and which services it binds in one agreement.

One place for the rules, so that assembly and the library's consistency checks select alike.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

from generator.library.parameters import selects as selects_service

# How a service is delivered: the supplier operates the customer's own environment; a dedicated
# environment at the supplier; a multi-tenant cloud service (SaaS) shared with other customers.
DELIVERY_MODELS = ("on-premises", "hosted", "saas")
DEFAULT_DELIVERY = "on-premises"


class _Facts(NamedTuple):
    """What applicability rules look at in a service, taken from a raw service document."""

    type: str
    classification: Mapping[str, int]
    personal_data: bool
    delivery: str


def selects(rules: Mapping[str, Any], service_type: str, classification: Mapping[str, int],
            personal_data: bool, delivery: str) -> bool:
    """Whether applicability rules (a clause's `applies_to`) select a service with these properties."""
    return selects_service(rules, _Facts(service_type, classification, personal_data, delivery))


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
