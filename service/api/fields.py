"""Marshmallow fields that apply the domain's normalisation rules on input."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import has_app_context
from marshmallow import ValidationError, fields, validate

from service.backends import backends
from service.config import person_types_from_env
from service.domain.normalise import InvalidValue, clean_name, normalise_ni, normalise_postcode
from service.domain.rules import EARLIEST_DATE_OF_BIRTH
from service.domain.vocabulary import canonical


class ReadOnly(fields.Raw):
    """A field the API computes or owns: accepted in a body, so a client can send back what it
    read, then dropped (see `without_read_only`); `readOnly` in the OpenAPI document."""

    def __init__(self, inner: fields.Field, **kwargs: Any) -> None:
        self.inner = inner
        kwargs.setdefault("metadata", {}).update({"readOnly": True})
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return None if value is None else self.inner.deserialize(value, attr, data, **kwargs)


def read_only_names(schema_fields: Mapping[str, fields.Field]) -> frozenset[str]:
    """The names of a schema's ReadOnly fields."""
    return frozenset(name for name, field in schema_fields.items() if isinstance(field, ReadOnly))


CONFIGURED_OUTSIDE_APPS = {"person_types": person_types_from_env}


class Vocabulary(fields.String):
    """One value of a vocabulary, matched without regard to case, kept in the vocabulary's spelling.

    Either fixed (`values`) or configured (`setting`, the name of a Settings attribute read from
    the app handling the request; the app's OpenAPI document lists the configured values).
    """

    def __init__(
        self, values: tuple[str, ...] | None = None, setting: str | None = None, **kwargs: Any
    ) -> None:
        if (values is None) == (setting is None):
            raise TypeError("give either values or setting")
        self.values = values
        self.setting = setting
        super().__init__(**kwargs)

    def allowed(self) -> tuple[str, ...]:
        if self.values is not None:
            return self.values
        if has_app_context():
            return tuple(getattr(backends().settings, str(self.setting)))
        # A batch tool (import, bulk matching) validating outside any app: the same variable.
        return CONFIGURED_OUTSIDE_APPS[str(self.setting)]()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        allowed = self.allowed()
        known = canonical(text, allowed)
        if known is None:
            raise ValidationError(f"must be one of: {', '.join(allowed)}.")
        return known


class Uprn(fields.String):
    """A Unique Property Reference Number: 1 to 12 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "validate", validate.Regexp(r"^\d{1,12}$", error="must be 1 to 12 digits.")
        )
        super().__init__(**kwargs)


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
