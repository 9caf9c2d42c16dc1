"""Draft → the WordprocessingML of the document body: contents, sections, clauses and annexes."""

from __future__ import annotations

from generator.render.disclosure import overridden_sentence, override_header, override_rows, verify_header, verify_rows
from generator.core.i18n import LABELS, clause_meta, coverage_note
from generator.core.legal import WORDS
from generator.core.model import Draft, DraftClause
from generator.render import wordml as w
from generator.render.clausemark import frame_mark, wrap
from generator.render.review_notes import override_notes
from generator.render.wordml import TEXT_WIDTH, ListNumbering, cell_text, paragraph, run, table


class _Headings:
    """Numbers headings as Word's heading styles will, and keeps them for the table of contents."""

    def __init__(self):
        self.entries: list[tuple[int, str, str, str]] = []  # (level, number, title, bookmark)
        self.counters = [0, 0]

    def heading(self, title: str, level: int, style: str | None = None, number: bool = True) -> str:
        if number:
            self.counters[level - 1] += 1
            if level == 1:
                self.counters[1] = 0
            label = ".".join(str(n) for n in self.counters[:level])
        else:
            label = ""
        mark = f"_Toc{len(self.entries) + 1:05d}"
        self.entries.append((level, label, title, mark))
        ident = len(self.entries)
        runs = f'<w:bookmarkStart w:id="{ident}" w:name="{mark}"/>{run(title)}<w:bookmarkEnd w:id="{ident}"/>'
        return paragraph(runs, style or f"Heading{level}")


def body(draft: Draft, numbering: ListNumbering) -> str:
    """The whole body of the draft's edition; the table of contents is built last, from the headings
    actually written. Both editions go through the same writers; the edition decides what is left out."""
    labels = LABELS[draft.language]
    h = _Headings()
    parts = [_parties(draft, h, numbering), _definitions(draft, h), _frame(draft, h, numbering), _services(draft, h)]
    for section in draft.sections:
        parts.append(h.heading(section.title, 1))
        parts += [_clause(c, h, numbering, draft.language, len(h.entries), draft.edition,
                          override_notes(draft, c) if draft.edition == "review" else [])  # only review shows them
                  for c in section.clauses]
    parts.append(_signatures(draft, h))
    parts += [_ANNEXES.get(a.id, _attachment_annex)(draft, h, a.number) for a in draft.printed_annexes]
    return w.without_stray_spacers(_contents(h, labels) + "".join(parts))


def _definitions(draft: Draft, h: _Headings) -> str:
    words = WORDS[draft.language]
    out = [h.heading(words["definitions"], 1), paragraph(run(words["definitions_intro"]))]
    out += [paragraph(run(d.term, bold=True) + run(f" \u2013 {d.text}")) for d in draft.definitions]
    return "".join(out)


def _frame(draft: Draft, h: _Headings, numbering: ListNumbering) -> str:
    out = [h.heading(WORDS[draft.language]["documents_section"], 1)]
    for index, clause in enumerate(draft.frame):
        out += [frame_mark(h.heading(clause.title, 2), clause.id, index), w.blocks(clause.blocks, numbering)]
    return "".join(out)


def _attachment_annex(draft: Draft, h: _Headings, number: int) -> str:
    """An annex the parties attach as a document of its own: its heading, and where it is."""
    labels, words = LABELS[draft.language], WORDS[draft.language]
    annex = next(a for a in draft.annexes if a.number == number)
    return (h.heading(f"{labels['annex']} {number} \u2013 {annex.title}", 1, "AnnexHeading", number=False)
            + paragraph(run(words["separate_annex"])))


def _contents(h: _Headings, labels: dict) -> str:
    # Entries are written from the headings we know, each with a PAGEREF field for its page:
    # LibreOffice computes those on layout and Word refreshes them on open (updateFields).
    entries = []
    for level, number, title, mark in h.entries:
        label = f"{number}\u2002{title}" if number else title
        page = (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r><w:instrText xml:space="preserve"> PAGEREF {mark} \\h </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t></w:t></w:r>'
                f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        link = f'<w:hyperlink w:anchor="{mark}" w:history="1">{run(label)}<w:r><w:tab/></w:r>{page}</w:hyperlink>'
        entries.append(paragraph(link, f"TOC{min(level, 2)}"))
    return paragraph(run(labels["contents"]), "TOCHeading") + "".join(entries) + w.page_break()


def _parties(draft: Draft, h: _Headings, numbering: ListNumbering) -> str:
    labels = LABELS[draft.language]
    out = [h.heading(labels["parties_and_scope"], 1), w.blocks(draft.party_intro, numbering)]
    out.append(w.blocks(draft.scope, numbering))
    return "".join(out)


def _services(draft: Draft, h: _Headings) -> str:
    labels = LABELS[draft.language]
    header = [cell_text(labels[k], bold=True) for k in
              ("service", "confidentiality", "integrity", "availability", "personal_data")]
    rows = [[cell_text(s.name), cell_text(str(s.confidentiality)), cell_text(str(s.integrity)),
             cell_text(str(s.availability)), cell_text(labels["yes" if s.personal_data else "no"])]
            for s in draft.services]
    out = [h.heading(labels["services"], 1), paragraph(run(labels["services_intro"]))]
    if overridden := overridden_sentence(draft):  # never claim every value follows from the classification
        out.append(paragraph(run(overridden)))
    out.append(table(header, rows))
    for s in draft.services:
        out.append(paragraph(run(s.name, bold=True) + run(f" \u2013 {s.description}")))
    return "".join(out)


def _clause(clause: DraftClause, h: _Headings, numbering: ListNumbering, lang: str, index: int,
            edition: str = "review", notes: list[str] = ()) -> str:
    out = [h.heading(clause.title, 2), w.blocks(clause.blocks, numbering)]
    if edition == "review":  # obligation, verification, follow-up, id and version: our working notes
        out += [paragraph(run(note), "ClauseMeta") for note in notes]
        out.append(paragraph(run(clause_meta(clause, lang)), "ClauseMeta"))
    return wrap("".join(out), clause.id, clause.version, index)


def clause_xml(clause: DraftClause, lang: str, edition: str = "review") -> str:
    """One clause as the body writes it (heading, text, meta line, boundary mark), on its own."""
    return _clause(clause, _Headings(), ListNumbering(abstract_id=1, next_id=1, bullet_num=1), lang, 0, edition)


def _signatures(draft: Draft, h: _Headings) -> str:
    labels = LABELS[draft.language]
    # Side by side, one column per party; each line in a row of its own so borders never merge.
    parties = draft.parties
    width = TEXT_WIDTH // len(parties)
    rows = [[paragraph(run(f"{labels[p.role]}: {p.name}", bold=True), keep_next=True) for p in parties]]
    for caption in ("signature_place_date", "signature", "signature_name"):
        rows.append([paragraph(run(labels[caption]), "SignatureLine", keep_next=True) for _ in parties])
    return h.heading(labels["signatures"], 1) + table(None, rows, [width] * len(parties))


def _processing_annex(draft: Draft, h: _Headings, number: int) -> str:
    labels = LABELS[draft.language]
    out = [h.heading(f"{labels['annex']} {number} \u2013 {labels['processing_annex']}", 1, "AnnexHeading",
                     number=False), paragraph(run(labels["processing_intro"]))]
    for service in draft.processed_services:
        header = [cell_text(labels["service"], bold=True), cell_text(service.name, bold=True)]
        rows = [[cell_text(labels[k]), cell_text(service.processing[k])]
                for k in ("purpose", "data", "subjects", "location")]
        out.append(table(header, rows))
    return "".join(out)


def _coverage_annex(draft: Draft, h: _Headings, number: int) -> str:
    labels = LABELS[draft.language]
    numbers = {c.id: n for n, c in draft.numbered_clauses()}  # a reader of the draft finds clauses by number
    out = [h.heading(f"{labels['annex']} {number} \u2013 {labels['coverage']}", 1, "AnnexHeading", number=False),
           paragraph(run(labels["coverage_intro"]))]
    for cat in draft.coverage:
        out.append(paragraph(run(cat.title, bold=True), keep_next=True))
        out.append(paragraph(run(f"{cat.source}, {cat.version}. " + labels["summary"].format(**cat.summary())),
                             "ClauseMeta", keep_next=True))
        header = [cell_text(labels[k], bold=True) for k in ("item", "title", "reference", "status", "clauses_or_reason")]
        rows = [[cell_text(i.id), cell_text(i.title), cell_text(i.reference), cell_text(labels[i.status], bold=i.unresolved()),
                 cell_text(coverage_note(i, draft.language, numbers))] for i in cat.items]
        out.append(table(header, rows))
    return "".join(out) + _disclosure(draft)


def _disclosure(draft: Draft) -> str:
    """The overrides and the unverified catalog items, after the checklist tables."""
    labels = LABELS[draft.language]
    out = [paragraph(run(labels["overrides"], bold=True), keep_next=True)]
    if draft.overrides:
        out.append(paragraph(run(labels["overrides_intro"]), keep_next=True))
        out.append(table([cell_text(t, bold=True) for t in override_header(draft.language)],
                         [[cell_text(c) for c in r] for r in override_rows(draft)]))
    else:
        out.append(paragraph(run(labels["no_overrides"])))
    if rows := verify_rows(draft):
        out.append(paragraph(run(labels["verify_items"], bold=True), keep_next=True))
        out.append(paragraph(run(labels["verify_intro"]), keep_next=True))
        out.append(table([cell_text(t, bold=True) for t in verify_header(draft.language)],
                         [[cell_text(c) for c in r] for r in rows]))
    return "".join(out)


def _followup_annex(draft: Draft, h: _Headings, number: int) -> str:
    from generator.render.plan import COLUMNS, plan_intro, plan_row

    labels = LABELS[draft.language]
    header = [cell_text(labels[k], bold=True) for k in COLUMNS]
    rows = [[cell_text(cell) for cell in plan_row(i, draft.language)] for i in draft.followup]
    return (h.heading(f"{labels['annex']} {number} \u2013 {labels['followup_plan']}", 1, "AnnexHeading", number=False)
            + paragraph(run(plan_intro(draft))) + table(header, rows))


def _register_annex(draft: Draft, h: _Headings, number: int) -> str:
    labels = LABELS[draft.language]
    header = [cell_text(labels[k], bold=True) for k in ("clause_id", "title", "version", "obligation", "hash")]
    rows = [[cell_text(c.id), cell_text(c.title), cell_text(c.version),
             cell_text(labels[f"obligation_{c.obligation}"]), cell_text(c.content_hash[:12])] for c in draft.clauses]
    out = [h.heading(f"{labels['annex']} {number} \u2013 {labels['register']}", 1, "AnnexHeading", number=False),
           paragraph(run(labels["register_intro"])), table(header, rows)]
    if draft.excluded_clauses:
        out.append(paragraph(run(labels["excluded_clauses"], bold=True), keep_next=True))
        out.append(table([cell_text(labels["clause_id"], bold=True), cell_text(labels["reason"], bold=True)],
                         [[cell_text(e.clause), cell_text(e.reason)] for e in draft.excluded_clauses]))
    return "".join(out)


_ANNEXES = {"processing-instructions": _processing_annex, "followup-plan": _followup_annex,
            "coverage-checklist": _coverage_annex, "clause-register": _register_annex}
