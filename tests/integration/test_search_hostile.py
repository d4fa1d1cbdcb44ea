"""Hostile input never gives a 500: query syntax, very long strings, unicode, emoji, bad cursors."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.integration.people import person_body

SYNTAX = [
    'Smith" OR *:*',
    "name:/.*/",
    "(a OR b) AND NOT c",
    "Smi?h~2^10",
    "[a TO z] {x TO y}",
    "\\\\ && || ! + - = > < /",
    "<script>alert(1)</script>",
    "'; DROP TABLE persons; --",
    "Ωμέγα 山田 محمد",
    "🙂🎉👍🏽",
    "o'brien-smith",
    "%00%ff",
    "*",
]


@pytest.fixture
def someone(client: FlaskClient, index_all) -> str:
    person = client.post("/api/v1/persons", json=person_body(surname="O'Brien-Smith")).get_json()
    index_all()
    return person["id"]


def test_query_syntax_and_unicode_are_just_text(client: FlaskClient, someone: str) -> None:
    for text in SYNTAX:
        for name in ("firstName", "surname", "q", "address", "postcode"):
            response = client.get(
                "/api/v1/persons", query_string={name: text[:10] if name == "postcode" else text}
            )
            assert response.status_code == 200, (name, text, response.get_json())
        match = client.post("/api/v1/persons/matches", json={"firstName": text, "surname": text})
        assert match.status_code == 200, (text, match.get_json())
    found = client.get("/api/v1/persons", query_string={"surname": "o'brien-smith"}).get_json()
    assert found["results"][0]["id"] == someone


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"surname": "👩\u200d👩\u200d👧"}, "surname"),  # zero-width joiners are format characters
        ({"surname": "x" * 101}, "surname"),
        ({"q": "x" * 201}, "q"),
        ({"surname": "a\x00b"}, "surname"),
        ({"surname": "   "}, "surname"),
        ({"dateOfBirth": "1984-02-30"}, "dateOfBirth"),
        ({"dateOfBirth": "84"}, "dateOfBirth"),
        ({"dateOfBirth": "2999"}, "dateOfBirth"),
        ({"nationalInsuranceNo": "AB 12 34 56 C 99"}, "nationalInsuranceNo"),
        ({"nationalInsuranceNo": "AB*"}, "nationalInsuranceNo"),
        ({"surname": "Khan", "pageSize": "0"}, "pageSize"),
        ({"surname": "Khan", "pageSize": "101"}, "pageSize"),
        ({"surname": "Khan", "pageSize": "ten"}, "pageSize"),
        ({"surname": "Khan", "personType": "Wizard"}, "personType"),
        ({"surname": "Khan", "includeDeceased": "maybe"}, "includeDeceased"),
        ({}, "_query"),
    ],
)
def test_bad_parameters_are_400_problems_naming_the_field(
    client: FlaskClient, params, field
) -> None:
    response = client.get("/api/v1/persons", query_string=params)
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJwIjoieCJ9",  # {"p":"x"}
        "eyJwIjoibm8tc3VjaC1waXQiLCJhIjpbMS4wLCJ4Il0sInEiOnsic3VybmFtZSI6IktoYW4ifSwibiI6MjB9",
        "🙂",
        "x" * 5000,
    ],
)
def test_a_bad_or_unknown_cursor_is_a_400_problem(client: FlaskClient, cursor: str) -> None:
    response = client.get("/api/v1/persons", query_string={"cursor": cursor})
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert "cursor" in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"address": "1 High Street"}, "_schema"),
        ({"firstName": "x" * 101}, "firstName"),
        # A dirty date is matched with a warning (test_match_dirty); a date of the wrong JSON
        # type or of absurd length is a body of the wrong shape.
        ({"firstName": "Ann", "dateOfBirth": 1984}, "dateOfBirth"),
        ({"firstName": "Ann", "dateOfBirth": "1984-13" * 10}, "dateOfBirth"),
        ({"firstName": "Ann", "addresses": "not a list"}, "addresses"),
        ({"firstName": ["Ann"]}, "firstName"),
    ],
)
def test_bad_match_bodies_are_400_problems(client: FlaskClient, body, field) -> None:
    response = client.post("/api/v1/persons/matches", json=body)
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["errors"]
    for limit in ("0", "51", "x"):
        bad = client.post(f"/api/v1/persons/matches?limit={limit}", json={"firstName": "Ann"})
        assert bad.status_code == 400 and "limit" in bad.get_json()["errors"]


def test_a_match_body_that_is_not_json_is_a_400(client: FlaskClient) -> None:
    response = client.post("/api/v1/persons/matches", data="{nope", content_type="application/json")
    assert response.status_code == 400
