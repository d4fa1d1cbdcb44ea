"""The Persons table: conditional writes with optimistic concurrency on `versionNumber`.

A deleted person leaves a tombstone item (id, version, deletion time, no personal data) so that
versions only ever grow for an id: the indexer's external versioning then keeps a delete deleted
even if the same id is created again later.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from service.store.errors import PersonAlreadyExists, PersonNotFound, VersionConflict
from service.store.items import from_item, to_item

TOMBSTONE_FLAG = "isDeleted"


def is_tombstone(item: dict[str, Any]) -> bool:
    """True for the item a deletion leaves behind."""
    return bool(item.get(TOMBSTONE_FLAG))


def _conditional_failure(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class PersonStore:
    """Reads and writes person records in DynamoDB. The boto3 client is injected."""

    def __init__(self, client: Any, table: str, counters_table: str) -> None:
        self._client = client
        self._table = table
        self._counters_table = counters_table

    def next_person_ref(self) -> int:
        """Hand out the next personRef; an atomic counter, so concurrent creates never share one."""
        response = self._client.update_item(
            TableName=self._counters_table,
            Key={"name": {"S": "personRef"}},
            UpdateExpression="ADD #value :one",
            ExpressionAttributeNames={"#value": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["value"]["N"])

    def _read(self, person_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table, Key={"id": {"S": person_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(item) if item else None

    def get(self, person_id: str) -> dict[str, Any]:
        """The live person with this id (strongly consistent), or PersonNotFound."""
        person = self._read(person_id)
        if person is None or is_tombstone(person):
            raise PersonNotFound(f"Person {person_id} does not exist")
        return person

    def create(self, person: dict[str, Any]) -> dict[str, Any]:
        """Store a new person at the version after any tombstone for its id; never overwrite."""
        existing = self._read(person["id"])
        if existing is not None and not is_tombstone(existing):
            raise PersonAlreadyExists(f"Person {person['id']} already exists")
        if existing is None:
            stored = {**person, "versionNumber": 1}
            condition: dict[str, Any] = {
                "ConditionExpression": "attribute_not_exists(#id)",
                "ExpressionAttributeNames": {"#id": "id"},
            }
        else:
            stored = {**person, "versionNumber": int(existing["versionNumber"]) + 1}
            condition = {
                "ConditionExpression": "#version = :expected AND #deleted = :true",
                "ExpressionAttributeNames": {
                    "#version": "versionNumber",
                    "#deleted": TOMBSTONE_FLAG,
                },
                "ExpressionAttributeValues": {
                    ":expected": {"N": str(existing["versionNumber"])},
                    ":true": {"BOOL": True},
                },
            }
        try:
            self._client.put_item(TableName=self._table, Item=to_item(stored), **condition)
        except ClientError as exc:
            if _conditional_failure(exc):
                raise PersonAlreadyExists(f"Person {person['id']} already exists") from exc
            raise
        return stored

    def replace(self, person: dict[str, Any], expected_version: int) -> dict[str, Any]:
        """Write the whole person as the next version, only if the stored version is expected."""
        stored = {**person, "versionNumber": expected_version + 1}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=to_item(stored),
                ConditionExpression="#version = :expected AND attribute_not_exists(#deleted)",
                ExpressionAttributeNames={"#version": "versionNumber", "#deleted": TOMBSTONE_FLAG},
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except ClientError as exc:
            if _conditional_failure(exc):
                raise self._conflict(person["id"], expected_version) from exc
            raise
        return stored

    def delete(self, person_id: str, expected_version: int, deleted_at: str) -> int:
        """Erase a person, leaving a tombstone without personal data; returns its version."""
        tombstone = {
            "id": person_id,
            TOMBSTONE_FLAG: True,
            "versionNumber": expected_version + 1,
            "deletedAt": deleted_at,
        }
        try:
            self._client.put_item(
                TableName=self._table,
                Item=to_item(tombstone),
                ConditionExpression="#version = :expected AND attribute_not_exists(#deleted)",
                ExpressionAttributeNames={"#version": "versionNumber", "#deleted": TOMBSTONE_FLAG},
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except ClientError as exc:
            if _conditional_failure(exc):
                raise self._conflict(person_id, expected_version) from exc
            raise
        return expected_version + 1

    def _conflict(self, person_id: str, expected_version: int) -> Exception:
        current = self._read(person_id)
        if current is None or is_tombstone(current):
            return PersonNotFound(f"Person {person_id} does not exist")
        return VersionConflict(
            f"Person {person_id} is at version {current['versionNumber']}, not {expected_version}",
            current_version=int(current["versionNumber"]),
        )

    def scan(self, segment: int = 0, total_segments: int = 1) -> Iterator[dict[str, Any]]:
        """Every item, tombstones included, from one segment of a parallel scan."""
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self._table, Segment=segment, TotalSegments=total_segments
        ):
            for item in page.get("Items", []):
                yield from_item(item)
