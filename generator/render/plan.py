"""The follow-up plan's table, format-neutral: column keys, the intro sentence and one row's cells."""

from __future__ import annotations

from generator.core.i18n import LABELS
from generator.core.model import Draft, FollowupItem

COLUMNS = ("clause_no", "what", "by", "forum_or_recipient", "frequency", "first_due")


def plan_row(item: FollowupItem, lang: str) -> list[str]:
    """The plan's table cells for one item, in COLUMNS order."""
    labels = LABELS[lang]
    due = item.first_due or (labels["on_event"] if item.every == "per-event" else "\u2013")
    return [item.number, f"{item.clause_title}: {item.what}", labels[f"by_{item.by}"],
            _capital(item.forum) if item.forum else "\u2013", _capital(item.frequency), _capital(due)]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plan_intro(draft: Draft) -> str:
    """The sentence that introduces the plan and says where its dates come from."""
    labels = LABELS[draft.language]
    if draft.start_date:
        return labels["followup_intro"].format(start=draft.start_date)
    return labels["followup_intro_no_start"]
