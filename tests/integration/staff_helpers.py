"""Helpers for tests of the staff pages: the CSRF token of a page, and residents to find."""

from __future__ import annotations

import re
from html.parser import HTMLParser
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


class _FormReader(HTMLParser):
    """The values a browser would send for the page's form with `action` (no JavaScript)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []  # type: ignore[var-annotated]
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = found.get("action") == self.action
        elif not self.inside or ("name" not in found and tag != "option"):
            return
        elif tag == "input" and found.get("type") in ("checkbox", "radio"):
            if "checked" in found:
                self.fields.append((found["name"], found.get("value", "on")))
        elif tag == "input":
            self.fields.append((found["name"], found.get("value", "")))
        elif tag == "select":
            self._select = found["name"]
        elif tag == "option" and self._select and "selected" in found:
            self.fields.append((self._select, found.get("value", "")))
        elif tag == "textarea":
            self._textarea = found["name"]
            self.fields.append((self._textarea, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, text = self.fields.pop()
            self.fields.append((name, text + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(page: str, action: str) -> dict[str, list[str]]:
    """The form on `page` posting to `action`, as the browser would send it unchanged."""
    reader = _FormReader(action)
    reader.feed(page)
    sent: dict[str, list[str]] = {}
    for name, value in reader.fields:
        sent.setdefault(name, []).append(value)
    return sent
