"""The analysts' export: every live person as CSV or NDJSON, streamed, under the export role."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate

from service.api.blueprint import Blueprint
from service.api.docs import problem_doc
from service.backends import backends
from service.domain.export_rows import COLUMNS
from service.exporting import TEXT_FORMATS, InvalidSince, live_persons, since_key, text_export
from service.store.persons import PersonStore

blp = Blueprint(
    "export",
    __name__,
    url_prefix="/api/v1/persons",
    description="Bulk extracts of live persons for BI tools; needs the export role.",
)

_COLUMN_DOC = "\n".join(f"- `{c.name}` ({c.kind}): {c.description}" for c in COLUMNS)


_EXTRACT_CONTENT = {media: {"schema": {"type": "string"}} for media in TEXT_FORMATS.values()}


class Since(fields.String):
    """An ISO 8601 date or date-time, compared with each person's lastModified."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            return since_key(super()._deserialize(value, attr, data, **kwargs))
        except InvalidSince as exc:
            raise ValidationError(str(exc)) from exc


class ExportArgsSchema(Schema):
    format = fields.String(
        load_default="csv",
        validate=validate.OneOf(tuple(TEXT_FORMATS)),
        metadata={"description": "csv (flat columns) or ndjson (one whole person a line)."},
    )
    modifiedSince = Since(
        metadata={
            "description": "Only persons changed at or after this ISO 8601 date or date-time "
            "(UTC unless it says otherwise): an incremental load.",
            "example": "2026-11-01T00:00:00Z",
        }
    )


@blp.route("/export", methods=["GET"])
class PersonExport(MethodView):
    @blp.arguments(ExportArgsSchema(), location="query")
    @blp.response(200, description="The extract, streamed.")
    @blp.alt_response(400, **problem_doc("A parameter is not valid."))
    @blp.alt_response(403, **problem_doc("The token does not grant the export role."))
    @blp.doc(
        description=f"Columns of the CSV (NDJSON carries the whole record):\n\n{_COLUMN_DOC}",
        responses={"200": {"description": "The extract, streamed.", "content": _EXTRACT_CONTENT}},
    )
    def get(self, args: dict[str, Any]) -> Response:
        """Every live person, in constant memory; extended data never appears.

        CSV has one row per person with the columns below; NDJSON has one person per line as
        `GET /persons/{id}` returns it, without links. Erased persons are left out, so an
        incremental load (`modifiedSince`) cannot see erasures: reload in full now and then.
        """
        fmt = args["format"]
        source = backends()
        store: PersonStore = source.persons.store
        persons = live_persons(store, args.get("modifiedSince"), source.settings.export_page_size)
        chunks = text_export(persons, fmt, source.persons.today())
        filename = f"persons.{fmt}"
        return Response(
            chunks,
            mimetype=TEXT_FORMATS[fmt],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
