"""Defined terms: found by their forms, sorted in the language's order, warned about when missing."""

from __future__ import annotations

from generator.core.legal import sort_key
from generator.draft.assemble import assemble
from generator.draft.check import diagnose
from generator.library.open import open_library

CLAUSE = """id: outage-report
version: 1.0.0
status: approved
category: incident-management
obligation: shall
languages: [sv, en]
title: {sv: Avbrott, en: Outages}
text:
  sv: Leverantören ska rapportera varje avbrott.
  en: |
    The Supplier shall report each outage. It shall report each Outage and each Alert
    within a day.
covers: []
verification: {sv: Loggen., en: The log.}
"""


def test_a_capitalised_word_no_term_defines_is_a_warning_with_its_line(library):
    (library / "clauses" / "outage.yaml").write_text(CLAUSE, encoding="utf-8")
    warnings = [(p.path, p.line, p.key, p.code, p.severity) for p in diagnose(library) if p.code == "undefined-term"]
    # "Outage" is written in lower case elsewhere in the clause; "Alert" is a defined term (terms/alert.yaml)
    assert warnings == [("clauses/outage.yaml", 11, "text.en", "undefined-term", "warning")]


TABLE_CLAUSE = CLAUSE.replace("""    The Supplier shall report each outage. It shall report each Outage and each Alert
    within a day.""", """    The Supplier shall report each outage and each window.

    | Outage | Window |
    |---|---|
    | Mail | Weekdays |""")


def test_a_word_opening_a_table_cell_is_not_mid_sentence(library):
    (library / "clauses" / "outage.yaml").write_text(TABLE_CLAUSE, encoding="utf-8")
    assert [p for p in diagnose(library) if p.code == "undefined-term"] == []
    # the same words mid-sentence still warn
    mid = TABLE_CLAUSE.replace("| Outage | Window |", "| each Outage | a Window |")
    (library / "clauses" / "outage.yaml").write_text(mid, encoding="utf-8")
    words = sorted(p.message.split("'")[1] for p in diagnose(library) if p.code == "undefined-term")
    assert words == ["Outage", "Window"]


def test_validate_strict_fails_on_an_undefined_term(library, klausul):
    (library / "clauses" / "outage.yaml").write_text(CLAUSE, encoding="utf-8")
    assert klausul(library, "validate").exit_code == 0
    result = klausul(library, "validate", "--strict")
    assert result.exit_code == 1 and "clauses/outage.yaml:11: text.en: 'Outage'" in result.stderr


def test_definitions_hold_exactly_the_terms_the_clauses_use(library):
    lib = open_library(library)[0]
    pilot = assemble(lib, "pilot")  # its clauses "alert"; the parties and the main agreement are always there
    assert [d.term for d in pilot.definitions] == ["Alert", "Customer", "Main Agreement", "Supplier"]
    alpha = library / "clauses" / "alpha.yaml"
    text = alpha.read_text(encoding="utf-8")
    assert "shall alert within" in text and "ska larma inom" in text
    alpha.write_text(text.replace("shall alert within", "shall notify within").replace("ska larma inom", "ska meddela inom")
                     .replace("en: alert time", "en: notice time"), encoding="utf-8")
    pilot = assemble(open_library(library)[0], "pilot")
    assert "Alert" not in [d.term for d in pilot.definitions]


def test_swedish_order_puts_a_ring_a_umlaut_o_umlaut_after_z():
    words = ["Översikt", "Arbetsdag", "Åtgärd", "Ärende", "Zon", "Vite"]
    assert sorted(words, key=lambda w: sort_key(w, "sv")) == ["Arbetsdag", "Vite", "Zon", "Åtgärd", "Ärende", "Översikt"]
    assert sorted(["the Supplier", "Alert", "Customer"], key=lambda w: sort_key(w, "en")) == [
        "Alert", "Customer", "the Supplier"]
