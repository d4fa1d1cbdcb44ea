"""Per-shard checkpoints and indexer status, kept in a small DynamoDB table.

A checkpoint is written only after OpenSearch acknowledged every record up to it. The status item
also remembers when the poller found a checkpoint older than the stream keeps records
(`changesLostAt`): changes were lost to the index until a reconciliation finds it clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from service.store.aws_errors import conditional_write, store_operation
from service.store.indexer_status import STATUS_KEY, IndexerStatusReader
from service.store.items import from_item, to_item


def _moment(at: datetime) -> str:
    """A UTC time as stored text that sorts as the time does."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Checkpoint:
    """Where reading a shard resumes: after `sequence_number`, or nowhere if the shard is done."""

    sequence_number: str | None
    finished: bool = False


class Checkpoints(Protocol):
    """What the stream poller needs from a checkpoint store."""

    def get(self, stream_arn: str, shard_id: str) -> Checkpoint | None: ...

    def save(self, stream_arn: str, shard_id: str, checkpoint: Checkpoint) -> None: ...

    def record_progress(
        self, applied_at: datetime, newest_change_at: datetime | None, records: int, rate: float
    ) -> None: ...

    def record_caught_up(self, at: datetime, rate: float) -> None: ...

    def record_changes_lost(self, at: datetime) -> None: ...


class CheckpointStore:
    """Reads and writes checkpoints keyed by stream ARN and shard id."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    @staticmethod
    def _key(stream_arn: str, shard_id: str) -> dict[str, Any]:
        return {"key": {"S": f"{stream_arn}#{shard_id}"}}

    @store_operation
    def get(self, stream_arn: str, shard_id: str) -> Checkpoint | None:
        response = self._client.get_item(
            TableName=self._table, Key=self._key(stream_arn, shard_id), ConsistentRead=True
        )
        if "Item" not in response:
            return None
        item = from_item(response["Item"])
        return Checkpoint(item.get("sequenceNumber"), bool(item.get("finished")))

    @store_operation
    def save(self, stream_arn: str, shard_id: str, checkpoint: Checkpoint) -> None:
        item: dict[str, Any] = {
            "key": f"{stream_arn}#{shard_id}",
            "finished": checkpoint.finished,
            "updatedAt": datetime.now(UTC).isoformat(),
        }
        if checkpoint.sequence_number is not None:
            item["sequenceNumber"] = checkpoint.sequence_number
        self._client.put_item(TableName=self._table, Item=to_item(item))

    @store_operation
    def _update_status(
        self, assignments: dict[str, Any], add: dict[str, int] | None = None
    ) -> None:
        names = {f"#{name}": name for name in [*assignments, *(add or {})]}
        values = to_item(
            {f":{name}": value for name, value in [*assignments.items(), *(add or {}).items()]}
        )
        expression = "SET " + ", ".join(f"#{name} = :{name}" for name in assignments)
        if add:
            expression += " ADD " + ", ".join(f"#{name} :{name}" for name in add)
        self._client.update_item(
            TableName=self._table,
            Key={"key": {"S": STATUS_KEY}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def record_progress(
        self,
        applied_at: datetime,
        newest_change_at: datetime | None,
        records: int = 0,
        rate: float = 0.0,
    ) -> None:
        """Remember when changes were last applied, how old they were and how fast it goes."""
        assignments: dict[str, Any] = {
            "lastAppliedAt": applied_at.isoformat(),
            "recordsPerSecond": str(round(rate, 3)),
        }
        if newest_change_at is not None:
            assignments["lastChangeAt"] = newest_change_at.isoformat()
        self._update_status(assignments, {"appliedTotal": records})

    def record_caught_up(self, at: datetime, rate: float) -> None:
        """Remember that, at `at`, the stream held nothing the index had not seen."""
        self._update_status({"caughtUpAt": at.isoformat(), "recordsPerSecond": str(round(rate, 3))})

    def record_changes_lost(self, at: datetime) -> None:
        """Remember that, at `at`, a checkpoint was older than the stream's oldest record."""
        self._update_status({"changesLostAt": _moment(at)})

    @store_operation
    def clear_changes_lost(self, checked_from: datetime) -> bool:
        """Forget lost changes found before `checked_from`, when a reconciliation that started
        then found the index clean; False when there were none (or only newer ones)."""
        return conditional_write(
            self._client.update_item,
            TableName=self._table,
            Key={"key": {"S": STATUS_KEY}},
            UpdateExpression="REMOVE #lost",
            ConditionExpression="#lost < :checked",
            ExpressionAttributeNames={"#lost": "changesLostAt"},
            ExpressionAttributeValues={":checked": {"S": _moment(checked_from)}},
        )

    def status(self) -> dict[str, Any] | None:
        """The status item this store's indexer keeps (None before it ever reported)."""
        return IndexerStatusReader(self._client, self._table).status()


@dataclass
class MemoryCheckpoints:
    """Checkpoints held in memory: a rebuild's private catch-up reader, which records no status."""

    positions: dict[tuple[str, str], Checkpoint] = field(default_factory=dict)

    def get(self, stream_arn: str, shard_id: str) -> Checkpoint | None:
        return self.positions.get((stream_arn, shard_id))

    def save(self, stream_arn: str, shard_id: str, checkpoint: Checkpoint) -> None:
        self.positions[(stream_arn, shard_id)] = checkpoint

    def record_progress(
        self, applied_at: datetime, newest_change_at: datetime | None, records: int, rate: float
    ) -> None:
        """Status belongs to the live indexer; a private reader does not report it."""

    def record_caught_up(self, at: datetime, rate: float) -> None:
        """Status belongs to the live indexer; a private reader does not report it."""

    def record_changes_lost(self, at: datetime) -> None:
        """Nothing is lost to a rebuild: its scan, which started after the copied checkpoints,
        holds every change older than the stream's oldest record."""
