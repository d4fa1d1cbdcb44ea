"""The staff pages' forms read into the API's bodies, validated by the API's own schemas.

A form's values come back as they were typed, so a page can show them again with an error beside
each field. Validation is the API's (`service.api.schemas`, `service.api.search_schemas`), so a
field is refused here exactly when the API would refuse it, with the same message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from marshmallow import Schema, ValidationError

from service.api.schemas import PersonCreateSchema
from service.api.search_schemas import SearchArgsSchema
from service.staff.dates import DateParts, read_date

LABELS = {
    "title": "Title",
    "firstName": "First name",
    "middleName": "Middle name",
    "surname": "Last name",
    "lastName": "Last name",
    "dateOfBirth": "Date of birth",
    "nationalInsuranceNo": "National Insurance number",
    "postcode": "Postcode",
    "address": "Address",
    "personTypes": "Person type",
    "reason": "Reason",
}
# What a member of staff edits on the person's page; the rest goes through the API.
EDIT_FIELDS = (
    "title",
    "firstName",
    "middleName",
    "surname",
    "dateOfBirth",
    "nationalInsuranceNo",
    "personTypes",
)
SEARCH_FIELDS = ("firstName", "lastName", "postcode", "nationalInsuranceNo")
_REQUIRED = "Missing data for required field."
_ENTER = {
    "firstName": "Enter a first name",
    "surname": "Enter a last name",
    "personTypes": "Select at least one person type",
    "reason": "Enter the reason for this change",
    "title": "Select a title",
}


class FormData(Protocol):
    """A request's form or query arguments (werkzeug's MultiDict)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


@dataclass
class Form:
    """Values as typed (to show again), the API body they make, and errors by field id."""

    values: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


def message(name: str, text: str) -> str:
    """An API message for a form field, worded for the page ("Date of birth is in the future")."""
    label = LABELS.get(name, name)
    if text.startswith(_REQUIRED[:-1]):
        detail = text[len(_REQUIRED) - 1 :].strip(" :.")
        enter = _ENTER.get(name, f"Enter the {label.lower()}")
        return f"{enter} ({detail})" if detail else enter
    text = text.rstrip(".")
    return f"{label} {text}" if text[:1].islower() else f"{label}: {text}"


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"addresses.0.postcode": [...]}."""
    if isinstance(errors, list):
        if all(isinstance(item, str) for item in errors):
            return {prefix or "_schema": list(errors)}
        errors = dict(enumerate(errors))
    if isinstance(errors, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or "_schema": [str(errors)]}


# Where an API field's message is shown on the person form.
_FORM_FIELD = {
    "addresses.0.fullAddress": "address",
    "addresses.0.postcode": "postcode",
    "addresses": "address",
    "lastName": "lastName",
}


def field_errors(errors: Any) -> dict[str, str]:
    """The first message of each field, keyed by the form's field ids."""
    found: dict[str, str] = {}
    for name, messages in _flatten(errors).items():
        form_field = _FORM_FIELD.get(name, name.split(".")[0])
        found.setdefault(form_field, message(form_field, messages[0]))
    return found


def _text(data: FormData, name: str) -> str:
    return str(data.get(name) or "").strip()


def date_parts(data: FormData, name: str) -> DateParts:
    return DateParts.of({part: data.get(f"{name}-{part}") for part in ("day", "month", "year")})


def _validated(form: Form, schema: Schema, body: dict[str, Any]) -> Form:
    """The form with the body the API's schema loads, or the schema's messages as field errors
    (a field the form already found wrong keeps its own message)."""
    try:
        form.body = schema.load(body)
    except ValidationError as exc:
        for name, text in field_errors(exc.messages).items():
            form.errors.setdefault(name, text)
    return form


def read_search(data: FormData) -> Form:
    """The search form: names, a partial date of birth, postcode and NI number."""
    form = Form(values={name: _text(data, name) for name in SEARCH_FIELDS})
    parts = date_parts(data, "dateOfBirth")
    form.values["dateOfBirth"] = parts
    date = read_date(parts, LABELS["dateOfBirth"], partial=True)
    if date.error:
        form.errors["dateOfBirth"] = date.error
    args = {name: value for name, value in form.values.items() if isinstance(value, str) and value}
    if date.value:
        args["dateOfBirth"] = date.value
    if not args and not form.errors:
        form.errors["firstName"] = "Enter at least one detail to search for"
        return form
    return _validated(form, SearchArgsSchema(), args)


def read_person(data: FormData, with_address: bool) -> Form:
    """The add or edit form as a create body (an edit sends only what changed, see `changes`)."""
    names = ("title", "firstName", "middleName", "surname", "nationalInsuranceNo", "reason")
    form = Form(values={name: _text(data, name) for name in names})
    form.values["personTypes"] = [str(t) for t in data.getlist("personTypes") if t]
    parts = date_parts(data, "dateOfBirth")
    form.values["dateOfBirth"] = parts
    # A blank required field is left out, so the API says it is missing ("Enter a last name").
    body: dict[str, Any] = {
        name: value for name, value in form.values.items() if value and value != parts
    }
    date = read_date(parts, LABELS["dateOfBirth"], partial=False)
    if date.error:
        form.errors["dateOfBirth"] = date.error
    body["dateOfBirth"] = date.value
    if with_address:
        form.values["address"] = _text(data, "address")
        form.values["postcode"] = _text(data, "postcode")
        if form.values["address"] or form.values["postcode"]:
            address = {"fullAddress": form.values["address"], "isCurrent": True}
            address["postcode"] = form.values["postcode"]
            body["addresses"] = [address]
    return _validated(form, PersonCreateSchema(), body)


def editable(person: Mapping[str, Any]) -> dict[str, Any]:
    """A stored person's editable fields, as the create schema normalises them."""
    return {name: person.get(name) for name in EDIT_FIELDS}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields whose value differs (None clears a field)."""
    return {
        name: after.get(name)
        for name in EDIT_FIELDS
        if (after.get(name) or None) != (before.get(name) or None)
    }


def values_of(person: Mapping[str, Any]) -> dict[str, Any]:
    """A stored person's editable fields as the edit form shows them."""
    values = {name: person.get(name) or "" for name in EDIT_FIELDS}
    values["personTypes"] = list(person.get("personTypes") or [])
    values["dateOfBirth"] = DateParts.from_iso(person.get("dateOfBirth"))
    return values
