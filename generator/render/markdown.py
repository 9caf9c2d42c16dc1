"""The Markdown writer: the draft as plain text for reading in pull requests."""

from __future__ import annotations

import re

from generator.render.disclosure import overridden_sentence, override_header, override_rows, verify_header, verify_rows
from generator.render.review_notes import override_notes
from generator.core.i18n import LABELS, clause_meta, coverage_note
from generator.core.legal import WORDS, legal_date, legal_version
from generator.render.plan import COLUMNS, plan_intro, plan_row
from generator.core.model import FIRST_CLAUSE_SECTION, Block, Draft, Inline, Link, ListBlock, Paragraph, Styled, Text

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Text that Markdown shows exactly as written."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"^(\s*)([-+]|\d+[.)])(\s|$)", r"\1\\\2\3", text, flags=re.M)  # every line, not only the first
    return re.sub(r"^(\s*)([-=])(?=[-=\s]*$)", r"\1\\\2", text, flags=re.M)  # no setext underline or rule


def inlines(items: tuple[Inline, ...]) -> str:
    """Inline Markdown for rich text."""
    out = []
    for item in items:
        if isinstance(item, Text):
            out.append(escape(item.text))
        elif isinstance(item, Styled):
            inner = inlines(item.children)
            out.append({"strong": f"**{inner}**", "emphasis": f"*{inner}*"}.get(item.style, f"`{inner}`"))
        elif isinstance(item, Link):
            out.append(link(inlines(item.children), item.url))
    return "".join(out)


_SAFE_URL = re.compile(r"(?:https?://|mailto:)[^\s()<>\\`]+", re.I)


def link(label: str, url: str) -> str:
    """A live link only to the web or mail; `javascript:`, `file:`, `data:` and anything else is
    shown as text beside its label, so a reader's click can run or open nothing."""
    if _SAFE_URL.fullmatch(url):
        return f"[{label}]({url})"
    return f"{label} ({escape(url)})"


def blocks(items: tuple[Block, ...], indent: str = "") -> list[str]:
    """Markdown lines for clause text, with a blank line between blocks."""
    lines: list[str] = []
    for block in items:
        if isinstance(block, Paragraph):
            lines += [indent + inlines(block.inlines), ""]
        elif isinstance(block, ListBlock):
            for n, item in enumerate(block.items, 1):
                marker = f"{n}. " if block.ordered else "- "
                inner = blocks(item, indent + "    ")
                first = inner[0][len(indent) + 4:] if inner else ""
                lines.append(indent + marker + first)
                lines += [line for line in inner[1:] if line]
            lines.append("")
        else:
            lines += table([inlines(c) for c in block.header], [[inlines(c) for c in r] for r in block.rows], indent)
    return lines


def table(header: list[str], rows: list[list[str]], indent: str = "") -> list[str]:
    """A pipe table; cells must already be escaped. A line break inside a cell becomes <br>: a raw
    one would end the row and break the table."""
    def cells(row: list[str]) -> str:
        return " | ".join(_BREAKS.sub("<br>", cell.strip()) for cell in row)

    out = [indent + "| " + cells(header) + " |", indent + "|" + "---|" * len(header)]
    out += [indent + "| " + cells(row) + " |" for row in rows]
    return out + [""]


_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


def render_markdown(draft: Draft) -> str:
    """The whole draft, in its edition, as Markdown with the heading numbers Word would show."""
    labels, words = LABELS[draft.language], WORDS[draft.language]
    review = draft.edition == "review"
    if review:
        particulars = (f"{words['review_of']} · {labels['agreement_id']}: {escape(draft.id)} · {labels['version']} "
                       f"{draft.version} · {labels['date']}: {draft.date} · {labels['status']}: {labels[draft.status]}")
    else:
        particulars = " · ".join(x for x in (
            f"{words['reference']}: {escape(draft.reference)}" if draft.reference else "",
            f"{labels['version']} {legal_version(draft.version)}", f"{labels['date']}: {legal_date(draft.date, draft.language)}",
            f"{labels['status']}: {words['status_words'][draft.status]}") if x)
    lines = [f"# {escape(draft.title)}", "", particulars, ""]
    lines += [f"## 1 {labels['parties_and_scope']}", ""] + blocks(draft.party_intro) + blocks(draft.scope)
    lines += [f"## 2 {words['definitions']}", "", escape(words["definitions_intro"]), ""]
    lines += [f"**{escape(d.term)}** – {escape(d.text)}" + "\n" for d in draft.definitions]
    lines += [f"## 3 {words['documents_section']}", ""]
    for sub, clause in enumerate(draft.frame, 1):
        lines += [f"### 3.{sub} {escape(clause.title)}", ""] + blocks(clause.blocks)
    lines += [f"## 4 {labels['services']}", "", labels["services_intro"], ""]
    if overridden := overridden_sentence(draft):  # never claim every value follows from the classification
        lines += [escape(overridden), ""]
    lines += table([labels[k] for k in ("service", "confidentiality", "integrity", "availability", "personal_data")],
                   [[escape(s.name), str(s.confidentiality), str(s.integrity), str(s.availability),
                     labels["yes" if s.personal_data else "no"]] for s in draft.services])
    for number, section in enumerate(draft.sections, FIRST_CLAUSE_SECTION):
        lines += [f"## {number} {escape(section.title)}", ""]
        for sub, clause in enumerate(section.clauses, 1):
            lines += [f"### {number}.{sub} {escape(clause.title)}", ""] + blocks(clause.blocks)
            if review:
                lines += [f"*{escape(note)}*" + "\n" for note in override_notes(draft, clause)]
                lines += [f"*{escape(clause_meta(clause, draft.language))}*", ""]
    for annex in draft.printed_annexes:
        heading = f"{labels['annex']} {annex.number} – {annex.title}"
        if annex.id == "processing-instructions":
            lines += processing_lines(draft, heading)
        elif annex.id == "followup-plan":
            lines += followup_lines(draft, heading)
        elif annex.id == "coverage-checklist":
            lines += coverage_lines(draft, heading, by_number=True)
        elif annex.id == "clause-register":
            lines += register_lines(draft, heading)
        else:
            lines += [f"## {escape(heading)}", "", escape(words["separate_annex"]), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def register_lines(draft: Draft, heading: str) -> list[str]:
    """The clause register: id, title, version, obligation and hash of every clause, then the exclusions."""
    labels = LABELS[draft.language]
    lines = [f"## {heading}", ""]
    lines += table([labels[k] for k in ("clause_id", "title", "version", "obligation", "hash")],
                   [[c.id, escape(c.title), c.version, labels[f"obligation_{c.obligation}"], c.content_hash[:12]]
                    for c in draft.clauses])
    if draft.excluded_clauses:
        lines += [f"**{labels['excluded_clauses']}**", ""]
        lines += table([labels["clause_id"], labels["reason"]],
                       [[e.clause, escape(e.reason)] for e in draft.excluded_clauses])
    return lines


def coverage_lines(draft: Draft, heading: str, by_number: bool = False) -> list[str]:
    """The coverage checklist as Markdown lines under a level-2 heading; clauses by id, or by
    their section number when the checklist is an annex of the draft itself."""
    labels = LABELS[draft.language]
    numbers = {c.id: n for n, c in draft.numbered_clauses()} if by_number else None
    lines = [f"## {heading}", ""]
    for cat in draft.coverage:
        lines += [f"### {escape(cat.title)}", "", f"{escape(cat.source)}, {escape(cat.version)}. "
                  + labels["summary"].format(**cat.summary()), ""]
        lines += table([labels[k] for k in ("item", "title", "reference", "status", "clauses_or_reason")],
                       [[escape(i.id), escape(i.title), escape(i.reference), labels[i.status],
                         escape(coverage_note(i, draft.language, numbers))] for i in cat.items])
    return lines + disclosure_lines(draft)


def disclosure_lines(draft: Draft) -> list[str]:
    """The overrides and the unverified catalog items, after the checklist tables."""
    labels = LABELS[draft.language]
    lines = [f"### {labels['overrides']}", ""]
    if draft.overrides:
        lines += [labels["overrides_intro"], ""] + table(override_header(draft.language),
                                                          [[escape(c) for c in r] for r in override_rows(draft)])
    else:
        lines += [labels["no_overrides"], ""]
    if rows := verify_rows(draft):
        lines += [f"### {labels['verify_items']}", "", labels["verify_intro"], ""]
        lines += table(verify_header(draft.language), [[escape(c) for c in r] for r in rows])
    return lines


def followup_lines(draft: Draft, heading: str) -> list[str]:
    """The follow-up plan as Markdown lines under a level-2 heading."""
    labels = LABELS[draft.language]
    return [f"## {heading}", "", escape(plan_intro(draft)), ""] + table(
        [labels[k] for k in COLUMNS], [[escape(c) for c in plan_row(i, draft.language)] for i in draft.followup])


def processing_lines(draft: Draft, heading: str) -> list[str]:
    """The processing instruction annex: one small table per service that processes personal data."""
    labels = LABELS[draft.language]
    lines = [f"## {heading}", "", escape(labels["processing_intro"]), ""]
    for service in draft.processed_services:
        lines += table([labels["service"], escape(service.name)],
                       [[labels[k], escape(service.processing[k])] for k in ("purpose", "data", "subjects", "location")])
    return lines
