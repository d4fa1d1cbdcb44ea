"""Extended data: one JSON object per person and service area, kept apart from the core record.

Never part of the core GET, never indexed and never logged. Every access goes through
`authorise_extended`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import abort

from service.api.blueprint import Blueprint
from service.api.docs import MERGED_REDIRECT, PERSON_ID, problem_doc
from service.api.persons import valid_person_id
from service.api.schemas import ExtendedDataSchema
from service.api.security import current_caller
from service.auth import Caller
from service.backends import backends
from service.persons import timestamp

blp = Blueprint(
    "extended",
    __name__,
    url_prefix="/api/v1/persons",
    description="Each service area's own data about a person (size-limited, never indexed).",
)


def authorise_extended(caller: Caller, service_area: str) -> bool:
    """Only members of the area's own group (SERVICE_AREA_GROUPS) may read or write its data."""
    return caller.may_see_service_area(service_area)


def _checked(person_id: str, service_area: str) -> str:
    """The normalised id, after the service area and the caller's access are checked."""
    person_id = valid_person_id(person_id)
    areas = backends().settings.extended_service_areas
    if service_area not in areas:
        abort(404, message=f"Unknown service area {service_area!r}; known: {', '.join(areas)}.")
    if not authorise_extended(current_caller(), service_area):
        abort(
            403,
            message=f"The {service_area!r} service area's data needs that area's group, "
            "which your token does not grant.",
        )
    return person_id


def _json_object() -> dict[str, Any]:
    """The body as a JSON object, within the size limit (the content is never echoed)."""
    limit = backends().settings.extended_max_bytes
    if (request.content_length or 0) > limit:
        abort(413, message=f"Extended data is limited to {limit} bytes.")
    body = request.get_data(cache=False)
    if len(body) > limit:
        abort(413, message=f"Extended data is limited to {limit} bytes.")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        abort(400, message="The body is not valid JSON.")
    if not isinstance(data, dict):
        abort(400, message="The body must be a JSON object.")
    return data


_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": True},
        }
    },
}


@blp.route("/<person_id>/extended/<service_area>", parameters=[PERSON_ID])
class ExtendedData(MethodView):
    @blp.response(200, ExtendedDataSchema)
    @blp.alt_response(308, **MERGED_REDIRECT)
    @blp.alt_response(400, **problem_doc("The id is not a UUID."))
    @blp.alt_response(403, **problem_doc("The caller may not use this service area."))
    @blp.alt_response(404, **problem_doc("No such person, service area or data."))
    def get(self, person_id: str, service_area: str) -> dict[str, Any]:
        """Read one service area's data about a person.

        A person merged into another keeps their data under their id; without any there, the
        answer is 308 to the survivor's.
        """
        person_id = _checked(person_id, service_area)
        record = backends().extended.get(person_id, service_area)
        if record is None:
            backends().persons.get(person_id)  # 404 naming the person if they do not exist
            abort(404, message=f"No {service_area} data is stored for person {person_id}.")
        return record

    @blp.doc(requestBody=_BODY)
    @blp.response(200, ExtendedDataSchema)
    @blp.alt_response(400, **problem_doc("The id is not a UUID or the body is not an object."))
    @blp.alt_response(403, **problem_doc("The caller may not use this service area."))
    @blp.alt_response(404, **problem_doc("No such person or service area."))
    @blp.alt_response(413, **problem_doc("The body is larger than EXTENDED_MAX_BYTES."))
    def put(self, person_id: str, service_area: str) -> dict[str, Any]:
        """Replace one service area's data about a person with a JSON object."""
        person_id = _checked(person_id, service_area)
        data = _json_object()
        return backends().extended.put(
            {
                "personId": person_id,
                "serviceArea": service_area,
                "data": data,
                "lastModified": timestamp(backends().persons.clock()),
                "lastModifiedBy": current_caller().identity,
            }
        )
