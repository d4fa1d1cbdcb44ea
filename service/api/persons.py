"""The persons resource: create, read, patch, erase and search."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.schemas import (
    PersonCreateSchema,
    PersonPatchSchema,
    PersonSchema,
)
from service.api.security import current_caller
from service.backends import backends
from service.persons import present

blp = Blueprint(
    "persons",
    __name__,
    url_prefix="/api/v1/persons",
    description="Core person records, read by id from and written to DynamoDB.",
)


def _caller() -> str:
    """Who is making this change, from the verified token (recorded as lastModifiedBy)."""
    return current_caller().identity


def _valid_id(person_id: str) -> str:
    try:
        return str(uuid.UUID(person_id))
    except ValueError:
        abort(400, message=f"Person id {person_id!r} is not a UUID.")
    raise AssertionError("unreachable")


def _etag(person: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{person["versionNumber"]}"'}


def _expected_version(required: bool) -> int | None:
    """The version named by If-Match: 428 when required and missing, 400 when unreadable."""
    if "If-Match" not in request.headers:
        if required:
            abort(428, message="If-Match is required: send the ETag from your last read.")
        return None
    tags = request.if_match
    values = list(tags.as_set()) if not tags.star_tag else []
    if len(values) != 1 or not values[0].isdigit():
        abort(400, message='If-Match must hold exactly one ETag such as "3".')
    return int(values[0])


def _shown(person: dict[str, Any]) -> dict[str, Any]:
    return present(person, backends().persons.today())


def _created(person: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    location = url_for("persons.PersonItem", person_id=person["id"])
    return _shown(person), 201, {**_etag(person), "Location": location}


@blp.route("")
class Persons(MethodView):
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema, headers={"ETag": {"schema": {"type": "string"}}})
    @blp.alt_response(400, description="A field is not valid.")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a person with a generated id."""
        return _created(backends().persons.create(data, _caller()))


@blp.route("/<person_id>")
class PersonItem(MethodView):
    @blp.response(200, PersonSchema, headers={"ETag": {"schema": {"type": "string"}}})
    @blp.alt_response(404, description="No person has this id.")
    def get(self, person_id: str) -> Any:
        """Read a person by id (strongly consistent); the ETag is the version number."""
        person = backends().persons.get(_valid_id(person_id))
        return _shown(person), 200, _etag(person)

    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema)
    @blp.alt_response(409, description="A person already has this id.")
    def post(self, data: dict[str, Any], person_id: str) -> Any:
        """Create a person with an id chosen by the caller (migrations from legacy systems)."""
        return _created(backends().persons.create(data, _caller(), _valid_id(person_id)))

    @blp.arguments(PersonPatchSchema)
    @blp.response(200, PersonSchema)
    @blp.alt_response(412, description="If-Match is stale.")
    @blp.alt_response(428, description="If-Match is missing.")
    def patch(self, changes: dict[str, Any], person_id: str) -> Any:
        """Change some fields; null clears an optional field. If-Match is required."""
        person_id = _valid_id(person_id)
        expected = _expected_version(required=True)
        assert expected is not None
        person = backends().persons.patch(person_id, changes, expected, _caller())
        return _shown(person), 200, _etag(person)

    @blp.response(204)
    @blp.alt_response(404, description="No person has this id.")
    def delete(self, person_id: str) -> None:
        """Erase a person. If-Match, when sent, must be current."""
        person_id = _valid_id(person_id)
        backends().persons.delete(person_id, _expected_version(required=False))
