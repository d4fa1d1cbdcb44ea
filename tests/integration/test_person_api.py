"""The person record endpoints on the real DynamoDB server, checked against the OpenAPI document."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient

from service.config import Settings
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.stored import persons

URL = "/api/v1/persons"


@pytest.fixture
def api(client: FlaskClient) -> CheckedClient:
    return CheckedClient(client)


def _create(api: CheckedClient, **overrides) -> dict:
    response = api.post(URL, json=person_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_returns_the_person_with_location_etag_and_computed_fields(
    api: CheckedClient,
) -> None:
    response = api.post(URL, json=person_body(dateOfBirth="2015-06-01"))
    person = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"{URL}/{person['id']}"
    assert response.headers["ETag"] == '"1"'
    assert uuid.UUID(person["id"]) and person["personRef"] >= 1
    assert person["versionNumber"] == 1
    assert person["isAMinor"] is True
    assert person["lastModifiedBy"] and person["createdAt"] == person["lastModified"]
    assert person["reason"] == "New tenancy sign-up"


def test_create_with_a_chosen_id_then_the_same_id_again_is_409(
    api: CheckedClient, settings: Settings
) -> None:
    chosen = str(uuid.uuid4())
    first = api.post(f"{URL}/{chosen}", json=person_body())
    assert first.status_code == 201 and first.get_json()["id"] == chosen
    again = api.post(f"{URL}/{chosen}", json=person_body(firstName="Other"))
    assert again.status_code == 409
    assert chosen in again.get_json()["detail"]
    assert [p["firstName"] for p in persons(settings)] == ["Aisha"]


def test_get_unknown_is_404_and_malformed_id_is_400(api: CheckedClient) -> None:
    missing = api.get(f"{URL}/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404
    bad = api.get(f"{URL}/not-a-uuid")
    assert bad.status_code == 400 and "not a UUID" in bad.get_json()["detail"]


def test_tenures_are_active_from_their_dates(api: CheckedClient) -> None:
    tenure = {"id": str(uuid.uuid4()), "type": "Secure", "startDate": "2020-01-01"}
    ended = {**tenure, "id": str(uuid.uuid4()), "endDate": "2021-01-01"}
    person = _create(api, tenures=[tenure, ended])
    assert [t["isActive"] for t in person["tenures"]] == [True, False]


def test_patch_changes_fields_bumps_the_version_and_records_the_reason(
    api: CheckedClient,
) -> None:
    person = _create(api)
    url = f"{URL}/{person['id']}"
    response = api.patch(
        url,
        json={"middleName": "  Ngozi ", "reason": "Name correction"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"] == '"2"'
    changed = api.get(url).get_json()
    assert changed["middleName"] == "Ngozi" and changed["versionNumber"] == 2
    assert changed["reason"] == "Name correction"
    assert changed["firstName"] == "Aisha"  # absent fields are unchanged


def test_patch_null_clears_an_optional_field_but_not_a_required_one(api: CheckedClient) -> None:
    person = _create(api)
    url = f"{URL}/{person['id']}"
    cleared = api.patch(url, json={"dateOfBirth": None}, headers={"If-Match": '"1"'})
    assert cleared.status_code == 200
    assert cleared.get_json()["dateOfBirth"] is None and cleared.get_json()["isAMinor"] is None
    refused = api.patch(url, json={"surname": None}, headers={"If-Match": '"2"'})
    assert refused.status_code == 400
    assert "surname" in refused.get_json()["errors"]
    assert api.get(url).get_json()["surname"] == "Okonkwo"


def test_patch_that_clears_the_title_of_a_tenant_is_refused(api: CheckedClient) -> None:
    person = _create(api)
    url = f"{URL}/{person['id']}"
    refused = api.patch(url, json={"title": None}, headers={"If-Match": '"1"'})
    assert refused.status_code == 400 and "title" in refused.get_json()["errors"]
    stored = api.get(url)
    assert stored.get_json()["title"] == "Ms" and stored.headers["ETag"] == '"1"'


def test_patch_that_changes_nothing_keeps_the_version(api: CheckedClient) -> None:
    person = _create(api)
    url = f"{URL}/{person['id']}"
    same = api.patch(
        url,
        json={"firstName": " Aisha ", "nationalInsuranceNo": "AB123456C"},
        headers={"If-Match": '"1"'},
    )
    assert same.status_code == 200 and same.headers["ETag"] == '"1"'
    assert api.get(url).get_json()["lastModified"] == person["lastModified"]


def test_patch_needs_if_match_and_refuses_a_stale_one(api: CheckedClient) -> None:
    person = _create(api)
    url = f"{URL}/{person['id']}"
    missing = api.patch(url, json={"firstName": "Ayesha"})
    assert missing.status_code == 428
    api.patch(url, json={"firstName": "Ayesha"}, headers={"If-Match": '"1"'})
    stale = api.patch(url, json={"firstName": "Aiesha"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    unreadable = api.patch(url, json={"firstName": "Aiesha"}, headers={"If-Match": "*"})
    assert unreadable.status_code == 400
    assert api.get(url).get_json()["firstName"] == "Ayesha"


def test_patch_of_unknown_person_is_404(api: CheckedClient) -> None:
    response = api.patch(
        f"{URL}/{uuid.uuid4()}", json={"firstName": "X"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 404


def test_delete_erases_and_leaves_a_tombstone_without_personal_data(
    api: CheckedClient, settings: Settings
) -> None:
    person = _create(api)
    url = f"{URL}/{person['id']}"
    stale = api.delete(url, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert api.delete(url, headers={"If-Match": '"1"'}).status_code == 204
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404
    assert api.patch(url, json={"firstName": "X"}, headers={"If-Match": '"2"'}).status_code == 404
    [tombstone] = persons(settings)
    assert set(tombstone) == {"id", "isDeleted", "versionNumber", "deletedAt", "deletedBy"}


def test_an_erased_id_can_be_created_again_at_a_higher_version(api: CheckedClient) -> None:
    person = _create(api)
    url = f"{URL}/{person['id']}"
    api.delete(url)
    again = api.post(url, json=person_body(firstName="Bola"))
    assert again.status_code == 201 and again.headers["ETag"] == '"3"'


def test_the_openapi_document_describes_every_person_endpoint_with_headers_and_problems(
    api: CheckedClient,
) -> None:
    paths = api.openapi.document["paths"]
    operations = {
        f"{URL}": ["post"],
        f"{URL}/{{person_id}}": ["get", "post", "patch", "delete"],
        f"{URL}/by-reference/{{system}}/{{reference}}": ["get"],
        f"{URL}/{{person_id}}/history": ["get"],
        f"{URL}/{{person_id}}/extended/{{service_area}}": ["get", "put"],
    }
    for path, methods in operations.items():
        for method in methods:
            responses = paths[path][method]["responses"]
            errors = [status for status in responses if status.isdigit() and status >= "400"]
            assert errors, (method, path)
            for status in errors:
                assert "application/problem+json" in responses[status]["content"], (path, status)
    assert set(paths[URL]["post"]["responses"]["201"]["headers"]) == {"ETag", "Location"}
    assert "ETag" in paths[f"{URL}/{{person_id}}"]["get"]["responses"]["200"]["headers"]
    patch = paths[f"{URL}/{{person_id}}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
