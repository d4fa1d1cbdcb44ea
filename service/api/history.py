"""A person's change history, as recorded from the Persons stream."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.api.blueprint import Blueprint
from service.api.docs import PERSON_ID, problem_doc
from service.api.persons import valid_person_id
from service.api.schemas import HistorySchema
from service.backends import backends

blp = Blueprint(
    "history",
    __name__,
    url_prefix="/api/v1/persons",
    description="Every change of a person: version, time, who, reason, old and new values.",
)


@blp.route("/<person_id>/history", parameters=[PERSON_ID])
class PersonHistory(MethodView):
    @blp.response(200, HistorySchema)
    @blp.alt_response(400, **problem_doc("The id is not a UUID."))
    @blp.alt_response(404, **problem_doc("No person has, or had, this id."))
    def get(self, person_id: str) -> dict[str, Any]:
        """The person's changes, oldest first.

        Entries are written from the change stream, so the newest change can take a moment to
        appear. After an erasure the entries keep version, time, who and the names of the
        changed fields, but no values and no reason.
        """
        person_id = valid_person_id(person_id)
        entries = backends().history.entries(person_id)
        if not entries:
            backends().persons.get(person_id)  # 404 unless the person is live
        return {"personId": person_id, "entries": entries}
