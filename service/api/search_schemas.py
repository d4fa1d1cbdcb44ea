"""Schemas of person search and the duplicate check: validation, output and OpenAPI at once."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from service.api.fields import Name, Text
from service.api.schemas import AddressSchema
from service.domain.normalise import compact_ni
from service.domain.vocabulary import PERSON_TYPES

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_NI_LIKE = re.compile(r"^[A-Z0-9]{1,9}$")
SEARCH_CRITERIA = (
    "firstName",
    "surname",
    "lastName",
    "dateOfBirth",
    "nationalInsuranceNo",
    "address",
    "postcode",
    "q",
)


class PartialDate(fields.String):
    """A date of birth as YYYY, YYYY-MM or YYYY-MM-DD (a real date, from 1900)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(
            {"example": "1984-03", "description": "YYYY, YYYY-MM or YYYY-MM-DD."}
        )
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        found = _PARTIAL_DATE.match(text)
        if not found:
            raise ValidationError("must be YYYY, YYYY-MM or YYYY-MM-DD.")
        year, month, day = (int(part) if part else 1 for part in found.groups())
        try:
            parsed = date(year, month, day)
        except ValueError as exc:
            raise ValidationError("is not a real date.") from exc
        if parsed.year < 1900 or parsed > date.today():
            raise ValidationError("must be between 1900 and today.")
        return text


class NiSearchTerm(fields.String):
    """An NI number or its start, in any case and spacing (it need not be a valid one)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        compact = compact_ni(text[:40])
        if len(text) > 40 or not _NI_LIKE.match(compact):
            raise ValidationError("must be up to 9 letters and digits (spaces are ignored).")
        return compact


class SearchArgsSchema(Schema):
    """Query parameters of a person search; give at least one criterion, or a cursor."""

    firstName = Text(max_length=100)
    surname = Text(max_length=100)
    lastName = Text(max_length=100, metadata={"description": "Alias of surname."})
    dateOfBirth = PartialDate()
    nationalInsuranceNo = NiSearchTerm()
    address = Text(max_length=200)
    postcode = Text(max_length=10)
    q = Text(max_length=200, metadata={"description": "Free text over names, addresses, ids."})
    personType = fields.List(
        fields.String(validate=validate.OneOf(PERSON_TYPES)),
        metadata={"description": "Only people of these types (repeat the parameter)."},
    )
    includeDeceased = fields.Boolean(load_default=False)
    pageSize = fields.Integer(validate=validate.Range(min=1))
    cursor = fields.String(
        validate=validate.Length(min=1, max=4096),
        metadata={
            "description": "nextCursor of the previous page; the other criteria are then "
            "those of the first page and may be left out."
        },
    )
    explain = fields.Boolean(
        load_default=False,
        metadata={"description": "Return the query that ran and why hits matched."},
    )

    @validates_schema
    def _something_to_search(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("cursor") and not any(data.get(name) for name in SEARCH_CRITERIA):
            raise ValidationError(
                "give at least one of " + ", ".join(SEARCH_CRITERIA) + ", or a cursor.", "_query"
            )


class SearchHitSchema(Schema):
    """A person as the search index holds them, with the hit's score."""

    id = fields.String(metadata={"format": "uuid"})
    personRef = fields.Integer()
    title = fields.String()
    firstName = fields.String()
    middleName = fields.String()
    surname = fields.String()
    preferredFirstName = fields.String()
    preferredSurname = fields.String()
    dateOfBirth = fields.String(metadata={"format": "date"})
    dateOfDeath = fields.String(metadata={"format": "date"})
    nationalInsuranceNo = fields.String()
    personTypes = fields.List(fields.String())
    addresses = fields.List(fields.String())
    postcodes = fields.List(fields.String())
    crossReferences = fields.List(fields.String(), metadata={"description": "system:reference"})
    score = fields.Float(
        metadata={"description": "Relevance (OpenSearch score); higher is better."}
    )
    matchScore = fields.Float(
        metadata={
            "description": "Search only, on the hits re-ranked by the duplicate check's model "
            "(the first SEARCH_RERANK_WINDOW of the search): the model's probability, 0..1, of "
            "being the person searched for. Those hits are ordered by it, then by score."
        }
    )
    matchedClauses = fields.List(
        fields.String(),
        metadata={"description": "With explain: the named query clauses it matched."},
    )


class ExplainSchema(Schema):
    index = fields.String()
    query = fields.Dict(metadata={"description": "The exact OpenSearch request body that ran."})


class RerankSchema(Schema):
    window = fields.Integer(metadata={"description": "Hits re-ranked by the model at most."})
    windowHits = fields.Integer(metadata={"description": "Hits the re-ranked window held."})
    offset = fields.Integer(metadata={"description": "Rank in the window this page starts at."})
    compared = fields.List(
        fields.String(), metadata={"description": "The search fields the model compared."}
    )


class SearchExplainSchema(ExplainSchema):
    rerank = fields.Nested(
        RerankSchema,
        metadata={"description": "Present when the page holds hits re-ranked by the model."},
    )
    queryAfterWindow = fields.Dict(
        metadata={"description": "The request that filled the page from after the window."}
    )


class SearchResultSchema(Schema):
    results = fields.List(fields.Nested(SearchHitSchema))
    total = fields.Integer()
    nextCursor = fields.String(allow_none=True)
    explain = fields.Nested(SearchExplainSchema)


class MatchArgsSchema(Schema):
    """Query parameters of a duplicate check."""

    limit = fields.Integer(validate=validate.Range(min=1, max=50), load_default=10)
    explain = fields.Boolean(load_default=False)


class MatchPersonSchema(Schema):
    """A partial person to check for duplicates; a create body is accepted as it is."""

    class Meta:
        unknown = EXCLUDE

    firstName = Name()
    surname = Name()
    lastName = Name(metadata={"description": "Alias of surname."})
    dateOfBirth = PartialDate()
    nationalInsuranceNo = NiSearchTerm()
    addresses = fields.List(
        fields.Nested(AddressSchema(unknown=EXCLUDE)), validate=validate.Length(max=20)
    )
    address = Text(max_length=500, metadata={"description": "An address as free text."})
    postcode = Text(max_length=10)
    personTypes = fields.List(fields.String(validate=validate.OneOf(PERSON_TYPES)))
    includeDeceased = fields.Boolean(load_default=True)

    @validates_schema
    def _enough_to_match(self, data: dict[str, Any], **_: Any) -> None:
        wanted = ("firstName", "surname", "lastName", "dateOfBirth", "nationalInsuranceNo")
        if not any(data.get(name) for name in wanted):
            raise ValidationError(
                "give at least one of firstName, surname, dateOfBirth or nationalInsuranceNo.",
                "_schema",
            )


class ReasonSchema(Schema):
    field = fields.String(
        metadata={"description": "firstName, surname, swappedNames, surnameAndAddress, ..."}
    )
    agreement = fields.String(metadata={"description": "exact, nickname, typo, phonetic, ..."})
    weight = fields.Float(metadata={"description": "log2 likelihood ratio of this agreement."})


class MatchSchema(Schema):
    person = fields.Nested(SearchHitSchema)
    score = fields.Float(metadata={"description": "Probability of being the same person, 0..1."})
    grade = fields.String(validate=validate.OneOf(("certain", "probable", "possible")))
    reasons = fields.List(fields.Nested(ReasonSchema))
    matchedClauses = fields.List(fields.String())
    searchScore = fields.Float()


class MatchResultSchema(Schema):
    results = fields.List(fields.Nested(MatchSchema))
    explain = fields.Nested(ExplainSchema)
