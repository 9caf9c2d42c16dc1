"""Swedish working days computed without the `holidays` package give the package's answers."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from generator.draft import workdays

SUNDAY = {"Söndag", "Sunday"}


def test_every_computed_year_has_exactly_the_packages_public_and_de_facto_days_off():
    for year in workdays.COMPUTED:
        days = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
        # Older releases of the package (0.90) list every Sunday as a holiday; a Sunday is no working
        # day anyway, so those entries, and only those, are left out of the comparison.
        expected = frozenset(d for d, names in days.items() if set(names.split("; ")) - SUNDAY)
        assert workdays.swedish_days_off(year) == expected, year


def test_easter_matches_dateutil_for_centuries():
    from dateutil.easter import easter

    for year in range(1583, 4100):
        assert workdays.easter_sunday(year) == easter(year), year


@pytest.mark.parametrize("year", [1960, 1989, 2101, 2150])
def test_years_outside_the_computed_range_ask_the_package(year):
    expected = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
    day = dt.date(year, 1, 1)
    while day.year == year:
        assert workdays.is_working_day(day) == (day.weekday() < 5 and day not in expected), day
        day += dt.timedelta(days=1)


def test_the_known_days_of_2026():
    # midsommarafton 19 June, Kristi himmelsfärd 14 May, alla helgons dag on a Saturday
    assert workdays.next_working_day(dt.date(2026, 6, 19)) == dt.date(2026, 6, 22)
    assert workdays.next_working_day(dt.date(2026, 5, 14)) == dt.date(2026, 5, 15)
    assert workdays.next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 28)
    assert workdays.is_working_day(dt.date(2026, 6, 18))
