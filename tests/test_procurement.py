"""Issue 5: the requirement list (xlsx/csv/docx) and the follow-up plan (md/csv/ics), read back for real."""

from __future__ import annotations

import csv
import datetime as dt
import io

import docx
import openpyxl
import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from generator.draft.assemble import assemble
from generator.library.open import open_library

from tests.docx_reading import paragraphs


def _draft(root, agreement="pilot"):
    return assemble(open_library(root)[0], agreement)


def test_requirement_workbook_reads_back_with_every_clause(library, klausul, tmp_path):
    from generator.draft.requirements import requirements

    out = tmp_path / "req.xlsx"
    result = klausul(library, "export", "requirements", "pilot", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    draft = _draft(library)
    units = requirements(draft)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Overview", "Requirement list"]
    ws = wb["Requirement list"]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:K{len(units) + 1}"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["No.", "Heading", "Requirement", "Shall/Should"]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    idents = [r["Internal identity (do not change)"].split("|")[2] for r in rows]
    assert [i.split("/")[0] for i in idents if "/" not in i or i.endswith("/a")] == \
        [f"{c.id}@{c.version}" for c in draft.clauses]
    assert [r["No."] for r in rows] == ["5.1", "6.1", "7.1"]
    shall = sum(c.obligation == "shall" for c in draft.clauses)
    assert sum(r["Shall/Should"] == "Shall" for r in rows) == shall
    assert sum(r["Shall/Should"] == "Should" for r in rows) == len(rows) - shall
    beta = rows[idents.index("beta@1.0.0")]
    assert "8\u00a0hours" in beta["Requirement"] and "{{" not in "".join(r["Requirement"] for r in rows)
    assert all(ws.cell(2, col).alignment.wrap_text for col in range(1, 12))
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
    facts = {row[0].value: row[1].value for row in wb["Overview"].iter_rows(min_row=3) if row[0].value}
    assert facts["Agreement id"] == "pilot" and facts["Requirements"] == str(len(rows))
    assert facts["Mandatory (shall)"] == str(shall)


def test_requirement_text_keeps_lists_and_tables(library):
    from generator.draft.requirements import requirements

    alpha = next(r for r in requirements(_draft(library)) if r.clause.startswith("alpha@"))
    draft_alpha = next(c for c in _draft(library).clauses if c.id == "alpha")
    words = {w for block in draft_alpha.blocks for w in str(block).split() if w.isalpha() and len(w) > 3}
    assert "Report | Content" in alpha.text and "\n1. " in alpha.text
    assert all(w in alpha.text for w in ("Monthly", "deviations"))
    assert words  # the comparison above would be empty otherwise


def test_spreadsheet_keeps_formula_like_text_as_text(library, klausul, tmp_path):
    path = library / "clauses" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "verification: {sv: Instruktionen., en: The instruction.}",
        "verification: {sv: '=SUM(A1:A2)', en: '=SUM(A1:A2)'}"), encoding="utf-8")
    out = tmp_path / "req.xlsx"
    assert klausul(library, "export", "requirements", "pilot", "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out)["Requirement list"]
    cell = next(c for c in ws["G"] if str(c.value).startswith("=SUM(A1:A2)\n"))
    assert cell.data_type == "s"


def test_requirement_exports_are_reproducible(library, klausul, tmp_path):
    for fmt in ("xlsx", "docx", "csv"):
        a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for target in (a, b):
            assert klausul(library, "export", "requirements", "pilot", "--format", fmt, "-o", str(target)).exit_code == 0
        assert a.read_bytes() == b.read_bytes(), fmt


def test_requirement_csv_and_word_list_every_clause(library, klausul, tmp_path):
    draft = _draft(library)
    result = klausul(library, "export", "requirements", "pilot", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["Clause"] for r in rows] == [f"{c.id}@{c.version}" for c in draft.clauses]
    out = tmp_path / "req.docx"
    assert klausul(library, "export", "requirements", "pilot", "--format", "docx", "-o", str(out)).exit_code == 0
    document = docx.Document(str(out))
    (table_rows,) = [len(t.rows) for t in document.tables if t.rows[0].cells[0].text == "No."][:1] or [0]
    texts = [t for _, t in paragraphs(out)]
    assert "Requirement list" in texts and all(c.title in texts for c in draft.clauses)
    assert sum(len(t.rows) - 1 for t in document.tables if t.rows[0].cells[0].text == "No.") == len(draft.clauses)
    assert table_rows >= 2


def test_xlsx_goes_to_output_by_default_and_csv_to_stdout(library, klausul):
    result = klausul(library, "export", "requirements", "pilot")
    assert result.exit_code == 0 and (library / "output" / "pilot.requirements.xlsx").is_file()
    assert not list((library / "output").glob(".*.tmp"))


# --- follow-up plan ---------------------------------------------------------------------------

def test_calendar_parses_with_recurring_events_from_the_start_date(library, klausul):
    result = klausul(library, "followup", "pilot", "--format", "ics")
    assert result.exit_code == 0, result.stderr
    raw = result.stdout_bytes
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = Calendar.from_ical(raw)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    # alpha is monthly, beta quarterly (start 2027-03-31 → the 28th); gamma is per event: no calendar entry
    assert sorted(events) == ["pilot.alpha@klausul", "pilot.beta@klausul"]
    expected = {"pilot.alpha@klausul": [dt.date(2027, 4, 28), dt.date(2027, 5, 28), dt.date(2027, 6, 28)],
                "pilot.beta@klausul": [dt.date(2027, 6, 28), dt.date(2027, 9, 28), dt.date(2027, 12, 28)]}
    for uid, event in events.items():
        start = event.decoded("DTSTART")
        rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time()))
        assert [d.date() for d in rule[:3]] == expected[uid]
    assert "Results of restore tests" in str(events["pilot.beta@klausul"]["DESCRIPTION"])


def test_plan_in_markdown_csv_and_the_word_draft(library, klausul, tmp_path):
    md = klausul(library, "followup", "pilot").stdout
    assert "| 7.1 | Processing on instructions: Deviations from the instruction. | Supplier | – | Per event |" in md
    rows = list(csv.DictReader(io.StringIO(klausul(library, "followup", "pilot", "--format", "csv").stdout)))
    assert [(r["clause"], r["frequency"], r["first_due"], r["by"]) for r in rows] == [
        ("beta", "quarterly", "2027-06-28", "joint"), ("alpha", "monthly", "2027-04-28", "supplier"),
        ("gamma", "per-event", "", "supplier")]
    assert klausul(library, "build", "pilot", "--out", str(tmp_path)).exit_code == 0
    texts = [t for _, t in paragraphs(tmp_path / "pilot.docx")]
    annex = texts.index("Annex 2 \u2013 Follow-up plan")  # annex 1 is the processing instruction
    assert "2027-06-28" in texts[annex:] and texts.index("Annex 5 \u2013 Clause register") > annex


def test_plan_without_start_date_asks_for_one(library, klausul, tmp_path):
    result = klausul(library, "followup", "gaps", "--format", "ics", "-o", str(tmp_path / "out" / "plan.ics"))
    assert result.exit_code == 1
    assert "agreements/gaps.yaml:1: start_date: the follow-up plan counts" in result.stderr
    assert "[missing-start-date]" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("start, every, first", [
    ("2027-01-31", "monthly", "2027-03-01"),  # 28 February 2027 is a Sunday
    ("2027-01-15", "half-yearly", "2027-07-15"),
    ("2027-11-30", "quarterly", "2028-02-28"), ("2027-03-01", "every-2-years", "2029-03-01"),
    ("2027-01-01", "yearly", "2028-01-03"),  # New Year's Day 2028 is a Saturday
    ("2027-11-06", "half-yearly", "2028-05-08"),  # 6 May 2028 a Saturday, the 7th a Sunday
    ("2027-11-24", "monthly", "2027-12-27"),  # Christmas Eve, Day, Boxing Day, then Monday the 27th
    ("2028-05-23", "monthly", "2028-06-26"),  # 23 June 2028 is Midsummer Eve, counted as a holiday
    ("2027-03-01", "per-event", None)])
def test_first_due_dates(start, every, first):
    from generator.draft.followup import first_due

    due = first_due(start, every)
    assert (due.isoformat() if due else None) == first


SAMPLES = ["fjallby-kustlinjen-it", "fjallby-lon-ekonomi", "fjallby-cloud-collaboration"]
_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12, "every-2-years": 24}


@pytest.mark.parametrize("agreement", SAMPLES)
def test_every_sample_exports_its_requirements_and_a_calendar(agreement, klausul, tmp_path):
    from tests.conftest import REPO

    draft = assemble(open_library(REPO)[0], agreement)
    out = tmp_path / "req.xlsx"
    assert klausul(REPO, "export", "requirements", agreement, "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    sheet = wb[wb.sheetnames[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    clause_of = [r[10].split("|")[2].split("/")[0].split("@")[0] for r in rows]
    assert list(dict.fromkeys(clause_of)) == [c.id for c in draft.clauses]
    obligation = {c.id: c.obligation for c in draft.clauses}
    labels = [r[3] for r in rows]
    assert [{"ska": "shall", "shall": "shall", "bör": "should", "should": "should"}[x.lower()] for x in labels] == \
        [obligation[c] for c in clause_of]

    result = klausul(REPO, "followup", agreement, "--format", "ics")
    events = Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    by_clause = {c.id: c for c in draft.clauses}
    recurring = [c for c in draft.clauses if c.followup_every in _MONTHS]
    duties = {f"{c.id}.customer-{n}": d.every for c in draft.clauses for n, d in enumerate(c.customer_duties, 1)
              if d.every in _MONTHS}
    assert len(events) == len(recurring) + len(duties) and len(recurring) > 5
    start = dt.date.fromisoformat(draft.start_date)
    for event in events:
        key = str(event["UID"]).split(".", 1)[1].split("@")[0]
        months = _MONTHS[duties[key] if key in duties else by_clause[key].followup_every]
        first = event.decoded("DTSTART")
        # one period after the start, on the start's day of the month (the samples start on the 1st),
        # or the first Swedish working day after it, as the maintained holiday calendar has it
        total = start.month - 1 + months
        nominal = dt.date(start.year + total // 12, total % 12 + 1, start.day)
        assert _swedish_working_day(first) and nominal <= first
        assert not any(_swedish_working_day(nominal + dt.timedelta(days=d)) for d in range((first - nominal).days))
        freq = event["RRULE"]["FREQ"][0]
        interval = event["RRULE"]["INTERVAL"][0]
        assert (freq, interval) == (("YEARLY", months // 12) if months % 12 == 0 else ("MONTHLY", months))
    plan = klausul(REPO, "followup", agreement).stdout
    # the cloud sample has the cloud variant of the customer's part in changes
    change = "change-notice-and-right-to-object" if agreement.endswith("cloud-collaboration") \
        else "customer-involvement-in-changes"
    for clause_id in ("post-incident-review", change):
        title = by_clause[clause_id].title
        assert title in plan  # the joint review (audit 4.4) and the customer's part in changes (4.5)
        assert by_clause[clause_id].followup_by == "joint"


def _swedish_working_day(day: dt.date) -> bool:
    import holidays

    # Public holidays and the eves that Swedish time limits treat as holidays (midsommar-, jul-, nyårsafton).
    off = holidays.country_holidays("SE", years=day.year, categories=("public", "de_facto"))
    return day.weekday() < 5 and day not in off


def test_calendar_moved_past_the_28th_recurs_on_that_day_or_the_months_last(library, klausul):
    import yaml

    path = library / "agreements" / "pilot.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["start_date"] = dt.date(2027, 7, 28)  # one month later: Saturday 28 August → Monday the 30th
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    events = {str(e["UID"]): e for e in Calendar.from_ical(klausul(library, "followup", "pilot", "--format", "ics")
                                                           .stdout_bytes).walk("VEVENT")}
    alpha = events["pilot.alpha@klausul"]  # monthly
    start = alpha.decoded("DTSTART")
    rule = rrulestr(alpha["RRULE"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time()))
    assert [d.date() for d in rule[:7]] == [dt.date(2027, 8, 30), dt.date(2027, 9, 30), dt.date(2027, 10, 30),
                                           dt.date(2027, 11, 30), dt.date(2027, 12, 30), dt.date(2028, 1, 30),
                                           dt.date(2028, 2, 29)]
    assert _swedish_working_day(start)
