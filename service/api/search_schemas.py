"""Schemas of person search and the duplicate check: validation, output and OpenAPI at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from service.api.answers import AnswerSchema
from service.api.fields import Name, Text, Vocabulary
from service.domain.dirty_values import (
    PARTIAL_DATE,
    Reading,
    date_of_birth_problem,
    read_date_of_birth,
    read_ni,
    read_postcode,
)
from service.domain.normalise import compact_ni
from service.matching.matcher import GRADES

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
        if not PARTIAL_DATE.match(text):
            raise ValidationError("must be YYYY, YYYY-MM or YYYY-MM-DD.")
        problem = date_of_birth_problem(text, date.today())
        if problem:
            raise ValidationError(f"{problem}.")
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
        Vocabulary(setting="person_types"),
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


class SearchHitSchema(AnswerSchema):
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


class ExplainSchema(AnswerSchema):
    index = fields.String()
    query = fields.Dict(metadata={"description": "The exact OpenSearch request body that ran."})
    queries = fields.Dict(
        metadata={
            "description": "Duplicate check: the candidate queries that ran together (one "
            "multi-search), by name: `any`, and those held to the dateOfBirth, address or "
            "nationalInsuranceNo given."
        }
    )


class RerankSchema(AnswerSchema):
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


class SearchResultSchema(AnswerSchema):
    results = fields.List(fields.Nested(SearchHitSchema))
    total = fields.Integer()
    nextCursor = fields.String(allow_none=True)
    explain = fields.Nested(SearchExplainSchema)


class MatchArgsSchema(Schema):
    """Query parameters of a duplicate check."""

    limit = fields.Integer(validate=validate.Range(min=1, max=50), load_default=10)
    explain = fields.Boolean(load_default=False)
    minScore = fields.Float(
        validate=validate.Range(min=0, max=1),
        load_default=0.0,
        metadata={"description": "Only candidates scoring at least this (0..1)."},
    )
    minGrade = fields.String(
        validate=validate.OneOf(GRADES),
        load_default="possible",
        metadata={
            "description": "Only candidates of this grade or better: certain, probable or "
            "possible (the default: every candidate sharing something with the query)."
        },
    )


# Longest values read as given: anything longer is not a dirty value but a wrong body.
MAX_DATE_LENGTH = 40
MAX_NI_LENGTH = 40
MAX_POSTCODE_LENGTH = 20
MATCH_CRITERIA = ("firstName", "surname", "lastName", "dateOfBirth", "nationalInsuranceNo")
AS_GIVEN = "A value that breaks the rules is compared as given and reported in `warnings`."


class MatchAddressSchema(Schema):
    """An address of the partial person; its postcode need not be a valid one."""

    class Meta:
        unknown = EXCLUDE

    fullAddress = Text(max_length=500, required=True)
    postcode = Text(max_length=MAX_POSTCODE_LENGTH, metadata={"description": AS_GIVEN})
    isCurrent = fields.Boolean(load_default=True)


class MatchPersonSchema(Schema):
    """A partial person to check for duplicates; a create body is accepted as it is.

    Dirty values (an impossible or out-of-range date, a malformed NI number or postcode) are
    compared as given and listed in the loaded `warnings`; only a body of the wrong shape fails.
    """

    class Meta:
        unknown = EXCLUDE

    firstName = Name()
    surname = Name()
    lastName = Name(metadata={"description": "Alias of surname."})
    dateOfBirth = Text(
        max_length=MAX_DATE_LENGTH,
        metadata={
            "example": "1984-03-05",
            "description": "YYYY, YYYY-MM or YYYY-MM-DD (DD/MM/YYYY and YYYYMMDD are read too). "
            + AS_GIVEN,
        },
    )
    nationalInsuranceNo = Text(
        max_length=MAX_NI_LENGTH,
        metadata={"description": "Any case and spacing. " + AS_GIVEN},
    )
    addresses = fields.List(fields.Nested(MatchAddressSchema), validate=validate.Length(max=20))
    address = Text(max_length=500, metadata={"description": "An address as free text."})
    postcode = Text(max_length=MAX_POSTCODE_LENGTH, metadata={"description": AS_GIVEN})
    personTypes = fields.List(Vocabulary(setting="person_types"))
    includeDeceased = fields.Boolean(load_default=True)

    @post_load
    def _read_as_given(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """Each value in the form it is compared in; what is wrong with it as a warning."""
        warnings = []

        def read(holder: dict[str, Any], key: str, path: str, reading: Reading) -> None:
            if reading.value is None:
                del holder[key]
            else:
                holder[key] = reading.value
            if reading.warning:
                warnings.append({"field": path, "message": reading.warning})

        readers: dict[str, Callable[[str], Reading]] = {
            "dateOfBirth": lambda text: read_date_of_birth(text, date.today()),
            "nationalInsuranceNo": read_ni,
            "postcode": read_postcode,
        }
        for key, reader in readers.items():
            if data.get(key):
                read(data, key, key, reader(data[key]))
        for position, address in enumerate(data.get("addresses") or []):
            if address.get("postcode"):
                path = f"addresses.{position}.postcode"
                read(address, "postcode", path, read_postcode(address["postcode"]))
        if not any(data.get(name) for name in MATCH_CRITERIA):
            raise ValidationError(
                "give at least one of firstName, surname, dateOfBirth or nationalInsuranceNo "
                "(a date of birth that is no date does not count).",
                "_schema",
            )
        return {**data, "warnings": warnings}


class MatchWarningSchema(AnswerSchema):
    field = fields.String(metadata={"description": "The field, e.g. dateOfBirth."})
    message = fields.String(
        metadata={"example": "is not a real date; compared as given"},
    )


class ReasonSchema(AnswerSchema):
    field = fields.String(
        metadata={"description": "firstName, surname, swappedNames, surnameAndAddress, ..."}
    )
    agreement = fields.String(metadata={"description": "exact, nickname, typo, phonetic, ..."})
    weight = fields.Float(metadata={"description": "log2 likelihood ratio of this agreement."})


class MatchSchema(AnswerSchema):
    person = fields.Nested(SearchHitSchema)
    score = fields.Float(metadata={"description": "Probability of being the same person, 0..1."})
    grade = fields.String(
        validate=validate.OneOf(GRADES),
        metadata={
            "description": "certain and probable by the score's thresholds; possible for any "
            "other candidate sharing a name, date of birth, NI number or address (may be weak)."
        },
    )
    reasons = fields.List(fields.Nested(ReasonSchema))
    matchedClauses = fields.List(fields.String())
    searchScore = fields.Float()


class MatchResultSchema(AnswerSchema):
    results = fields.List(fields.Nested(MatchSchema))
    warnings = fields.List(
        fields.Nested(MatchWarningSchema),
        metadata={"description": "Values of the query that break a rule and how they were used."},
    )
    explain = fields.Nested(ExplainSchema)
