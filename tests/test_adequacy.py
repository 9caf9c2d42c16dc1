"""Coverage that proves adequacy: value rules per service, inadequate values, overrides and unverified
items disclosed. Run on copies of the shipped sample and of the test library, through the real CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from generator.library.units import compare

from tests.conftest import REPO, edit_yaml as _edit
from tests.docx_reading import all_text

SAMPLE = "fjallby-kustlinjen-it"


@pytest.fixture
def shipped(shipped_copy):
    return shipped_copy


def _coverage(klausul, root, agreement=SAMPLE, *extra):
    result = klausul(root, "coverage", agreement, "--format", "json", *extra)
    return result, json.loads(result.stdout)


def _item(report, ref):
    catalog, item = ref.split(":")
    cat = next(c for c in report["catalogs"] if c["id"] == catalog)
    return next(i for i in cat["items"] if i["id"] == item)


# --- units ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, op, threshold, t_unit, holds", [
    (24, "hours", "<=", 1, "days", True),            # exact
    (25, "hours", "<=", 1, "days", False),
    (2, "weeks", "<=", 14, "days", True),
    (12, "months", "<=", 1, "years", True),           # months and years convert exactly
    (13, "months", "<=", 1, "years", False),
    (25, "days", "<=", 1, "months", True),            # a month is at least 28 days
    (30, "days", "<=", 1, "months", False),           # ... and February has 28
    (6, "months", ">=", 180, "days", False),          # six months can be as short as 6 x 28 = 168 days
    (1, "working-days", "<=", 24, "hours", False),    # a working day before a weekend lasts longer
    (2, "working-days", "<=", 10, "days", True),      # ceil(2.8) + 4 = 7 days at most
    (5, "working-days", ">=", 5, "days", True),
    (99.5, "percent", ">=", 99.5, "percent", True),
])
def test_units_compare_in_the_worst_case(value, unit, op, threshold, t_unit, holds):
    assert compare(value, unit, op, threshold, t_unit) is holds


def test_units_of_different_families_do_not_compare():
    with pytest.raises(ValueError):
        compare(99, "percent", "<=", 24, "hours")


# --- the sample, as a reviewer would try it -----------------------------------------------------

def test_incident_alert_72h_makes_nis2_23_4_inadequate_for_every_service(shipped, klausul):
    agreement = shipped / "agreements" / f"{SAMPLE}.yaml"
    _edit(agreement, lambda d: d.update(parameters={"incident_alert": 72}))
    result, report = _coverage(klausul, shipped, SAMPLE, "--strict")
    assert result.exit_code == 1
    item = _item(report, "nis2-art21:23.4")
    assert item["status"] == "inadequate"
    assert {s["service"]: s["status"] for s in item["services"]} == {
        "it-workplace": "inadequate", "network": "inadequate", "datacenter": "inadequate"}
    for service in item["services"]:
        assert "72\u00a0timmar" in service["reason"] and "högst 24\u00a0timmar" in service["reason"]
        assert "avvikelse i avtalet" in service["reason"]
        (check,) = [c for c in service["checks"] if c["parameter"] == "incident_alert"]
        assert (check["ok"], check["origin"], check["value"]) == (False, "agreement", "72\u00a0timmar")
    workplace = next(s for s in item["services"] if s["service"] == "it-workplace")
    assert "klassningen ger 8\u00a0timmar" in workplace["reason"]  # the value it replaced
    assert "nis2-art21:23.4 [it-workplace]: inadequate" in result.stderr
    assert "nis2-art21:23.4 [datacenter]: inadequate" in result.stderr
    # Setting it back passes.
    _edit(agreement, lambda d: d.pop("parameters"))
    result, report = _coverage(klausul, shipped, SAMPLE, "--strict")
    assert result.exit_code == 0, result.stderr
    assert _item(report, "nis2-art21:23.4")["status"] == "covered"
    row = next(line for line in klausul(shipped, "coverage", SAMPLE).stdout.splitlines() if line.startswith("| 23.4 |"))
    assert "| Täckt | incident-notification – värdena uppfyller: tid för första incidentlarm högst 24\u00a0timmar;" in row


def test_service_override_fails_only_that_service_and_says_where_the_value_came_from(shipped, klausul):
    _edit(shipped / "services" / "datacenter.yaml", lambda d: d.update(parameters={"pd_breach_alert": 48}))
    result, report = _coverage(klausul, shipped, SAMPLE, "--strict")
    assert result.exit_code == 1
    item = _item(report, "gdpr-art28:33.2")
    # The processor item concerns the services with personal data (the network too: its logs name
    # users); only the service whose value was overridden fails.
    assert {s["service"]: s["status"] for s in item["services"]} == {"it-workplace": "covered",
                                                                     "network": "covered",
                                                                     "datacenter": "inadequate"}
    assert "avvikelse i tjänstebeskrivningen; klassningen ger 12\u00a0timmar" in item["reason"]
    assert "högst 36\u00a0timmar" in item["reason"]
    md = klausul(shipped, "coverage", SAMPLE).stdout
    row = next(line for line in md.splitlines() if line.startswith("| 33.2 |"))
    assert "otillräckligt för Datacenter; täckt för IT-arbetsplats" in row
    # An item that concerns only some services says which; the processor items concern all three
    # services here (the network's logs name users), so none is named.
    row = next(line for line in md.splitlines() if line.startswith("| 28.3.a |"))
    assert row.endswith("| Täckt | processing-on-instructions |")


def test_override_is_disclosed_in_the_checklist_and_the_draft_stops_claiming_the_classification(
        shipped, klausul, tmp_path):
    # 12 hours meets every rule, but for network and datacenter the classification gives 2 hours.
    _edit(shipped / "agreements" / f"{SAMPLE}.yaml", lambda d: d.update(parameters={"incident_alert": 12}))
    assert klausul(shipped, "coverage", SAMPLE, "--strict").exit_code == 0
    out = tmp_path / "out"
    assert klausul(shipped, "build", SAMPLE, "--out", str(out), "--quiet").exit_code == 0
    text = all_text(out / f"{SAMPLE}.docx")
    assert "Värden som avviker från informationsklassningen" in text
    assert "har dock avtalats särskilt och följer inte av klassningen" in text
    assert ("tid för första incidentlarm 12\u00a0timmar för IT-arbetsplats (klassningen ger 8\u00a0timmar) samt "
            "för Nät och Datacenter (klassningen ger 2\u00a0timmar)") in text
    _result, report = _coverage(klausul, shipped)
    assert {(o["service"], o["value"], o["baseline"], o["origin"]) for o in report["overrides"]} == {
        ("Nät", "12\u00a0timmar", "2\u00a0timmar", "agreement"),
        ("Datacenter", "12\u00a0timmar", "2\u00a0timmar", "agreement"),
        ("IT-arbetsplats", "12\u00a0timmar", "8\u00a0timmar", "agreement")}
    # Without the override nothing is claimed to be agreed apart, and the checklist says so.
    _edit(shipped / "agreements" / f"{SAMPLE}.yaml", lambda d: d.pop("parameters"))
    assert klausul(shipped, "build", SAMPLE, "--out", str(out), "--quiet").exit_code == 0
    text = all_text(out / f"{SAMPLE}.docx")
    assert "avtalats särskilt" not in text
    assert "Alla värden i avtalet följer av informationsklassningen." in text


def test_clause_for_the_datacenter_only_cannot_cover_an_item_for_the_workplace(shipped, klausul):
    # Item 8 (process descriptions) concerns every service; give it to a clause for hosting services only.
    _edit(shipped / "clauses" / "operations" / "process-descriptions.yaml",
          lambda d: d.update(covers=[c for c in d["covers"] if c != "se-municipal-baseline:8"]))
    _edit(shipped / "clauses" / "physical-security" / "server-room-security.yaml",
          lambda d: d.update(covers=d["covers"] + ["se-municipal-baseline:8"]))
    result, report = _coverage(klausul, shipped, SAMPLE, "--strict")
    assert result.exit_code == 1
    item = _item(report, "se-municipal-baseline:8")
    assert item["status"] == "gap" and item["clauses"] == ["server-room-security"]
    assert {s["service"]: s["status"] for s in item["services"]} == {
        "it-workplace": "gap", "network": "gap", "datacenter": "covered"}
    md = klausul(shipped, "coverage", SAMPLE).stdout
    row = next(line for line in md.splitlines() if line.startswith("| 8 |"))
    assert "| Lucka |" in row and "lucka för IT-arbetsplats och Nät; täckt för Datacenter" in row


def test_an_item_excluded_for_some_services_only(shipped, klausul):
    _edit(shipped / "clauses" / "operations" / "process-descriptions.yaml",
          lambda d: d.update(covers=[c for c in d["covers"] if c != "se-municipal-baseline:8"]))
    _edit(shipped / "clauses" / "physical-security" / "server-room-security.yaml",
          lambda d: d.update(covers=d["covers"] + ["se-municipal-baseline:8"]))
    reason = "Arbetsplats och nät följer kommunens egna rutinbeskrivningar."
    _edit(shipped / "agreements" / f"{SAMPLE}.yaml", lambda d: d.update(exclude=d["exclude"] + [
        {"item": "se-municipal-baseline:8", "services": ["it-workplace", "network"], "reason": reason}]))
    result, report = _coverage(klausul, shipped, SAMPLE, "--strict")
    assert result.exit_code == 0, result.stderr
    item = _item(report, "se-municipal-baseline:8")
    assert {s["service"]: (s["status"], s["reason"]) for s in item["services"]} == {
        "it-workplace": ("excluded", reason), "network": ("excluded", reason), "datacenter": ("covered", None)}
    row = next(line for line in klausul(shipped, "coverage", SAMPLE).stdout.splitlines() if line.startswith("| 8 |"))
    assert "| Undantaget |" in row and "undantaget för IT-arbetsplats och Nät; täckt för Datacenter" in row


def test_a_rule_no_covering_clause_states_leaves_the_item_partly_covered(shipped, klausul):
    # Without the clause that states the availability, item 4 rests on a clause marked partial and
    # its availability rule has no value to check.
    _edit(shipped / "agreements" / f"{SAMPLE}.yaml", lambda d: d.update(exclude=d["exclude"] + [
        {"clause": "availability-and-communication", "reason": "Tillgänglighet regleras i huvudavtalet."},
        # the service credits for missed availability refer to that clause, so they go too
        {"clause": "service-credits", "reason": "Vite regleras i huvudavtalet."}]))
    result, report = _coverage(klausul, shipped, SAMPLE, "--strict")
    assert result.exit_code == 1
    item = _item(report, "se-municipal-baseline:4")
    assert item["status"] == "partial"
    assert "ingen täckande klausul anger availability_target" in item["reason"]
    assert "se-municipal-baseline:4 [network]: partial" in result.stderr


def test_verify_items_are_disclosed(klausul):
    _result, report = _coverage(klausul, REPO)
    assert sorted(v["item"] for v in report["verify"]) == [f"nis2-art21:CIR-5.1.4.{x}" for x in "abcdefgh"]
    md = klausul(REPO, "coverage", SAMPLE).stdout
    assert "Krav vars lydelse inte har bekräftats mot primärkällan" in md
    assert "lydelsen ej bekräftad mot primärkällan" in next(l for l in md.splitlines() if "| CIR-5.1.4.a |" in l)
    rows = list(csv.DictReader(io.StringIO(klausul(REPO, "coverage", SAMPLE, "--format", "csv").stdout)))
    assert {r["item"] for r in rows if r["verify"] == "verify"} == {f"CIR-5.1.4.{x}" for x in "abcdefgh"}


def test_swedish_checklist_shows_swedish_references_and_sources(klausul):
    md = klausul(REPO, "coverage", SAMPLE).stdout
    assert "| 28.3 | " in md and "art. 28.3 första meningen" in md
    assert "first sentence" not in md and "Regulation (EU)" not in md and "Annex A" not in md
    english = klausul(REPO, "coverage", "fjallby-cloud-collaboration").stdout
    assert "Art. 28(3) first sentence" in english and "första meningen" not in english


@pytest.mark.parametrize("agreement", ["fjallby-kustlinjen-it", "fjallby-lon-ekonomi", "fjallby-cloud-collaboration"])
def test_samples_pass_strict_coverage_with_rules_checked(klausul, agreement):
    result, report = _coverage(klausul, REPO, agreement, "--strict")
    assert result.exit_code == 0, result.stderr
    checks = [c for cat in report["catalogs"] for i in cat["items"] for s in i["services"] for c in s["checks"]]
    assert len(checks) > 10 and all(c["ok"] for c in checks)


# --- the test library: roles and choice rules ---------------------------------------------------

def _rules(library, item_id, rules):
    def change(d):
        next(i for i in d["items"] if i["id"] == item_id)["rules"] = rules
    _edit(library / "catalogs" / "mini.yaml", change)


def test_rule_by_role_checks_every_parameter_that_declares_it(library, klausul):
    _edit(library / "clauses" / "alpha.yaml", lambda d: d["parameters"]["alert_time"].update(role="first-alert"))
    _rules(library, "A", [{"role": "first-alert", "op": "<=", "value": 1, "unit": "days", "basis": "law",
                           "source": "Test 1(a)"}])
    result, report = _coverage(klausul, library, "pilot", "--strict")
    assert result.exit_code == 0, result.stderr
    assert all(c["ok"] for s in _item(report, "mini:A")["services"] for c in s["checks"])
    _edit(library / "agreements" / "pilot.yaml", lambda d: d.update(parameters={"alert_time": 36}))
    result, report = _coverage(klausul, library, "pilot", "--strict")
    assert result.exit_code == 1
    assert _item(report, "mini:A")["status"] == "inadequate"
    assert "alert time 36\u00a0hours (override in the agreement" in _item(report, "mini:A")["reason"]
    assert "at most 1\u00a0day (Test 1(a); law)" in _item(report, "mini:A")["reason"]


def test_rule_on_a_choice_by_period_and_by_allowed_choices(library, klausul):
    _rules(library, "B", [{"parameter": "restore_test", "op": "<=", "value": 6, "unit": "months",
                           "min_level": {"availability": 3}, "basis": "own", "source": "Test 2"}])
    result, _report = _coverage(klausul, library, "pilot", "--strict")
    assert result.exit_code == 0, result.stderr  # the hall (availability 3) tests quarterly
    _edit(library / "services" / "hall.yaml", lambda d: d.update(parameters={"restore_test": "yearly"}))
    result, report = _coverage(klausul, library, "pilot", "--strict")
    assert result.exit_code == 1
    assert "restore test every year (override in the service description; the classification gives every " \
           "quarter) does not meet the rule at least once every 6\u00a0months" in _item(report, "mini:B")["reason"]
    _rules(library, "B", [{"parameter": "restore_test", "op": "in", "value": ["yearly", "quarterly"],
                           "basis": "own", "source": "Test 2"}])
    assert klausul(library, "coverage", "pilot", "--strict").exit_code == 0
