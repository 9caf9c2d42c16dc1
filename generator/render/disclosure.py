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
    labels = LABELS[draft.language]
    values = [labels["override_value"].format(label=o.label, service=o.service, value=o.value, baseline=o.baseline)
              for o in draft.overrides]
    return labels["services_overridden"].format(values=join_words(values, draft.language))
