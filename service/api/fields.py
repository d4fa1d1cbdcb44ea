"""Marshmallow fields that apply the domain's normalisation rules on input."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import ValidationError, fields

from service.domain.normalise import InvalidValue, clean_name, normalise_ni, normalise_postcode
from service.domain.rules import EARLIEST_DATE_OF_BIRTH


class Text(fields.String):
    """Free text with a length limit and no control characters, trimmed."""

    def __init__(self, max_length: int = 200, **kwargs: Any) -> None:
        self.max_length = max_length
        kwargs.setdefault("metadata", {}).update({"maxLength": max_length})
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            cleaned = clean_name(text)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from exc
        if not 1 <= len(cleaned) <= self.max_length:
            raise ValidationError(f"must be 1 to {self.max_length} characters after trimming.")
        return cleaned


class Name(Text):
    """A name: trimmed, inner spaces collapsed, 1 to 100 characters, no control characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(
            {"minLength": 1, "description": "Trimmed; no control characters."}
        )
        super().__init__(max_length=100, **kwargs)


class NationalInsuranceNumber(fields.String):
    """An NI number in any case and spacing, stored in its compact upper-case form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(
            {"example": "AB123456C", "description": "Any case and spacing; stored compact."}
        )
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_ni(text)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from exc


class Postcode(fields.String):
    """A UK postcode in any case and spacing, stored upper-case with one space."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_postcode(text)
        except InvalidValue as exc:
            raise ValidationError(f"{exc}.") from exc


class PastDate(fields.Date):
    """A real calendar date, not in the future and not before 1900, kept as YYYY-MM-DD."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        parsed: date = super()._deserialize(value, attr, data, **kwargs)
        if parsed > date.today():
            raise ValidationError("must not be in the future.")
        if parsed < EARLIEST_DATE_OF_BIRTH:
            raise ValidationError("must not be before 1900-01-01.")
        return parsed.isoformat()


class IsoDate(fields.Date):
    """A real calendar date, kept as YYYY-MM-DD."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()
