"""The rules of merging a duplicate person into a survivor, and of taking the merge back.

Pure: the merge use case (service/merging.py) applies these to the records it read and writes
both in one transaction. The survivor keeps its own values; it gains every list item it lacks and
every field it lacks; fields where both hold different values are conflicts, reported and left as
the survivor has them. The duplicate becomes a merged record that keeps its pre-merge image and
what it brought, so an unmerge restores it and takes back exactly that (unless staff changed it
since).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.domain.rules import MAX_CROSS_REFERENCES
from service.domain.tombstone import MERGED_INTO, is_merged, is_tombstone

MERGED_FROM = "mergedFrom"  # on the survivor: ids of the duplicates merged into it
# The rest of a merged record: when, by whom, the duplicate as it was, and what it brought.
MERGED_AT = "mergedAt"
MERGED_BY = "mergedBy"
PREMERGE = "premerge"
BROUGHT = "brought"

SCALAR_FIELDS = (
    "title",
    "preferredTitle",
    "firstName",
    "middleName",
    "surname",
    "preferredFirstName",
    "preferredMiddleName",
    "preferredSurname",
    "placeOfBirth",
    "dateOfBirth",
    "dateOfDeath",
    "gender",
    "nationality",
    "ethnicity",
    "nationalInsuranceNo",
)


def _same(value: Any) -> Any:
    return value


# Each list field with the key that says two items are the same item.
LIST_KEYS: dict[str, Callable[[Any], Any]] = {
    "crossReferences": lambda ref: (ref["system"], ref["reference"]),
    "tenures": lambda tenure: tenure["id"],
    "addresses": lambda address: (address.get("uprn"), " ".join(address["fullAddress"].split())),
    "identifications": lambda ident: (ident["identificationType"], ident["value"]),
    "languages": lambda language: language["language"].casefold(),
    "communicationRequirements": _same,
    "personTypes": _same,
}


class MergeRefused(ValueError):
    """The merge breaks a rule; the message says which, for the person who asked."""


@dataclass(frozen=True)
class Conflict:
    """A field both persons hold with different values: the survivor's is kept."""

    field: str
    kept: Any
    discarded: Any


@dataclass(frozen=True)
class MergeResult:
    """The survivor after the merge, the conflicts, and what the duplicate brought."""

    person: dict[str, Any]
    conflicts: list[Conflict]
    brought_fields: dict[str, Any] = field(default_factory=dict)
    brought_items: dict[str, list[Any]] = field(default_factory=dict)


def refusal(survivor: dict[str, Any] | None, duplicate: dict[str, Any] | None) -> str | None:
    """Why these two may not be merged, or None when they may."""
    if survivor is None:
        return "the survivor must exist"
    if duplicate is None:
        return "the duplicate must exist: no person has this id"
    if survivor["id"] == duplicate["id"]:
        return "a person cannot be merged into itself"
    for role, person in (("survivor", survivor), ("duplicate", duplicate)):
        if person.get(MERGED_INTO):
            return f"the {role} was merged into {person[MERGED_INTO]}: merge into that person"
        if is_tombstone(person):
            return f"the {role} was erased"
    if duplicate.get(MERGED_FROM):
        return "the duplicate holds merged persons of its own: unmerge them first (no chains)"
    # References are unique to one person, so the survivor would hold all of both.
    held = sum(len(person.get("crossReferences") or []) for person in (survivor, duplicate))
    if held > MAX_CROSS_REFERENCES:
        return (
            f"together they hold {held} cross references, more than the {MAX_CROSS_REFERENCES} "
            "one person may hold: remove some from either first"
        )
    return None


def merge(survivor: dict[str, Any], duplicate: dict[str, Any]) -> MergeResult:
    """The survivor with what the duplicate adds; MergeRefused if the two may not be merged."""
    reason = refusal(survivor, duplicate)
    if reason:
        raise MergeRefused(reason)
    person = dict(survivor)
    conflicts: list[Conflict] = []
    brought_fields: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        theirs = duplicate.get(name)
        if theirs is None:
            continue
        ours = survivor.get(name)
        if ours is None:
            person[name] = theirs
            brought_fields[name] = theirs
        elif ours != theirs:
            conflicts.append(Conflict(name, ours, theirs))
    brought_items: dict[str, list[Any]] = {}
    for name, key in LIST_KEYS.items():
        ours_list = list(survivor.get(name) or [])
        known = {key(item) for item in ours_list}
        added = [item for item in duplicate.get(name) or [] if key(item) not in known]
        if added:
            person[name] = ours_list + added
            brought_items[name] = added
    person[MERGED_FROM] = [*survivor.get(MERGED_FROM, []), duplicate["id"]]
    return MergeResult(person, conflicts, brought_fields, brought_items)


def taken_back(
    survivor: dict[str, Any],
    duplicate_id: str,
    brought_fields: dict[str, Any],
    brought_items: dict[str, list[Any]],
) -> dict[str, Any]:
    """The survivor without what the duplicate brought; values changed since the merge stay."""
    if duplicate_id not in survivor.get(MERGED_FROM, []):
        raise MergeRefused(f"person {duplicate_id} was not merged into {survivor['id']}")
    person = dict(survivor)
    for name, value in brought_fields.items():
        if person.get(name) == value:
            person.pop(name, None)
    for name, items in brought_items.items():
        key = LIST_KEYS[name]
        brought = {key(item) for item in items}
        kept = [item for item in person.get(name) or [] if key(item) not in brought]
        if kept:
            person[name] = kept
        else:
            person.pop(name, None)
    remaining = [pid for pid in person[MERGED_FROM] if pid != duplicate_id]
    if remaining:
        person[MERGED_FROM] = remaining
    else:
        person.pop(MERGED_FROM)
    return person


def merged_record(
    duplicate: dict[str, Any],
    result: MergeResult,
    survivor_id: str,
    merged_at: str,
    by: str,
    reason: str,
) -> dict[str, Any]:
    """The duplicate's record after the merge (the store adds its version): not a live person,
    it names the survivor and keeps the duplicate as it was and what it brought, for an unmerge."""
    return {
        "id": duplicate["id"],
        MERGED_INTO: survivor_id,
        MERGED_AT: merged_at,
        MERGED_BY: by,
        "reason": reason,
        PREMERGE: {key: value for key, value in duplicate.items() if key != "versionNumber"},
        BROUGHT: {"fields": result.brought_fields, "items": result.brought_items},
    }


@dataclass(frozen=True)
class UnmergeResult:
    """The survivor without what the duplicate brought, and the duplicate as it was."""

    survivor: dict[str, Any]
    duplicate: dict[str, Any]


def unmerge(survivor: dict[str, Any], record: dict[str, Any]) -> UnmergeResult:
    """Take a merge back from its merged record; MergeRefused unless `record` was merged into
    this survivor (stamps such as lastModified are the caller's to set)."""
    if not is_merged(record) or record[MERGED_INTO] != survivor["id"]:
        raise MergeRefused(f"person {record['id']} was not merged into {survivor['id']}")
    brought = record[BROUGHT]
    person = taken_back(survivor, record["id"], brought["fields"], brought["items"])
    return UnmergeResult(person, dict(record[PREMERGE]))
