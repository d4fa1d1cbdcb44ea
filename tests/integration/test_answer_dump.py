"""The search and duplicate-check answers dump by projection (service.api.answers) exactly as
marshmallow's own dump of the same schemas would, on answers from the real servers."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from marshmallow import Schema

from service.api.answers import AnswerSchema
from service.api.search_schemas import MatchResultSchema, SearchResultSchema
from tests.integration.people import person_body


def _both_dumps(monkeypatch: pytest.MonkeyPatch, schema: Schema, answer: Any) -> tuple[Any, Any]:
    projected = schema.dump(answer)
    with monkeypatch.context() as patched:
        patched.setattr(AnswerSchema, "dump", Schema.dump)  # marshmallow's own, nested too
        reference = schema.dump(answer)
    return projected, reference


def _answer_of(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, path: str, **request: Any
) -> Any:
    """The view's answer before dumping: the same request, with the schema's dump recorded."""
    seen: list[Any] = []
    original = AnswerSchema.dump

    def recording(self: AnswerSchema, obj: Any, *, many: bool | None = None) -> Any:
        if not seen:
            seen.append(obj)
        return original(self, obj, many=many)

    with monkeypatch.context() as patched:
        patched.setattr(AnswerSchema, "dump", recording)
        response = client.open(path, **request)
    assert response.status_code == 200, response.get_json()
    return seen[0]


def test_search_and_match_answers_dump_as_marshmallow_does(
    client: FlaskClient, index_all, monkeypatch: pytest.MonkeyPatch
) -> None:
    for first, preferred in (("Robert", "Bob"), ("Roberta", None), ("Rob", None)):
        body = person_body(
            firstName=first,
            preferredFirstName=preferred,
            surname="Smith",
            addresses=[{"fullAddress": "1 High Street, London", "postcode": "E8 1AB"}],
            crossReferences=[{"system": "housing", "reference": f"H-{first}"}],
        )
        assert client.post("/api/v1/persons", json=body).status_code == 201
    index_all()

    search = _answer_of(
        client,
        monkeypatch,
        "/api/v1/persons",
        query_string={"firstName": "Bob", "surname": "Smyth", "explain": "true", "pageSize": 1},
    )
    match = _answer_of(
        client,
        monkeypatch,
        "/api/v1/persons/matches?explain=true",
        method="POST",
        json={"firstName": "Robert", "surname": "Smith", "dateOfBirth": "1984-02-30"},
    )
    assert len(search["results"]) == 1 and search["nextCursor"]
    assert "dateOfBirthParts" in search["results"][0]  # index fields the dump must drop
    assert match["results"] and match["warnings"]
    assert "dateOfBirthParts" in match["results"][0]["person"]

    for schema, answer in ((SearchResultSchema(), search), (MatchResultSchema(), match)):
        projected, reference = _both_dumps(monkeypatch, schema, answer)
        assert projected == reference
        assert "dateOfBirthParts" not in str(projected["results"])
