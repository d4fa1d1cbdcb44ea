"""The change history, written from the Persons stream: every change, once per version.

`history_entry` turns one stream record into an entry (a pure function); `HistorySink` is the
poller's and the Lambda handler's sink. Writes are keyed by person id and version, so a replayed
record rewrites the same entry. A tombstone (or a REMOVE) erases: the person's extended data is
deleted and the values and reasons of their earlier entries are removed. A merge is recorded on
both persons (`merged`: the survivor's gained fields and `mergedFrom`, the duplicate's
`mergedInto`), and so is its unmerge.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from service.config import Settings
from service.domain.merge import BROUGHT, MERGED_AT, MERGED_BY, MERGED_FROM, PREMERGE
from service.domain.tombstone import MERGED_INTO, is_merged, is_tombstone
from service.erasure import Erasure
from service.store.extended import ExtendedStore
from service.store.history import HistoryStore
from service.store.items import from_item

log = logging.getLogger(__name__)

# Bookkeeping fields: shown as version, time and who, never as changes.
NOT_CHANGES = frozenset(
    {
        "id",
        "versionNumber",
        "createdAt",
        "lastModified",
        "lastModifiedBy",
        "reason",
        "isDeleted",
        "deletedAt",
        "deletedBy",
        MERGED_AT,
        MERGED_BY,
        PREMERGE,
        BROUGHT,
    }
)


def field_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-level differences between two person images, by field name."""
    old = {} if old is None or is_tombstone(old) else old
    names = (set(old) | set(new)) - NOT_CHANGES
    return [
        {"field": name, "oldValue": old.get(name), "newValue": new.get(name)}
        for name in sorted(names)
        if old.get(name) != new.get(name)
    ]


def _update_event(old: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """`merged` or `unmerged` when the survivor gained or lost a merged person, else `updated`."""
    before, after = len((old or {}).get(MERGED_FROM, [])), len(new.get(MERGED_FROM, []))
    return "merged" if after > before else "unmerged" if after < before else "updated"


def _merged_entry(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any] | None:
    """The entry of a duplicate merged (its values stay in the merged record, not shown as
    removed) or unmerged (compared with itself before the merge); None for other changes."""
    if is_merged(new):
        change = {"field": MERGED_INTO, "oldValue": None, "newValue": new[MERGED_INTO]}
        return {
            "event": "merged",
            "changedAt": new.get(MERGED_AT),
            "changedBy": new.get(MERGED_BY),
            "reason": new.get("reason"),
            "changedFields": [MERGED_INTO],
            "changes": [change],
        }
    if old is None or not is_merged(old):
        return None
    change = {"field": MERGED_INTO, "oldValue": old[MERGED_INTO], "newValue": None}
    changes = [change, *field_changes(old.get(PREMERGE), new)]
    return {
        "event": "unmerged",
        "changedAt": new.get("lastModified"),
        "changedBy": new.get("lastModifiedBy"),
        "reason": new.get("reason"),
        "changedFields": [item["field"] for item in changes],
        "changes": changes,
    }


def history_entry(record: dict[str, Any]) -> dict[str, Any]:
    """The history entry for one Persons stream record."""
    change = record["dynamodb"]
    old = from_item(change["OldImage"]) if "OldImage" in change else None
    if record["eventName"] == "REMOVE":
        gone = old or from_item(change["Keys"])
        return {
            "personId": gone["id"],
            "versionNumber": int(gone.get("versionNumber", 0)) + 1,
            "event": "erased",
            "changedAt": None,
            "changedBy": None,
        }
    new = from_item(change["NewImage"])
    entry: dict[str, Any] = {"personId": new["id"], "versionNumber": int(new["versionNumber"])}
    if is_tombstone(new):
        return {
            **entry,
            "event": "erased",
            "changedAt": new.get("deletedAt"),
            "changedBy": new.get("deletedBy"),
        }
    merged = _merged_entry(old, new)
    if merged:
        return {**entry, **merged}
    changes = field_changes(old, new)
    return {
        **entry,
        "event": "created" if old is None or is_tombstone(old) else _update_event(old, new),
        "changedAt": new.get("lastModified"),
        "changedBy": new.get("lastModifiedBy"),
        "reason": new.get("reason"),
        "changedFields": [change["field"] for change in changes],
        "changes": changes,
    }


class HistorySink:
    """Records each stream record's history entry; erases on a tombstone.

    A batch's entries are written together (keyed by person and version, so order does not
    matter); erasures run after them.
    """

    def __init__(self, history: HistoryStore, erasure: Erasure) -> None:
        self._history = history
        self._erasure = erasure

    @classmethod
    def connect(cls, client: Any, settings: Settings) -> HistorySink:
        """The sink over the configured history and extended-data tables."""
        history = HistoryStore(client, settings.history_table)
        extended = ExtendedStore(client, settings.extended_table, settings.persons_table)
        return cls(history, Erasure(history, extended))

    def __call__(self, records: Iterable[dict[str, Any]]) -> None:
        entries = [entry for record in records if (entry := _entry_or_none(record))]
        self._history.record_all(entries)
        for entry in entries:
            if entry["event"] == "erased":
                self._erasure.erase(entry["personId"], entry["versionNumber"])


def is_rewrite(record: dict[str, Any]) -> bool:
    """A MODIFY whose images are equal: the same version written again (a retried put, or
    moto's second record of an update_item that created the item). It changes nothing, so it
    must not overwrite the version's entry ("created" with "updated")."""
    change = record.get("dynamodb", {})
    return record.get("eventName") == "MODIFY" and change.get("OldImage") == change.get("NewImage")


def _entry_or_none(record: dict[str, Any]) -> dict[str, Any] | None:
    if is_rewrite(record):
        return None
    try:
        built = history_entry(record)
    except (KeyError, TypeError, ValueError) as exc:  # a poison record: dead-lettered
        log.warning(
            "no history entry for a stream record",
            extra={"error": type(exc).__name__, "eventId": record.get("eventID")},
        )
        return None
    return {key: value for key, value in built.items() if value is not None}
