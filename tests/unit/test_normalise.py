from datetime import date

import pytest

from service.domain.normalise import (
    InvalidValue,
    clean_name,
    fold_name,
    is_a_minor,
    normalise_ni,
    normalise_postcode,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("AB123456C", "AB123456C"),
        ("ab 12 34 56 c", "AB123456C"),
        ("AB-123456", "AB123456"),
        (" ab.12.34.56.d ", "AB123456D"),
    ],
)
def test_valid_ni_numbers_are_stored_compact_and_upper_case(raw: str, stored: str) -> None:
    assert normalise_ni(raw) == stored


@pytest.mark.parametrize(
    "raw",
    [
        "DA123456A",
        "AD123456A",
        "AO123456A",
        "GB123456A",
        "NK123456A",
        "ZZ123456A",
        "AB12345C",
        "AB123456E",
        "AB1234567",
        "",
        "123456789",
    ],
)
def test_invalid_ni_numbers_are_rejected_with_the_rule(raw: str) -> None:
    with pytest.raises(InvalidValue, match="National Insurance"):
        normalise_ni(raw)


def test_names_are_trimmed_and_inner_space_collapsed() -> None:
    assert clean_name("  Mary   Ann ") == "Mary Ann"


@pytest.mark.parametrize("raw", ["Bob\tSmith", "Bob\nSmith", "Bob\u200bSmith", "\x00"])
def test_names_with_control_characters_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidValue, match="control"):
        clean_name(raw)


def test_fold_name_strips_accents_case_and_punctuation() -> None:
    assert fold_name("Zoë O'Brien-Ångström") == "zoe obrien angstrom"


@pytest.mark.parametrize(
    ("born", "today", "minor"),
    [
        (date(2008, 11, 28), date(2026, 11, 27), True),
        (date(2008, 11, 27), date(2026, 11, 27), False),
        (None, date(2026, 11, 27), None),
    ],
)
def test_is_a_minor_turns_false_on_the_eighteenth_birthday(born, today, minor) -> None:
    assert is_a_minor(born, today) is minor


@pytest.mark.parametrize(
    ("raw", "stored"), [("e8 1ab", "E8 1AB"), ("SW1A1AA", "SW1A 1AA"), (" n4  2qt ", "N4 2QT")]
)
def test_uk_postcodes_are_stored_upper_case_with_one_space(raw: str, stored: str) -> None:
    assert normalise_postcode(raw) == stored


@pytest.mark.parametrize("raw", ["E8", "E8 1A", "1E8 1AB", "E8 1ABX", "75001", ""])
def test_what_is_no_uk_postcode_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue):
        normalise_postcode(raw)
