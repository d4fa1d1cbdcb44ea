"""GOV.UK date inputs read into the API's date spellings."""

from __future__ import annotations

import pytest

from service.staff.dates import DateParts, read_date


@pytest.mark.parametrize(
    ("day", "month", "year", "partial", "expected"),
    [
        ("14", "6", "1979", False, "1979-06-14"),
        ("01", "12", "2001", True, "2001-12-01"),
        ("", "6", "1979", True, "1979-06"),
        ("", "", "1979", True, "1979"),
        (" 3 ", " 4 ", " 1961 ", False, "1961-04-03"),
        ("", "", "", False, None),
    ],
)
def test_boxes_become_a_whole_or_partial_date(
    day: str, month: str, year: str, partial: bool, expected: str | None
) -> None:
    reading = read_date(DateParts.of({"day": day, "month": month, "year": year}), "Date", partial)
    assert (reading.value, reading.error) == (expected, None)


@pytest.mark.parametrize(
    ("day", "month", "year", "partial", "error", "bad"),
    [
        ("14", "", "1979", True, "Date of birth must include a month", ("month",)),
        ("14", "6", "", True, "Date of birth must include a year", ("year",)),
        ("", "6", "1979", False, "Date of birth must include a day", ("day",)),
        ("", "", "1979", False, "Date of birth must include a day and month", ("day", "month")),
        ("14", "6", "79", True, "Year must include 4 numbers", ("year",)),
        ("14", "13", "1979", True, "Date of birth must be a real date", ("month",)),
        ("32", "1", "1979", True, "Date of birth must be a real date", ("day",)),
        ("x", "1", "1979", True, "Date of birth must be a real date", ("day",)),
    ],
)
def test_incomplete_or_impossible_boxes_say_what_is_wrong(
    day: str, month: str, year: str, partial: bool, error: str, bad: tuple[str, ...]
) -> None:
    parts = DateParts.of({"day": day, "month": month, "year": year})
    reading = read_date(parts, "Date of birth", partial)
    assert (reading.value, reading.error, reading.bad_parts) == (None, error, bad)


def test_a_stored_date_fills_the_boxes_without_leading_zeros() -> None:
    assert DateParts.from_iso("1984-03-05") == DateParts("5", "3", "1984")
    assert DateParts.from_iso(None).empty
