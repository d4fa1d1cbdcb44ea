"""The merge use cases: merge a duplicate into a survivor, and take a merge back.

The rules are the domain's (service/domain/merge.py); this reads both persons, checks the
survivor's expected version, applies the rules and writes both in one transaction
(service/store/merging.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.domain.merge import (
    Conflict,
    MergeRefused,
    merge,
    merged_record,
    refusal,
    unmerge,
)
from service.domain.rules import record_errors
from service.persons import Clock, timestamp
from service.store.errors import PersonNotFound, VersionConflict
from service.store.merging import MergeWriter
from service.store.persons import PersonStore


@dataclass(frozen=True)
class Merged:
    """The survivor as stored after a merge, and the fields where its own value was kept."""

    survivor: dict[str, Any]
    conflicts: list[Conflict]


@dataclass(frozen=True)
class Unmerged:
    """Both persons as stored after a merge was taken back."""

    survivor: dict[str, Any]
    duplicate: dict[str, Any]


class MergeService:
    """Merges and unmerges persons of one store."""

    def __init__(self, store: PersonStore, writer: MergeWriter, clock: Clock) -> None:
        self._store = store
        self._writer = writer
        self._clock = clock

    def merge(
        self,
        survivor_id: str,
        duplicate_id: str,
        expected_version: int,
        reason: str,
        caller: str,
    ) -> Merged:
        """Merge the duplicate into the survivor, if the survivor is at `expected_version`.

        PersonNotFound when the survivor never existed; MergeRefused when a rule forbids it.
        """
        survivor = self._store.item(survivor_id)
        if survivor is None:
            raise PersonNotFound(f"Person {survivor_id} does not exist")
        duplicate = self._store.item(duplicate_id)
        why_not = refusal(survivor, duplicate)
        if why_not:
            raise MergeRefused(why_not)
        assert duplicate is not None
        _check_version(survivor, expected_version)
        result = merge(survivor, duplicate)
        now = timestamp(self._clock())
        person = _stamped(result.person, now, caller, reason)
        _check_rules(person)
        record = merged_record(duplicate, result, survivor_id, now, caller, reason)
        stored, _ = self._writer.merge(survivor, person, duplicate, record)
        return Merged(stored, result.conflicts)

    def unmerge(
        self,
        survivor_id: str,
        duplicate_id: str,
        expected_version: int | None,
        reason: str,
        caller: str,
    ) -> Unmerged:
        """Restore the duplicate as it was before its merge and take back what it brought.

        Without an expected version the survivor's current one is taken.
        """
        survivor = self._store.get(survivor_id)
        if expected_version is not None:
            _check_version(survivor, expected_version)
        record = self._store.item(duplicate_id)
        if record is None:
            raise MergeRefused(f"person {duplicate_id} was not merged into {survivor_id}")
        result = unmerge(survivor, record)
        now = timestamp(self._clock())
        person = _stamped(result.survivor, now, caller, reason)
        _check_rules(person)
        duplicate = _stamped(result.duplicate, now, caller, reason)
        stored_survivor, stored_duplicate = self._writer.unmerge(
            survivor, person, record, duplicate
        )
        return Unmerged(stored_survivor, stored_duplicate)


def _stamped(person: dict[str, Any], now: str, caller: str, reason: str) -> dict[str, Any]:
    return {**person, "lastModified": now, "lastModifiedBy": caller, "reason": reason}


def _check_version(person: dict[str, Any], expected_version: int) -> None:
    version = int(person["versionNumber"])
    if version != expected_version:
        raise VersionConflict(
            f"Person {person['id']} is at version {version}, not {expected_version}",
            current_version=version,
        )


def _check_rules(person: dict[str, Any]) -> None:
    errors = record_errors(person)
    if errors:
        broken = "; ".join(f"{field} {' '.join(messages)}" for field, messages in errors.items())
        raise MergeRefused(f"the person would break a rule: {broken}")
