"""The dead-letter table: stream records that can never be applied, with their reason and time.

The whole record is kept (compressed) so that it can be replayed once the cause is fixed; listing
shows only ids, sequence numbers and reasons, never the record's personal data.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.store.aws_errors import store_operation
from service.store.items import from_item, to_item


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot store a {type(value).__name__} in a dead letter")


def encode_record(record: dict[str, Any]) -> bytes:
    """A stream record as compressed JSON (datetimes become epoch seconds, as in Lambda events)."""
    return zlib.compress(json.dumps(record, default=_jsonable, sort_keys=True).encode())


def decode_record(blob: bytes) -> dict[str, Any]:
    """The stream record stored by `encode_record`."""
    return json.loads(zlib.decompress(blob))


def dead_letter_id(record: dict[str, Any]) -> str:
    """The record's own event id, so that dead-lettering the same record twice keeps one item."""
    return str(record.get("eventID") or record["dynamodb"]["SequenceNumber"])


@dataclass(frozen=True)
class DeadLetter:
    """One dead-lettered record and why it was set aside."""

    id: str
    sequence_number: str
    person_id: str | None
    event_name: str | None
    reason: str
    source: str
    dead_lettered_at: str
    attempts: int
    record: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """Everything but the record itself (which holds personal data)."""
        return {
            "id": self.id,
            "sequenceNumber": self.sequence_number,
            "personId": self.person_id,
            "eventName": self.event_name,
            "reason": self.reason,
            "source": self.source,
            "deadLetteredAt": self.dead_lettered_at,
            "attempts": self.attempts,
        }


def _person_id(record: dict[str, Any]) -> str | None:
    keys = record.get("dynamodb", {}).get("Keys") or {}
    try:
        return str(from_item(keys).get("id")) if keys else None
    except (TypeError, ValueError, AttributeError):
        return None


class DeadLetterStore:
    """Reads and writes the dead-letter table; the boto3 client is injected."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    @store_operation
    def put(self, record: dict[str, Any], reason: str, source: str, attempts: int = 1) -> str:
        """Set a record aside with its reason; returns its dead-letter id."""
        letter_id = dead_letter_id(record)
        item = {
            "id": letter_id,
            "sequenceNumber": str(record.get("dynamodb", {}).get("SequenceNumber", "")),
            "eventName": record.get("eventName"),
            "reason": reason,
            "source": source,
            "deadLetteredAt": datetime.now(UTC).isoformat(),
            "attempts": attempts,
            "record": encode_record(record),
        }
        person_id = _person_id(record)
        if person_id:
            item["personId"] = person_id
        self._client.put_item(
            TableName=self._table, Item=to_item({k: v for k, v in item.items() if v is not None})
        )
        return letter_id

    @store_operation
    def delete(self, letter_id: str) -> None:
        """Forget a dead letter (after it was replayed)."""
        self._client.delete_item(TableName=self._table, Key={"id": {"S": letter_id}})

    @store_operation
    def list(self) -> Iterator[DeadLetter]:
        """Every dead letter, oldest first."""
        letters = []
        for page in self._client.get_paginator("scan").paginate(TableName=self._table):
            for raw in page.get("Items", []):
                item = from_item(raw)
                letters.append(
                    DeadLetter(
                        id=item["id"],
                        sequence_number=item.get("sequenceNumber", ""),
                        person_id=item.get("personId"),
                        event_name=item.get("eventName"),
                        reason=item.get("reason", ""),
                        source=item.get("source", ""),
                        dead_lettered_at=item.get("deadLetteredAt", ""),
                        attempts=int(item.get("attempts", 1)),
                        record=decode_record(bytes(item["record"])),
                    )
                )
        yield from sorted(letters, key=lambda letter: letter.dead_lettered_at)
