"""X-Request-Id: the caller's id (when sane) comes back on the response and on the request's log
line; anything else is replaced by a fresh id, so a log line never carries a caller's text."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from service.api.request_logs import REQUEST_ID_HEADER, RequestIdFilter

PERSONS = "/api/v1/persons"


class _Lines(logging.Handler):
    """The request log lines, with the request id the app's filter adds to every record."""

    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.request_ids: list[str | None] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.request_ids.append(getattr(record, "requestId", None))


@pytest.fixture
def request_lines() -> Iterator[_Lines]:
    handler = _Lines()
    logger = logging.getLogger("service.requests")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def test_the_callers_request_id_comes_back_and_is_logged(
    client: FlaskClient, request_lines: _Lines
) -> None:
    sent = "case-7f3a-20261127"
    response = client.get(f"{PERSONS}/{uuid.uuid4()}", headers={REQUEST_ID_HEADER: sent})
    assert response.status_code == 404  # an error answer carries it too
    assert response.headers[REQUEST_ID_HEADER] == sent
    assert request_lines.request_ids == [sent]


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one(
    client: FlaskClient, request_lines: _Lines
) -> None:
    for sent in (None, "", "a" * 65, "has spaces", 'quote"d', "line\\nbreak", "ünïcode"):
        request_lines.request_ids.clear()
        headers = {} if sent is None else {REQUEST_ID_HEADER: sent}
        first = client.get("/api/v1/healthcheck", headers=headers).headers[REQUEST_ID_HEADER]
        second = client.get("/api/v1/healthcheck", headers=headers).headers[REQUEST_ID_HEADER]
        assert uuid.UUID(first) and uuid.UUID(second), sent
        assert first != second
        assert request_lines.request_ids == [first, second]
