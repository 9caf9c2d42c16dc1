"""Quantities with units, compared the way a value rule needs: exactly where units convert exactly,
and in the worst case where they do not (working days, months and years against hours or days).

The rules (README "What covered means"):
- minutes, hours, days and weeks convert exactly (60 minutes, 24 hours, 7 days);
- months and years convert exactly to each other (12 months);
- a calendar month lasts 28 to 31 days, a year 365 to 366;
- n working days last at least n days and at most ceil(7n/5) + 4 days (weekends, and up to two
  public holidays at either end, as around Easter or Christmas; Klausul knows no calendar);
- between such units a value meets a rule only if it meets it in the worst case: "2 working days"
  is not "at most 48 hours", "6 months" is not "at most 180 days";
- percent compares only with percent, a plain number only with a plain number.
"""

from __future__ import annotations

import math

EXACT_MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080}
CALENDAR_MONTHS = {"months": 1, "years": 12}
TIME_UNITS = (*EXACT_MINUTES, "working-days", *CALENDAR_MONTHS)
COMPARISONS = ("<=", "<", ">=", ">", "==")

# Frequency choices as a period, so "at least yearly" can be a rule on a choice parameter.
PERIODS = {
    "weekly": (1, "weeks"), "monthly": (1, "months"), "quarterly": (3, "months"),
    "half-yearly": (6, "months"), "yearly": (1, "years"), "every-2-years": (2, "years"),
}


def family(unit: str | None) -> str:
    """time, percent or count: units convert only within their family."""
    if unit in TIME_UNITS:
        return "time"
    return "percent" if unit == "percent" else "count"


def _days(value: float, unit: str) -> tuple[float, float]:
    """The shortest and longest the quantity can last, in days."""
    if unit in EXACT_MINUTES:
        days = value * EXACT_MINUTES[unit] / 1440
        return days, days
    if unit == "working-days":
        return value, math.ceil(value * 7 / 5) + 4
    if unit == "years":
        return value * 365, value * 366
    return value * 28, value * 31  # a calendar month


def _exact(value: float, unit: str, other: str) -> float | None:
    """`value` in `other`'s unit when the two convert exactly, else None."""
    for table in (EXACT_MINUTES, CALENDAR_MONTHS):
        if unit in table and other in table:
            return value * table[unit] / table[other]
    return value if unit == other else None


def compare(value: float, unit: str | None, op: str, threshold: float, t_unit: str | None) -> bool:
    """Whether `value unit  op  threshold t_unit` holds, whatever the calendar.

    Raises ValueError when the units belong to different families (validation prevents that).
    """
    if family(unit) != family(t_unit):
        raise ValueError(f"{unit or 'a plain number'} does not compare with {t_unit or 'a plain number'}")
    if family(unit) != "time" or (exact := _exact(value, unit, t_unit)) is not None:
        return _holds(value if family(unit) != "time" else exact, op, threshold)
    lo, hi = _days(value, unit)
    t_lo, t_hi = _days(threshold, t_unit)
    # The value's worst case against the threshold's strictest reading.
    if op in ("<=", "<"):
        return _holds(hi, op, t_lo)
    if op in (">=", ">"):
        return _holds(lo, op, t_hi)
    return lo == hi == t_lo == t_hi


def _holds(a: float, op: str, b: float) -> bool:
    return {"<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b, "==": a == b}[op]
