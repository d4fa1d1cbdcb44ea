"""Dirty values of a duplicate check: the form they are compared in and the warning they give."""

from __future__ import annotations

from datetime import date

import pytest

from service.domain.dirty_values import (
    Reading,
    date_of_birth_problem,
    date_spelling,
    is_real_date,
    read_date_of_birth,
    read_ni,
    read_postcode,
)

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "spelt"),
    [
        ("1961-04-03", "1961-04-03"),
        (" 1961-04 ", "1961-04"),
        ("1961", "1961"),
        ("03/04/1961", "1961-04-03"),  # day first, as written in the UK
        ("3.4.1961", "1961-04-03"),
        ("03-04-1961", "1961-04-03"),
        ("19610403", "1961-04-03"),
        ("1961/4/3", "1961-04-03"),
        ("1961/04", "1961-04"),
        ("30/02/1985", "1985-02-30"),  # the spelling changes, the date stays impossible
        ("2961-04-03", "2961-04-03"),
    ],
)
def test_date_spellings_are_read_year_first(text: str, spelt: str) -> None:
    assert date_spelling(text) == spelt


@pytest.mark.parametrize("text", ["", "84", "April 1961", "1961-04-03T00:00", "03/04/61", "x"])
def test_what_is_no_date_spelling_gives_none(text: str) -> None:
    assert date_spelling(text) is None


@pytest.mark.parametrize(
    ("value", "real"),
    [
        ("1961-04-03", True),
        ("2000-02-29", True),
        ("1900-02-29", False),
        ("1985-02-30", False),
        ("1985-13-01", False),
        ("1985-00-10", False),
        ("0000-01-01", False),
        ("1985-04", False),
        ("1985", False),
        ("nonsense", False),
    ],
)
def test_a_real_date_is_a_full_date_that_exists(value: str, real: bool) -> None:
    assert is_real_date(value) is real


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1961-04-03", None),
        ("1961-04", None),
        ("1961", None),
        ("1900-01-01", None),
        ("2026-11-27", None),
        ("1985-02-30", "is not a real date"),
        ("1985-13", "is not a real date"),
        ("1985-00-00", "is not a real date"),
        ("2961-04-03", "is not between 1900 and today"),
        ("1079-11-20", "is not between 1900 and today"),
        ("0000", "is not between 1900 and today"),
        ("2026-11-28", "is not between 1900 and today"),
        ("2027", "is not between 1900 and today"),
    ],
)
def test_date_of_birth_problems(value: str, problem: str | None) -> None:
    assert date_of_birth_problem(value, TODAY) == problem


def test_a_dirty_date_is_compared_as_given_with_a_warning() -> None:
    assert read_date_of_birth("2961-04-03", TODAY) == Reading(
        "2961-04-03", "is not between 1900 and today"
    )
    impossible = read_date_of_birth("30/02/1985", TODAY)
    assert impossible.value == "1985-02-30"
    assert impossible.warning == "is not a real date; compared as given"
    clean = read_date_of_birth("03/04/1961", TODAY)
    assert clean == Reading("1961-04-03") and clean.warning is None


def test_text_that_is_no_date_is_left_out_with_a_warning() -> None:
    reading = read_date_of_birth("unknown", TODAY)
    assert reading.value is None
    assert reading.warning is not None and reading.warning.endswith("left out of the comparison")


@pytest.mark.parametrize(
    ("text", "value", "warned"),
    [
        ("ab 12 34 56 c", "AB123456C", False),
        ("AB123456", "AB123456", False),
        ("AB1234567C", "AB1234567C", True),  # a digit too many
        ("QQ123456C", "QQ123456C", True),  # a prefix never allocated
        ("AB12", "AB12", True),  # a start only
        ("ab-12-34-56-e", "AB123456E", True),  # a suffix beyond D
    ],
)
def test_ni_numbers_are_compact_and_a_malformed_one_is_warned_about(
    text: str, value: str, warned: bool
) -> None:
    reading = read_ni(text)
    assert reading.value == value
    assert (reading.warning is not None) is warned
    if warned:
        assert reading.warning == "is not a valid National Insurance number; compared as given"


def test_an_ni_number_of_separators_only_is_left_out() -> None:
    assert read_ni(" - . ").value is None


@pytest.mark.parametrize(
    ("text", "value", "warned"),
    [
        ("e8 1dy", "E8 1DY", False),
        ("SW1A1AA", "SW1A 1AA", False),
        ("E8 1D", "E8 1D", True),
        ("e81dyy", "E81DYY", True),
        ("not  known", "NOT KNOWN", True),
        ("75001", "75001", True),  # a postcode of another country
    ],
)
def test_postcodes_are_read_and_a_malformed_one_is_warned_about(
    text: str, value: str, warned: bool
) -> None:
    reading = read_postcode(text)
    assert reading.value == value
    assert (reading.warning == "is not a valid UK postcode; compared as given") is warned
