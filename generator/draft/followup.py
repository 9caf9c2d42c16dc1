"""The follow-up plan: every clause's follow-up duty as a dated, recurring obligation."""

from __future__ import annotations

import calendar
import datetime as dt

from generator.core.i18n import FREQUENCIES, pick
from generator.core.model import DraftClause, FollowupItem, Section, numbered
from generator.draft.workdays import next_working_day
from generator.library.followup_rules import MONTHS  # months between occurrences; per-event duties have none


def plan(sections: tuple[Section, ...], start_date: str | None, lang: str) -> tuple[FollowupItem, ...]:
    """One item per clause with a follow-up duty, then the Customer's own duties under it, in the
    order the draft prints the clauses."""
    items = []
    for number, c in numbered(sections):
        if c.followup_every:
            items.append(_item(number, c, start_date, lang))
        items += [_duty(number, c, n, duty, start_date) for n, duty in enumerate(c.customer_duties, 1)]
    return tuple(items)


def _duty(number: str, clause: DraftClause, n: int, duty, start_date: str | None) -> FollowupItem:
    first = first_due(start_date, duty.every) if start_date else None
    return FollowupItem(
        number=number, clause_id=clause.id, clause_title=clause.title, what=duty.what, evidence="",
        every=duty.every, frequency=duty.frequency, forum=duty.forum, by="customer",
        first_due=first.isoformat() if first else None, duty=n)


def _item(number: str, clause: DraftClause, start_date: str | None, lang: str) -> FollowupItem:
    every = clause.followup_every
    first = first_due(start_date, every) if start_date else None
    return FollowupItem(
        number=number, clause_id=clause.id, clause_title=clause.title, what=clause.followup_kpi or "",
        evidence=clause.verification, every=every, frequency=pick(FREQUENCIES[every], lang),
        forum=clause.followup_forum, by=clause.followup_by, first_due=first.isoformat() if first else None)


def first_due(start_date: str, every: str) -> dt.date | None:
    """One period after the start, on the start's day of the month but at most the 28th, moved to
    the next Swedish working day when it falls on a weekend or a holiday.

    Capping at the 28th keeps every later occurrence on the same day of the month, so the plan, the
    CSV and the calendar's RRULE agree in every month, February included.
    """
    if every not in MONTHS:
        return None
    start = dt.date.fromisoformat(start_date)
    return next_working_day(add_months(start.replace(day=min(start.day, 28)), MONTHS[every]))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
