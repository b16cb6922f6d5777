import datetime as dt
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkcheck.text.workdays import (
    CalendarGapWarning,
    add_workdays,
    calendar_note,
    is_workday,
    workdays_between,
    years_not_covered,
)

D = dt.date


def test_national_day_2024_is_holiday():
    for day in range(1, 8):
        assert not is_workday(D(2024, 10, day)), day


@pytest.mark.parametrize(
    "d",
    [
        D(2024, 9, 29),  # Sunday, 调休上班 before 国庆
        D(2024, 10, 12),  # Saturday, 调休上班 after 国庆
        D(2024, 2, 4),  # Sunday, 调休上班 before 春节
        D(2024, 2, 18),  # Sunday, 调休上班 after 春节
    ],
)
def test_makeup_days_are_workdays(d):
    assert d.weekday() >= 5
    assert is_workday(d)


def test_ordinary_days():
    assert is_workday(D(2024, 6, 24))  # Monday
    assert not is_workday(D(2024, 6, 23))  # Sunday
    assert not is_workday(D(2024, 2, 12))  # 春节 Monday


def test_add_workdays_across_national_day():
    assert add_workdays(D(2024, 9, 30), 1) == D(2024, 10, 8)
    assert add_workdays(D(2024, 9, 27), 1) == D(2024, 9, 29)  # Friday -> 调休 Sunday
    assert add_workdays(D(2024, 10, 8), -1) == D(2024, 9, 30)
    assert add_workdays(D(2024, 10, 3), 0) == D(2024, 10, 3)


def test_add_workdays_twenty():
    # 《条例》第26条: 20 working days after 2024-09-20 (Fri)
    # Sep: 23 24 25 26 27 29 30 (7), Oct: 8 9 10 11 12 14 15 16 17 18 21 22 23 (13)
    assert add_workdays(D(2024, 9, 20), 20) == D(2024, 10, 23)


def test_workdays_between_signed():
    assert workdays_between(D(2024, 9, 30), D(2024, 10, 8)) == 1
    assert workdays_between(D(2024, 10, 8), D(2024, 9, 30)) == -1
    assert workdays_between(D(2024, 6, 21), D(2024, 6, 24)) == 1  # Fri -> Mon
    assert workdays_between(D(2024, 6, 24), D(2024, 6, 24)) == 0
    assert workdays_between(D(2024, 10, 1), D(2024, 10, 7)) == 0
    assert workdays_between(D(2024, 9, 20), D(2024, 10, 23)) == 20


def test_datetime_accepted():
    assert workdays_between(dt.datetime(2024, 6, 21, 16, 10), D(2024, 6, 24)) == 1


def test_unknown_year_falls_back_with_warning():
    assert years_not_covered(D(2099, 10, 1)) == [2099]
    with pytest.warns(CalendarGapWarning, match="chinese_calendar 不含 2099 年的节假日安排，按周一至周五计算"):
        assert is_workday(D(2099, 10, 1))  # a Thursday; no holiday data
    with pytest.warns(CalendarGapWarning):
        assert not is_workday(D(2099, 10, 3))  # Saturday
    with pytest.warns(CalendarGapWarning):
        assert workdays_between(D(2099, 1, 2), D(2099, 1, 9)) == 5
    with pytest.warns(CalendarGapWarning):
        assert add_workdays(D(2099, 1, 2), 5) == D(2099, 1, 9)


def test_calendar_note():
    assert calendar_note(D(2024, 1, 1), D(2024, 12, 31)) is None
    assert calendar_note(D(2099, 6, 1)) == "chinese_calendar 不含 2099 年的节假日安排，按周一至周五计算"
    assert calendar_note(D(2098, 12, 1), D(2099, 1, 5)) == "chinese_calendar 不含 2098、2099 年的节假日安排，按周一至周五计算"


def test_known_year_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert workdays_between(D(2024, 1, 1), D(2024, 12, 31)) > 240


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2025, 12, 31))


@settings(max_examples=200, deadline=None, database=None)
@given(a=days, b=days)
def test_between_is_antisymmetric(a, b):
    assert workdays_between(a, b) == -workdays_between(b, a)


@settings(max_examples=200, deadline=None, database=None)
@given(a=days, n=st.integers(-40, 40))
def test_add_then_count(a, n):
    b = add_workdays(a, n)
    if n >= 0 or is_workday(a):
        assert workdays_between(a, b) == n
    else:
        # counting is over (b, a]: a holiday start day is not counted going backwards
        assert workdays_between(a, b) == n + 1
    if n:
        assert is_workday(b)


@settings(max_examples=150, deadline=None, database=None)
@given(a=days, length=st.integers(0, 400))
def test_between_matches_day_by_day_count(a, length):
    b = a + dt.timedelta(days=length)
    naive = sum(1 for i in range(1, length + 1) if is_workday(a + dt.timedelta(days=i)))
    assert workdays_between(a, b) == naive


def test_between_across_known_and_unknown_years():
    # 2026 is known to chinese_calendar 1.11, 2099 not: the note names only the gap years
    with pytest.warns(CalendarGapWarning, match="不含 2027、2028"):
        n = workdays_between(D(2026, 12, 30), D(2028, 1, 3))
    # 2026-12-31 (Thursday, a working day) + 261 Mondays–Fridays of 2027 + Monday 2028-01-03
    assert n == 263
