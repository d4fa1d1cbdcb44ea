"""Every validation rule of a person: 400 problem+json naming the field, and nothing stored."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.config import Settings
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.stored import persons, table_items

URL = "/api/v1/persons"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
DROP = None  # person_body drops a field given None


@pytest.fixture
def api(client: FlaskClient) -> CheckedClient:
    return CheckedClient(client)


def _nothing_stored(settings: Settings) -> None:
    assert persons(settings) == []
    assert table_items(settings, settings.cross_references_table) == []


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("firstName required", {"firstName": DROP}, "firstName"),
    ("surname required", {"surname": DROP}, "surname"),
    ("personTypes required", {"personTypes": DROP}, "personTypes"),
    ("personTypes not empty", {"personTypes": []}, "personTypes"),
    ("reason required", {"reason": DROP}, "reason"),
    ("title required for a tenant", {"title": DROP}, "title"),
    ("title exact enum", {"title": "Sir"}, "title"),
    ("preferredTitle enum", {"preferredTitle": "Lord"}, "preferredTitle"),
    ("personTypes enum", {"personTypes": ["Lodger"]}, "personTypes"),
    ("personTypes a list", {"personTypes": "Tenant"}, "personTypes"),
    ("name empty after trim", {"firstName": "   "}, "firstName"),
    ("name too long", {"surname": "x" * 101}, "surname"),
    ("name control character", {"firstName": "Ai\tsha"}, "firstName"),
    ("name format character", {"middleName": "Ai\u200bsha"}, "middleName"),
    ("name not a string", {"firstName": 7}, "firstName"),
    ("dateOfBirth real date", {"dateOfBirth": "2023-02-30"}, "dateOfBirth"),
    ("dateOfBirth format", {"dateOfBirth": "15/03/1984"}, "dateOfBirth"),
    ("dateOfBirth not future", {"dateOfBirth": TOMORROW}, "dateOfBirth"),
    ("dateOfBirth not before 1900", {"dateOfBirth": "1899-12-31"}, "dateOfBirth"),
    ("dateOfDeath not before birth", {"dateOfDeath": "1984-03-14"}, "dateOfDeath"),
    ("dateOfDeath not future", {"dateOfDeath": TOMORROW}, "dateOfDeath"),
    ("NI first letter D", {"nationalInsuranceNo": "DA123456C"}, "nationalInsuranceNo"),
    ("NI second letter O", {"nationalInsuranceNo": "AO123456C"}, "nationalInsuranceNo"),
    ("NI prefix GB", {"nationalInsuranceNo": "GB123456A"}, "nationalInsuranceNo"),
    ("NI five digits", {"nationalInsuranceNo": "AB12345C"}, "nationalInsuranceNo"),
    ("NI suffix E", {"nationalInsuranceNo": "AB123456E"}, "nationalInsuranceNo"),
    (
        "one primary language",
        {"languages": [{"language": "English", "isPrimary": True}] * 2},
        "languages",
    ),
    ("unknown field", {"favouriteColour": "blue"}, "favouriteColour"),
    (
        "unknown nested field",
        {"addresses": [{"fullAddress": "1 High St", "colour": "red"}]},
        "addresses",
    ),
    ("postcode", {"addresses": [{"fullAddress": "1 High St", "postcode": "XYZ"}]}, "addresses"),
    (
        "cross reference listed twice",
        {"crossReferences": [{"system": "tenures", "reference": "T1"}] * 2},
        "crossReferences",
    ),
    (
        "too many cross references",
        {"crossReferences": [{"system": "s", "reference": f"R{n}"} for n in range(26)]},
        "crossReferences",
    ),
    ("reason too long", {"reason": "x" * 501}, "reason"),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [case[1:] for case in BAD_BODIES],
    ids=[case[0] for case in BAD_BODIES],
)
def test_invalid_create_is_400_naming_the_field_and_stores_nothing(
    api: CheckedClient, settings: Settings, overrides: dict[str, Any], field: str
) -> None:
    response = api.post(URL, json=person_body(**overrides))
    assert response.status_code == 400, response.get_json()
    problem = response.get_json()
    assert problem["status"] == 400 and problem["title"] == "Bad Request"
    assert field in problem["errors"], problem
    assert field in problem["detail"]
    _nothing_stored(settings)


def test_malformed_json_is_400_problem(api: CheckedClient, settings: Settings) -> None:
    response = api.post(URL, data='{"firstName": "Aisha",', content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "JSON" in response.get_json()["detail"]
    _nothing_stored(settings)


def test_a_json_array_is_not_a_person(api: CheckedClient, settings: Settings) -> None:
    response = api.post(URL, json=[person_body()])
    assert response.status_code == 400
    _nothing_stored(settings)


def test_body_over_the_size_limit_is_413_problem(api: CheckedClient, settings: Settings) -> None:
    big = person_body(communicationRequirements=["x" * 200] * 400)  # about 80 KB
    response = api.post(URL, json=big)
    assert response.status_code == 413
    assert response.get_json()["status"] == 413
    _nothing_stored(settings)


def test_accepted_values_are_normalised(api: CheckedClient) -> None:
    response = api.post(
        URL,
        json=person_body(
            firstName="  Mary   Jane ",
            nationalInsuranceNo="ab-12 34.56",
            dateOfBirth="1900-01-01",
            dateOfDeath="1980-05-05",
            languages=[{"language": "English", "isPrimary": True}, {"language": "Somali"}],
            addresses=[{"fullAddress": "1 High St", "postcode": "e8 1dy"}],
        ),
    )
    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert person["firstName"] == "Mary Jane"
    assert person["nationalInsuranceNo"] == "AB123456"
    assert person["addresses"][0]["postcode"] == "E8 1DY"
    assert person["isAMinor"] is False


def test_officers_need_no_title(api: CheckedClient) -> None:
    response = api.post(
        URL, json=person_body(title=DROP, personTypes=["HousingOfficer", "HousingAreaManager"])
    )
    assert response.status_code == 201, response.get_json()
    mixed = api.post(URL, json=person_body(title=DROP, personTypes=["HousingOfficer", "Tenant"]))
    assert mixed.status_code == 400 and "title" in mixed.get_json()["errors"]


PATCH_BAD: list[tuple[str, dict[str, Any], str]] = [
    ("unknown field", {"nickname": "Ash"}, "nickname"),
    ("death before birth", {"dateOfDeath": "1980-01-01"}, "dateOfDeath"),
    (
        "birth after death",
        {"dateOfBirth": "2001-01-01", "dateOfDeath": "2000-01-01"},
        "dateOfDeath",
    ),
    ("required null", {"personTypes": None}, "personTypes"),
    ("reason null", {"reason": None}, "reason"),
    (
        "second primary language",
        {"languages": [{"language": "A", "isPrimary": True}] * 2},
        "languages",
    ),
    ("empty person types", {"personTypes": []}, "personTypes"),
]


@pytest.mark.parametrize(
    ("changes", "field"), [case[1:] for case in PATCH_BAD], ids=[case[0] for case in PATCH_BAD]
)
def test_invalid_patch_is_400_and_changes_nothing(
    api: CheckedClient, settings: Settings, changes: dict[str, Any], field: str
) -> None:
    person = api.post(URL, json=person_body()).get_json()
    response = api.patch(f"{URL}/{person['id']}", json=changes, headers={"If-Match": '"1"'})
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["errors"]
    [stored] = persons(settings)
    assert stored["versionNumber"] == 1 and stored == {
        **stored,
        **{k: v for k, v in person.items() if k in stored},
    }
