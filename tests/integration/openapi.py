"""Check responses against the app's own OpenAPI document: status, content type, headers, body."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_document
from werkzeug.test import TestResponse

PROBLEM_JSON = "application/problem+json"


def problem_body(response: TestResponse, status: int) -> dict[str, Any]:
    """The problem+json body of a response that must have `status`."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body = response.get_json()
    assert body["status"] == status
    return body


class OpenApiDocument:
    """The document served at /api/v1/openapi.json, validated once, with its path templates."""

    def __init__(self, document: dict[str, Any]) -> None:
        validate_document(document)
        self.document = document
        templates = sorted(document["paths"], key=lambda path: path.count("{"))
        self._paths = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
            for path in templates
        ]

    def template(self, url: str) -> str:
        path = url.split("?", 1)[0]
        for pattern, template in self._paths:
            if pattern.match(path):
                return template
        raise AssertionError(f"{path} is not in the OpenAPI document")

    def _resolve(self, value: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in value:
            node: Any = self.document
            for part in value["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            value = node
        return value

    def check(self, method: str, url: str, response: TestResponse) -> None:
        """Fail unless the response is one the document describes for this operation."""
        template = self.template(url)
        operation = self.document["paths"][template].get(method.lower())
        assert operation is not None, f"{method} {template} is not documented"
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method} {template} answered {status}, documented: {sorted(operation['responses'])}"
        )
        documented = self._resolve(operation["responses"][status])
        for header in documented.get("headers", {}):
            assert header in response.headers, f"{method} {template} {status} lacks {header}"
        content = documented.get("content")
        if not content:
            assert not response.data, f"{method} {template} {status} has an undocumented body"
            return
        assert response.mimetype in content, (
            f"{method} {template} {status} sent {response.mimetype}, documented {list(content)}"
        )
        if response.status_code >= 400:
            assert response.mimetype == PROBLEM_JSON
        schema = {**content[response.mimetype]["schema"], "components": self.document["components"]}
        OAS30Validator(schema).validate(response.get_json())


class CheckedClient:
    """A test client whose every response is checked against the OpenAPI document."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.openapi = OpenApiDocument(client.get("/api/v1/openapi.json").get_json())

    def open(self, method: str, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.open(url, method=method, **kwargs)
        self.openapi.check(method, url, response)
        return response

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> TestResponse:
        return self.open("DELETE", url, **kwargs)
