"""Follow-up plan writers: Markdown, CSV and an iCalendar file of recurring events."""

from __future__ import annotations

import datetime as dt
import io

from generator.draft.followup import MONTHS
from generator.core.i18n import LABELS
from generator.render.csvsafe import safe_writer
from generator.core.model import Draft, FollowupItem
from generator.render.markdown import escape, followup_lines

def render_followup_md(draft: Draft) -> str:
    """The plan as a Markdown document."""
    labels = LABELS[draft.language]
    return "\n".join([f"# {escape(draft.title)}", ""] + followup_lines(draft, labels["followup_plan"])).rstrip() + "\n"


def render_followup_csv(draft: Draft) -> str:
    """One row per follow-up duty, with stable English column names."""
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(["agreement", "clause_no", "clause", "title", "what", "evidence", "by", "forum",
                     "frequency", "first_due"])
    for i in draft.followup:
        writer.writerow([draft.id, i.number, i.clause_id, i.clause_title, i.what, i.evidence, i.by,
                         i.forum or "", i.every, i.first_due or ""])
    return out.getvalue()


def render_followup_ics(draft: Draft) -> str:
    """An RFC 5545 calendar: one all-day recurring event per calendar duty (per-event duties have none)."""
    labels = LABELS[draft.language]
    stamp = dt.date.fromisoformat(draft.date).strftime("%Y%m%dT000000Z")  # from the agreement, not the clock
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Klausul//Follow-up plan//" + draft.language.upper(),
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             _prop("X-WR-CALNAME", f"{draft.title} \u2013 {labels['followup_plan']}")]
    for item in draft.followup:
        if item.first_due:
            lines += _event(draft, item, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _event(draft: Draft, item: FollowupItem, stamp: str) -> list[str]:
    labels = LABELS[draft.language]
    start = dt.date.fromisoformat(item.first_due)
    months = MONTHS[item.every]
    rule = f"FREQ=YEARLY;INTERVAL={months // 12}" if months % 12 == 0 else f"FREQ=MONTHLY;INTERVAL={months}"
    if start.day > 28:  # moved past the 28th to a working day: the same day, or the month's last where shorter
        rule += f";BYMONTHDAY={start.day},-1;BYSETPOS=1" if months % 12 else ""
    where = f" ({item.forum})" if item.forum else ""
    evidence = [f"{labels['evidence']}: {item.evidence}"] if item.evidence else []  # a Customer duty has none
    description = "\n".join([f"{labels['what']}: {item.what}", *evidence, f"{labels['by']}: {labels['by_' + item.by]}",
                             f"{draft.id} {item.number}, {item.clause_id}"])
    uid = f"{draft.id}.{item.clause_id}" + (f".customer-{item.duty}" if item.duty else "")
    return ["BEGIN:VEVENT", f"UID:{uid}@klausul", f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{start + dt.timedelta(days=1):%Y%m%d}",
            f"RRULE:{rule}", _prop("SUMMARY", f"{item.number} {item.clause_title}{where}"),
            _prop("DESCRIPTION", description), "TRANSP:TRANSPARENT", "END:VEVENT"]


def _prop(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return f"{name}:{escaped}"


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545 3.1), never splitting a character."""
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = ""
        current += char
    return "\r\n ".join(parts + [current])
