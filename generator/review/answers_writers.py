"""Writers for a compliance result: Markdown, JSON and an Excel workbook for the evaluators."""

from __future__ import annotations

import json

from generator.core.i18n import LABELS
from generator.core.tender_i18n import TENDER
from generator.render.markdown import escape
from generator.render.requirements import fingerprint
from generator.review.answers import Answer, Compliance


def _points(value: float) -> str:
    return f"{value:g}"


def _obligation(a: Answer, lang: str) -> str:
    return TENDER[lang][f"obligation_short_{a.requirement.obligation}"]


def _cell(text: str) -> str:
    return escape(text.replace("\n", " ")) if text else "\u2013"


def _table(header: list[str], rows: list[list[str]], none: str) -> list[str]:
    if not rows:
        return [none, ""]
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows] + [""])


def render_compliance_md(result: Compliance) -> str:
    """The report as Markdown: the verdict, then each list an evaluator needs, then every answer."""
    draft, lang = result.draft, result.draft.language
    labels, t = LABELS[lang], TENDER[lang]
    points, most = result.score
    status = {a.requirement.key: t[f"status_{a.status}"] for a in result.answers}
    out = [f"# {t['report_title']}: {escape(draft.title)}", "",
           f"- {labels['agreement_id']}: {escape(draft.id)}", f"- {t['file']}: {escape(result.file)}",
           f"- {t['library_version']}: {fingerprint(draft)}",
           f"- {t['result']}: {t['met'] if result.met else t['not_met']}", "",
           f"## {t['disqualified']}", ""]
    out += _table([labels["req_no"], t["heading"], t["answer"], t["description"]],
                  [[a.requirement.number, a.requirement.title, a.raw, a.description] for a in result.disqualified],
                  t["none"])
    out += [f"## {t['missing']}", ""]
    out += _table([labels["req_no"], t["heading"], t["ska_bor"]],
                  [[a.requirement.number, a.requirement.title, _obligation(a, lang)] for a in result.missing], t["none"])
    out += [f"## {t['invalid']}", ""]
    out += _table([labels["req_no"], t["heading"], t["answer"]],
                  [[a.requirement.number, a.requirement.title, a.raw] for a in result.invalid], t["none"])
    out += [f"## {t['score']}", "", t["points"].format(points=_points(points), max=most), ""]
    out += _table([labels["req_no"], t["heading"], t["answer"], t["points_short"]],
                  [[a.requirement.number, a.requirement.title, a.raw, _points(a.points or 0.0)] for a in result.scored],
                  t["none"])
    out += [f"## {t['edits']}", ""]
    out += _table([labels["req_no"], t["column"], t["change"]],
                  [[e.number, e.column, e.change] for e in result.edits], t["none"])
    out += [f"## {t['unknown_rows']}", ""]
    out += _table([t["row"], t["internal_id"]], [[str(n), ident] for n, ident in result.unknown], t["none"])
    out += [f"## {t['all_answers']}", ""]
    out += _table([labels["req_no"], t["ska_bor"], t["answer"], t["status"], t["description"], t["evidence_ref"]],
                  [[a.requirement.number, _obligation(a, lang), a.raw, status[a.requirement.key], a.description,
                    a.evidence] for a in result.answers], t["none"])
    return "\n".join(out).rstrip() + "\n"


def compliance_data(result: Compliance) -> dict:
    """The report as plain data (the JSON format)."""
    draft = result.draft
    points, most = result.score

    def answer(a: Answer) -> dict:
        r = a.requirement
        return {"number": r.number, "requirement": r.key, "title": r.title, "obligation": r.obligation,
                "answer": a.answer, "raw": a.raw, "status": a.status, "points": a.points,
                "description": a.description, "evidence": a.evidence, "row": a.row}

    return {
        "agreement": draft.id, "file": result.file, "library_version": fingerprint(draft), "met": result.met,
        "summary": {"requirements": len(result.answers), "disqualified": len(result.disqualified),
                    "missing": len(result.missing), "invalid": len(result.invalid), "edits": len(result.edits),
                    "unknown_rows": len(result.unknown), "score": points, "max_score": most},
        "disqualified": [a.requirement.number for a in result.disqualified],
        "missing": [a.requirement.number for a in result.missing],
        "invalid": [a.requirement.number for a in result.invalid],
        "edits": [{"number": e.number, "column": e.column, "change": e.change, "expected": e.expected,
                   "found": e.found}
                  for e in result.edits],
        "unknown_rows": [{"row": n, "identity": ident} for n, ident in result.unknown],
        "answers": [answer(a) for a in result.answers],
    }


def render_compliance_json(result: Compliance) -> str:
    return json.dumps(compliance_data(result), ensure_ascii=False, indent=2) + "\n"


def render_compliance_xlsx(result: Compliance) -> bytes:
    """A workbook: the verdict and counts, every answer, and the locked-cell edits."""
    from generator.render.xlsx import Overview, TableSheet, workbook_bytes

    draft, lang = result.draft, result.draft.language
    labels, t = LABELS[lang], TENDER[lang]
    points, most = result.score
    facts = [(labels["agreement_id"], draft.id), (t["file"], result.file), (t["library_version"], fingerprint(draft)),
             (t["result"], t["met"] if result.met else t["not_met"]),
             (t["disqualified"], ", ".join(a.requirement.number for a in result.disqualified) or t["none"]),
             (t["missing"], ", ".join(a.requirement.number for a in result.missing) or t["none"]),
             (t["invalid"], ", ".join(a.requirement.number for a in result.invalid) or t["none"]),
             (t["score"], t["points"].format(points=_points(points), max=most)),
             (t["edits"], str(len(result.edits))), (t["unknown_rows"], str(len(result.unknown)))]
    answers = TableSheet(
        t["all_answers"], [labels["req_no"], t["heading"], t["ska_bor"], t["answer"], t["status"], t["points_short"],
                           t["description"], t["evidence_ref"]],
        [[a.requirement.number, a.requirement.title, _obligation(a, lang), a.raw, t[f"status_{a.status}"],
          a.points if a.points is not None else "", a.description, a.evidence] for a in result.answers],
        (8, 30, 9, 13, 16, 8, 60, 24), heights=False)
    edits = TableSheet(t["edits_sheet"], [labels["req_no"], t["column"], t["change"], t["expected"], t["found"]],
                       [[e.number, e.column, e.change, e.expected, e.found] for e in result.edits], (8, 24, 40, 60, 60),
                       heights=False)
    return workbook_bytes(draft, Overview(f"{t['report_title']}: {draft.title}", labels["overview"], facts),
                          [answers, edits])


WRITERS = {"md": lambda r: render_compliance_md(r).encode("utf-8"),
           "json": lambda r: render_compliance_json(r).encode("utf-8"),
           "xlsx": render_compliance_xlsx}
