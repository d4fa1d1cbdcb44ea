"""Every error leaves the API as application/problem+json (RFC 9457), never as a stack trace."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from service.api.schemas import ProblemSchema
from service.persons import InvalidPerson
from service.search.errors import SearchRefused, SearchUnavailable
from service.store.errors import (
    PersonAlreadyExists,
    PersonNotFound,
    StoreRequestRefused,
    StoreUnavailable,
    VersionConflict,
)

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    detail: str,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _invalid_fields_detail(errors: dict[str, Any]) -> str:
    return "Some fields are not valid: " + ", ".join(sorted(map(str, errors)))


def validation_problem(errors: dict[str, Any]) -> Response:
    """A 400 problem naming every invalid field, with its messages."""
    return problem(400, _invalid_fields_detail(errors), errors)


_DEFAULT_DETAIL = {
    400: "The request is not valid.",
    404: "No such resource.",
    405: "This method is not allowed on this resource.",
    413: "The request body is too large.",
    415: "The body must be application/json.",
    422: "The request is not valid.",
    500: "The service failed to handle the request.",
}


class ProblemApi(Api):
    """flask-smorest's Api with errors rendered, and documented, as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """Document every error status (and the default error) as a problem+json body."""
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        if errors and set(errors) <= {"json", "query", "headers", "view_args"}:
            # webargs nests messages by location; one location at a time is all a request has.
            errors = next(iter(errors.values()))
        if isinstance(errors, list):  # a body-level message such as "Invalid JSON body."
            data = {**data, "message": data.get("message") or " ".join(map(str, errors))}
            errors = None
        if status == 422:
            status = 400  # validation failures are bad requests in this API's contract
        detail = data.get("message")
        if detail is None:
            if errors:
                detail = _invalid_fields_detail(errors)
            elif status >= 500:
                detail = _DEFAULT_DETAIL[500]
            else:
                detail = _DEFAULT_DETAIL.get(status) or error.description or ""
        return problem(status, detail, errors, data.get("headers"))


def register_domain_errors(app: Flask) -> None:
    """Map the domain's and the backends' exceptions to HTTP statuses."""

    @app.errorhandler(PersonNotFound)
    def _not_found(exc: PersonNotFound) -> Response:
        return problem(404, str(exc))

    @app.errorhandler(PersonAlreadyExists)
    def _exists(exc: PersonAlreadyExists) -> Response:
        return problem(409, str(exc))

    @app.errorhandler(VersionConflict)
    def _stale(exc: VersionConflict) -> Response:
        headers = {"ETag": f'"{exc.current_version}"'} if exc.current_version else None
        return problem(412, f"{exc} (If-Match is stale: read the person again)", headers=headers)

    @app.errorhandler(InvalidPerson)
    def _invalid(exc: InvalidPerson) -> Response:
        return validation_problem(exc.errors)

    @app.errorhandler(SearchUnavailable)
    def _search_down(exc: SearchUnavailable) -> Response:
        log.warning("search backend unavailable", extra={"error": str(exc)})
        return problem(
            503,
            "Search is temporarily unavailable; try again shortly.",
            headers={"Retry-After": "5"},
        )

    @app.errorhandler(StoreUnavailable)
    def _store_down(exc: StoreUnavailable) -> Response:
        log.error("person store unavailable", extra={"error": str(exc)})
        return problem(
            503,
            "The person store is temporarily unavailable; try again shortly.",
            headers={"Retry-After": "5"},
        )

    # A refused request is the service's own fault (a bug or a misconfiguration), not an outage:
    # a 500 that names nothing internal, logged with the operation and the backend's error code.
    @app.errorhandler(SearchRefused)
    @app.errorhandler(StoreRequestRefused)
    def _refused(exc: SearchRefused | StoreRequestRefused) -> Response:
        log.error("a backend refused the service's request", extra={"error": str(exc)})
        return problem(500, _DEFAULT_DETAIL[500])
