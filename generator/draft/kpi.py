"""A clause's follow-up as the draft states it: the KPI with its target value, where it is reported, the Customer's duties."""

from __future__ import annotations

from typing import Any, Mapping

from generator.core.i18n import FORUMS, FREQUENCIES, LABELS, format_quantity, join_words, pick
from generator.core.model import CustomerDuty
from generator.library.parameters import value_for_service


def kpi_with_target(followup: Mapping[str, Any], values: Mapping[str, str], varying: Mapping[str, list],
                    services: list, lang: str) -> str:
    """The KPI text, followed by its target ("Målvärde: minst 95 %") when the clause gives one; a target
    that differs per service is given per service in brackets, never as a chain of "för" phrases."""
    kpi = followup["kpi"][lang]
    target = followup.get("target")
    if not target:
        return kpi
    labels = LABELS[lang]
    bound = labels[f"target_{target['bound'].replace('-', '_')}"]
    if "parameter" in target:
        name = target["parameter"]
        groups = [(text, names) for names, text, _raw in varying[name]] if name in varying else [(values[name], [])]
    else:
        decl = {"default": target["value"], **{k: target[k] for k in ("levels", "level_from") if k in target}}
        by_text: dict[str, list[str]] = {}
        for s in services:
            raw = value_for_service(decl, "target", s.classification, {}, {})
            by_text.setdefault(format_quantity(raw, target.get("unit"), lang), []).append(s.name[lang])
        groups = list(by_text.items())
    if len(groups) == 1:
        stated = f"{bound} {groups[0][0]}"
    else:
        stated = ", ".join(f"{bound} {text} ({join_words(names, lang)})" for text, names in groups)
    measure = f" ({target['measure'][lang]})" if target.get("measure") else ""
    return f"{kpi} {labels['target']}{measure}: {stated}."


def customer_duties(duties: tuple[Mapping[str, Any], ...], lang: str) -> tuple[CustomerDuty, ...]:
    """The Customer's duties under a clause, in the draft's language."""
    return tuple(CustomerDuty(d["what"][lang], d["frequency"], pick(FREQUENCIES[d["frequency"]], lang),
                              pick(FORUMS[d["forum"]], lang) if d.get("forum") else None) for d in duties)
