"""Quick paths give the slow paths' answers: a term form found where its pattern finds it, white
space collapsed as the regex collapses it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.library.defined_terms import _occurs, form_regex, uses

PIECES = ["Incident", "incident", "ncident", "Incidenter", "-", " ", "x", "_", "Å", "å", "a", "b", "Ab", "1", "\n",
          "ärende", "Ärende", "rende", "SS", "ß"]
FORMS = ["Incident", "incident-free", "I", "Ab", "Ärende", "-x", "x-", "ß", "Åa"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.sampled_from(FORMS))
def test_a_form_is_found_where_its_pattern_finds_it(text, form):
    assert _occurs(text, form) == bool(form_regex(form).search(text))


def test_the_boundaries_of_a_word():
    assert uses("En incident inträffar.", ["Incident"]) and uses("Incident.", ["Incident"])
    assert not uses("Incidenter och säkerhetsincident", ["Incident"])
    assert not uses("x-incident", ["Incident"]) and uses("(incident)", ["Incident"])


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \t\n\r\f\va\u00a0b")))
def test_white_space_runs_collapse_as_the_regex_collapses_them(text):
    from generator.draft.markup import _SPACE, _spaced

    assert _spaced(text) == _SPACE.sub(" ", text)
