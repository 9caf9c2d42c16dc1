"""What the review edition discloses beside the checklist: values set away from the classification,
and catalog items whose wording is not yet verified. Pure functions of the Draft."""

from __future__ import annotations

from generator.core.i18n import LABELS, join_words
from generator.core.model import Draft


def override_header(lang: str) -> list[str]:
    labels = LABELS[lang]
    return [labels[k] for k in ("parameter", "service", "value", "classification_gives", "set_in", "clause")]


def override_rows(draft: Draft) -> list[list[str]]:
    """One row per parameter and service whose value is not the classification's."""
    labels = LABELS[draft.language]
    numbers = {c.id: n for n, c in draft.numbered_clauses()}
    return [[o.label, o.service, o.value, o.baseline, labels[f"set_in_{o.origin}"], numbers.get(o.clause, o.clause)]
            for o in draft.overrides]


def verify_header(lang: str) -> list[str]:
    labels = LABELS[lang]
    return [labels[k] for k in ("item", "title", "reference")]


def verify_rows(draft: Draft) -> list[list[str]]:
    """Each catalog item of the checklist still marked `verify`, as catalog:item, title, reference."""
    return [[f"{cat.id}:{i.id}", i.title, i.reference] for cat in draft.coverage for i in cat.items if i.verify]


def overridden_sentence(draft: Draft) -> str | None:
    """The sentence that keeps the services section from claiming that every value follows from the
    classification when some do not; None when they all do."""
    if not draft.overrides:
        return None
    lang = draft.language
    labels = LABELS[lang]
    groups: dict[tuple[str, str], dict[str, list[str]]] = {}  # (label, value) → baseline → services
    for o in draft.overrides:
        groups.setdefault((o.label, o.value), {}).setdefault(o.baseline, []).append(o.service)
    values = [labels["override_value"].format(label=label, value=value, services=join_words(
                  [labels["override_for"].format(services=join_words(names, lang), baseline=baseline)
                   for baseline, names in by_baseline.items()], lang, last=labels["last_group"]))
              for (label, value), by_baseline in groups.items()]
    return labels["services_overridden"].format(values="; ".join(values))
