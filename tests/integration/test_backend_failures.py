"""What the API answers when a backend fails: an outage is a 503 the caller may retry; a request
the backend refuses (a bug or a misconfiguration) is a logged 500, never "try again shortly"."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from devstack.processes import ManagedProcess, dynamodb_server, free_port
from service import clients
from service.app import create_app
from service.bootstrap import ensure_tables
from service.config import REPO_ROOT, Settings
from tests.integration.conftest import AuthenticatedClient
from tests.integration.openapi import problem_body
from tests.integration.people import person_body

PERSON = "/api/v1/persons"


def _client(settings: Settings) -> FlaskClient:
    app: Flask = create_app(settings)
    app.test_client_class = AuthenticatedClient
    return app.test_client()


def _unavailable(response) -> None:
    body = problem_body(response, 503)
    assert "temporarily unavailable" in body["detail"]
    assert response.headers["Retry-After"] == "5"


class _Records(logging.Handler):
    """Keeps the records of one logger (create_app replaces the root logger's handlers)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def problem_log() -> Iterator[_Records]:
    """Error records of the API's problem handlers."""
    handler = _Records()
    logger = logging.getLogger("service.api.problems")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _refused(response, problem_log: _Records, logged: str) -> None:
    body = problem_body(response, 500)
    assert body["detail"] == "The service failed to handle the request."
    assert "Retry-After" not in response.headers
    errors = [str(getattr(record, "error", "")) for record in problem_log.records]
    assert any(logged in error for error in errors), errors


@pytest.fixture
def own_dynamodb(settings: Settings) -> Iterator[tuple[Settings, ManagedProcess]]:
    """Settings whose DynamoDB is a server of this test's own, which the test may stop."""
    port = free_port()
    server = dynamodb_server(port, REPO_ROOT / ".run" / "test-logs" / f"dynamodb-{port}.log")
    server.start()
    try:
        own = replace(settings, dynamodb_endpoint=f"http://127.0.0.1:{port}")
        ensure_tables(clients.dynamodb_client(own), own)
        yield own, server
    finally:
        server.stop()


def test_dynamodb_going_away_is_a_503_the_caller_may_retry(
    own_dynamodb: tuple[Settings, ManagedProcess],
) -> None:
    settings, server = own_dynamodb
    client = _client(settings)
    person = client.post(PERSON, json=person_body()).get_json()
    assert client.get(f"{PERSON}/{person['id']}").status_code == 200

    server.stop()

    _unavailable(client.get(f"{PERSON}/{person['id']}"))
    _unavailable(client.post(PERSON, json=person_body()))
    _unavailable(client.patch(f"{PERSON}/{person['id']}", json={}, headers={"If-Match": '"1"'}))
    _unavailable(client.get(f"{PERSON}/{person['id']}/history"))
    health = client.get("/api/v1/healthcheck")
    assert health.status_code == 503
    checks = {check["name"]: check["status"] for check in health.get_json()["checks"]}
    assert checks["dynamodb"] == "down"


def test_opensearch_unreachable_is_a_503(settings: Settings) -> None:
    client = _client(replace(settings, opensearch_url=f"http://127.0.0.1:{free_port()}"))
    _unavailable(client.get(PERSON, query_string={"surname": "Okonkwo"}))
    _unavailable(client.post(f"{PERSON}/matches", json={"surname": "Okonkwo"}))
    health = client.get("/api/v1/healthcheck")
    assert health.status_code == 503
    checks = {check["name"]: check["status"] for check in health.get_json()["checks"]}
    assert checks == {"dynamodb": "up", "opensearch": "down", "indexer": "up"}


def test_a_dynamodb_validation_exception_is_a_logged_500(
    settings: Settings, problem_log: _Records
) -> None:
    """A table whose key is not the one the store writes (a misconfiguration) makes DynamoDB
    answer ValidationException: the service's fault, not an outage."""
    client = _client(replace(settings, persons_table=settings.history_table))
    response = client.get(f"{PERSON}/{uuid.uuid4()}")
    _refused(response, problem_log, "DynamoDB refused PersonStore.get: ValidationException")


def test_an_opensearch_400_is_a_logged_500(
    client: FlaskClient,
    settings: Settings,
    search_client: OpenSearch,
    problem_log: _Records,
) -> None:
    """An index that refuses the pages the service asks for (a result window smaller than a
    page) answers 400 to the search and to each candidate query of the duplicate check."""
    search_client.indices.put_settings(
        index=settings.opensearch_alias, body={"index": {"max_result_window": 1}}
    )
    searched = client.get(PERSON, query_string={"surname": "Okonkwo"})
    _refused(searched, problem_log, "OpenSearch refused PersonSearcher.search: 400")
    problem_log.records.clear()
    matched = client.post(f"{PERSON}/matches", json={"surname": "Okonkwo"})
    _refused(matched, problem_log, "OpenSearch refused PersonSearcher.candidate_hits: 400")
