"""Partial and approximate dates as analysts copy them out of reviews.

A review says "2014", "December 2007", "early 2016" or "aged about 14"; we keep the text
as written and derive the earliest and latest calendar day it can mean, so questions can
sort and filter on dates without pretending to a precision the review does not have.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
PARTS_OF_YEAR = {"early": (1, 4), "mid": (5, 8), "late": (9, 12),
                 "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}
APPROXIMATE = re.compile(r"^(about|around|approximately|approx\.?|circa|c\.|ca\.|~)\s*", re.I)
AGE = re.compile(r"^aged?\s+(about\s+|around\s+|approximately\s+|~\s*)?(\d{1,2}(?:\.\d+)?)$", re.I)
ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+\.?),?\s+(\d{4})$", re.I)
MONTH_YEAR = re.compile(r"^([a-z]+\.?),?\s+(\d{4})$", re.I)
PART_YEAR = re.compile(r"^(early|mid|late|spring|summer|autumn|winter)[\s-]+(\d{4})$", re.I)
RANGE = re.compile(r"^(.+?)\s*(?:\bto\b|–|—)\s*(.+)$", re.I)  # "2006/2007 to 2012": split on "to" first
EITHER = re.compile(r"^(.+?)\s*/\s*(.+)$")  # "2014/2015": either year, so the span of both
OPEN = re.compile(r"^(before|by|until|till|up to|from|since|after)\s+(.+)$", re.I)
BETWEEN = re.compile(r"^(?:between|from)\s+(.+?)\s+(?:and|to|until|till)\s+(.+)$", re.I)
FIRST_YEAR = 1900
LONGEST = 60  # characters: "approximately 12th September 2014 to 3rd September 2015" is 55; the
# patterns are only tried on text this short, so no text can make them slow
EXPECTED = ('a date such as 2014, "2014-05", "May 2014", "3 May 2014", "early 2014", '
            '"2014/2015", "2014 to 2015", "before 2019", "from 2015", "until summer 2017", '
            '"about 2014" or "aged about 14"')


class DateError(ValueError):
    """A date that cannot be read, or cannot exist."""


@dataclass(frozen=True)
class PartialDate:
    text: str
    earliest: dt.date | None = None
    latest: dt.date | None = None
    approximate: bool = False
    age: float | None = None  # "aged about 14": an age at the event, not a calendar date


def parse_partial_date(value: object, *, today: dt.date | None = None) -> PartialDate:
    """Read a partial or approximate date; raise DateError naming what was expected.

    >>> parse_partial_date("December 2007").earliest, parse_partial_date("December 2007").latest
    (datetime.date(2007, 12, 1), datetime.date(2007, 12, 31))
    >>> parse_partial_date("aged about 14")
    PartialDate(text='aged about 14', earliest=None, latest=None, approximate=True, age=14.0)
    """
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise DateError(f"expected {EXPECTED}, got {_shown(value)}")
    text = _bounded(str(value).strip(), "a date", EXPECTED)
    last_year = (today or dt.date.today()).year + 1
    body, approximate = _strip_approximate(text)
    if age := AGE.match(body):
        return PartialDate(text, approximate=approximate or bool(age.group(1)), age=float(age.group(2)))
    if between := BETWEEN.match(body):
        return PartialDate(text, *_span(f"{between.group(1)} to {between.group(2)}", text, last_year), approximate)
    if bound := OPEN.match(body):
        # Open-ended: only one bound is known. "before 2019" ends the day before 2019 begins;
        # "by"/"until" include the period named, "after" starts the day after it ends.
        inner, roughly = _strip_approximate(bound.group(2).strip())
        approximate = approximate or roughly
        start, end = _span(inner, text, last_year)
        word = bound.group(1).lower()
        if word == "before":
            return PartialDate(text, None, start - dt.timedelta(days=1), approximate)
        if word in ("by", "until", "till", "up to"):
            return PartialDate(text, None, end, approximate)
        if word == "after":
            return PartialDate(text, end + dt.timedelta(days=1), None, approximate)
        return PartialDate(text, start, None, approximate)
    earliest, latest = _span(body, text, last_year)
    return PartialDate(text, earliest, latest, approximate)


def _span(body: str, text: str, last_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of "X", "X to Y" or "X/Y" (either of two: the span of both)."""
    if ISO.match(body):
        return _interval(body, text, last_year)
    for pattern in (RANGE, EITHER):
        if span := pattern.match(body):
            start = _span(span.group(1).strip(), text, last_year)
            end = _span(span.group(2).strip(), text, last_year)
            if end[1] < start[0]:
                raise DateError(f"{text!r} ends before it starts")
            return start[0], end[1]
    return _interval(body, text, last_year)


def _bounded(text: str, what: str, expected: str) -> str:
    if len(text) > LONGEST:
        raise DateError(f"{text[:LONGEST]!r}... ({len(text):,} characters) is too long to be {what}; "
                        f"expected {expected}")
    return text


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if value is None or isinstance(value, (int, float)) else f"a {type(value).__name__}"


def _strip_approximate(text: str) -> tuple[str, bool]:
    match = APPROXIMATE.match(text)
    return (text[match.end():], True) if match else (text, False)


def _interval(body: str, text: str, last_year: int) -> tuple[dt.date, dt.date]:
    body, _ = _strip_approximate(body)
    if match := ISO.match(body):
        year, month, day = (int(g) if g else None for g in match.groups())
        return _calendar_interval(text, year, month, day, last_year)
    if match := DAY_MONTH_YEAR.match(body):
        month = _month(match.group(2), text)
        return _calendar_interval(text, int(match.group(3)), month, int(match.group(1)), last_year)
    if match := PART_YEAR.match(body):
        year = _year(int(match.group(2)), text, last_year)
        first, last = PARTS_OF_YEAR[match.group(1).lower()]
        end_year = year + 1 if last < first else year  # winter runs into the next year
        return dt.date(year, first, 1), _month_end(end_year, last)
    if match := MONTH_YEAR.match(body):
        return _calendar_interval(text, int(match.group(2)), _month(match.group(1), text), None, last_year)
    raise DateError(f"cannot read {text!r} as a date; expected {EXPECTED}")


def _calendar_interval(text: str, year: int, month: int | None, day: int | None,
                       last_year: int) -> tuple[dt.date, dt.date]:
    year = _year(year, text, last_year)
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise DateError(f"impossible date {text!r}: there is no month {month}")
    if day is None:
        return dt.date(year, month, 1), _month_end(year, month)
    try:
        exact = dt.date(year, month, day)
    except ValueError:
        raise DateError(f"impossible date {text!r}: {calendar.month_name[month]} {year} "
                        f"has {calendar.monthrange(year, month)[1]} days") from None
    return exact, exact


def _year(year: int, text: str, last_year: int) -> int:
    if not FIRST_YEAR <= year <= last_year:
        raise DateError(f"impossible date {text!r}: year {year} is outside {FIRST_YEAR}-{last_year}")
    return year


def _month(name: str, text: str) -> int:
    try:
        return MONTHS[name.lower().rstrip(".")]
    except KeyError:
        raise DateError(f"cannot read {text!r} as a date: {name!r} is not a month name") from None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Age:
    text: str
    minimum: float
    maximum: float
    approximate: bool


AGE_VALUE = re.compile(r"^(?:aged?\s+)?(about\s+|around\s+|approximately\s+|approx\.?\s*|c\.\s*|~\s*)?"
                       r"(\d{1,3}(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d{1,3}(?:\.\d+)?))?"
                       r"(?:\s*(?:years?(?: old)?|yrs?))?(\s*\((?:approx\.?|approximately|about)\))?$", re.I)


def parse_age(value: object) -> Age:
    """Read an age or age band: 14, "about 14", "14-15", "15-16 (approx.)".

    >>> parse_age("about 14")
    Age(text='about 14', minimum=14.0, maximum=14.0, approximate=True)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise DateError(f'expected an age such as 14, "about 14" or "14-15", got {_shown(value)}')
    text = _bounded(str(value).strip(), "an age", '14, "about 14" or "14-15"')
    match = AGE_VALUE.match(text)
    if not match:
        raise DateError(f'cannot read {text!r} as an age; expected 14, "about 14" or "14-15"')
    low = float(match.group(2))
    high = float(match.group(3)) if match.group(3) else low
    if high < low or high > 120:
        raise DateError(f"impossible age {text!r}")
    return Age(text, low, high, bool(match.group(1) or match.group(4)))
