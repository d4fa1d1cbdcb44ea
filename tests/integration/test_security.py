"""Authentication, roles and response hardening against the real app and servers."""

from __future__ import annotations

from flask.testing import FlaskClient

from service import clients
from service.config import Settings
from tests.integration.auth import bearer
from tests.integration.openapi import problem_body
from tests.integration.people import person_body


def test_missing_token_is_401_with_a_bearer_challenge(client: FlaskClient) -> None:
    response = client.post("/api/v1/persons", json=person_body(), headers={"Authorization": ""})
    body = problem_body(response, 401)
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert "Authorization" in body["detail"]


def test_tampered_token_is_401_and_nothing_is_written(
    client: FlaskClient, settings: Settings
) -> None:
    token = bearer()
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    problem_body(
        client.post("/api/v1/persons", json=person_body(), headers={"Authorization": forged}), 401
    )
    # The system of record itself: the index would be empty anyway without the indexer.
    stored = clients.dynamodb_client(settings).scan(
        TableName=settings.persons_table, Select="COUNT"
    )
    assert stored["Count"] == 0
    # The same body with the real token is written, so the count above could have been 1.
    assert client.post("/api/v1/persons", json=person_body()).status_code == 201


def test_reader_may_read_but_not_write_or_delete(client: FlaskClient) -> None:
    person = client.post("/api/v1/persons", json=person_body()).get_json()
    reader = {"Authorization": bearer(["person-index-read"])}
    url = f"/api/v1/persons/{person['id']}"
    assert client.get(url, headers=reader).status_code == 200
    body = problem_body(client.post("/api/v1/persons", json=person_body(), headers=reader), 403)
    assert "'write'" in body["detail"]
    problem_body(
        client.patch(url, json={"firstName": "Ann"}, headers={**reader, "If-Match": '"1"'}), 403
    )
    problem_body(client.delete(url, headers=reader), 403)
    assert client.get(url, headers=reader).get_json()["firstName"] == "Aisha"


def test_writer_may_not_erase_but_admin_may(client: FlaskClient) -> None:
    person = client.post("/api/v1/persons", json=person_body()).get_json()
    url = f"/api/v1/persons/{person['id']}"
    problem_body(client.delete(url, headers={"Authorization": bearer(["person-index-write"])}), 403)
    admin = {"Authorization": bearer(["person-index-admin"])}
    assert client.delete(url, headers=admin).status_code == 204


def test_token_without_any_known_group_is_403(client: FlaskClient) -> None:
    problem_body(
        client.get(
            "/api/v1/persons",
            query_string={"firstName": "x"},
            headers={"Authorization": bearer(["some-other-app"])},
        ),
        403,
    )


def test_writer_identity_is_recorded_as_last_modified_by(client: FlaskClient) -> None:
    headers = {
        "Authorization": bearer(["person-index-write"], subject="officer.ola@example.council")
    }
    person = client.post("/api/v1/persons", json=person_body(), headers=headers).get_json()
    assert person["lastModifiedBy"] == "officer.ola@example.council"


def test_health_and_docs_are_public(client: FlaskClient) -> None:
    no_token = {"Authorization": ""}
    assert client.get("/api/v1/healthcheck", headers=no_token).status_code == 200
    assert client.get("/api/v1/openapi.json", headers=no_token).status_code == 200
    assert client.get("/api/v1/docs", headers=no_token).status_code == 200


def test_openapi_document_declares_bearer_auth(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]


def test_security_headers_and_closed_cors(client: FlaskClient) -> None:
    response = client.get(
        "/api/v1/persons",
        query_string={"firstName": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in response.headers


def test_errors_never_carry_a_stack_trace(client: FlaskClient) -> None:
    response = client.get("/api/v1/persons/not-a-uuid")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Traceback" not in text and 'File "' not in text


def test_one_service_areas_extended_data_is_closed_to_every_other_caller(
    client: FlaskClient,
) -> None:
    person = client.post("/api/v1/persons", json=person_body()).get_json()
    care_url = f"/api/v1/persons/{person['id']}/extended/socialcare"
    care = {"Authorization": bearer(["person-index-write", "person-index-socialcare"])}
    housing = {"Authorization": bearer(["person-index-admin", "person-index-housing"])}
    assert client.put(care_url, json={"plan": "weekly visit"}, headers=care).status_code == 200

    for method in (client.get, client.put):
        kwargs = {"json": {"plan": "overwritten"}} if method == client.put else {}
        body = problem_body(method(care_url, headers=housing, **kwargs), 403)
        assert "weekly visit" not in str(body)
    assert client.get(care_url, headers=care).get_json()["data"] == {"plan": "weekly visit"}
    core = client.get(f"/api/v1/persons/{person['id']}", headers=care).get_data(as_text=True)
    assert "weekly visit" not in core


def test_a_service_areas_link_is_shown_only_to_that_area(client: FlaskClient) -> None:
    refs = [
        {"system": "socialcare", "reference": "SC-77"},
        {"system": "tenures", "reference": "T-1"},
    ]
    person = client.post("/api/v1/persons", json=person_body(crossReferences=refs)).get_json()
    url = f"/api/v1/persons/{person['id']}"

    def services(groups: list[str]) -> list[str]:
        body = client.get(url, headers={"Authorization": bearer(groups)}).get_json()
        return sorted(link["service"] for link in body["links"])

    assert services(["person-index-read"]) == ["Tenures"]
    assert services(["person-index-read", "person-index-socialcare"]) == [
        "Social care case",
        "Tenures",
    ]


def test_hostile_if_match_values_are_400_not_500(client: FlaskClient) -> None:
    person = client.post("/api/v1/persons", json=person_body()).get_json()
    url = f"/api/v1/persons/{person['id']}"
    for value in ('W/"1"', '"²"', '""', '"1", "2"', '"99999999999999999999999"', "*"):
        response = client.patch(url, json={"middleName": "Jo"}, headers={"If-Match": value})
        assert response.status_code == 400, value
        problem_body(client.delete(url, headers={"If-Match": value}), 400)
    assert client.get(url).headers["ETag"] == '"1"'


def test_an_unexpected_failure_is_a_bare_500problem_body(
    app, client: FlaskClient, monkeypatch
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does, not re-raise
    backends = app.extensions["person_index"]

    def broken(person_id: str) -> dict:
        raise RuntimeError("internal detail: table Persons-x on host db-7")

    monkeypatch.setattr(backends.persons, "get", broken)
    response = client.get("/api/v1/persons/6f1c2b1e-8d3a-4f5e-9a7b-0c1d2e3f4a5b")
    body = problem_body(response, 500)
    text = response.get_data(as_text=True)
    assert "internal detail" not in text and "Traceback" not in text and "db-7" not in text
    assert body["detail"] == "The service failed to handle the request."
