"""The person use cases: create, read, patch and erase, on top of the DynamoDB store."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from service.domain.normalise import is_a_minor
from service.domain.rules import record_errors, tenure_is_active
from service.domain.vocabulary import LIST_FIELDS, OPTIONAL_FIELDS
from service.erasure import Erasure
from service.store.errors import (
    PersonNotFound,
    StoreError,
    StoreRequestRefused,
    VersionConflict,
)
from service.store.persons import PersonStore

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
_SYSTEM_FIELDS = ("id", "personRef", "versionNumber", "createdAt", "lastModified", "lastModifiedBy")


class InvalidPerson(ValueError):
    """The person, after applying a change, breaks a rule; `errors` maps fields to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("the person breaks validation rules")
        self.errors = errors


def _utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_person(
    data: dict[str, Any], person_id: str, person_ref: int, now: str, caller: str
) -> dict[str, Any]:
    """A validated create body as a new person record (the store adds its version)."""
    person = {key: value for key, value in data.items() if value is not None}
    person.update(
        {
            "id": person_id,
            "personRef": person_ref,
            "createdAt": now,
            "lastModified": now,
            "lastModifiedBy": caller,
        }
    )
    return person


def present(person: dict[str, Any], today: date) -> dict[str, Any]:
    """The person as the API shows it: every field present (null or []), computed ones added."""
    shown = {field: [] if field in LIST_FIELDS else None for field in OPTIONAL_FIELDS}
    shown.update(person)
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

    def __init__(
        self, store: PersonStore, erasure: Erasure | None = None, clock: Clock = _utc_now
    ) -> None:
        self._store = store
        self._erasure = erasure
        self._clock = clock

    @property
    def store(self) -> PersonStore:
        """The store this service writes through (batch readers such as the export scan it)."""
        return self._store

    def today(self) -> date:
        return self._clock().date()

    def clock(self) -> datetime:
        return self._clock()

    def create(
        self, data: dict[str, Any], caller: str, person_id: str | None = None
    ) -> dict[str, Any]:
        """Store a new person; the id is generated unless the caller chose one."""
        person = new_person(
            data,
            person_id or str(uuid.uuid4()),
            self._store.next_person_ref(),
            timestamp(self._clock()),
            caller,
        )
        return self._store.create(person)

    def get(self, person_id: str) -> dict[str, Any]:
        return self._store.get(person_id)

    def by_reference(self, system: str, reference: str) -> dict[str, Any]:
        """The live person holding a cross reference, or PersonNotFound."""
        person_id = self._store.references.person_id(system, reference)
        if person_id is None:
            raise PersonNotFound(f"No person holds reference {reference!r} in system {system!r}")
        return self._store.get(person_id)

    def patch(
        self, person_id: str, changes: dict[str, Any], expected_version: int, caller: str
    ) -> dict[str, Any]:
        """Apply a partial update if `expected_version` is current; a no-op keeps the version.

        The stored `reason` is the reason for the latest change: the patch's own, or none.
        """
        current = self._current(person_id, expected_version)
        updated = {key: value for key, value in current.items() if key != "reason"}
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
        updated["lastModified"] = timestamp(self._clock())
        updated["lastModifiedBy"] = caller
        return self._store.replace(updated, current)

    def delete(self, person_id: str, expected_version: int | None, caller: str) -> None:
        """Erase a person and their extended data and history values.

        Without an expected version the current one is taken.
        """
        current = self._current(person_id, expected_version)
        version = self._store.delete(current, timestamp(self._clock()), caller)
        if self._erasure is None:
            return
        try:
            self._erasure.erase(person_id, version)
        except StoreError as exc:
            # The tombstone is written, so the delete stands; the stream's history sink repeats
            # the erasure. A refused request is a bug and is logged as one.
            level = logging.ERROR if isinstance(exc, StoreRequestRefused) else logging.WARNING
            log.log(level, "erasure left to the stream", extra={"error": str(exc)})

    def _current(self, person_id: str, expected_version: int | None) -> dict[str, Any]:
        """The live person, if it is at `expected_version` (any version when None)."""
        current = self._store.get(person_id)
        version = int(current["versionNumber"])
        if expected_version is not None and version != expected_version:
            raise VersionConflict(
                f"Person {person_id} is at version {version}, not {expected_version}",
                current_version=version,
            )
        return current


def _without(person: dict[str, Any], *fields: str) -> dict[str, Any]:
    skipped = set(fields) | set(_SYSTEM_FIELDS)
    return {key: value for key, value in person.items() if key not in skipped}
