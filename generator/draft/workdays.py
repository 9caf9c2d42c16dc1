"""Swedish working days, from the maintained `holidays` calendar rather than a list of our own."""

from __future__ import annotations

import datetime as dt
import functools

import holidays

# Public holidays, and the three eves Swedish law counts as holidays when a time limit is computed
# (lag 1930:173: midsommarafton, julafton, nyårsafton), which `holidays` files as de facto holidays.
_CATEGORIES = ("public", "de_facto")


@functools.lru_cache(maxsize=64)
def _days_off(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("SE", years=year, categories=_CATEGORIES))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and neither a Swedish public holiday nor one of the eves counted as one."""
    return day.weekday() < 5 and day not in _days_off(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
