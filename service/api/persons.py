"""The persons resource: create, read, patch and erase, and lookup by cross reference.

Search and the duplicate check share the /persons path from service/api/search.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import abort

from service.api.blueprint import Blueprint
from service.api.docs import ETAG, IF_MATCH, LOCATION, MERGED_REDIRECT, PERSON_ID, problem_doc
from service.api.problems import problem
from service.api.schemas import (
    PersonCreateSchema,
    PersonPatchSchema,
    PersonSchema,
)
from service.api.security import current_caller
from service.backends import backends
from service.persons import present
from service.store.errors import ReferenceTaken

blp = Blueprint(
    "persons",
    __name__,
    url_prefix="/api/v1/persons",
    description="Core person records, read by id from and written to DynamoDB.",
)


def caller() -> str:
    """Who is making this change, from the verified token (recorded as lastModifiedBy)."""
    return current_caller().identity


def valid_person_id(person_id: str) -> str:
    try:
        return str(uuid.UUID(person_id))
    except ValueError:
        abort(400, message=f"Person id {person_id!r} is not a UUID.")
    raise AssertionError("unreachable")


def _without_body_id(data: dict[str, Any], person_id: str | None) -> dict[str, Any]:
    """The body without its read-only `id`, which must be the path's (none on POST /persons)."""
    body_id = data.pop("id", None)
    if body_id is None:
        return data
    if person_id is None:
        message = "is chosen by the service; to choose it, POST /api/v1/persons/{id}."
        abort(400, message="Some fields are not valid: id", errors={"id": [message]})
    try:
        same = uuid.UUID(str(body_id)) == uuid.UUID(person_id)
    except ValueError:
        same = False
    if not same:
        abort(
            400, message="Some fields are not valid: id", errors={"id": ["must be the path's id."]}
        )
    return data


def etag(person: dict[str, Any]) -> dict[str, str]:
    """The ETag header of a person: its version number."""
    return {"ETag": f'"{person["versionNumber"]}"'}


_VERSION_TAG = re.compile(r"[0-9]{1,18}")


def expected_version(required: bool) -> int | None:
    """The version named by If-Match: 428 when required and missing, 400 when unreadable."""
    if "If-Match" not in request.headers:
        if required:
            abort(428, message="If-Match is required: send the ETag from your last read.")
        return None
    tags = request.if_match
    values = [tag for tag in tags.as_set() if tag] if not tags.star_tag else []
    if len(values) != 1 or not _VERSION_TAG.fullmatch(values[0]):
        abort(400, message='If-Match must hold exactly one strong ETag such as "3".')
    return int(values[0])


def shown(person: dict[str, Any]) -> dict[str, Any]:
    """The person as returned: computed fields and the links this caller may follow."""
    shown = present(person, backends().persons.today())
    shown["links"] = backends().links.for_person(person, current_caller())
    return shown


def _created(person: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    location = url_for("persons.PersonItem", person_id=person["id"])
    return shown(person), 201, {**etag(person), "Location": location}


@blp.app_errorhandler(ReferenceTaken)
def _reference_taken(exc: ReferenceTaken) -> Response:
    return problem(
        409,
        f"{exc}; a cross reference can belong to one person only.",
        {"crossReferences": [f"reference {exc.reference!r} in system {exc.system!r} is taken."]},
    )


_INVALID = problem_doc(
    "A field, the JSON body (or its nesting depth), a query parameter or the id is not valid."
)
_TOO_LARGE = problem_doc("The body is larger than MAX_BODY_BYTES.")
_NOT_JSON = problem_doc("The body is not sent as application/json.")
_NOT_FOUND = problem_doc("No live person has this id.")
_REF_TAKEN = problem_doc("A cross reference in the body belongs to another person.")
_MERGED = problem_doc("The person was merged into another (Location names the survivor).")
_REF_TAKEN_OR_MERGED = problem_doc(
    "A cross reference in the body belongs to another person, or the person was merged into "
    "another (Location names the survivor)."
)


@blp.route("")
class Persons(MethodView):
    @blp.arguments(PersonCreateSchema())
    @blp.response(201, PersonSchema, headers={**ETAG, **LOCATION})
    @blp.alt_response(400, **_INVALID)
    @blp.alt_response(409, **_REF_TAKEN)
    @blp.alt_response(413, **_TOO_LARGE)
    @blp.alt_response(415, **_NOT_JSON)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a person with a generated id."""
        return _created(backends().persons.create(_without_body_id(data, None), caller()))


@blp.route("/<person_id>", parameters=[PERSON_ID])
class PersonItem(MethodView):
    @blp.response(200, PersonSchema, headers=ETAG)
    @blp.alt_response(308, **MERGED_REDIRECT)
    @blp.alt_response(400, **_INVALID)
    @blp.alt_response(404, **_NOT_FOUND)
    def get(self, person_id: str) -> Any:
        """Read a person by id (strongly consistent); the ETag is the version number.

        The id of a person merged into another answers 308 with the survivor's URL.
        """
        person = backends().persons.get(valid_person_id(person_id))
        return shown(person), 200, etag(person)

    @blp.arguments(PersonCreateSchema())
    @blp.response(201, PersonSchema, headers={**ETAG, **LOCATION})
    @blp.alt_response(400, **_INVALID)
    @blp.alt_response(409, **problem_doc("The id, or a cross reference, is taken."))
    @blp.alt_response(413, **_TOO_LARGE)
    @blp.alt_response(415, **_NOT_JSON)
    def post(self, data: dict[str, Any], person_id: str) -> Any:
        """Create a person with an id chosen by the caller (migrations from legacy systems)."""
        person_id = valid_person_id(person_id)
        data = _without_body_id(data, person_id)
        return _created(backends().persons.create(data, caller(), person_id))

    @blp.arguments(PersonPatchSchema())
    @blp.response(200, PersonSchema, headers=ETAG)
    @blp.alt_response(400, **_INVALID)
    @blp.alt_response(404, **_NOT_FOUND)
    @blp.alt_response(409, **_REF_TAKEN_OR_MERGED)
    @blp.alt_response(412, **problem_doc("If-Match is stale: read the person again."))
    @blp.alt_response(413, **_TOO_LARGE)
    @blp.alt_response(415, **_NOT_JSON)
    @blp.alt_response(428, **problem_doc("If-Match is missing."))
    @blp.doc(parameters=[{**IF_MATCH, "required": True}])
    def patch(self, changes: dict[str, Any], person_id: str) -> Any:
        """Change some fields; null clears an optional field. If-Match is required.

        A patch that changes nothing returns the person at its current version.
        """
        person_id = valid_person_id(person_id)
        changes = _without_body_id(changes, person_id)
        expected = expected_version(required=True)
        assert expected is not None
        person = backends().persons.patch(person_id, changes, expected, caller())
        return shown(person), 200, etag(person)

    @blp.response(204)
    @blp.alt_response(400, **_INVALID)
    @blp.alt_response(404, **_NOT_FOUND)
    @blp.alt_response(409, **_MERGED)
    @blp.alt_response(412, **problem_doc("If-Match is stale: read the person again."))
    @blp.doc(parameters=[IF_MATCH])
    def delete(self, person_id: str) -> None:
        """Erase a person: tombstone, cross references, extended data and history values.

        If-Match, when sent, must be current.
        """
        person_id = valid_person_id(person_id)
        backends().persons.delete(person_id, expected_version(required=False), caller())


@blp.route("/by-reference/<system>/<path:reference>")
class PersonByReference(MethodView):
    @blp.response(200, PersonSchema, headers=ETAG)
    @blp.alt_response(404, **problem_doc("No live person holds this reference."))
    def get(self, system: str, reference: str) -> Any:
        """Read the person holding `reference` in another council system (exact match).

        URL-encode the reference; it may contain '/'.
        """
        person = backends().persons.by_reference(system, reference)
        return shown(person), 200, etag(person)
