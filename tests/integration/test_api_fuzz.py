"""schemathesis against the app's own OpenAPI document: generated requests for every operation,
authorised, against the real servers. No response may be a 5xx or stray from the document."""

from __future__ import annotations

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.auth import bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


def test_every_operation_answers_within_its_documented_contract(app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # every documented operation is exercised, not a few
    authorised = {"Authorization": bearer()}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=authorised, checks=CHECKS)

        exercise()
