"""Partial and approximate dates: the forms analysts copy out of reviews."""
from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casegraph.loaders.dates import DateError, parse_age, parse_partial_date

D = dt.date
READABLE = [
    (2014, D(2014, 1, 1), D(2014, 12, 31), False),
    ("2016-03", D(2016, 3, 1), D(2016, 3, 31), False),
    ("2016-02-29", D(2016, 2, 29), D(2016, 2, 29), False),
    ("December 2007", D(2007, 12, 1), D(2007, 12, 31), False),
    ("12th March 2012", D(2012, 3, 12), D(2012, 3, 12), False),
    ("Sept 2015", D(2015, 9, 1), D(2015, 9, 30), False),
    ("early 2016", D(2016, 1, 1), D(2016, 4, 30), False),
    ("late 2016", D(2016, 9, 1), D(2016, 12, 31), False),
    ("winter 2015", D(2015, 12, 1), D(2016, 2, 29), False),
    ("2014/2015", D(2014, 1, 1), D(2015, 12, 31), False),
    ("May 2014 to early 2015", D(2014, 5, 1), D(2015, 4, 30), False),
    ("about 2014", D(2014, 1, 1), D(2014, 12, 31), True),
    ("c. May 2014", D(2014, 5, 1), D(2014, 5, 31), True),
]


@pytest.mark.parametrize("text, earliest, latest, approximate", READABLE, ids=[str(r[0]) for r in READABLE])
def test_readable_dates(text, earliest, latest, approximate):
    date = parse_partial_date(text)
    assert (date.earliest, date.latest, date.approximate) == (earliest, latest, approximate)
    assert date.text == str(text)


def test_an_age_is_not_a_calendar_date():
    date = parse_partial_date("aged about 14")
    assert (date.earliest, date.age, date.approximate) == (None, 14.0, True)


IMPOSSIBLE = [("2014-13", "no month 13"), ("2015-02-29", "has 28 days"), ("31 June 2014", "has 30 days"),
              ("1850", "outside"), ("Smarch 2014", "not a month name"), ("2016/2014", "ends before it starts"),
              ("last Tuesday", "cannot read"), (True, "expected")]


@pytest.mark.parametrize("text, message", IMPOSSIBLE, ids=[str(r[0]) for r in IMPOSSIBLE])
def test_impossible_dates_say_why(text, message):
    with pytest.raises(DateError, match=message):
        parse_partial_date(text)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2026, 12, 31)),
       st.sampled_from(["iso", "day", "month", "year"]), st.booleans())
def test_every_written_form_contains_the_date_it_was_written_from(day, form, about):
    text = {"iso": day.isoformat(), "day": f"{day.day} {calendar.month_name[day.month]} {day.year}",
            "month": f"{calendar.month_name[day.month]} {day.year}", "year": str(day.year)}[form]
    parsed = parse_partial_date(("about " if about else "") + text, today=D(2026, 1, 1))
    assert parsed.earliest <= day <= parsed.latest
    assert parsed.approximate is about


@pytest.mark.parametrize("text, low, high, approximate", [
    (14, 14, 14, False), ("about 14", 14, 14, True), ("14-15", 14, 15, False),
    ("15-16 (approx.)", 15, 16, True), ("aged 17", 17, 17, False), ("30 years old", 30, 30, False)])
def test_ages(text, low, high, approximate):
    age = parse_age(text)
    assert (age.minimum, age.maximum, age.approximate) == (low, high, approximate)


@pytest.mark.parametrize("text", ["fourteen", "16-14", "", None])
def test_unreadable_ages(text):
    with pytest.raises(DateError):
        parse_age(text)
