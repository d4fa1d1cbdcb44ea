"""The council's original Person API contract (issue 11, point 1): its payloads are accepted.

Empty strings are absent, vocabularies ignore case, read-only fields are accepted and ignored,
links carry {rel, href, type}, and malformed requests are 400, 413 or 415, never a 500.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from tests.integration.conftest import AuthenticatedClient
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.stored import persons

URL = "/api/v1/persons"
ORIGINAL_EXAMPLE: dict[str, Any] = {
    "title": "Mr",
    "firstName": "Mehdi",
    "middleName": "",
    "surname": "Kimakhe",
    "preferredTitle": "Mr",
    "preferredFirstName": "Mehdi",
    "preferredMiddleName": "",
    "preferredSurname": "Kimakhe",
    "placeOfBirth": "Rabat",
    "dateOfBirth": "1989-10-11",
    "dateOfDeath": "2021-10-11",
    "personTypes": ["Tenant"],
    "tenures": [
        {
            "id": "6f22e9ae3e8a4e0eaf46db02eb87f8e6",
            "type": "SECURE",
            "startDate": "2021-01-12",
            "endDate": "2021-07-23",
            "assetFullAddress": "1 Hillman St, Hackney, E8 1DY",
            "assetId": "6f22e9ae3e8a4e0eaf46db02eb87f8e6",
            "uprn": "1234567890",
            "isActive": False,
            "paymentReference": "string",
            "propertyReference": "string",
        }
    ],
    "reason": "New tenant to Hackney's system",
    "links": [
        {
            "href": "http://vulnerabilities/TWVoZGlLaW1ha2hlCg==",
            "rel": "vulnerabilities",
            "type": "GET",
        }
    ],
}


@pytest.fixture
def api(client: FlaskClient) -> CheckedClient:
    return CheckedClient(client)


def test_the_original_contracts_example_creates_a_person(
    api: CheckedClient, settings: Settings
) -> None:
    response = api.post(URL, json=ORIGINAL_EXAMPLE)

    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert person["middleName"] is None and person["preferredMiddleName"] is None
    assert person["surname"] == "Kimakhe" and person["personTypes"] == ["Tenant"]
    tenure = person["tenures"][0]
    assert tenure["id"] == "6f22e9ae-3e8a-4e0e-af46-db02eb87f8e6"
    assert tenure["type"] == "SECURE"
    assert tenure["isActive"] is False  # computed from the dates, whatever was sent
    assert person["links"] == []  # the service computes links; the sent ones are ignored
    (stored,) = persons(settings)
    assert "middleName" not in stored and "links" not in stored
    assert "isActive" not in stored["tenures"][0]


def test_blank_optional_fields_are_absent_and_a_blank_patch_clears(api: CheckedClient) -> None:
    body = person_body(
        middleName="  ",
        gender="",
        nationalInsuranceNo="",
        dateOfDeath="",
        addresses=[{"fullAddress": "2 Mare St", "postcode": "", "uprn": "", "type": ""}],
    )
    created = api.post(URL, json=body)
    assert created.status_code == 201, created.get_json()
    person = created.get_json()
    assert person["middleName"] is None and person["gender"] is None
    assert person["nationalInsuranceNo"] is None and person["dateOfDeath"] is None
    assert person["addresses"] == [{"fullAddress": "2 Mare St", "isCurrent": True}]

    named = api.patch(
        f"{URL}/{person['id']}", json={"middleName": "Zara"}, headers={"If-Match": '"1"'}
    )
    cleared = api.patch(
        f"{URL}/{person['id']}", json={"middleName": ""}, headers={"If-Match": '"2"'}
    )

    assert named.get_json()["middleName"] == "Zara"
    assert cleared.status_code == 200 and cleared.get_json()["middleName"] is None


def test_blank_required_fields_are_still_refused(api: CheckedClient) -> None:
    response = api.post(URL, json=person_body(firstName="", reason=" "))

    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"firstName", "reason"}


def test_vocabularies_ignore_case_and_keep_their_own_spelling(api: CheckedClient) -> None:
    body = person_body(title="mR", preferredTitle="DR", personTypes=["TENANT", "landlord"])

    person = api.post(URL, json=body).get_json()

    assert (person["title"], person["preferredTitle"]) == ("Mr", "Dr")
    assert person["personTypes"] == ["Tenant", "Landlord"]


def test_a_client_may_send_back_what_it_read(api: CheckedClient, settings: Settings) -> None:
    created = api.post(URL, json=person_body(tenures=ORIGINAL_EXAMPLE["tenures"])).get_json()
    read = api.get(f"{URL}/{created['id']}").get_json()

    again = api.patch(f"{URL}/{created['id']}", json=read, headers={"If-Match": '"1"'})
    renamed = api.patch(
        f"{URL}/{created['id']}",
        json={**read, "firstName": "Ayesha", "versionNumber": 99, "personRef": 7},
        headers={"If-Match": '"1"'},
    )

    assert again.status_code == 200, again.get_json()
    assert again.get_json()["versionNumber"] == 1  # nothing it owns was taken from the body
    assert renamed.status_code == 200
    assert (renamed.get_json()["versionNumber"], renamed.get_json()["personRef"]) == (
        2,
        created["personRef"],
    )
    (stored,) = persons(settings)
    assert not {"links", "isAMinor"} & set(stored)


def test_a_body_id_must_be_the_paths(api: CheckedClient) -> None:
    created = api.post(URL, json=person_body()).get_json()
    other = "0b8c3a52-8f7e-4c43-9d53-0f52a4a7e1a1"

    on_create = api.post(URL, json=person_body(id=other))
    on_patch = api.patch(f"{URL}/{created['id']}", json={"id": other}, headers={"If-Match": '"1"'})
    chosen = api.post(f"{URL}/{other}", json=person_body(id=other.replace("-", "").upper()))

    assert on_create.status_code == 400 and "id" in on_create.get_json()["errors"]
    assert on_patch.status_code == 400 and "id" in on_patch.get_json()["errors"]
    assert chosen.status_code == 201 and chosen.get_json()["id"] == other


def test_a_trailing_slash_answers_like_the_collection(
    api: CheckedClient, client: FlaskClient, index_all: Any
) -> None:
    api.post(URL, json=person_body())
    index_all()

    plain = client.get(f"{URL}?surname=Okonkwo")
    slashed = client.get(f"{URL}/?surname=Okonkwo")

    assert slashed.status_code == plain.status_code == 200
    assert slashed.get_json()["results"] == plain.get_json()["results"]
    assert len(plain.get_json()["results"]) == 1


def test_an_unknown_query_parameter_is_a_400_naming_it(api: CheckedClient) -> None:
    person = api.post(URL, json=person_body()).get_json()

    on_read = api.get(f"{URL}/{person['id']}?expand=tenures")
    on_search = api.client.get(f"{URL}?surname=Okonkwo&sort=name&colour=red")

    assert on_read.status_code == 400
    assert set(on_read.get_json()["errors"]) == {"expand"}
    assert on_search.status_code == 400
    assert set(on_search.get_json()["errors"]) == {"colour", "sort"}
    assert "colour" in on_search.get_json()["detail"]


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/xml"],
)
def test_a_body_that_is_not_json_is_415(
    api: CheckedClient, settings: Settings, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}

    response = api.post(URL, data=json.dumps(person_body()), headers=headers)

    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert persons(settings) == []


def test_deeply_nested_json_is_a_400_not_a_500(api: CheckedClient, settings: Settings) -> None:
    brackets = "[" * 5000 + "]" * 5000
    nested_in_a_field = json.dumps(person_body())[:-1] + f', "links": {brackets}}}'

    for body in (brackets, nested_in_a_field):
        response = api.post(URL, data=body, content_type="application/json")
        assert response.status_code == 400, response.get_json()
        assert "nested" in response.get_json()["detail"]
    assert persons(settings) == []


def test_brackets_inside_strings_do_not_count_as_nesting(api: CheckedClient) -> None:
    response = api.post(URL, json=person_body(reason="[" * 200 + "{" * 200))

    assert response.status_code == 201


def test_an_oversized_body_is_413(api: CheckedClient, settings: Settings) -> None:
    body = json.dumps(person_body(reason="x" * (settings.max_body_bytes + 1)))

    response = api.post(URL, data=body, content_type="application/json")

    assert response.status_code == 413
    assert persons(settings) == []


def test_person_types_come_from_configuration(settings: Settings) -> None:
    app: Flask = create_app(replace(settings, person_types=("Tenant", "Councillor")))
    app.test_client_class = AuthenticatedClient
    api = CheckedClient(app.test_client())

    councillor = api.post(URL, json=person_body(personTypes=["councillor"]))
    landlord = api.post(URL, json=person_body(personTypes=["Landlord"]))

    assert councillor.status_code == 201 and councillor.get_json()["personTypes"] == ["Councillor"]
    assert landlord.status_code == 400 and "personTypes" in landlord.get_json()["errors"]
    schema = api.openapi.document["components"]["schemas"]["PersonCreate"]
    assert schema["properties"]["personTypes"]["items"]["enum"] == ["Tenant", "Councillor"]


def test_the_default_vocabulary_holds_the_councils_other_contacts(api: CheckedClient) -> None:
    for person_type in ("Landlord", "ManagingAgent", "TMOContact"):
        response = api.post(URL, json=person_body(personTypes=[person_type]))
        assert response.status_code == 201, response.get_json()


def test_read_only_fields_are_marked_in_the_openapi_document(api: CheckedClient) -> None:
    schemas = api.openapi.document["components"]["schemas"]
    person = schemas["PersonCreate"]["properties"]
    patch = schemas["PersonPatch"]["properties"]

    for name in ("id", "personRef", "versionNumber", "links", "isAMinor", "createdAt"):
        assert person[name]["readOnly"] is True and patch[name]["readOnly"] is True
    assert schemas["Tenure"]["properties"]["isActive"]["readOnly"] is True
    assert "readOnly" not in person["firstName"]
    assert {"rel", "href", "type"} <= set(schemas["LinkOut"]["properties"])
