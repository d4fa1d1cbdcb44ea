"""GOV.UK date inputs (Day, Month, Year boxes) read into the API's date spellings.

A search takes a partial date (a year, or a month and a year); a person's date of birth is a
whole date. The messages follow the GOV.UK Design System's date input pattern; whether a date is
real, in the past or after 1900 is left to the API's own fields, so the rules live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class DateParts:
    """What was typed into the three boxes (stripped), so a form can show it again."""

    day: str = ""
    month: str = ""
    year: str = ""

    @classmethod
    def of(cls, values: dict[str, str]) -> DateParts:
        return cls(*(str(values.get(part) or "").strip() for part in PARTS))

    @classmethod
    def from_iso(cls, value: str | None) -> DateParts:
        """The boxes of a stored YYYY-MM-DD (or partial) date; digits without leading zeros."""
        pieces = (value or "").split("-")
        year, month, day = [*pieces, "", "", ""][:3]
        return cls(day.lstrip("0"), month.lstrip("0"), year)

    @property
    def empty(self) -> bool:
        return not (self.day or self.month or self.year)


@dataclass(frozen=True)
class DateReading:
    """The date as the API spells it (None when the boxes are empty), or what is wrong with it,
    and which boxes to mark."""

    value: str | None = None
    error: str | None = None
    bad_parts: tuple[str, ...] = ()


def _number(text: str, digits: int) -> int | None:
    return int(text) if text.isdigit() and len(text) <= digits else None


def read_date(parts: DateParts, label: str, partial: bool) -> DateReading:
    """The boxes as YYYY-MM-DD, or (when `partial`) YYYY-MM or YYYY as well."""
    if parts.empty:
        return DateReading()
    missing = tuple(part for part in PARTS if not getattr(parts, part))
    if missing and not partial:
        return DateReading(
            error=f"{label} must include a {' and '.join(missing)}", bad_parts=missing
        )
    if not parts.year:
        return DateReading(error=f"{label} must include a year", bad_parts=("year",))
    if parts.day and not parts.month:
        return DateReading(error=f"{label} must include a month", bad_parts=("month",))
    year = _number(parts.year, 4)
    if year is None or len(parts.year) != 4:
        return DateReading(error="Year must include 4 numbers", bad_parts=("year",))
    month = _number(parts.month, 2) if parts.month else None
    if parts.month and (month is None or not 1 <= month <= 12):
        return DateReading(error=f"{label} must be a real date", bad_parts=("month",))
    day = _number(parts.day, 2) if parts.day else None
    if parts.day and (day is None or not 1 <= day <= 31):
        return DateReading(error=f"{label} must be a real date", bad_parts=("day",))
    value = f"{year:04d}"
    if month is not None:
        value += f"-{month:02d}"
    if day is not None:
        value += f"-{day:02d}"
    return DateReading(value=value)
