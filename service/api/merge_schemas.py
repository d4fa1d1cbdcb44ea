"""Schemas of merge and unmerge: validation, output and OpenAPI at once."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load

from service.api.fields import Text
from service.api.schemas import PersonSchema


class MergeRequestSchema(Schema):
    """Which person to merge into (or take back from) the survivor in the path, and why."""

    duplicateId = fields.UUID(required=True, metadata={"description": "The duplicate person's id."})
    reason = Text(
        max_length=500,
        required=True,
        metadata={"description": "Why; recorded in both persons' histories."},
    )

    @post_load
    def _id_as_text(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["duplicateId"] = str(data["duplicateId"])
        return data


class ConflictSchema(Schema):
    """A field both persons held with different values: the survivor's value was kept."""

    field = fields.String()
    kept = fields.Raw(metadata={"description": "The survivor's value, kept."})
    discarded = fields.Raw(metadata={"description": "The duplicate's value, not taken."})


class MergeResultSchema(Schema):
    """The survivor after the merge, and where its own values won."""

    survivor = fields.Nested(PersonSchema)
    duplicateId = fields.String(metadata={"format": "uuid"})
    conflicts = fields.List(fields.Nested(ConflictSchema))


class UnmergeResultSchema(Schema):
    """Both persons after the merge was taken back."""

    survivor = fields.Nested(PersonSchema)
    duplicate = fields.Nested(PersonSchema)


class MergedIntoSchema(Schema):
    """The body of the 308 that a merged person's id answers with."""

    mergedInto = fields.String(
        metadata={"format": "uuid", "description": "The survivor's id; Location is its URL."}
    )
