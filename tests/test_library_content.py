"""The shipped library's behaviour, not its wording: classification drives values, personal data
brings in the processor clauses, both languages agree, and every sample is fully covered."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from generator.draft.assemble import assemble
from generator.core.i18n import CATEGORIES
from generator.core.errors import LibraryError
from generator.library.open import open_library

from tests.conftest import REPO

SAMPLES = ["fjallby-kustlinjen-it", "fjallby-lon-ekonomi", "fjallby-cloud-collaboration"]
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")


@pytest.fixture
def shipped(tmp_path):
    """A writable copy of the shipped library."""
    root = tmp_path / "lib"
    for folder in ("clauses", "services", "catalogs", "agreements", "terms"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _clause(root, agreement, clause_id):
    return next(c for c in assemble(open_library(root)[0], agreement).clauses if c.id == clause_id)


def test_raising_availability_from_1_to_3_tightens_rto_and_restore_tests(shipped):
    path = shipped / "services" / "cloud-collaboration.yaml"
    agreement = "fjallby-cloud-collaboration"
    _edit(path, lambda d: d["classification"].update(availability=1))
    low = _clause(shipped, agreement, "continuity-plan-and-tests-cloud").values
    low_backup = _clause(shipped, agreement, "backup-and-restore").values
    _edit(path, lambda d: d["classification"].update(availability=3))
    high = _clause(shipped, agreement, "continuity-plan-and-tests-cloud").values
    high_backup = _clause(shipped, agreement, "backup-and-restore").values
    assert (low["rto"], high["rto"]) == ("5\u00a0days", "8\u00a0hours")
    assert low_backup["restore_tests"] != high_backup["restore_tests"]
    assert "full" in high_backup["restore_tests"] and "full" not in low_backup["restore_tests"]


def _drop_own_processing(root):
    """The shipped logging, monitoring and access clauses process personal data themselves (user
    names in logs and accounts); without that claim a service may be marked without personal data."""
    for clause in root.glob("clauses/*/*.yaml"):
        if "processes_personal_data" in clause.read_text(encoding="utf-8"):
            _edit(clause, lambda d: d.pop("processes_personal_data"))


def test_service_without_personal_data_contradicts_clauses_that_process_it(shipped):
    _edit(shipped / "services" / "cloud-collaboration.yaml", lambda d: d.update(personal_data=False))
    with pytest.raises(LibraryError) as caught:
        open_library(shipped)
    found = {(d.path, d.code) for d in caught.value.diagnostics}
    assert ("clauses/logging-and-monitoring/security-logging.yaml", "personal-data-contradiction") in found
    assert all(code == "personal-data-contradiction" for _, code in found)


def test_personal_data_brings_in_processor_clauses_and_covers_gdpr(shipped):
    path = shipped / "services" / "cloud-collaboration.yaml"
    _drop_own_processing(shipped)
    _edit(path, lambda d: d.update(personal_data=False))
    library = open_library(shipped)[0]
    without = assemble(library, "fjallby-cloud-collaboration")
    processor = {c.id for c in library.clauses.values() if c.applies_to.get("personal_data") is True}
    assert processor and not processor & {c.id for c in without.clauses}
    gdpr = next(c for c in without.coverage if c.id == "gdpr-art28")
    # the processor catalog concerns services with personal data, and now there are none
    assert gdpr.summary()["excluded"] == len(gdpr.items)
    assert {i.reason for i in gdpr.items} == {"The item concerns none of the agreement's services."}
    _edit(path, lambda d: d.update(personal_data=True))
    with_data = assemble(open_library(shipped)[0], "fjallby-cloud-collaboration")
    assert processor <= {c.id for c in with_data.clauses}
    gdpr = next(c for c in with_data.coverage if c.id == "gdpr-art28")
    assert gdpr.summary() == {"covered": len(gdpr.items), "partial": 0, "inadequate": 0, "excluded": 0, "gap": 0}


def test_strict_variant_replaces_standard_one_at_level_3(shipped):
    path = shipped / "services" / "cloud-collaboration.yaml"
    ids = lambda: {c.id for c in assemble(open_library(shipped)[0], "fjallby-cloud-collaboration").clauses}
    assert {"mfa-administrators"} <= ids() and "mfa-all-access" not in ids()
    _edit(path, lambda d: d["classification"].update(confidentiality=3))
    assert {"mfa-all-access"} <= ids() and "mfa-administrators" not in ids()


def test_level_4_adds_the_security_protection_agreement_clause(shipped):
    _edit(shipped / "services" / "network.yaml", lambda d: d["classification"].update(integrity=4))
    clause = _clause(shipped, "fjallby-kustlinjen-it", "security-protection-agreement")
    assert clause.services == ("network",)


def test_both_languages_use_the_same_parameters_in_every_clause():
    library = open_library(REPO)[0]
    assert len(library.clauses) >= 40
    for clause in library.clauses.values():
        used = {lang: set(PLACEHOLDER.findall(clause.text[lang])) for lang in ("sv", "en")}
        assert used["sv"] == used["en"] == set(clause.parameters), clause.id


def test_every_topic_has_a_clause_and_every_catalog_item_a_full_clause():
    library = open_library(REPO)[0]
    approved = [c for c in library.clauses.values() if c.status == "approved"]
    assert {c.category for c in approved} == set(CATEGORIES)
    for catalog in library.catalogs.values():
        for item in catalog.items:
            ref = f"{catalog.id}:{item.id}"
            full = [c.id for c in approved if ref in c.covers and c.id not in item.partial]
            assert full, f"{ref} has no clause that covers it fully"


@pytest.mark.parametrize("agreement", SAMPLES)
def test_sample_covers_every_item_of_every_catalog_it_names(agreement, klausul):
    draft = assemble(open_library(REPO)[0], agreement)
    assert draft.coverage and draft.start_date
    for catalog in draft.coverage:
        for item in catalog.items:
            # partly covered only where the agreement states why that is accepted (cloud variants)
            assert item.status == "covered" or (item.status in ("excluded", "partial") and item.reason), \
                (catalog.id, item)
    assert klausul(REPO, "coverage", agreement, "--strict").exit_code == 0


def test_cloud_sample_is_checked_against_the_audit_baseline_too():
    spec = open_library(REPO)[0].agreements["fjallby-cloud-collaboration"]
    assert set(spec.catalogs) == {"se-municipal-baseline", "gdpr-art28", "iso27001-2022-supplier", "nis2-art21",
                                  "dora-art30"}
