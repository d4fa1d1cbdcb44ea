"""Pieces of the OpenAPI description shared by the person endpoints."""

from __future__ import annotations

from typing import Any

from service.api.merge_schemas import MergedIntoSchema
from service.api.problems import PROBLEM_JSON
from service.api.schemas import ProblemSchema

ETAG = {
    "ETag": {
        "description": 'The person\'s version number in quotes, e.g. "3"; send it as If-Match.',
        "schema": {"type": "string"},
    }
}
LOCATION = {"Location": {"description": "The URL of the new person.", "schema": {"type": "string"}}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "schema": {"type": "string"},
    "description": 'The ETag of the version you read, e.g. "3".',
}

PERSON_ID = {
    "in": "path",
    "name": "person_id",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
    "description": "The person's id (a UUID; anything else is a 400).",
}


MERGED_REDIRECT = {
    "schema": MergedIntoSchema,
    "description": "The person was merged into another: Location is the survivor's resource.",
    "headers": {
        "Location": {"description": "The survivor's URL for it.", "schema": {"type": "string"}}
    },
}


def problem_doc(description: str) -> dict[str, Any]:
    """Keyword arguments for `alt_response` documenting a problem+json error."""
    return {"schema": ProblemSchema, "content_type": PROBLEM_JSON, "description": description}
