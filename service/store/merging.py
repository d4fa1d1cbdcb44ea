"""Merge and unmerge writes: both persons and every cross reference that changes hands, in one
DynamoDB transaction.

Each item carries a condition: the survivor and the other person at the versions that were read
(and in the state that was read: live, or merged into this survivor), and each moved reference
still held by the person it leaves. So a concurrent change of either person, or of a reference,
cancels the whole transaction and nothing is half-written.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from service.domain.merge import MERGED_FROM
from service.domain.tombstone import MERGED_INTO, TOMBSTONE_FLAG
from service.store.aws_errors import cancellation_codes, store_operation
from service.store.crossrefs import Reference, references_of
from service.store.errors import MergeInterrupted, ReferenceTaken
from service.store.items import to_item
from service.store.persons import _REFUSED, PersonStore

_NAMES = {"#version": "versionNumber", "#deleted": TOMBSTONE_FLAG, "#merged": MERGED_INTO}
_LIVE = "#version = :version AND attribute_not_exists(#deleted) AND attribute_not_exists(#merged)"


class MergeWriter:
    """Writes a merge or an unmerge of two persons read from `persons`."""

    def __init__(self, client: Any, table: str, persons: PersonStore) -> None:
        self._client = client
        self._table = table
        self._persons = persons

    @store_operation
    def merge(
        self,
        survivor: dict[str, Any],
        merged: dict[str, Any],
        duplicate: dict[str, Any],
        record: dict[str, Any],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Write the `merged` survivor and the duplicate's merged `record` over `survivor` and
        `duplicate` as they were read; the duplicate's references move to the survivor.
        Returns both as stored."""
        merged_survivor, stored_record = self._next(survivor, merged), self._next(duplicate, record)
        moves = [
            (ref, self._persons.references.move(duplicate["id"], survivor["id"], ref))
            for ref in sorted(references_of(duplicate))
        ]
        duplicate_put = self._put(
            stored_record,
            _LIVE + " AND attribute_not_exists(#from)",
            {"#from": MERGED_FROM},
            {":version": {"N": str(duplicate["versionNumber"])}},
        )
        self._transact(survivor, merged_survivor, duplicate_put, moves)
        return merged_survivor, stored_record

    @store_operation
    def unmerge(
        self,
        survivor: dict[str, Any],
        taken_back: dict[str, Any],
        record: dict[str, Any],
        restored: dict[str, Any],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Write the survivor without what the duplicate brought (`taken_back`) and the duplicate
        `restored` over its merged `record`; its references come back (those the survivor still
        holds move, those it let go are claimed again). Returns both as stored."""
        stored_survivor = self._next(survivor, taken_back)
        stored_duplicate = self._next(record, restored)
        held = references_of(survivor)
        references = self._persons.references
        items = [
            (
                ref,
                references.move(survivor["id"], record["id"], ref)
                if ref in held
                else references.claim(record["id"], ref),
            )
            for ref in sorted(references_of(restored))
        ]
        record_put = self._put(
            stored_duplicate,
            "#version = :version AND #merged = :survivor",
            {},
            {
                ":version": {"N": str(record["versionNumber"])},
                ":survivor": {"S": survivor["id"]},
            },
        )
        claimed = {ref for ref, _ in items if ref not in held}
        self._transact(survivor, stored_survivor, record_put, items, claimed)
        return stored_survivor, stored_duplicate

    @staticmethod
    def _next(read: dict[str, Any], written: dict[str, Any] | None = None) -> dict[str, Any]:
        """`written` (default: `read`) as the version after the one read."""
        return {
            **(read if written is None else written),
            "versionNumber": read["versionNumber"] + 1,
        }

    def _put(
        self,
        item: dict[str, Any],
        condition: str,
        names: dict[str, str],
        values: dict[str, Any],
    ) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": to_item(item),
                "ConditionExpression": condition,
                # DynamoDB refuses names the condition does not use.
                "ExpressionAttributeNames": {
                    name: attribute
                    for name, attribute in {**_NAMES, **names}.items()
                    if name in condition
                },
                "ExpressionAttributeValues": values,
            }
        }

    def _transact(
        self,
        survivor: dict[str, Any],
        stored_survivor: dict[str, Any],
        other_put: dict[str, Any],
        reference_items: list[tuple[Reference, dict[str, Any]]],
        claimed: set[Reference] | None = None,
    ) -> None:
        """One transaction: the survivor, the other person, then each reference's item; a
        refused item becomes the matching exception, and nothing is written. A reference in
        `claimed` was free to take, so its refusal means another person holds it now."""
        version = {":version": {"N": str(survivor["versionNumber"])}}
        survivor_put = self._put(stored_survivor, _LIVE, {}, version)
        try:
            self._client.transact_write_items(
                TransactItems=[survivor_put, other_put, *(item for _, item in reference_items)]
            )
        except ClientError as exc:
            codes = cancellation_codes(exc)
            if not codes:
                raise
            if codes[0] in _REFUSED:
                # Gone, merged, or at another version: the store's own reading of a refusal.
                raise self._persons._conflict(survivor["id"], survivor["versionNumber"]) from exc
            if codes[1] in _REFUSED:
                raise MergeInterrupted(
                    f"Person {other_put['Put']['Item']['id']['S']} changed meanwhile; "
                    "read both persons again and retry."
                ) from exc
            for (ref, _), code in zip(reference_items, codes[2:], strict=False):
                if code in _REFUSED and ref in (claimed or set()):
                    raise ReferenceTaken(*ref) from exc
            if any(code in _REFUSED for code in codes[2:]):
                raise MergeInterrupted(
                    "A cross reference changed hands meanwhile; read both persons again and retry."
                ) from exc
            raise
