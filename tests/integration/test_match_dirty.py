"""The duplicate check answers every candidate that shares something, and matches dirty input
(mistyped years, impossible dates, malformed NI numbers and postcodes) instead of refusing it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.integration.people import person_body

TAVISTOCK = {"fullAddress": "12 Tavistock Road, London", "postcode": "N4 2QT"}
ASHGROVE = {"fullAddress": "8 Ashgrove Court, Clapton, London", "postcode": "E5 8LN"}
MARE_STREET = {"fullAddress": "14 Mare Street, London", "postcode": "E8 1AB"}

REGISTER: dict[str, dict[str, Any]] = {
    "kwame": {"firstName": "Kwame", "surname": "Mensah", "dateOfBirth": "1961-04-03"},
    "kwame_namesake": {"firstName": "Kwame", "surname": "Mensah", "dateOfBirth": "1979-08-21"},
    "ann": {"firstName": "Ann", "surname": "Lee", "dateOfBirth": "1985-03-30"},
    "ann_other": {"firstName": "Anne", "surname": "Leigh", "dateOfBirth": "1990-07-12"},
    "joan": {
        "firstName": "Joan",
        "surname": "Okafor",
        "dateOfBirth": "1972-06-15",
        "nationalInsuranceNo": "JK 12 34 56 B",
        "addresses": [MARE_STREET],
    },
    "harriet": {
        "firstName": "Harriet",
        "surname": "Quinlan",
        "dateOfBirth": "1958-09-03",
        "addresses": [TAVISTOCK],
    },
    "harriet_quinn": {"firstName": "Harriet", "surname": "Quinn", "dateOfBirth": "1990-06-25"},
    "martha": {
        "firstName": "Martha",
        "surname": "Pellowe",
        "dateOfBirth": "1936-05-22",
        "addresses": [ASHGROVE],
    },
    "ruth": {"firstName": "Ruth", "surname": "Pearson", "dateOfBirth": "1981-02-11"},
}


@pytest.fixture
def register(client: FlaskClient, index_all) -> dict[str, str]:
    """Create the register through the API, index it, and return key -> id."""
    ids = {}
    for key, person in REGISTER.items():
        body = person_body(**{"nationalInsuranceNo": None, **person})
        response = client.post("/api/v1/persons", json=body)
        assert response.status_code == 201, (key, response.get_json())
        ids[key] = response.get_json()["id"]
    index_all()
    return ids


def _match(client: FlaskClient, body: dict[str, Any], **args: str) -> dict[str, Any]:
    response = client.post("/api/v1/persons/matches", json=body, query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _grades(answer: dict[str, Any]) -> dict[str, str]:
    return {result["person"]["id"]: result["grade"] for result in answer["results"]}


def test_a_mistyped_year_still_finds_the_person_with_a_warning(
    client: FlaskClient, register: dict[str, str]
) -> None:
    answer = _match(
        client, {"firstName": "Kwame", "surname": "Mensah", "dateOfBirth": "2961-04-03"}
    )
    assert answer["warnings"] == [
        {"field": "dateOfBirth", "message": "is not between 1900 and today; compared as given"}
    ]
    top = answer["results"][0]
    assert top["person"]["id"] == register["kwame"]
    assert ("dateOfBirth", "typo") in {(r["field"], r["agreement"]) for r in top["reasons"]}
    # The namesake with another date of birth comes after the person one digit off.
    assert register["kwame_namesake"] in _grades(answer)
    # A year before 1900 (1079 for 1979) is compared as given too.
    old = _match(client, {"firstName": "Kwame", "surname": "Mensah", "dateOfBirth": "1079-08-21"})
    assert old["results"][0]["person"]["id"] == register["kwame_namesake"]
    assert old["warnings"][0]["field"] == "dateOfBirth"


def test_a_date_of_birth_alone_with_a_mistyped_year_finds_the_person(
    client: FlaskClient, register: dict[str, str]
) -> None:
    answer = _match(client, {"dateOfBirth": "2961-04-03"}, explain="true")
    assert register["kwame"] in _grades(answer)
    hit = next(r for r in answer["results"] if r["person"]["id"] == register["kwame"])
    assert "dateOfBirth:typo" in hit["matchedClauses"]


@pytest.mark.parametrize("spelling", ["1985-02-30", "30/02/1985"])
def test_an_impossible_date_is_matched_with_a_warning_not_refused(
    client: FlaskClient, register: dict[str, str], spelling: str
) -> None:
    answer = _match(
        client, {"firstName": "Ann", "surname": "Lee", "dateOfBirth": spelling}, explain="true"
    )
    assert answer["warnings"] == [
        {"field": "dateOfBirth", "message": "is not a real date; compared as given"}
    ]
    top = answer["results"][0]
    assert top["person"]["id"] == register["ann"]
    assert ("dateOfBirth", "typo") in {(r["field"], r["agreement"]) for r in top["reasons"]}
    # The date-typed field is never asked for a date that does not exist.
    sent = json.dumps(answer["explain"]["queries"])
    assert "mask4:1985_230" in sent  # looked for by its masked forms...
    assert '"dateOfBirth": {"value": "1985-02-30"' not in sent  # ...never as a date


def test_a_month_written_first_is_found_by_its_day_month_swap(
    client: FlaskClient, register: dict[str, str]
) -> None:
    answer = _match(client, {"dateOfBirth": "1985-30-03"})  # 30 as the month: not a real date
    assert answer["warnings"][0]["message"] == "is not a real date; compared as given"
    top = answer["results"][0]
    assert top["person"]["id"] == register["ann"]
    assert ("dateOfBirth", "swapped") in {(r["field"], r["agreement"]) for r in top["reasons"]}


def test_a_malformed_ni_number_and_postcode_are_matched_with_warnings(
    client: FlaskClient, register: dict[str, str]
) -> None:
    answer = _match(
        client,
        {
            "surname": "Okafor",
            "nationalInsuranceNo": "jk 12 34 56 bb",
            "addresses": [{"fullAddress": "Mare Street", "postcode": "e8"}],
        },
    )
    assert answer["warnings"] == [
        {
            "field": "nationalInsuranceNo",
            "message": "is not a valid National Insurance number; compared as given",
        },
        {
            "field": "addresses.0.postcode",
            "message": "is not a valid UK postcode; compared as given",
        },
    ]
    top = answer["results"][0]
    assert top["person"]["id"] == register["joan"]
    reasons = {(r["field"], r["agreement"]) for r in top["reasons"]}
    assert ("nationalInsuranceNo", "withoutSuffix") in reasons
    # The NI number alone, malformed, still finds her.
    alone = _match(client, {"nationalInsuranceNo": "JK1234567B"})
    assert alone["results"][0]["person"]["id"] == register["joan"]
    assert alone["warnings"][0]["field"] == "nationalInsuranceNo"
    # A postcode given only by its district is compared as given: the district agrees.
    district = _match(client, {"firstName": "Joan", "postcode": "E8"})
    assert district["warnings"] == [
        {"field": "postcode", "message": "is not a valid UK postcode; compared as given"}
    ]
    reasons = {(r["field"], r["agreement"]) for r in district["results"][0]["reasons"]}
    assert ("address", "district") in reasons


def test_the_only_namesake_with_another_date_and_house_is_returned_as_possible(
    client: FlaskClient, register: dict[str, str]
) -> None:
    body = {
        "firstName": "Harriet",
        "surname": "Quinlan",
        "dateOfBirth": "1977-02-14",
        "address": "31 Tavistock Road",
    }
    answer = _match(client, body)
    assert answer["warnings"] == []
    top = answer["results"][0]
    assert top["person"]["id"] == register["harriet"]
    assert top["grade"] == "possible"
    # Asking for better than possible, or for a higher score, leaves her out.
    assert register["harriet"] not in _grades(_match(client, body, minGrade="probable"))
    strict = _match(client, body, minScore=str(top["score"] + 1e-6))
    assert all(r["score"] > top["score"] for r in strict["results"])
    assert register["harriet"] not in _grades(strict)
    assert register["harriet"] in _grades(_match(client, body, minScore=str(top["score"])))


def test_a_replaced_first_name_and_a_surname_typo_at_the_same_address_and_date(
    client: FlaskClient, register: dict[str, str]
) -> None:
    answer = _match(
        client,
        {
            "firstName": "Ruth",
            "surname": "Pellow",
            "dateOfBirth": "1936-05-22",
            "address": "8 Ashgrove Court, Clapton",
        },
    )
    assert answer["results"][0]["person"]["id"] == register["martha"]


def test_min_grade_and_min_score_leave_out_weaker_candidates(
    client: FlaskClient, register: dict[str, str]
) -> None:
    body = {"firstName": "Kwame", "surname": "Mensah", "dateOfBirth": "1961-04-03"}
    everyone = _grades(_match(client, body))
    assert everyone[register["kwame"]] == "certain"
    assert everyone[register["kwame_namesake"]] == "possible"
    assert _grades(_match(client, body, minGrade="certain")) == {register["kwame"]: "certain"}
    assert _grades(_match(client, body, minScore="0.9")) == {register["kwame"]: "certain"}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"minScore": "1.5"}, "minScore"),
        ({"minScore": "x"}, "minScore"),
        ({"minGrade": "good"}, "minGrade"),
    ],
)
def test_bad_filters_are_400_problems(client: FlaskClient, args, field) -> None:
    response = client.post("/api/v1/persons/matches", json={"firstName": "Ann"}, query_string=args)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"firstName": "Ann", "dateOfBirth": 19850230}, "dateOfBirth"),
        ({"firstName": "Ann", "dateOfBirth": "1" * 41}, "dateOfBirth"),
        ({"firstName": "Ann", "nationalInsuranceNo": "A" * 41}, "nationalInsuranceNo"),
        ({"firstName": "Ann", "postcode": "E8 1AB" * 4}, "postcode"),
        ({"dateOfBirth": "unknown"}, "_schema"),  # nothing left to match on
    ],
)
def test_only_a_body_of_the_wrong_shape_is_a_400(client: FlaskClient, body, field) -> None:
    response = client.post("/api/v1/persons/matches", json=body)
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["errors"]


def test_a_date_that_is_no_date_is_left_out_and_the_rest_is_matched(
    client: FlaskClient, register: dict[str, str]
) -> None:
    answer = _match(client, {"firstName": "Ann", "surname": "Lee", "dateOfBirth": "unknown"})
    assert answer["results"][0]["person"]["id"] == register["ann"]
    assert answer["warnings"][0]["field"] == "dateOfBirth"
    assert answer["warnings"][0]["message"].endswith("left out of the comparison")


def test_staff_search_still_refuses_a_dirty_date(client: FlaskClient) -> None:
    for value in ("1985-02-30", "2961-04-03", "30/02/1985"):
        response = client.get("/api/v1/persons", query_string={"dateOfBirth": value})
        assert response.status_code == 400 and "dateOfBirth" in response.get_json()["errors"]


DIRTY_BODIES = (
    [
        {"dateOfBirth": value}
        for value in ("0000-00-00", "0001-01-01", "9999-12-31", "1985-99-99", "1985-13", "0000")
    ]
    + [
        {"firstName": "Ann", "nationalInsuranceNo": value}
        for value in ("***", "A", "ZZ99999999999", "ab 12 34 56 c d")
    ]
    + [{"firstName": "Ann", "postcode": value} for value in ("!!", "0", "E8 1AB E8 1AB")]
)


def test_any_dirty_value_is_an_answer_with_a_warning_never_an_error(
    client: FlaskClient, register: dict[str, str]
) -> None:
    for body in DIRTY_BODIES:
        answer = _match(client, body)
        (field,) = (key for key in body if key != "firstName")
        assert [w["field"] for w in answer["warnings"]] == [field], body
