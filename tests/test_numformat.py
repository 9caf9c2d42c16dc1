"""The numbers of a draft are written exactly as Babel writes them, without Babel at run time."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from babel.numbers import format_decimal as babel_format
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.core.i18n import _LOCALES, format_number
from generator.core.numformat import format_decimal

LOCALES = st.sampled_from(sorted(_LOCALES.values()))


def _babel(value, locale: str) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return babel_format(number, locale=locale, decimal_quantization=False)


def _same(value, locale: str) -> None:
    try:
        expected = _babel(value, locale)
    except decimal.InvalidOperation:  # too many digits for the context: both must refuse
        with pytest.raises(decimal.InvalidOperation):
            format_decimal(value, locale)
        return
    assert format_decimal(value, locale) == expected


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), LOCALES)
@example(-0.0, "sv_SE")
@example(1e-7, "sv_SE")
@example(1e21, "en_GB")
@example(1e26, "en_GB")
@example(99.95, "en_GB")
@example(0.0005, "sv_SE")
def test_floats_as_babel_writes_them(value, locale):
    _same(value, locale)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.integers(), st.integers(-10**7, 10**7)), LOCALES)
@example(10**28 + 1, "sv_SE")
@example(-1000, "sv_SE")
def test_integers_as_babel_writes_them(value, locale):
    _same(value, locale)


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), Decimal("1.50")])
def test_what_only_babel_answers_goes_to_babel(value):
    assert format_decimal(value, "sv_SE") is None
    try:
        expected = _babel(value, "sv_SE")
    except decimal.InvalidOperation:  # Babel refuses a bool: so does format_number
        with pytest.raises(decimal.InvalidOperation):
            format_number(value, "sv")
        return
    assert format_number(value, "sv") == expected


def test_swedish_and_english_signs():
    assert format_number(-1234567.25, "sv") == "-1\u00a0234\u00a0567,25"
    assert format_number(-1234567.25, "en") == "-1,234,567.25"



def test_remembered_numbers_keep_their_sign_and_type():
    values = (0.0, -0.0, 0, 2.5, -2.5, 0.0, -0.0)  # asked again: the remembered answers, each its own
    assert [format_number(v, "sv") for v in values] == [_babel(v, "sv_SE") for v in values]
    assert [format_number(v, "sv") for v in values] == ["0", "-0", "0", "2,5", "-2,5", "0", "-0"]

