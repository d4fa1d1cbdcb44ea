"""Merge a duplicate into a survivor, take a merge back, and answer for merged ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify, request, url_for
from flask.views import MethodView

from service.api.blueprint import Blueprint
from service.api.docs import ETAG, IF_MATCH, PERSON_ID, problem_doc
from service.api.merge_schemas import MergeRequestSchema, MergeResultSchema, UnmergeResultSchema
from service.api.persons import caller, etag, expected_version, shown, valid_person_id
from service.api.problems import problem
from service.backends import backends
from service.domain.merge import MergeRefused
from service.store.errors import MergeInterrupted, PersonMerged

blp = Blueprint(
    "merging",
    __name__,
    url_prefix="/api/v1/persons",
    description="Merge a duplicate person into a survivor, and take a merge back.",
)


def survivor_url(exc: PersonMerged) -> str:
    """The URL of the same resource of the survivor (its record, its extended data, ...)."""
    args = dict(request.view_args or {})
    if request.endpoint and "person_id" in args:
        return url_for(request.endpoint, **{**args, "person_id": exc.survivor_id})
    return url_for("persons.PersonItem", person_id=exc.survivor_id)


@blp.app_errorhandler(PersonMerged)
def _merged(exc: PersonMerged) -> Response:
    """A read of a merged id is redirected to the survivor; a write is refused."""
    location = survivor_url(exc)
    if request.method in {"GET", "HEAD"}:
        response = jsonify({"mergedInto": exc.survivor_id})
        response.status_code = 308
        response.headers["Location"] = location
        return response
    return problem(409, f"{exc}; change the survivor instead.", headers={"Location": location})


@blp.app_errorhandler(MergeRefused)
def _refused(exc: MergeRefused) -> Response:
    return problem(409, f"The merge is refused: {exc}.")


@blp.app_errorhandler(MergeInterrupted)
def _interrupted(exc: MergeInterrupted) -> Response:
    return problem(409, str(exc))


_SHARED_ERRORS = {
    400: "The body or the id is not valid.",
    404: "The survivor does not exist.",
    412: "If-Match is stale: read the survivor again.",
    413: "The body is larger than MAX_BODY_BYTES.",
    415: "The body is not sent as application/json.",
}
ViewFunction = TypeVar("ViewFunction", bound=Callable[..., Any])


def shared_errors(view: ViewFunction) -> ViewFunction:
    """Document the errors merge and unmerge have in common."""
    for status, description in _SHARED_ERRORS.items():
        view = blp.alt_response(status, **problem_doc(description))(view)
    return view


@blp.route("/<person_id>/merge", parameters=[PERSON_ID])
class PersonMerge(MethodView):
    @blp.arguments(MergeRequestSchema())
    @blp.response(200, MergeResultSchema, headers=ETAG)
    @shared_errors
    @blp.alt_response(
        409,
        **problem_doc(
            "The merge is refused (the same person, a duplicate that does not exist, either "
            "person erased or merged, a duplicate holding merged persons of its own, or a merged "
            "person that would break a rule), or the duplicate changed meanwhile."
        ),
    )
    @blp.alt_response(428, **problem_doc("If-Match is missing."))
    @blp.doc(parameters=[{**IF_MATCH, "required": True}])
    def post(self, body: dict[str, Any], person_id: str) -> Any:
        """Merge a duplicate into this person (the survivor); If-Match is the survivor's.

        The survivor gains the duplicate's cross references, tenures, addresses,
        identifications, languages, person types and every field it lacks; where both hold a
        value its own is kept, and each such field is listed in `conflicts`. The duplicate's
        id then answers 308 to the survivor, its cross references find the survivor, search
        shows only the survivor, and both histories record the merge. Both persons and the
        references are written in one transaction: a concurrent change of either makes the
        merge fail (412 or 409) with nothing written.
        """
        survivor_id = valid_person_id(person_id)
        expected = expected_version(required=True)
        assert expected is not None
        merged = backends().merges.merge(
            survivor_id, body["duplicateId"], expected, body["reason"], caller()
        )
        answer = {
            "survivor": shown(merged.survivor),
            "duplicateId": body["duplicateId"],
            "conflicts": [
                {"field": c.field, "kept": c.kept, "discarded": c.discarded}
                for c in merged.conflicts
            ],
        }
        return answer, 200, etag(merged.survivor)


@blp.route("/<person_id>/unmerge", parameters=[PERSON_ID])
class PersonUnmerge(MethodView):
    @blp.arguments(MergeRequestSchema())
    @blp.response(200, UnmergeResultSchema, headers=ETAG)
    @shared_errors
    @blp.alt_response(
        409,
        **problem_doc(
            "The duplicate was not merged into this person, the survivor was itself merged, a "
            "cross reference to give back belongs to another person now, or a person changed "
            "meanwhile."
        ),
    )
    @blp.doc(parameters=[IF_MATCH])
    def post(self, body: dict[str, Any], person_id: str) -> Any:
        """Take back a merge: the duplicate is restored as it was, and the survivor loses what
        the duplicate brought (values staff changed since the merge stay).

        If-Match, when sent, must be the survivor's current ETag. The answer's ETag is the
        survivor's.
        """
        survivor_id = valid_person_id(person_id)
        unmerged = backends().merges.unmerge(
            survivor_id,
            body["duplicateId"],
            expected_version(required=False),
            body["reason"],
            caller(),
        )
        answer = {"survivor": shown(unmerged.survivor), "duplicate": shown(unmerged.duplicate)}
        return answer, 200, etag(unmerged.survivor)
