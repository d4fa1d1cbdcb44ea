"""AnswerSchema: keeps the declared keys, nested ones too, and refuses what it cannot project."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields

from service.api.answers import AnswerSchema


class Inner(AnswerSchema):
    name = fields.String()
    tags = fields.List(fields.String())


class PlainInner(Schema):
    """A nested schema of marshmallow's own: dumped by marshmallow."""

    name = fields.String()


class Outer(AnswerSchema):
    id = fields.String()
    score = fields.Float()
    one = fields.Nested(Inner, allow_none=True)
    many = fields.List(fields.Nested(Inner))
    extra = fields.Dict()
    plain = fields.List(fields.Nested(PlainInner))


def test_keeps_declared_keys_at_every_depth() -> None:
    answer = {
        "id": "a",
        "score": 0.5,
        "indexOnly": [1, 2],
        "one": {"name": "x", "tags": ["t"], "hidden": True},
        "many": [{"name": "y", "secret": 1}, {"tags": []}],
        "extra": {"any": {"thing": 1}},
        "plain": [{"name": "z", "other": 2}],
    }
    assert Outer().dump(answer) == {
        "id": "a",
        "score": 0.5,
        "one": {"name": "x", "tags": ["t"]},
        "many": [{"name": "y"}, {"tags": []}],
        "extra": {"any": {"thing": 1}},
        "plain": [{"name": "z"}],
    }


def test_missing_keys_stay_missing_and_none_stays_none() -> None:
    assert Outer().dump({"id": "a", "one": None}) == {"id": "a", "one": None}
    assert Outer(many=True).dump([{"id": "a"}, {"score": 1.0}]) == [{"id": "a"}, {"score": 1.0}]


def test_a_renamed_or_computed_field_is_refused() -> None:
    class Renamed(AnswerSchema):
        name = fields.String(data_key="fullName")

    class Computed(AnswerSchema):
        name = fields.Method("upper")

        def upper(self, obj: dict[str, str]) -> str:
            return obj["name"].upper()

    with pytest.raises(TypeError, match="renamed"):
        Renamed().dump({"name": "x"})
    with pytest.raises(TypeError, match="Method"):
        Computed().dump({"name": "x"})
