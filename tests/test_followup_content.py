"""The shipped library's follow-up plan agrees with its clauses: targets, responsibility, forums, readable values."""

from __future__ import annotations

import re

import pytest

from generator.draft.assemble import assemble
from generator.library.open import open_library
from generator.library.followup_rules import MONTHS

from tests.conftest import REPO

SAMPLES = ["fjallby-kustlinjen-it", "fjallby-lon-ekonomi", "fjallby-cloud-collaboration"]


@pytest.fixture(scope="module")
def shipped():
    return open_library(REPO)[0]


def test_every_kpi_has_a_target_value_with_its_bound(shipped):
    missing = [c.id for c in shipped.clauses.values() if c.followup and not c.followup.get("target")]
    assert missing == []
    for agreement in SAMPLES:
        draft = assemble(shipped, agreement)
        word = r"(Målvärde|Target)[^:]*: (minst|högst|at least|at most) \S"
        assert all(re.search(word, c.followup_kpi) for c in draft.clauses if c.followup_kpi), agreement


def test_availability_target_is_the_clauses_own_parameter(shipped):
    draft = assemble(shipped, "fjallby-kustlinjen-it")
    clause = next(c for c in draft.clauses if c.id == "availability-and-communication")
    stated = clause.values["availability_target"]
    for part in stated.split("; "):  # per service where the services differ
        assert part.split(": ")[-1] in clause.followup_kpi


def test_the_customers_duties_have_the_customer_responsible(shipped):
    draft = assemble(shipped, "fjallby-kustlinjen-it")
    numbers = dict((c.id, n) for n, c in draft.numbered_clauses())
    by = {(i.clause_id, i.duty): i.by for i in draft.followup}
    # the municipality reconsiders its own security-protection assessment (22.1 in the audited sample)
    assert by[("security-protection-trigger", 0)] == "customer" and numbers["security-protection-trigger"]
    duties = [i for i in draft.followup if i.duty]
    assert len(duties) >= 3 and all(i.by == "customer" for i in duties)
    assert {i.clause_id for i in duties} >= {"information-inventory-and-classification", "security-contacts-and-forum",
                                              "access-management"}


@pytest.mark.parametrize("agreement", SAMPLES)
def test_nothing_is_handled_in_a_forum_more_often_than_it_meets(shipped, agreement):
    draft = assemble(shipped, agreement)
    forum = {i.clause_id: i for i in draft.followup if i.duty == 0}
    meets = {"säkerhetsforum": 3, "security forum": 3, "kundråd it": 12, "it customer council": 12}
    for item in draft.followup:
        where = (item.forum or "").lower()
        if where in meets and item.every in MONTHS:
            assert MONTHS[item.every] % meets[where] == 0, (item.number, item.clause_id, item.every)
    assert forum["incident-notification"].forum.startswith(("Kundens kontaktperson", "the Customer's contact"))


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_forums_meet_as_often_as_their_follow_up_at_every_level(shipped, level):
    import dataclasses

    from generator.draft.forums import forum_problems

    base = shipped.agreements["fjallby-kustlinjen-it"]
    for service in list(shipped.services.values()):
        probe = dataclasses.replace(service, id=f"probe-{service.id}", classification=dict.fromkeys(
            ("confidentiality", "integrity", "availability"), level))
        shipped.services[probe.id] = probe
        spec = dataclasses.replace(base, id=f"probe-{service.id}-{level}", services=(probe.id,), exclude=())
        shipped.agreements[spec.id] = spec
        try:
            draft = assemble(shipped, spec.id)  # raises BuildError on a forum-frequency problem
            assert forum_problems(shipped, draft) == []
        finally:
            del shipped.services[probe.id], shipped.agreements[spec.id]
