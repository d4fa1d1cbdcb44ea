"""Helpers for tests of the staff pages: the CSRF token of a page, and residents to find."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.integration.people import person_body

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

SIOBHAN = person_body(
    title="Ms",
    firstName="Siobhan",
    surname="Oduya",
    dateOfBirth="1979-06-14",
    nationalInsuranceNo=None,
    addresses=[{"fullAddress": "Flat 3, 12 Mare Street, London", "postcode": "E8 1HE"}],
    personTypes=["Tenant"],
)


def csrf_token(client: FlaskClient, path: str, **kwargs: Any) -> str:
    """The CSRF token of the form on `path` (the session cookie is kept by the client)."""
    page = client.get(path, **kwargs)
    assert page.status_code == 200, page.text
    found = _CSRF.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def store(client: FlaskClient, body: dict[str, Any]) -> dict[str, Any]:
    """A person created through the API, as it answered."""
    response = client.post("/api/v1/persons", json=body)
    assert response.status_code == 201, response.text
    return response.get_json()
