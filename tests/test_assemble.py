"""Stage 3: which clauses an agreement gets, which values they carry, and what the checklist says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.draft.assemble import assemble
from generator.core.errors import BuildError, UsageError
from generator.draft.check import diagnose
from generator.library.open import open_library
from generator.draft.markup import plain_text
from generator.core.model import Paragraph


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _draft(root: Path, agreement: str = "pilot"):
    return assemble(open_library(root)[0], agreement)


def _first_text(clause) -> str:
    """The first paragraph of the clause's own text (after any note on which services it binds)."""
    body = [b for b in clause.blocks if isinstance(b, Paragraph) and not plain_text(b.inlines).startswith(
        ("This clause applies to", "Punkten gäller"))]
    return _sp(plain_text(body[0].inlines))


def _sp(text):
    """Values join number and unit with a no-break space; compare with plain spaces."""
    if isinstance(text, dict):
        return {k: _sp(v) for k, v in text.items()}
    if isinstance(text, tuple):
        return tuple(_sp(t) for t in text)
    return text.replace("\u00a0", " ")


def test_rules_select_clauses_per_service(library):
    pilot = _draft(library)
    assert [c.id for c in pilot.clauses] == ["beta", "alpha", "gamma"]  # continuity, incidents, personal data
    assert dict((c.id, c.services) for c in pilot.clauses) == {
        "alpha": ("desk", "hall"), "beta": ("hall",), "gamma": ("hall",)}


def test_draft_clause_only_when_included(library):
    assert "delta" not in [c.id for c in _draft(library).clauses]
    assert "delta" in [c.id for c in _draft(library, "gaps").clauses]


def test_min_level_and_personal_data_rules(library):
    _edit(library / "services" / "hall.yaml", lambda d: d.update(
        classification={"confidentiality": 3, "integrity": 2, "availability": 2}, personal_data=False))
    assert [c.id for c in _draft(library).clauses] == ["alpha"]


def test_differing_values_are_stated_per_service(library):
    alpha = next(c for c in _draft(library).clauses if c.id == "alpha")
    assert "alert within 24 hours for Workplace, and 2 hours for Data hall to" in _first_text(alpha)


@pytest.mark.parametrize("service_override, agreement_override, expected", [
    (None, None, "8 hours"),      # level 3 availability
    (12, None, "12 hours"),       # the service's own value wins over its level
    (12, 6, "6 hours"),           # the agreement's value wins over the service's
    (None, 1, "1 hour"),          # singular unit
])
def test_value_resolution_order(library, service_override, agreement_override, expected):
    if service_override is not None:
        _edit(library / "services" / "hall.yaml", lambda d: d.update(parameters={"rto": service_override}))
    if agreement_override is not None:
        _edit(library / "agreements" / "pilot.yaml", lambda d: d.update(parameters={"rto": agreement_override}))
    beta = next(c for c in _draft(library).clauses if c.id == "beta")
    assert _sp(beta.values["rto"]) == expected
    assert f"within {expected} and" in _first_text(beta)


def test_level_without_own_value_takes_nearest_lower_level(library):
    # beta lists levels 2 and 3 for rto; a level-3 service gets 8 h, and default is the fallback below 2
    _edit(library / "clauses" / "beta.yaml", lambda d: d["applies_to"].pop("min_level"))
    _edit(library / "services" / "hall.yaml", lambda d: d["classification"].update(availability=1))
    beta = next(c for c in _draft(library).clauses if c.id == "beta")
    assert _sp(beta.values) == {"rto": "72 hours", "restore_test": "every year"}


def test_swedish_values_and_choice_labels(library):
    _edit(library / "agreements" / "pilot.yaml", lambda d: d.update(language="sv"))
    beta = next(c for c in _draft(library).clauses if c.id == "beta")
    assert beta.values == {"rto": "8\u00a0timmar", "restore_test": "varje kvartal"}
    assert beta.title == "Återställning"


def test_exclusions_and_coverage(library):
    (mini,) = _draft(library).coverage
    assert mini.summary() == {"covered": 3, "partial": 1, "inadequate": 0, "excluded": 1, "gap": 0}
    d = next(i for i in mini.items if i.id == "D")
    assert (d.status, d.reason, d.clauses) == ("excluded", "Exit terms are in the main agreement.", ())
    (gaps,) = _draft(library, "gaps").coverage
    # gaps has only the workplace: B (hosting) and C (personal data) concern none of its services
    assert {i.id: i.status for i in gaps.items} == {"A": "covered", "B": "excluded", "C": "excluded", "D": "covered",
                                                   "E": "partial"}
    assert {i.id: i.reason for i in gaps.items if i.id in "BC"} == {
        "B": "Kravet gäller ingen av avtalets tjänster.", "C": "Kravet gäller ingen av avtalets tjänster."}


def test_partial_coverage_is_its_own_status_until_a_full_clause_comes_in(library):
    (gaps,) = _draft(library, "gaps").coverage
    e = next(i for i in gaps.items if i.id == "E")
    assert (e.status, e.clauses, e.partial, e.reason, e.unresolved()) == ("partial", ("alpha",), ("alpha",), None, True)
    (pilot,) = _draft(library).coverage  # pilot states why partial coverage of E is accepted
    e = next(i for i in pilot.items if i.id == "E")
    assert e.status == "partial" and e.reason and not e.unresolved()
    _edit(library / "clauses" / "delta.yaml", lambda d: d.update(covers=["mini:D", "mini:E"]))
    (gaps,) = _draft(library, "gaps").coverage
    e = next(i for i in gaps.items if i.id == "E")
    assert (e.status, e.clauses, e.partial) == ("covered", ("alpha", "delta"), ("alpha",))


def test_excluded_clause_passes_its_reason_to_the_items_it_would_cover(library):
    _edit(library / "agreements" / "pilot.yaml", lambda d: d.update(
        exclude=[{"clause": "gamma", "reason": "A separate processor agreement applies."}]))
    draft = _draft(library)
    assert "gamma" not in [c.id for c in draft.clauses]
    c = next(i for i in draft.coverage[0].items if i.id == "C")
    assert (c.status, c.reason) == ("excluded", "gamma: A separate processor agreement applies.")


def test_unknown_agreement(library):
    with pytest.raises(UsageError, match="unknown agreement 'nope'"):
        _draft(library, "nope")


def test_clause_without_the_agreement_language_stops_the_build(library):
    _edit(library / "clauses" / "gamma.yaml", lambda d: (
        d.update(languages=["sv"]), d["title"].pop("en"), d["text"].pop("en"), d["verification"].pop("en"),
        d["followup"]["kpi"].pop("en")))
    with pytest.raises(BuildError, match=r"clauses/gamma.yaml: clause 'gamma' has no 'en' text"):
        _draft(library)


def test_same_version_gives_same_hash_and_edit_changes_it(library):
    before = {c.id: c.content_hash for c in _draft(library).clauses}
    _edit(library / "clauses" / "gamma.yaml", lambda d: d["text"].update(en=d["text"]["en"] + " Always."))
    after = {c.id: c.content_hash for c in _draft(library).clauses}
    assert before["alpha"] == after["alpha"] and before["gamma"] != after["gamma"]


def _clause(root: Path, ident: str, category: str, applies_to: dict) -> None:
    (root / "clauses" / f"{ident}.yaml").write_text(yaml.safe_dump({
        "id": ident, "version": "1.0.0", "status": "approved", "category": category, "obligation": "shall",
        "languages": ["sv", "en"], "title": {"sv": ident, "en": ident},
        "text": {"sv": f"Leverantören ska {ident}.", "en": f"The Supplier shall {ident}."},
        "applies_to": applies_to, "verification": {"sv": "Intyg.", "en": "A statement."},
    }), encoding="utf-8")


def test_strict_and_standard_variants_select_exactly_one_per_service(library):
    _clause(library, "mfa-all", "access-control", {"min_level": {"max": 3}})
    _clause(library, "mfa-admins", "access-control", {"max_level": {"max": 2}})
    _edit(library / "services" / "hall.yaml", lambda d: d["classification"].update(confidentiality=3))
    services = {c.id: c.services for c in _draft(library).clauses}
    assert (services["mfa-all"], services["mfa-admins"]) == (("hall",), ("desk",))


def test_level_4_without_a_security_protection_clause_stops_the_build(library):
    _edit(library / "services" / "hall.yaml", lambda d: d["classification"].update(integrity=4))
    with pytest.raises(BuildError, match=r"services/hall.yaml: service 'hall' is classified at level 4 "
                                         r"\(integrity\).*säkerhetsskyddsavtal"):
        _draft(library)
    problems = diagnose(library)
    assert [(p.path, p.code) for p in problems] == [("agreements/pilot.yaml", "cannot-assemble")]


def test_level_4_brings_in_the_security_protection_clause_and_top_level_values(library):
    _clause(library, "security-protection-agreement", "security-protection", {"min_level": {"max": 4}})
    _edit(library / "services" / "hall.yaml", lambda d: d["classification"].update(availability=4))
    draft = _draft(library)
    clause = next(c for c in draft.clauses if c.id == "security-protection-agreement")
    assert clause.services == ("hall",)
    beta = next(c for c in draft.clauses if c.id == "beta")
    assert beta.values["rto"] == _level_3_rto(library)  # level 4 takes the highest level the clause lists


def _level_3_rto(root: Path) -> str:
    _edit(root / "services" / "hall.yaml", lambda d: d["classification"].update(availability=3))
    return next(c for c in _draft(root).clauses if c.id == "beta").values["rto"]


def test_a_clause_for_some_services_names_them_in_the_draft(library):
    draft = _draft(library)
    beta = next(c for c in draft.clauses if c.id == "beta")  # hall only
    alpha = next(c for c in draft.clauses if c.id == "alpha")  # desk and hall: all services
    assert plain_text(beta.blocks[0].inlines) == "This clause applies to Data hall."
    assert not plain_text(alpha.blocks[0].inlines).startswith("This clause applies")


def test_a_general_security_protection_clause_does_not_unlock_level_4(library):
    _clause(library, "security-protection-trigger", "security-protection", {})
    _edit(library / "services" / "hall.yaml", lambda d: d["classification"].update(confidentiality=4))
    with pytest.raises(BuildError, match="no approved security-protection clause for level 4"):
        _draft(library)


@pytest.mark.parametrize("value, unit, lang, text", [
    (1, "hours", "sv", "1\u00a0timme"), (72, "hours", "sv", "72\u00a0timmar"), (120, "hours", "sv", "5\u00a0dygn"),
    (168, "hours", "en", "7\u00a0days"), (100, "hours", "en", "100\u00a0hours"), (99.5, "percent", "sv", "99,5\u00a0%"),
    (99.5, "percent", "en", "99.5%"), (1, "working-days", "en", "1\u00a0working day")])
def test_quantities_read_as_written_contract_language(value, unit, lang, text):
    from generator.core.i18n import format_quantity

    assert format_quantity(value, unit, lang) == text


def test_processing_instruction_comes_from_the_services_that_process_personal_data(library):
    draft = _draft(library)  # desk has no personal data, hall has a processing description
    assert [s.id for s in draft.processed_services] == ["hall"]
    assert draft.processed_services[0].processing == {
        "purpose": "Running business systems.", "data": "Names and cases.", "subjects": "Residents.",
        "location": "Sweden."}
    _edit(library / "services" / "hall.yaml", lambda d: d.update(personal_data=False))
    assert _draft(library).processed_services == ()


def test_personal_data_without_a_processing_description_is_a_warning(library, klausul):
    _edit(library / "services" / "hall.yaml", lambda d: d.pop("processing"))
    lines = (library / "services" / "hall.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("personal_data:"))
    result = klausul(library, "validate", "--strict")
    assert result.exit_code == 1
    assert f"services/hall.yaml:{line}: personal_data: the service processes personal data" in result.stderr
    assert "[missing-processing-description]" in result.stderr
