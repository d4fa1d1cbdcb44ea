"""The long-running host of the indexer: tails the Persons table's stream.

Shards are read parents first. On any error the in-memory iterators are dropped and re-acquired
from the stored checkpoints (moto can leave stale iterators; AWS iterators expire after 15
minutes), and the poller backs off instead of spinning.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch

from indexer.apply import apply_batch
from indexer.checkpoints import Checkpoint, CheckpointStore

log = logging.getLogger(__name__)


class BatchNotApplied(RuntimeError):
    """OpenSearch did not acknowledge a batch; its checkpoint was not moved."""


def order_shards(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shards sorted so that every parent comes before its children."""
    by_id = {shard["ShardId"]: shard for shard in shards}
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()

    def visit(shard: dict[str, Any]) -> None:
        if shard["ShardId"] in seen:
            return
        seen.add(shard["ShardId"])
        parent = by_id.get(shard.get("ParentShardId", ""))
        if parent is not None:
            visit(parent)
        ordered.append(shard)

    for shard in sorted(shards, key=lambda s: s["SequenceNumberRange"]["StartingSequenceNumber"]):
        visit(shard)
    return ordered


@dataclass
class StreamPoller:
    """Reads every shard of one stream and applies its records to the OpenSearch alias."""

    streams: Any
    opensearch: OpenSearch
    checkpoints: CheckpointStore
    stream_arn: str
    index: str
    batch_size: int = 100
    # Further consumers of each batch (e.g. the change history), run after OpenSearch acknowledged
    # it and before the checkpoint moves; each must be idempotent, as records can come again.
    sinks: list[Callable[[list[dict[str, Any]]], None]] = field(default_factory=list)
    _iterators: dict[str, str | None] = field(default_factory=dict)

    def _shards(self) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = self.streams.describe_stream(**kwargs)["StreamDescription"]
            shards.extend(description.get("Shards", []))
            last = description.get("LastEvaluatedShardId")
            if not last:
                return order_shards(shards)
            kwargs["ExclusiveStartShardId"] = last

    def _iterator(self, shard_id: str, checkpoint: Checkpoint | None) -> str | None:
        if shard_id in self._iterators:
            return self._iterators[shard_id]
        if checkpoint is not None and checkpoint.sequence_number is not None:
            request = {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "SequenceNumber": checkpoint.sequence_number,
            }
        else:
            request = {"ShardIteratorType": "TRIM_HORIZON"}
        iterator = self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, **request
        )["ShardIterator"]
        self._iterators[shard_id] = iterator
        return iterator

    def reset_iterators(self) -> None:
        """Forget every iterator; the next poll starts again from the stored checkpoints."""
        self._iterators.clear()

    def poll_once(self) -> int:
        """Read one page from each readable shard and apply it; returns the records applied."""
        processed = 0
        finished: set[str] = set()
        shards = self._shards()
        known = {shard["ShardId"] for shard in shards}
        for shard in shards:
            shard_id = shard["ShardId"]
            checkpoint = self.checkpoints.get(self.stream_arn, shard_id)
            if checkpoint is not None and checkpoint.finished:
                finished.add(shard_id)
                continue
            parent = shard.get("ParentShardId")
            # Read a parent to its end first; one aged out of the stream (24 h on AWS) no longer
            # blocks its children.
            if parent and parent in known and parent not in finished:
                continue
            processed += self._poll_shard(shard_id, checkpoint)
        return processed

    def _poll_shard(self, shard_id: str, checkpoint: Checkpoint | None) -> int:
        iterator = self._iterator(shard_id, checkpoint)
        if iterator is None:
            return 0
        response = self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
        records = response.get("Records", [])
        next_iterator = response.get("NextShardIterator")
        if records:
            result = apply_batch(self.opensearch, self.index, records)
            if not result.ok:
                self.reset_iterators()
                raise BatchNotApplied(
                    f"{len(result.failed)} of {len(records)} records in shard {shard_id} "
                    f"were not applied: {next(iter(result.failed.values()))}"
                )
            for sink in self.sinks:
                sink(records)
            last_sequence = records[-1]["dynamodb"]["SequenceNumber"]
            self.checkpoints.save(
                self.stream_arn,
                shard_id,
                Checkpoint(last_sequence, finished=next_iterator is None),
            )
            self.checkpoints.record_progress(datetime.now(UTC), result.newest_change_at)
        elif next_iterator is None:
            previous = checkpoint.sequence_number if checkpoint else None
            self.checkpoints.save(self.stream_arn, shard_id, Checkpoint(previous, finished=True))
        self._iterators[shard_id] = next_iterator
        return len(records)

    def run(
        self, stop: threading.Event, idle_sleep: float = 1.0, max_backoff: float = 30.0
    ) -> None:
        """Poll until `stop` is set; sleep when idle and back off exponentially on errors."""
        backoff = idle_sleep
        while not stop.is_set():
            try:
                processed = self.poll_once()
                backoff = idle_sleep
                if processed == 0:
                    stop.wait(idle_sleep)
            except Exception as exc:
                self.reset_iterators()
                log.warning(
                    "indexer poll failed; retrying from checkpoints",
                    extra={"error": type(exc).__name__, "retryInSeconds": backoff},
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff)
