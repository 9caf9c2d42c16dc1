"""Golden files for the text writers: run with --update-golden after an intended change, then review the diff."""

from __future__ import annotations

import pytest

from generator.draft.assemble import assemble
from generator.library.open import open_library
from generator.render import render

from tests.conftest import DATA, REPO

GOLDEN = REPO / "tests" / "golden"
CASES = [(agreement, fmt) for agreement in ("pilot", "gaps")
         for fmt in ("md", "coverage.json", "coverage.md", "coverage.csv")]


@pytest.mark.parametrize("agreement, fmt", CASES, ids=[f"{a}.{f}" for a, f in CASES])
def test_text_output_matches_golden(agreement, fmt, update_golden):
    draft = assemble(open_library(DATA / "library")[0], agreement)
    got = render(fmt, draft).decode("utf-8")
    golden = GOLDEN / f"{agreement}.{fmt}"
    if update_golden:
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing; run pytest --update-golden"
    assert got == golden.read_text(encoding="utf-8"), f"{golden.name} differs; review, then --update-golden"
