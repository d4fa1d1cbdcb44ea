"""Apply a batch of DynamoDB stream records to OpenSearch: the code both indexer hosts share.

Writes are idempotent and ordered by the record's own version (`version_type=external`): a
repeated or late record is refused by OpenSearch as a version conflict, which counts as applied.
A deletion is written as a tombstone document at a higher version, so it stays deleted whatever
arrives after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk

from service.domain.search_document import search_document
from service.store.items import from_item


class PoisonRecord(ValueError):
    """A stream record that can never be turned into an index write."""


@dataclass
class BatchResult:
    """What happened to one batch: failures keyed by the record's sequence number."""

    applied: int = 0
    stale: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    newest_change_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def _sequence_number(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def index_action(record: dict[str, Any], index: str) -> dict[str, Any]:
    """The bulk action for one stream record, or PoisonRecord if it cannot be built."""
    event = record.get("eventName")
    change = record.get("dynamodb", {})
    try:
        if event in {"INSERT", "MODIFY"}:
            item = from_item(change["NewImage"])
            version = int(item["versionNumber"])
            document = search_document(item)
        elif event == "REMOVE":
            item = (
                from_item(change["OldImage"]) if "OldImage" in change else from_item(change["Keys"])
            )
            if "versionNumber" not in item:
                raise PoisonRecord("REMOVE record has no old image with a versionNumber")
            version = int(item["versionNumber"]) + 1
            document = {"id": item["id"], "isDeleted": True}
        else:
            raise PoisonRecord(f"unknown eventName {event!r}")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, PoisonRecord):
            raise
        raise PoisonRecord(f"cannot build a document: {type(exc).__name__}: {exc}") from exc
    return {
        "_op_type": "index",
        "_index": index,
        "_id": document["id"],
        "version": version,
        "version_type": "external",
        "_source": document,
    }


def _change_time(record: dict[str, Any]) -> datetime | None:
    created = record.get("dynamodb", {}).get("ApproximateCreationDateTime")
    if created is None:
        return None
    if isinstance(created, datetime):
        return created.astimezone(UTC)
    return datetime.fromtimestamp(float(created), UTC)


def apply_batch(client: OpenSearch, index: str, records: Iterable[dict[str, Any]]) -> BatchResult:
    """Apply records in order; report each one that failed by its sequence number."""
    result = BatchResult()
    actions: list[dict[str, Any]] = []
    sequence_numbers: list[str] = []
    for record in records:
        sequence = _sequence_number(record)
        try:
            actions.append(index_action(record, index))
        except PoisonRecord as exc:
            result.failed[sequence] = str(exc)
            continue
        sequence_numbers.append(sequence)
        changed_at = _change_time(record)
        if changed_at and (result.newest_change_at is None or changed_at > result.newest_change_at):
            result.newest_change_at = changed_at
    if not actions:
        return result
    outcomes: Iterator[tuple[bool, dict[str, Any]]] = streaming_bulk(
        client,
        actions,
        chunk_size=500,
        max_retries=3,
        initial_backoff=1,
        raise_on_error=False,
        raise_on_exception=False,
    )
    for sequence, (ok, info) in zip(sequence_numbers, outcomes, strict=True):
        outcome = info.get("index", info)
        if ok:
            result.applied += 1
        elif outcome.get("status") == 409:
            result.stale += 1
        else:
            error = outcome.get("error") or outcome.get("exception") or outcome
            result.failed[sequence] = f"OpenSearch refused the write: {error}"
    return result
