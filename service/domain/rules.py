"""Rules that span several fields of a person, checked on the whole record after any change."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.domain.vocabulary import OFFICER_TYPES

EARLIEST_DATE_OF_BIRTH = date(1900, 1, 1)
# Each reference is an item of its person's DynamoDB transactions (at most 100 items each).
MAX_CROSS_REFERENCES = 25


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def record_errors(person: dict[str, Any]) -> dict[str, list[str]]:
    """Per-field messages for every cross-field rule the person breaks (empty when valid)."""
    errors: dict[str, list[str]] = {}
    types = person.get("personTypes") or []
    if not person.get("title") and not (types and set(types) <= OFFICER_TYPES):
        errors.setdefault("title", []).append(
            "Missing data for required field: a title is required unless every person type "
            "is an officer type."
        )
    born, died = _as_date(person.get("dateOfBirth")), _as_date(person.get("dateOfDeath"))
    if born and died and died < born:
        errors.setdefault("dateOfDeath", []).append("must not be before dateOfBirth.")
    primaries = [lang for lang in person.get("languages") or [] if lang.get("isPrimary")]
    if len(primaries) > 1:
        errors.setdefault("languages", []).append("at most one language may be primary.")
    references = [(ref["system"], ref["reference"]) for ref in person.get("crossReferences") or []]
    for system, reference in sorted({ref for ref in references if references.count(ref) > 1}):
        errors.setdefault("crossReferences", []).append(
            f"reference {reference!r} in system {system!r} is listed more than once."
        )
    for position, tenure in enumerate(person.get("tenures") or []):
        start, end = _as_date(tenure.get("startDate")), _as_date(tenure.get("endDate"))
        if start and end and end < start:
            errors.setdefault("tenures", []).append(
                f"tenure {position}: endDate must not be before startDate."
            )
    return errors


def tenure_is_active(tenure: dict[str, Any], today: date) -> bool:
    """A tenure is active from its start date until (and including) its end date."""
    start, end = _as_date(tenure.get("startDate")), _as_date(tenure.get("endDate"))
    if start and start > today:
        return False
    return end is None or end >= today
