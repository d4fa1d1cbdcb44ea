"""The staff pages' forms read into the API's bodies, validated by the API's own schemas.

A form's values come back as they were typed, so a page can show them again with an error beside
each field. Validation is the API's (`service.api.schemas`, `service.api.search_schemas`), so a
field is refused here exactly when the API would refuse it, with the same message.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from marshmallow import Schema, ValidationError

from service.api.schemas import PersonCreateSchema
from service.api.search_schemas import SearchArgsSchema
from service.staff.dates import DateParts, read_date

LABELS = {
    "title": "Title",
    "preferredTitle": "Preferred title",
    "firstName": "First name",
    "middleName": "Middle name",
    "surname": "Last name",
    "preferredFirstName": "Preferred first name",
    "preferredMiddleName": "Preferred middle name",
    "preferredSurname": "Preferred last name",
    "placeOfBirth": "Place of birth",
    "dateOfDeath": "Date of death",
    "gender": "Gender",
    "nationality": "Nationality",
    "ethnicity": "Ethnicity",
    "communicationRequirements": "Communication requirements",
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
    "preferredTitle",
    "preferredFirstName",
    "preferredMiddleName",
    "preferredSurname",
    "dateOfBirth",
    "placeOfBirth",
    "dateOfDeath",
    "gender",
    "nationality",
    "ethnicity",
    "nationalInsuranceNo",
    "communicationRequirements",
    "personTypes",
    "addresses",
    "tenures",
    "crossReferences",
    "identifications",
    "languages",
)
# The person form's single-line text fields (the rest are dates, lists and choices).
_TEXT_FIELDS = (
    "title",
    "firstName",
    "middleName",
    "surname",
    "preferredTitle",
    "preferredFirstName",
    "preferredMiddleName",
    "preferredSurname",
    "placeOfBirth",
    "gender",
    "nationality",
    "ethnicity",
    "nationalInsuranceNo",
    "reason",
)
_DATE_FIELDS = ("dateOfBirth", "dateOfDeath")
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
    # Which fieldsets of each repeatable part made the body's list items, in order.
    positions: dict[str, list[int]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def touched(self, *names: str) -> bool:
        """Whether any of these fields, or of these parts' fieldsets, has a value or an error
        (a closed section of the form is shown open then)."""

        def among(key: str) -> bool:
            return any(key == name or key.startswith(f"{name}-") for name in names)

        def typed(value: Any) -> bool:
            if isinstance(value, DateParts):
                return not value.empty
            return not isinstance(value, (bool, int)) and bool(value)

        return any(among(key) for key in self.errors) or any(
            among(key) and typed(value) for key, value in self.values.items()
        )


def message(name: str, text: str) -> str:
    """An API message for a form field, worded for the page ("Date of birth is in the future")."""
    label = label_of(name)
    if text.startswith(_REQUIRED[:-1]):
        detail = text[len(_REQUIRED) - 1 :].strip(" :.")
        enter = _ENTER.get(name, f"Enter the {_lower_first(label)}")
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


@dataclass(frozen=True)
class PartField:
    """One field of a repeatable part: a text box, a date input or a yes/no checkbox."""

    name: str
    label: str
    kind: Literal["text", "date", "flag"] = "text"
    hint: str | None = None
    classes: str = ""


@dataclass(frozen=True)
class Part:
    """A list of the person (tenures, addresses...) as a fixed number of optional fieldsets,
    so the form works without JavaScript. Fieldset `n`'s fields are named `{name}-{n}-{field}`."""

    name: str
    label: str
    heading: str
    count: int
    fields: tuple[PartField, ...]
    # Items keep an id of their own (a tenure's), carried in a hidden input when editing.
    keeps_id: bool = False

    def key(self, position: int, field_name: str) -> str:
        return f"{self.name}-{position}-{field_name}"

    @property
    def slots_key(self) -> str:
        """The hidden input saying how many fieldsets the form showed (an edit shows one
        more than the person has)."""
        return f"{self.name}-slots"

    def flag_default(self, name: str) -> bool:
        return name == "isCurrent"  # an address is a current one unless it says otherwise


_WIDTH_10 = "govuk-input--width-10"
PARTS = (
    Part(
        "addresses",
        "Address",
        "Addresses",
        3,
        (
            PartField("fullAddress", "Full address", hint="Without the postcode"),
            PartField("postcode", "Postcode", classes=_WIDTH_10),
            PartField("uprn", "UPRN", hint="Unique Property Reference Number", classes=_WIDTH_10),
            PartField("type", "Type of address", hint="For example, correspondence"),
            PartField("isCurrent", "This is a current address", "flag"),
        ),
    ),
    Part(
        "tenures",
        "Tenure",
        "Tenures",
        2,
        (
            PartField("type", "Type of tenure", hint="For example, Secure"),
            PartField("startDate", "Start date", "date", "For example, 1 4 2020"),
            PartField("endDate", "End date", "date", "Leave empty if the tenure goes on"),
            PartField("assetFullAddress", "Address of the property"),
            PartField("assetId", "Asset id", classes=_WIDTH_10),
            PartField("uprn", "UPRN", hint="Unique Property Reference Number", classes=_WIDTH_10),
            PartField("paymentReference", "Payment reference", classes=_WIDTH_10),
            PartField("propertyReference", "Property reference", classes=_WIDTH_10),
        ),
        keeps_id=True,
    ),
    Part(
        "crossReferences",
        "Cross reference",
        "Cross references",
        2,
        (
            PartField("system", "System", hint="For example, housing", classes=_WIDTH_10),
            PartField("reference", "Reference in that system", classes=_WIDTH_10),
        ),
    ),
    Part(
        "identifications",
        "Identification",
        "Identifications",
        2,
        (
            PartField("identificationType", "Type of document", hint="For example, Passport"),
            PartField("value", "Document number"),
            PartField("isOriginalDocumentSeen", "The original document was seen", "flag"),
            PartField("linkToDocument", "Link to a copy of the document", hint="A web address"),
        ),
    ),
    Part(
        "languages",
        "Language",
        "Languages",
        2,
        (
            PartField("language", "Language"),
            PartField("isPrimary", "This is their main language", "flag"),
        ),
    ),
)
_PARTS = {part.name: part for part in PARTS}
# A rule on the whole tenure list that names the tenure and field it is about.
_TENURE_RULE = re.compile(r"^tenure (\d+): (\w+) (.*)$")


def label_of(name: str) -> str:
    """The words for a form field: "Date of birth", or "Tenure 1 start date" in a part."""
    pieces = name.split("-")
    part = _PARTS.get(pieces[0])
    if part is None:
        return LABELS.get(name, name)
    if len(pieces) < 3 or not pieces[1].isdigit():
        return part.heading
    found = next((f.label for f in part.fields if f.name == pieces[2]), pieces[2])
    return f"{part.label} {int(pieces[1]) + 1} {_lower_first(found)}"


def _lower_first(words: str) -> str:
    """ "Start date" as "start date" in a sentence; "UPRN" kept."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def anchor(name: str) -> str:
    """The id an error summary links to: a date input's first box, or the field itself."""
    last = name.split("-")[-1]
    dates = {f.name for part in PARTS for f in part.fields if f.kind == "date"}
    return f"{name}-day" if last in dates or name in _DATE_FIELDS else name


def field_errors(errors: Any, positions: Mapping[str, list[int]] | None = None) -> dict[str, str]:
    """The first message of each field, keyed by the form's field ids.

    `positions` says which fieldset each item of a part's list came from (an empty fieldset
    sends nothing, so the API's tenures.0 may be the form's second tenure).
    """
    found: dict[str, str] = {}
    for name, messages in _flatten(errors).items():
        form_field, text = _form_field(name, messages[0], positions or {})
        found.setdefault(form_field, message(form_field, text))
    return found


def _form_field(name: str, text: str, positions: Mapping[str, list[int]]) -> tuple[str, str]:
    """Where an API field's message is shown on the person form, and the message."""
    pieces = name.split(".")
    part = _PARTS.get(pieces[0])
    if part is None:
        return pieces[0], text
    shown = positions.get(part.name) or list(range(part.count))
    rule = _TENURE_RULE.match(text) if len(pieces) == 1 and part.name == "tenures" else None
    if rule and int(rule.group(1)) < len(shown):
        return part.key(shown[int(rule.group(1))], rule.group(2)), rule.group(3)
    if len(pieces) >= 3 and pieces[1].isdigit() and int(pieces[1]) < len(shown):
        return part.key(shown[int(pieces[1])], pieces[2]), text
    return part.name, text


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
        for name, text in field_errors(exc.messages, form.positions).items():
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


def read_person(data: FormData) -> Form:
    """The add or edit form as a create body (an edit sends only what changed, see `changes`)."""
    form = Form(values={name: _text(data, name) for name in _TEXT_FIELDS})
    form.values["personTypes"] = [str(t) for t in data.getlist("personTypes") if t]
    form.values["communicationRequirements"] = _text(data, "communicationRequirements")
    # A blank required field is left out, so the API says it is missing ("Enter a last name").
    body: dict[str, Any] = {name: value for name, value in form.values.items() if value}
    body["communicationRequirements"] = _lines(form.values["communicationRequirements"])
    for name in _DATE_FIELDS:
        body[name] = _read_date(form, data, name, partial=False)
    for part in PARTS:
        body[part.name] = _read_part(form, data, part) or None
    return _validated(form, PersonCreateSchema(), body)


def _lines(text: str) -> list[str] | None:
    return [line.strip() for line in text.splitlines() if line.strip()] or None


def _read_date(form: Form, data: FormData, name: str, partial: bool) -> str | None:
    """A date input's value for the body; what is wrong with it goes to the form's errors."""
    parts = date_parts(data, name)
    form.values[name] = parts
    date = read_date(parts, label_of(name), partial=partial)
    if date.error:
        form.errors[name] = date.error
    return date.value


def _read_part(form: Form, data: FormData, part: Part) -> list[dict[str, Any]]:
    """The filled fieldsets of a part as list items; an empty fieldset sends nothing."""
    items: list[dict[str, Any]] = []
    form.positions[part.name] = []
    slots = _slots(data.get(part.slots_key), part)
    form.values[part.slots_key] = slots
    for position in range(slots):
        item: dict[str, Any] = {}
        filled = False
        for spec in part.fields:
            key = part.key(position, spec.name)
            if spec.kind == "flag":
                form.values[key] = data.get(key) == "yes"
                item[spec.name] = form.values[key]
            elif spec.kind == "date":
                item[spec.name] = _read_date(form, data, key, partial=False)
                filled = filled or not form.values[key].empty
            else:
                form.values[key] = _text(data, key)
                if form.values[key]:
                    item[spec.name] = form.values[key]
                    filled = True
        if part.keeps_id:
            form.values[part.key(position, "id")] = _known_id(data.get(part.key(position, "id")))
        if filled:
            if part.keeps_id:  # a new item gets a new id
                item["id"] = form.values[part.key(position, "id")] or str(uuid.uuid4())
            items.append({k: v for k, v in item.items() if v is not None})
            form.positions[part.name].append(position)
    return items


# An edit shows one empty fieldset after a person's items; no person has this many.
MAX_SLOTS = 100


def _slots(raw: Any, part: Part) -> int:
    text = str(raw or "")
    return min(int(text), MAX_SLOTS) if text.isdigit() and int(text) > part.count else part.count


def _known_id(raw: Any) -> str:
    try:
        return str(uuid.UUID(str(raw or "")))
    except ValueError:
        return ""


def new_person_values() -> dict[str, Any]:
    """An empty add form: the first address is a current one."""
    return {"personTypes": [], PARTS[0].key(0, "isCurrent"): True}


def editable(person: Mapping[str, Any]) -> dict[str, Any]:
    """A stored person's editable fields, as the create schema normalises them (so that a
    form sent back unchanged changes nothing)."""
    found = {name: person.get(name) for name in EDIT_FIELDS}
    for part in PARTS:
        found[part.name] = [_as_loaded(item, part) for item in person.get(part.name) or []] or None
    return found


def _as_loaded(item: Mapping[str, Any], part: Part) -> dict[str, Any]:
    """A stored item of a part as the schema loads it from the form."""
    loaded: dict[str, Any] = {"id": item.get("id")} if part.keeps_id else {}
    for spec in part.fields:
        value = item.get(spec.name)
        if spec.kind == "flag":
            loaded[spec.name] = bool(part.flag_default(spec.name) if value is None else value)
        elif value not in (None, ""):
            loaded[spec.name] = value
    return loaded


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields whose value differs (None clears a field)."""
    return {
        name: after.get(name)
        for name in EDIT_FIELDS
        if (after.get(name) or None) != (before.get(name) or None)
    }


def values_of(person: Mapping[str, Any]) -> dict[str, Any]:
    """A stored person's editable fields as the edit form shows them."""
    lists = {part.name for part in PARTS}
    values = {name: person.get(name) or "" for name in EDIT_FIELDS if name not in lists}
    values["personTypes"] = list(person.get("personTypes") or [])
    values["communicationRequirements"] = "\n".join(person.get("communicationRequirements") or [])
    for name in _DATE_FIELDS:
        values[name] = DateParts.from_iso(person.get(name))
    for part in PARTS:
        items = person.get(part.name) or []
        values[part.slots_key] = max(part.count, min(len(items) + 1, MAX_SLOTS))
        for position, item in enumerate(items[:MAX_SLOTS]):
            values.update(_item_values(item, part, position))
    return values


def _item_values(item: Mapping[str, Any], part: Part, position: int) -> dict[str, Any]:
    """A stored item of a part as its fieldset shows it."""
    values: dict[str, Any] = {}
    if part.keeps_id:
        values[part.key(position, "id")] = item.get("id") or ""
    for spec in part.fields:
        value = item.get(spec.name)
        key = part.key(position, spec.name)
        if spec.kind == "flag":
            values[key] = bool(part.flag_default(spec.name) if value is None else value)
        elif spec.kind == "date":
            values[key] = DateParts.from_iso(value)
        else:
            values[key] = "" if value is None else str(value)
    return values
