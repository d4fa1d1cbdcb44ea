"""Apply a batch of DynamoDB stream records to OpenSearch: the code both indexer hosts share.

Writes are idempotent and ordered by the record's own version (`version_type=external`): a
repeated or late record is refused by OpenSearch as a version conflict, which counts as applied.
A deletion is written as a tombstone document at a higher version, so it stays deleted whatever
arrives after it.

Each record that is not applied is either *poison* (it can never be applied: it cannot be turned
into a document, or OpenSearch rejects the document itself) or *failed* (OpenSearch was
unreachable, overloaded or refused for a reason that may pass, so it must be retried).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk

from service.domain.search_document import search_document
from service.store.items import from_item

# Statuses for which OpenSearch rejects the document itself; retrying can never succeed.
_POISON_STATUSES = frozenset({400, 413})
_MAX_CHUNK_BYTES = 5 * 1024 * 1024


class PoisonRecord(ValueError):
    """A stream record that can never be turned into an index write."""


@dataclass
class BatchResult:
    """What happened to one batch; poison and failed records are keyed by sequence number."""

    applied: int = 0
    stale: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    poison: dict[str, str] = field(default_factory=dict)
    newest_change_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when nothing needs a retry (poison records are handled by the caller)."""
        return not self.failed


def redact(text: str) -> str:
    """An error message without quoted values, which may hold personal data."""
    text = re.sub(r"Preview of field's value:.*$", "", text, flags=re.DOTALL)
    return re.sub(r"'[^']*'", "'…'", text).strip()


def sequence_number(record: dict[str, Any]) -> str:
    """The stream sequence number that identifies a record."""
    return str(record["dynamodb"]["SequenceNumber"])


def document_action(
    item: dict[str, Any], index: str, version: int | None = None, version_type: str = "external"
) -> dict[str, Any]:
    """The external-versioned bulk index action for a stored item (person or tombstone)."""
    document = search_document(item)
    return {
        "_op_type": "index",
        "_index": index,
        "_id": document["id"],
        "version": int(item["versionNumber"]) if version is None else version,
        "version_type": version_type,
        "_source": document,
    }


def index_action(record: dict[str, Any], index: str) -> dict[str, Any]:
    """The bulk action for one stream record, or PoisonRecord if it cannot be built."""
    event = record.get("eventName")
    change = record.get("dynamodb", {})
    try:
        if event in {"INSERT", "MODIFY"}:
            return document_action(from_item(change["NewImage"]), index)
        if event == "REMOVE":
            item = (
                from_item(change["OldImage"]) if "OldImage" in change else from_item(change["Keys"])
            )
            if "versionNumber" not in item:
                raise PoisonRecord("REMOVE record has no old image with a versionNumber")
            tombstone = {"id": item["id"], "isDeleted": True}
            return document_action(tombstone, index, version=int(item["versionNumber"]) + 1)
        raise PoisonRecord(f"unknown eventName {event!r}")
    except PoisonRecord:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PoisonRecord(redact(f"cannot build a document: {type(exc).__name__}: {exc}")) from exc


def change_time(record: dict[str, Any]) -> datetime | None:
    """When DynamoDB made the change (stream records carry a datetime, Lambda events a number)."""
    created = record.get("dynamodb", {}).get("ApproximateCreationDateTime")
    if created is None:
        return None
    if isinstance(created, datetime):
        return created.astimezone(UTC)
    return datetime.fromtimestamp(float(created), UTC)


def bulk_failure(outcome: dict[str, Any]) -> tuple[bool, str]:
    """(is_poison, redacted reason) for one failed bulk item."""
    status = outcome.get("status")
    error = outcome.get("error") or outcome.get("exception") or outcome
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
    else:
        reason = str(error)
    return status in _POISON_STATUSES, redact(f"OpenSearch refused the write ({status}): {reason}")


APPLIED, STALE, POISON, FAILED = "applied", "stale", "poison", "failed"


def sort_outcome(ok: bool, info: dict[str, Any]) -> tuple[str, dict[str, Any], str | None]:
    """One `streaming_bulk` result as (kind, the item's outcome, redacted reason): `applied`;
    `stale` (409: the index already holds this version or a newer one, which external versions
    make harmless); `poison` (OpenSearch refuses this document and always will); `failed`
    (worth retrying). The one place the three indexer paths read bulk results."""
    outcome = info.get("index", info)
    if ok:
        return APPLIED, outcome, None
    if outcome.get("status") == 409:
        return STALE, outcome, None
    poison, reason = bulk_failure(outcome)
    return (POISON if poison else FAILED), outcome, reason


def _send(client: OpenSearch, actions: list[dict[str, Any]], chunk_size: int) -> list[Any]:
    """Every bulk outcome for `actions`, in their order (429s retried with back-off)."""
    return list(
        streaming_bulk(
            client,
            actions,
            chunk_size=chunk_size,
            max_chunk_bytes=_MAX_CHUNK_BYTES,
            max_retries=3,
            initial_backoff=1,
            raise_on_error=False,
            raise_on_exception=False,
        )
    )


def send_in_parallel(
    client: OpenSearch, actions: list[dict[str, Any]], chunk_size: int, threads: int
) -> list[tuple[bool, dict[str, Any]]]:
    """Bulk outcomes for `actions` in their order, sent as `threads` contiguous parts at once.

    Sending parts at once is safe for the index because every write carries its external
    version: whichever of two writes to one id lands last, the higher version stays (the other
    answers 409, counted as stale)."""
    if threads <= 1 or len(actions) <= 1:
        return _send(client, actions, chunk_size)
    size = -(-len(actions) // threads)
    parts = [actions[start : start + size] for start in range(0, len(actions), size)]
    with ThreadPoolExecutor(max_workers=len(parts), thread_name_prefix="bulk") as pool:
        sent = pool.map(lambda part: _send(client, part, min(chunk_size, size)), parts)
        return [outcome for part in sent for outcome in part]


def apply_batch(
    client: OpenSearch,
    index: str,
    records: Iterable[dict[str, Any]],
    chunk_size: int = 500,
    threads: int = 1,
) -> BatchResult:
    """Apply records in bulk requests of at most `chunk_size` actions (and 5 MB), from
    `threads` senders at once (see `send_in_parallel`)."""
    result = BatchResult()
    actions: list[dict[str, Any]] = []
    sequence_numbers: list[str] = []
    for record in records:
        sequence = sequence_number(record)
        try:
            actions.append(index_action(record, index))
        except PoisonRecord as exc:
            result.poison[sequence] = str(exc)
            continue
        sequence_numbers.append(sequence)
        changed_at = change_time(record)
        if changed_at and (result.newest_change_at is None or changed_at > result.newest_change_at):
            result.newest_change_at = changed_at
    if not actions:
        return result
    outcomes = send_in_parallel(client, actions, chunk_size, threads)
    for sequence, (ok, info) in zip(sequence_numbers, outcomes, strict=True):
        kind, _, reason = sort_outcome(ok, info)
        if kind == APPLIED:
            result.applied += 1
        elif kind == STALE:
            result.stale += 1
        else:
            (result.poison if kind == POISON else result.failed)[sequence] = reason or ""
    return result
