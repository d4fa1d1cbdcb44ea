"""Dirty values in a duplicate check: compared as given and reported, never a reason to refuse.

A matching job meets mistyped years (2961-04-03), impossible dates (1985-02-30), malformed NI
numbers and postcodes. Refusing them loses the row; ignoring them loses the evidence (2961 is one
digit off 1961). So each value is read into the form it is compared in, and what is wrong with it
becomes a warning in the answer. The staff search keeps refusing the same values
(`date_of_birth_problem` is its rule too): there a person can retype them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from service.domain.normalise import InvalidValue, compact_ni, normalise_ni, normalise_postcode
from service.domain.rules import EARLIEST_DATE_OF_BIRTH

# The spelling dates are compared in: YYYY, YYYY-MM or YYYY-MM-DD (digits, not always a real date).
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$")
# Day first, as dates are written in the UK (03/04/1961 is 3 April).
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

COMPARED_AS_GIVEN = "compared as given"
LEFT_OUT = "left out of the comparison"


@dataclass(frozen=True)
class Reading:
    """A value in the form it is compared in (None: nothing in it can be compared) and what is
    wrong with it (None when it is clean)."""

    value: str | None
    problem: str | None = None

    @property
    def warning(self) -> str | None:
        """The problem as the answer reports it, saying what was done with the value."""
        if self.problem is None:
            return None
        return f"{self.problem}; {COMPARED_AS_GIVEN if self.value else LEFT_OUT}"


def date_spelling(text: str) -> str | None:
    """A date written YYYY[-MM[-DD]] (also / or . between the parts, one-digit parts),
    DD/MM/YYYY or YYYYMMDD, spelt YYYY, YYYY-MM or YYYY-MM-DD; None when it is no such date.

    Only the spelling changes: the result need not be a real date (1985-02-30 stays as it is).
    """
    text = text.strip()
    if PARTIAL_DATE.match(text):
        return text
    if found := _YEAR_FIRST.match(text):
        year, month, day = found.groups()
    elif found := _DAY_FIRST.match(text):
        day, month, year = found.groups()
    elif found := _COMPACT.match(text):
        year, month, day = found.groups()
    else:
        return None
    parts = [year, month.zfill(2)] + ([day.zfill(2)] if day else [])
    return "-".join(parts)


def is_real_date(value: str) -> bool:
    """True for a YYYY-MM-DD spelling of a day that exists in the calendar."""
    found = PARTIAL_DATE.match(value)
    if not found or found.group(3) is None:
        return False
    year, month, day = (int(part) for part in found.groups())
    return year >= 1 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def date_of_birth_problem(value: str, today: date) -> str | None:
    """What is wrong with a YYYY, YYYY-MM or YYYY-MM-DD date of birth (None when nothing is)."""
    found = PARTIAL_DATE.match(value)
    if found is None:
        raise ValueError("expects a YYYY, YYYY-MM or YYYY-MM-DD spelling")
    year, month, day = found.groups()
    if month is not None and not 1 <= int(month) <= 12:
        return "is not a real date"
    if day is not None and not is_real_date(value):
        return "is not a real date"
    first = date(int(year), int(month or 1), int(day or 1)) if int(year) else date.min
    if first < EARLIEST_DATE_OF_BIRTH or first > today:
        return f"is not between {EARLIEST_DATE_OF_BIRTH.year} and today"
    return None


def read_date_of_birth(text: str, today: date) -> Reading:
    """A date of birth as compared: its YYYY[-MM[-DD]] spelling, real and in range or not."""
    spelt = date_spelling(text)
    if spelt is None:
        return Reading(None, "is not a date (YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)")
    return Reading(spelt, date_of_birth_problem(spelt, today))


def read_ni(text: str) -> Reading:
    """An NI number as compared: compact and upper-case, valid or not."""
    compact = compact_ni(text)
    if not compact:
        return Reading(None, "is not a National Insurance number")
    try:
        return Reading(normalise_ni(compact))
    except InvalidValue:
        return Reading(compact, "is not a valid National Insurance number")


def read_postcode(text: str) -> Reading:
    """A postcode as compared: a UK postcode in its stored form, anything else upper-case."""
    try:
        return Reading(normalise_postcode(text))
    except InvalidValue as exc:
        compact = " ".join(text.split()).upper()
        return Reading(compact or None, str(exc))
