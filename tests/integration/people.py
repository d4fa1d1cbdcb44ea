"""Valid person bodies for tests."""

from __future__ import annotations

from typing import Any


def person_body(**overrides: Any) -> dict[str, Any]:
    """A valid create body; keyword arguments replace or add fields (None removes one)."""
    body: dict[str, Any] = {
        "title": "Ms",
        "firstName": "Aisha",
        "surname": "Okonkwo",
        "dateOfBirth": "1984-03-15",
        "nationalInsuranceNo": "ab 12 34 56 c",
        "personTypes": ["Tenant"],
        "reason": "New tenancy sign-up",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}
