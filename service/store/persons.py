"""The Persons table: conditional writes with optimistic concurrency on `versionNumber`.

A deleted person leaves a tombstone item (id, version, deletion time, no personal data) so that
versions only ever grow for an id: the indexer's external versioning then keeps a delete deleted
even if the same id is created again later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from botocore.exceptions import ClientError

from service.domain.merge import MERGED_FROM
from service.domain.tombstone import MERGED_INTO, TOMBSTONE_FLAG, is_merged, is_tombstone
from service.store.aws_errors import (
    CONDITION_FAILED,
    cancellation_codes,
    error_code,
    store_operation,
)
from service.store.batches import batch_get, batch_write
from service.store.crossrefs import CrossReferenceTable, Reference, references_of
from service.store.errors import (
    PersonAlreadyExists,
    PersonMerged,
    PersonNotFound,
    ReferenceTaken,
    VersionConflict,
)
from service.store.items import from_item, to_item

FIRST_VERSION = 1


def _tombstone(person: dict[str, Any], deleted_at: str, deleted_by: str) -> dict[str, Any]:
    """What erasing `person` (as read) leaves: no personal data, at the next version."""
    return {
        "id": person["id"],
        TOMBSTONE_FLAG: True,
        "versionNumber": int(person["versionNumber"]) + 1,
        "deletedAt": deleted_at,
        "deletedBy": deleted_by,
    }


def first_version(person: dict[str, Any]) -> dict[str, Any]:
    """A new person as stored by its first write."""
    return {**person, "versionNumber": FIRST_VERSION}


def ref_block(counter_after: int, count: int) -> range:
    """The personRefs handed out by adding `count` to the counter, which then read `counter_after`.

    The counter holds the last personRef handed out, so the block is the `count` values up to
    and including `counter_after`.
    """
    if count < 1 or counter_after < count:
        raise ValueError(f"a counter at {counter_after} cannot have handed out {count} refs")
    return range(counter_after - count + 1, counter_after + 1)


# Cancellation reasons that mean "someone else got there first" rather than a broken request.
_REFUSED = {"ConditionalCheckFailed", "TransactionConflict"}


class PersonStore:
    """Reads and writes person records in DynamoDB. The boto3 client is injected; SDK errors
    leave as the store's own (`service.store.aws_errors`).

    A write that changes the person's cross references is one transaction: the person's
    conditional put plus a claim (conditional put) or release (delete) per changed reference.
    """

    def __init__(
        self, client: Any, table: str, counters_table: str, cross_references_table: str
    ) -> None:
        self._client = client
        self._table = table
        self._counters_table = counters_table
        self.references = CrossReferenceTable(client, cross_references_table)

    def next_person_ref(self) -> int:
        """Hand out the next personRef; an atomic counter, so concurrent creates never share one."""
        return self.allocate_person_refs(1).start

    @store_operation
    def allocate_person_refs(self, count: int) -> range:
        """Hand out `count` consecutive personRefs with one atomic update of the counter."""
        response = self._client.update_item(
            TableName=self._counters_table,
            Key={"name": {"S": "personRef"}},
            UpdateExpression="ADD #value :count",
            ExpressionAttributeNames={"#value": "value"},
            ExpressionAttributeValues={":count": {"N": str(count)}},
            ReturnValues="UPDATED_NEW",
        )
        return ref_block(int(response["Attributes"]["value"]["N"]), count)

    def _read(self, person_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table, Key={"id": {"S": person_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(item) if item else None

    @store_operation
    def item(self, person_id: str) -> dict[str, Any] | None:
        """The stored item for this id, live, erased or merged (strongly consistent), or None."""
        return self._read(person_id)

    @store_operation
    def get(self, person_id: str) -> dict[str, Any]:
        """The live person with this id (strongly consistent): PersonNotFound if there is none,
        PersonMerged if it was merged into another."""
        person = self._read(person_id)
        if person is None or is_tombstone(person):
            raise PersonNotFound(f"Person {person_id} does not exist")
        if is_merged(person):
            raise PersonMerged(person_id, person[MERGED_INTO])
        return person

    @store_operation
    def create(self, person: dict[str, Any]) -> dict[str, Any]:
        """Store a new person at the version after any tombstone for its id; never overwrite."""
        existing = self._read(person["id"])
        if existing is not None and not is_tombstone(existing):
            raise PersonAlreadyExists(f"Person {person['id']} already exists")
        if existing is None:
            stored = first_version(person)
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

        def exists() -> Exception:
            return PersonAlreadyExists(f"Person {person['id']} already exists")

        self._write(stored, condition, set(), references_of(stored), exists)
        return stored

    @store_operation
    def stored_ids(self, person_ids: list[str]) -> dict[str, bool]:
        """For each id that has an item: True if it is a tombstone (strongly consistent reads)."""
        keys = [{"id": {"S": person_id}} for person_id in person_ids]
        items = batch_get(self._client, self._table, keys, attributes=("id", TOMBSTONE_FLAG))
        return {item["id"]["S"]: is_tombstone(from_item(item)) for item in items}

    @store_operation
    def insert_new(self, persons: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store people whose ids are known to be unused, 25 to a BatchWriteItem call.

        BatchWriteItem takes no condition: callers check first (`stored_ids`) and hold the ids
        for themselves (derived ids no one else writes). Cross references must already be
        claimed for these ids. Returns the stored items as plain values.
        """
        stored = [first_version(person) for person in persons]
        batch_write(
            self._client,
            self._table,
            [{"PutRequest": {"Item": to_item(person)}} for person in stored],
        )
        return stored

    @store_operation
    def replace(self, person: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
        """Write the whole person as the version after `current`, only if that is still stored."""
        expected_version = int(current["versionNumber"])
        stored = {**person, "versionNumber": expected_version + 1}
        self._write(
            stored,
            self._live_at(expected_version),
            references_of(current),
            references_of(stored),
            lambda: self._conflict(person["id"], expected_version),
        )
        return stored

    @store_operation
    def delete(self, current: dict[str, Any], deleted_at: str, deleted_by: str) -> int:
        """Erase a person, leaving a tombstone without personal data; returns its version.

        Its cross references are released in the same transaction, and the persons merged into
        it are erased with it: it holds their data, and their merged records keep their images.
        """
        expected_version = int(current["versionNumber"])
        self._write(
            _tombstone(current, deleted_at, deleted_by),
            self._live_at(expected_version),
            references_of(current),
            set(),
            lambda: self._conflict(current["id"], expected_version),
            also=self._merged_erasures(current, deleted_at, deleted_by),
        )
        return expected_version + 1

    def _merged_erasures(
        self, survivor: dict[str, Any], deleted_at: str, deleted_by: str
    ) -> list[dict[str, Any]]:
        """Puts that erase the records of the persons merged into `survivor`, each only while
        it is still merged into it at the version read."""
        puts = []
        for person_id in survivor.get(MERGED_FROM, []):
            record = self._read(person_id)
            if record is None or record.get(MERGED_INTO) != survivor["id"]:
                continue
            put = {
                "TableName": self._table,
                "Item": to_item(_tombstone(record, deleted_at, deleted_by)),
                "ConditionExpression": "#version = :expected AND #merged = :survivor",
                "ExpressionAttributeNames": {"#version": "versionNumber", "#merged": MERGED_INTO},
                "ExpressionAttributeValues": {
                    ":expected": {"N": str(record["versionNumber"])},
                    ":survivor": {"S": survivor["id"]},
                },
            }
            puts.append({"Put": put})
        return puts

    @staticmethod
    def _live_at(version: int) -> dict[str, Any]:
        return {
            "ConditionExpression": "#version = :expected AND attribute_not_exists(#deleted)",
            "ExpressionAttributeNames": {"#version": "versionNumber", "#deleted": TOMBSTONE_FLAG},
            "ExpressionAttributeValues": {":expected": {"N": str(version)}},
        }

    def _write(
        self,
        item: dict[str, Any],
        condition: dict[str, Any],
        before: set[Reference],
        after: set[Reference],
        person_failed: Callable[[], Exception],
        also: list[dict[str, Any]] | None = None,
    ) -> None:
        """Put the person item conditionally, with its reference changes (and the items in
        `also`) in one transaction."""
        claims = sorted(after - before)
        releases = sorted(before - after)
        put = {"TableName": self._table, "Item": to_item(item), **condition}
        try:
            if not claims and not releases and not also:
                self._client.put_item(**put)
                return
            self._client.transact_write_items(
                TransactItems=[
                    {"Put": put},
                    *(self.references.claim(item["id"], ref) for ref in claims),
                    *(self.references.release(ref) for ref in releases),
                    *(also or []),
                ]
            )
        except ClientError as exc:
            if error_code(exc) == CONDITION_FAILED:
                raise person_failed() from exc
            codes = cancellation_codes(exc)
            if not codes:
                raise
            if codes[0] in _REFUSED:
                raise person_failed() from exc
            for ref, code in zip(claims, codes[1:], strict=False):
                if code in _REFUSED:
                    raise ReferenceTaken(*ref) from exc
            raise

    def _conflict(self, person_id: str, expected_version: int) -> Exception:
        current = self._read(person_id)
        if current is None or is_tombstone(current):
            return PersonNotFound(f"Person {person_id} does not exist")
        if is_merged(current):
            return PersonMerged(person_id, current[MERGED_INTO])
        return VersionConflict(
            f"Person {person_id} is at version {current['versionNumber']}, not {expected_version}",
            current_version=int(current["versionNumber"]),
        )

    @store_operation
    def check_table(self) -> None:
        """Raise a StoreError unless DynamoDB describes the Persons table (a health probe)."""
        self._client.describe_table(TableName=self._table)

    @store_operation
    def approximate_count(self) -> int:
        """Items in the table, tombstones included, as DynamoDB last counted them (hours old)."""
        response = self._client.describe_table(TableName=self._table)
        return int(response["Table"].get("ItemCount", 0))

    @store_operation
    def scan(
        self, segment: int = 0, total_segments: int = 1, page_size: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item, tombstones included, from one segment of a parallel scan.

        One page (at most `page_size` items, else DynamoDB's 1 MB) is held at a time.
        """
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self._table,
            Segment=segment,
            TotalSegments=total_segments,
            PaginationConfig={"PageSize": page_size} if page_size else {},
        ):
            for item in page.get("Items", []):
                yield from_item(item)
