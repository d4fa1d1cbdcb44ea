"""The person use cases: create, read, patch and erase, on top of the DynamoDB store."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from service.domain.normalise import is_a_minor
from service.domain.rules import record_errors, tenure_is_active
from service.domain.vocabulary import OPTIONAL_FIELDS
from service.store.errors import VersionConflict
from service.store.persons import PersonStore

Clock = Callable[[], datetime]
_SYSTEM_FIELDS = ("id", "personRef", "versionNumber", "createdAt", "lastModified", "lastModifiedBy")


class InvalidPerson(ValueError):
    """The person, after applying a change, breaks a rule; `errors` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("the person breaks validation rules")
        self.errors = errors


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def present(person: dict[str, Any], today: date) -> dict[str, Any]:
    """The person as the API shows it, with computed fields added."""
    shown = dict(person)
    born = person.get("dateOfBirth")
    shown["isAMinor"] = is_a_minor(date.fromisoformat(born) if born else None, today)
    shown["tenures"] = [
        {**tenure, "isActive": tenure_is_active(tenure, today)}
        for tenure in person.get("tenures") or []
    ]
    shown.setdefault("links", [])
    return shown


class PersonService:
    """Applies the domain rules and writes through the store."""

    def __init__(self, store: PersonStore, clock: Clock = _utc_now) -> None:
        self._store = store
        self._clock = clock

    def today(self) -> date:
        return self._clock().date()

    def create(
        self, data: dict[str, Any], caller: str, person_id: str | None = None
    ) -> dict[str, Any]:
        """Store a new person; the id is generated unless the caller chose one."""
        now = _timestamp(self._clock())
        person = {key: value for key, value in data.items() if value is not None}
        person.update(
            {
                "id": person_id or str(uuid.uuid4()),
                "personRef": self._store.next_person_ref(),
                "createdAt": now,
                "lastModified": now,
                "lastModifiedBy": caller,
            }
        )
        return self._store.create(person)

    def get(self, person_id: str) -> dict[str, Any]:
        return self._store.get(person_id)

    def patch(
        self, person_id: str, changes: dict[str, Any], expected_version: int, caller: str
    ) -> dict[str, Any]:
        """Apply a partial update if `expected_version` is current; a no-op keeps the version."""
        current = self._store.get(person_id)
        if int(current["versionNumber"]) != expected_version:
            raise VersionConflict(
                f"Person {person_id} is at version {current['versionNumber']}, "
                f"not {expected_version}",
                current_version=int(current["versionNumber"]),
            )
        updated = dict(current)
        for field, value in changes.items():
            if value is None and field in OPTIONAL_FIELDS:
                updated.pop(field, None)
            elif value is not None:
                updated[field] = value
        errors = record_errors(updated)
        if errors:
            raise InvalidPerson(errors)
        if _without(updated, "reason") == _without(current, "reason"):
            return current
        updated["lastModified"] = _timestamp(self._clock())
        updated["lastModifiedBy"] = caller
        return self._store.replace(updated, expected_version)

    def delete(self, person_id: str, expected_version: int | None) -> None:
        """Erase a person; without an expected version the current one is taken."""
        if expected_version is None:
            expected_version = int(self._store.get(person_id)["versionNumber"])
        self._store.delete(person_id, expected_version, _timestamp(self._clock()))


def _without(person: dict[str, Any], *fields: str) -> dict[str, Any]:
    skipped = set(fields) | set(_SYSTEM_FIELDS)
    return {key: value for key, value in person.items() if key not in skipped}
