"""Request and response schemas: validation, serialisation and the OpenAPI document at once."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from service.api.fields import (
    IsoDate,
    Name,
    NationalInsuranceNumber,
    PastDate,
    Postcode,
    ReadOnly,
    Text,
    Uprn,
    Vocabulary,
    read_only_names,
)
from service.domain.rules import MAX_CROSS_REFERENCES, record_errors
from service.domain.vocabulary import LIST_FIELDS, TITLES

_PERSON_TYPE_ITEM = {"setting": "person_types"}
_ONE_TYPE = validate.Length(min=1, error="must name at least one person type.")


class _ContractBody(Schema):
    """A body as clients of the council's original contract send it.

    A blank string in an optional field is absent (null where the field takes null, so a PATCH
    clears it). ReadOnly fields are accepted, checked for type, then dropped.
    """

    @pre_load
    def _blank_is_absent(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data  # marshmallow reports the wrong type
        body = dict(data)
        for name, field in self.load_fields.items():
            key = field.data_key or name
            value = body.get(key)
            if field.required or not isinstance(value, str) or value.strip():
                continue
            if field.allow_none:
                body[key] = None
            else:
                del body[key]
        return body

    @post_load
    def _drop_read_only(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for name in read_only_names(self.fields) - {"id"}:
            data.pop(name, None)
        return data


class IdentificationSchema(_ContractBody):
    identificationType = Text(max_length=50, required=True)
    value = Text(max_length=100, required=True)
    isOriginalDocumentSeen = fields.Boolean(load_default=False)
    linkToDocument = fields.Url(allow_none=True, validate=validate.Length(max=2000))


class LanguageSchema(_ContractBody):
    language = Text(max_length=100, required=True)
    isPrimary = fields.Boolean(load_default=False)


class TenureSchema(_ContractBody):
    id = fields.UUID(required=True)
    type = Text(max_length=100, required=True)
    startDate = IsoDate(required=True)
    endDate = IsoDate(allow_none=True)
    assetFullAddress = Text(max_length=500)
    assetId = Text(max_length=100)
    uprn = Uprn()
    paymentReference = Text(max_length=100)
    propertyReference = Text(max_length=100)
    isActive = ReadOnly(fields.Boolean(), metadata={"description": "Computed from the dates."})

    @post_load
    def _id_as_text(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["id"] = str(data["id"])
        return data


class AddressSchema(_ContractBody):
    fullAddress = Text(max_length=500, required=True)
    postcode = Postcode()
    uprn = Uprn()
    type = Text(max_length=50)
    isCurrent = fields.Boolean(load_default=True)


class CrossReferenceSchema(Schema):
    system = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z][A-Za-z0-9_-]{0,49}$",
            error="must be 1 to 50 letters, digits, '-' or '_', starting with a letter.",
        ),
    )
    reference = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[\x21-\x7e]{1,100}$", error="must be 1 to 100 printable characters, no spaces."
        ),
    )


class _PersonFields(_ContractBody):
    """The writable fields of a person; subclasses say which are required.

    The fields the API computes or owns are accepted too, so a client may send back what it read;
    they are ignored, except that `id` must be the path's (the views check it).
    """

    title = Vocabulary(TITLES, allow_none=True)
    preferredTitle = Vocabulary(TITLES, allow_none=True)
    firstName = Name()
    middleName = Name(allow_none=True)
    surname = Name()
    preferredFirstName = Name(allow_none=True)
    preferredMiddleName = Name(allow_none=True)
    preferredSurname = Name(allow_none=True)
    placeOfBirth = Text(max_length=100, allow_none=True)
    dateOfBirth = PastDate(allow_none=True)
    dateOfDeath = PastDate(allow_none=True)
    gender = Text(max_length=50, allow_none=True)
    nationality = Text(max_length=100, allow_none=True)
    ethnicity = Text(max_length=100, allow_none=True)
    nationalInsuranceNo = NationalInsuranceNumber(allow_none=True)
    identifications = fields.List(fields.Nested(IdentificationSchema), allow_none=True)
    languages = fields.List(fields.Nested(LanguageSchema), allow_none=True)
    communicationRequirements = fields.List(Text(max_length=200), allow_none=True)
    personTypes = fields.List(Vocabulary(**_PERSON_TYPE_ITEM), validate=_ONE_TYPE)
    tenures = fields.List(fields.Nested(TenureSchema), allow_none=True)
    addresses = fields.List(fields.Nested(AddressSchema), allow_none=True)
    crossReferences = fields.List(
        fields.Nested(CrossReferenceSchema),
        allow_none=True,
        # Each reference is an item of the write's DynamoDB transaction (at most 100 items).
        validate=validate.Length(max=MAX_CROSS_REFERENCES),
        metadata={"description": "This person's ids in other systems; each belongs to one person."},
    )
    reason = Text(max_length=500, metadata={"description": "Why the person is created or changed."})

    @post_load
    def _empty_list_is_absent(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """[] reads back as [] from an absent list: store it as absent, so that sending back
        what was read changes nothing (on a PATCH it clears the list, like null)."""
        for name in LIST_FIELDS & set(data):
            if data[name] == []:
                data[name] = None
        return data

    id = ReadOnly(fields.String(), metadata={"format": "uuid", "description": "The path's id."})
    personRef = ReadOnly(fields.Integer())
    versionNumber = ReadOnly(fields.Integer(), metadata={"description": "If-Match governs."})
    isAMinor = ReadOnly(fields.Boolean())
    links = ReadOnly(fields.List(fields.Dict()))
    createdAt = ReadOnly(fields.String(), metadata={"format": "date-time"})
    lastModified = ReadOnly(fields.String(), metadata={"format": "date-time"})
    lastModifiedBy = ReadOnly(fields.String())
    mergedFrom = ReadOnly(fields.List(fields.String()))


class PersonCreateSchema(_PersonFields):
    """The body of a create: names, person types and a reason are required."""

    firstName = Name(required=True)
    surname = Name(required=True)
    personTypes = fields.List(Vocabulary(**_PERSON_TYPE_ITEM), required=True, validate=_ONE_TYPE)
    reason = Text(max_length=500, required=True)

    @validates_schema
    def _record_rules(self, data: dict[str, Any], **_: Any) -> None:
        errors = record_errors(data)
        if errors:
            raise ValidationError(errors)


class PersonPatchSchema(_PersonFields):
    """The body of a PATCH: every field optional; null clears an optional field."""


class PersonSchema(Schema):
    """A person as the API returns it."""

    class TenureOut(Schema):
        id = fields.String()
        type = fields.String()
        startDate = fields.String(metadata={"format": "date"})
        endDate = fields.String(allow_none=True, metadata={"format": "date"})
        assetFullAddress = fields.String()
        assetId = fields.String()
        uprn = fields.String()
        paymentReference = fields.String()
        propertyReference = fields.String()
        isActive = fields.Boolean()

    class LinkOut(Schema):
        service = fields.String()
        system = fields.String()
        reference = fields.String()
        href = fields.String()
        rel = fields.String(metadata={"description": "The relation (original contract)."})
        type = fields.String(metadata={"description": "The HTTP method to follow it with."})

    id = fields.String(metadata={"format": "uuid"})
    personRef = fields.Integer()
    title = fields.String(allow_none=True)
    preferredTitle = fields.String(allow_none=True)
    firstName = fields.String()
    middleName = fields.String(allow_none=True)
    surname = fields.String()
    preferredFirstName = fields.String(allow_none=True)
    preferredMiddleName = fields.String(allow_none=True)
    preferredSurname = fields.String(allow_none=True)
    placeOfBirth = fields.String(allow_none=True)
    dateOfBirth = fields.String(allow_none=True, metadata={"format": "date"})
    dateOfDeath = fields.String(allow_none=True, metadata={"format": "date"})
    gender = fields.String(allow_none=True)
    nationality = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    nationalInsuranceNo = fields.String(allow_none=True)
    identifications = fields.List(fields.Nested(IdentificationSchema))
    languages = fields.List(fields.Nested(LanguageSchema))
    communicationRequirements = fields.List(fields.String())
    personTypes = fields.List(fields.String())
    tenures = fields.List(fields.Nested(TenureOut))
    addresses = fields.List(fields.Nested(AddressSchema))
    crossReferences = fields.List(fields.Nested(CrossReferenceSchema))
    reason = fields.String()
    links = fields.List(fields.Nested(LinkOut))
    isAMinor = fields.Boolean(allow_none=True)
    versionNumber = fields.Integer()
    createdAt = fields.String(metadata={"format": "date-time"})
    lastModified = fields.String(metadata={"format": "date-time"})
    lastModifiedBy = fields.String()
    mergedFrom = fields.List(
        fields.String(metadata={"format": "uuid"}),
        metadata={"description": "Ids of the duplicates merged into this person (absent: none)."},
    )


class ProblemSchema(Schema):
    """An RFC 9457 problem document."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(metadata={"description": "Per-field messages for validation problems."})


class FieldChangeSchema(Schema):
    field = fields.String()
    oldValue = fields.Raw(allow_none=True)
    newValue = fields.Raw(allow_none=True)


class HistoryEntrySchema(Schema):
    """One change of a person; erased entries keep no values and no reason."""

    versionNumber = fields.Integer()
    event = fields.String(
        validate=validate.OneOf(("created", "updated", "erased", "merged", "unmerged"))
    )
    changedAt = fields.String(metadata={"format": "date-time"})
    changedBy = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    changedFields = fields.List(fields.String())
    changes = fields.List(fields.Nested(FieldChangeSchema))
    erased = fields.Boolean()


class HistorySchema(Schema):
    personId = fields.String(metadata={"format": "uuid"})
    entries = fields.List(fields.Nested(HistoryEntrySchema))


class ExtendedDataSchema(Schema):
    """One service area's own data about a person."""

    personId = fields.String(metadata={"format": "uuid"})
    serviceArea = fields.String()
    data = fields.Dict(metadata={"description": "Any JSON object, up to EXTENDED_MAX_BYTES."})
    lastModified = fields.String(metadata={"format": "date-time"})
    lastModifiedBy = fields.String()
