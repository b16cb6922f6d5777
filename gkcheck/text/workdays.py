"""Chinese working days: weekends, public holidays and make-up working days (调休).

Backed by `chinese_calendar`, which knows the State Council's holiday arrangements
for a fixed range of years. For a year it does not know, these functions fall back
to Monday–Friday, emit a `CalendarGapWarning`, and `calendar_note(...)` returns the
Chinese sentence a caller should add to its finding message.

    is_workday(date(2024, 10, 1))              -> False  (国庆节)
    is_workday(date(2024, 9, 29))              -> True   (Sunday, 调休上班)
    add_workdays(date(2024, 9, 30), 1)         -> date(2024, 10, 8)
    workdays_between(date(2024, 9, 30), date(2024, 10, 8)) -> 1
    calendar_note(date(2030, 1, 1))            -> "chinese_calendar 不含 2030 年的节假日安排，按周一至周五计算"
"""

from __future__ import annotations

import datetime as dt
import warnings
from functools import lru_cache

import chinese_calendar

__all__ = [
    "CalendarGapWarning",
    "add_workdays",
    "calendar_note",
    "is_workday",
    "workdays_between",
    "years_not_covered",
]

_DAY = dt.timedelta(days=1)


class CalendarGapWarning(UserWarning):
    """chinese_calendar has no holiday data for a year; Monday–Friday was used instead."""


@lru_cache(maxsize=None)
def _year_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _note(years: list[int]) -> str:
    ys = "、".join(str(y) for y in years)
    return f"chinese_calendar 不含 {ys} 年的节假日安排，按周一至周五计算"


def _warn(years: set[int]) -> None:
    if years:
        warnings.warn(_note(sorted(years)), CalendarGapWarning, stacklevel=3)


def _as_date(d: dt.date) -> dt.date:
    # datetime is a subclass of date; compare and step by whole days
    return d.date() if isinstance(d, dt.datetime) else d


def _workday(d: dt.date, gaps: set[int]) -> bool:
    if _year_known(d.year):
        return chinese_calendar.is_workday(d)
    gaps.add(d.year)
    return d.weekday() < 5


def years_not_covered(a: dt.date, b: dt.date | None = None) -> list[int]:
    """Years in [a, b] (or just a's year) for which chinese_calendar has no data."""
    a = _as_date(a)
    b = _as_date(b) if b is not None else a
    lo, hi = min(a.year, b.year), max(a.year, b.year)
    return [y for y in range(lo, hi + 1) if not _year_known(y)]


def calendar_note(a: dt.date, b: dt.date | None = None) -> str | None:
    """The sentence to put in a finding when [a, b] reaches a year the calendar lacks, else None."""
    years = years_not_covered(a, b)
    return _note(years) if years else None


def is_workday(d: dt.date) -> bool:
    """True if `d` is a working day in mainland China (调休 make-up days included)."""
    d = _as_date(d)
    gaps: set[int] = set()
    result = _workday(d, gaps)
    _warn(gaps)
    return result


def add_workdays(d: dt.date, n: int) -> dt.date:
    """The n-th working day after `d` (before it when n < 0); `d` itself when n == 0.

    `d` need not be a working day: add_workdays(国庆节 day, 1) is the first working
    day after the holiday.
    """
    d = _as_date(d)
    gaps: set[int] = set()
    step = _DAY if n >= 0 else -_DAY
    left = abs(n)
    while left:
        d += step
        if _workday(d, gaps):
            left -= 1
    _warn(gaps)
    return d


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days from `a` to `b`, signed: the count of working days d with a < d <= b,
    negative (the count with b < d <= a) when b is before a, 0 when equal.

    So a document of Friday and its 解读 of the next Monday are 1 working day apart
    either way round (workdays_between(a, b) == -workdays_between(b, a)), and
    workdays_between(a, add_workdays(a, n)) == n for n >= 0.
    """
    a, b = _as_date(a), _as_date(b)
    if a == b:
        return 0
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    gaps = set(years_not_covered(a + _DAY, b))
    count = _weekdays_after(a, b)
    lo, hi = a + _DAY, b
    for year in range(lo.year, hi.year + 1):
        if year in gaps:
            continue
        off, on = _exceptions(year)
        count -= sum(1 for d in off if lo <= d <= hi)  # holidays on Monday–Friday
        count += sum(1 for d in on if lo <= d <= hi)  # make-up working Saturdays/Sundays
    _warn(gaps)
    return sign * count


def _weekdays_after(a: dt.date, b: dt.date) -> int:
    """Mondays–Fridays d with a < d <= b (a < b)."""
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    wd = a.weekday()
    for i in range(1, rest + 1):
        if (wd + i) % 7 < 5:
            count += 1
    return count


@lru_cache(maxsize=None)
def _exceptions(year: int) -> tuple[tuple[dt.date, ...], tuple[dt.date, ...]]:
    """(holidays falling on Monday–Friday, working days falling on a weekend) of `year`."""
    off = tuple(sorted(d for d in chinese_calendar.holidays if d.year == year and d.weekday() < 5))
    on = tuple(sorted(d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5))
    return off, on
