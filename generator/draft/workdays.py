"""Swedish working days: the days off computed here, checked against the maintained `holidays`
calendar for every year of COMPUTED (tests/test_workdays.py), which answers for any other year."""

from __future__ import annotations

import datetime as dt
import functools

# Years whose days off this module computes itself; the `holidays` package (slow to import, about
# 20 ms) is asked only outside them. Before 1953 midsummer fell on fixed dates, and before 1990
# Marie bebådelsedag was a holiday; the test compares every year of the range with the package.
COMPUTED = range(1990, 2101)

# Public holidays, and the three eves Swedish law counts as holidays when a time limit is computed
# (lag 1930:173: midsommarafton, julafton, nyårsafton), which `holidays` files as de facto holidays.
_CATEGORIES = ("public", "de_facto")


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lunar = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * lunar) // 433
    month = (h + lunar - 7 * m + 90) // 25
    return dt.date(year, month, (h + lunar - 7 * m + 33 * month + 19) % 32)


def _first(weekday: int, start: dt.date) -> dt.date:
    """The first `weekday` (Monday 0) on or after `start`."""
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def swedish_days_off(year: int) -> frozenset[dt.date]:
    """Sweden's public holidays (lag 1989:253) and midsommarafton, julafton and nyårsafton, for a
    year of COMPUTED."""
    easter = easter_sunday(year)
    days = [dt.date(year, 1, 1), dt.date(year, 1, 6), dt.date(year, 5, 1), dt.date(year, 12, 24),
            dt.date(year, 12, 25), dt.date(year, 12, 26), dt.date(year, 12, 31)]
    days += [easter + dt.timedelta(days=n) for n in (-2, 0, 1, 39, 49)]  # Good Friday … Whit Sunday
    days.append(dt.date(year, 6, 6) if year >= 2005 else easter + dt.timedelta(days=50))  # national day / Whit Monday
    midsummer = _first(5, dt.date(year, 6, 20))  # midsommardagen: the Saturday of 20–26 June
    days += [midsummer, midsummer - dt.timedelta(days=1), _first(5, dt.date(year, 10, 31))]  # eve; alla helgons dag
    return frozenset(days)


@functools.lru_cache(maxsize=64)
def _days_off(year: int) -> frozenset[dt.date]:
    if year in COMPUTED:
        return swedish_days_off(year)
    import holidays

    return frozenset(holidays.country_holidays("SE", years=year, categories=_CATEGORIES))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and neither a Swedish public holiday nor one of the eves counted as one."""
    return day.weekday() < 5 and day not in _days_off(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
