"""Per-shard checkpoints and indexer status, kept in a small DynamoDB table.

A checkpoint is written only after OpenSearch acknowledged every record up to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from service.store.items import from_item, to_item

STATUS_KEY = "indexer-status"


@dataclass(frozen=True)
class Checkpoint:
    """Where reading a shard resumes: after `sequence_number`, or nowhere if the shard is done."""

    sequence_number: str | None
    finished: bool = False


class CheckpointStore:
    """Reads and writes checkpoints keyed by stream ARN and shard id."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    @staticmethod
    def _key(stream_arn: str, shard_id: str) -> dict[str, Any]:
        return {"key": {"S": f"{stream_arn}#{shard_id}"}}

    def get(self, stream_arn: str, shard_id: str) -> Checkpoint | None:
        response = self._client.get_item(
            TableName=self._table, Key=self._key(stream_arn, shard_id), ConsistentRead=True
        )
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        return Checkpoint(item.get("sequenceNumber"), bool(item.get("finished")))

    def save(self, stream_arn: str, shard_id: str, checkpoint: Checkpoint) -> None:
        item: dict[str, Any] = {
            "key": f"{stream_arn}#{shard_id}",
            "finished": checkpoint.finished,
            "updatedAt": datetime.now(UTC).isoformat(),
        }
        if checkpoint.sequence_number is not None:
            item["sequenceNumber"] = checkpoint.sequence_number
        self._client.put_item(TableName=self._table, Item=to_item(item))

    def record_progress(self, applied_at: datetime, newest_change_at: datetime | None) -> None:
        """Remember when the indexer last applied a change, and how old that change was."""
        item: dict[str, Any] = {"key": STATUS_KEY, "lastAppliedAt": applied_at.isoformat()}
        if newest_change_at is not None:
            item["lastChangeAt"] = newest_change_at.isoformat()
        self._client.put_item(TableName=self._table, Item=to_item(item))

    def status(self) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table, Key={"key": {"S": STATUS_KEY}}, ConsistentRead=True
        )
        return from_item(response["Item"]) if "Item" in response else None
