"""The change history table: one item per person and version, written from the stream.

An item at version 0 is the person's erasure marker: entries at or below its `erasedVersion`
keep only version, time, who, event and the names of the changed fields.
"""

from __future__ import annotations

import json
from typing import Any

from service.store.aws_errors import conditional_write, store_operation
from service.store.batches import batch_get, batch_write
from service.store.items import from_item, to_item

MARKER_VERSION = 0
# What an entry keeps once its person is erased: no values, no free-text reason.
REDACTED_KEEPS = ("personId", "versionNumber", "event", "changedAt", "changedBy", "changedFields")


def redacted(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without personal data."""
    kept = {key: entry[key] for key in REDACTED_KEEPS if key in entry}
    return {**kept, "erased": True}


class HistoryStore:
    """Writes history entries idempotently (keyed by person id and version) and reads them."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def _key(self, person_id: str, version: int) -> dict[str, Any]:
        return {"personId": {"S": person_id}, "versionNumber": {"N": str(version)}}

    @store_operation
    def record_all(self, entries: list[dict[str, Any]]) -> None:
        """Write entries in batches; those at or below their person's erasure come redacted.

        The markers are read first (consistent reads). A person erased between that read and the
        write is redacted again when the stream delivers their tombstone, which always comes
        after their earlier records, so values never outlive an erasure.
        """
        erased = self._erased_versions({entry["personId"] for entry in entries})
        items: dict[tuple[str, int], dict[str, Any]] = {}
        for entry in entries:
            if entry["versionNumber"] <= erased.get(entry["personId"], -1):
                stored = redacted(entry)
            else:
                stored = {**entry, "changes": json.dumps(entry.get("changes", []), sort_keys=True)}
            items[(entry["personId"], entry["versionNumber"])] = stored  # one write per key
        batch_write(
            self._client,
            self._table,
            [{"PutRequest": {"Item": to_item(item)}} for item in items.values()],
        )

    def _erased_versions(self, person_ids: set[str]) -> dict[str, int]:
        """Each listed person's erased version, for those with an erasure marker."""
        keys = [self._key(pid, MARKER_VERSION) for pid in sorted(person_ids)]
        found: dict[str, int] = {}
        for item in batch_get(self._client, self._table, keys):
            marker = from_item(item)
            if "erasedVersion" in marker:
                found[marker["personId"]] = int(marker["erasedVersion"])
        return found

    @store_operation
    def erase(self, person_id: str, erased_version: int) -> int:
        """Mark the person erased up to `erased_version` and redact those entries; returns count."""
        conditional_write(  # an equal or later erasure already marked: nothing to move
            self._client.update_item,
            TableName=self._table,
            Key=self._key(person_id, MARKER_VERSION),
            UpdateExpression="SET #erased = :version",
            ConditionExpression="attribute_not_exists(#erased) OR #erased < :version",
            ExpressionAttributeNames={"#erased": "erasedVersion"},
            ExpressionAttributeValues={":version": {"N": str(erased_version)}},
        )
        count = 0
        for entry in self.entries(person_id):
            if entry["versionNumber"] <= erased_version and not entry.get("erased"):
                self._client.put_item(TableName=self._table, Item=to_item(redacted(entry)))
                count += 1
        return count

    @store_operation
    def entries(self, person_id: str) -> list[dict[str, Any]]:
        """Every entry of a person, oldest first (strongly consistent)."""
        paginator = self._client.get_paginator("query")
        found = []
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="#person = :person AND #version > :marker",
            ExpressionAttributeNames={"#person": "personId", "#version": "versionNumber"},
            ExpressionAttributeValues={
                ":person": {"S": person_id},
                ":marker": {"N": str(MARKER_VERSION)},
            },
            ConsistentRead=True,
        ):
            for item in page.get("Items", []):
                entry = from_item(item)
                if "changes" in entry:
                    entry["changes"] = json.loads(entry["changes"])
                found.append(entry)
        return found
