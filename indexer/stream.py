"""The long-running host of the indexer: tails the Persons table's stream.

Shards are read parents first. A checkpoint moves only after OpenSearch acknowledged the batch
and any poison record in it was set aside in the dead-letter table. On any error the in-memory
iterators are dropped and re-acquired from the stored checkpoints (moto can leave stale
iterators; AWS iterators expire after 15 minutes), and the poller backs off instead of spinning.

Reading ahead: when a page comes back full (a backlog), the next page of that shard is read on a
background thread while this one is applied, so the stream read and the index and history writes
overlap instead of adding up. A page read ahead is only ever used as the continuation of the
page before it once that page was applied; any error drops it with the iterators, and the shard
is read again from its checkpoint.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from opensearchpy import OpenSearch

from indexer.apply import sequence_number
from indexer.batch import process_batch
from indexer.checkpoints import Checkpoint, Checkpoints
from indexer.deadletters import DeadLetterStore
from indexer.status import Throughput
from service.store.aws_errors import error_code

log = logging.getLogger(__name__)

# How often an idle poller tells the status item that it is caught up.
HEARTBEAT_SECONDS = 5.0


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


def readable_shards(shards: list[dict[str, Any]], finished: set[str]) -> list[str]:
    """Ids of the shards to read now: unfinished ones whose parent (if still listed) is finished."""
    known = {shard["ShardId"] for shard in shards}
    readable = []
    for shard in order_shards(shards):
        shard_id = shard["ShardId"]
        parent = shard.get("ParentShardId")
        if shard_id in finished:
            continue
        # A parent aged out of the stream (24 h on AWS) no longer blocks its children.
        if parent and parent in known and parent not in finished:
            continue
        readable.append(shard_id)
    return readable


@dataclass
class Backoff:
    """Exponential back-off between failed polls, reset by a successful one."""

    initial: float
    maximum: float
    current: float = 0.0

    def next(self) -> float:
        """The pause before the next attempt: initial, then doubling up to the maximum."""
        self.current = self.initial if self.current == 0 else min(self.current * 2, self.maximum)
        return self.current

    def reset(self) -> None:
        self.current = 0.0


@dataclass
class StreamPoller:
    """Reads every shard of one stream and applies its records to the OpenSearch alias."""

    streams: Any
    opensearch: OpenSearch
    checkpoints: Checkpoints
    stream_arn: str
    index: str
    batch_size: int = 1000
    # Where poison records go; without it a poison record stops the shard (nothing is lost).
    dead_letters: DeadLetterStore | None = None
    # Further consumers of each batch (e.g. the change history), run after OpenSearch acknowledged
    # it and before the checkpoint moves; each must be idempotent, as records can come again.
    sinks: list[Callable[[list[dict[str, Any]]], None]] = field(default_factory=list)
    # Read a shard's next page while the current one is applied (see the module docstring).
    read_ahead: bool = True
    # Bulk senders per page (parts of a page are sent at once; external versions keep order).
    bulk_threads: int = 1
    _iterators: dict[str, str | None] = field(default_factory=dict)
    # Per shard: the iterator a page was read ahead with, and that read.
    _ahead: dict[str, tuple[str, Future[dict[str, Any]]]] = field(default_factory=dict)
    _reader: ThreadPoolExecutor | None = None
    _throughput: Throughput = field(default_factory=Throughput)
    _last_heartbeat: float = float("-inf")

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

    def _get_iterator(self, shard_id: str, request: dict[str, Any]) -> str:
        return self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, **request
        )["ShardIterator"]

    def _iterator(self, shard_id: str, checkpoint: Checkpoint | None) -> str | None:
        if shard_id in self._iterators:
            return self._iterators[shard_id]
        if checkpoint is None or checkpoint.sequence_number is None:
            iterator = self._get_iterator(shard_id, {"ShardIteratorType": "TRIM_HORIZON"})
        else:
            try:
                iterator = self._get_iterator(
                    shard_id,
                    {
                        "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                        "SequenceNumber": checkpoint.sequence_number,
                    },
                )
            except ClientError as exc:
                if error_code(exc) != "TrimmedDataAccessException":
                    raise
                # The checkpoint is older than the stream keeps records: changes were lost to
                # the index. Carry on from the oldest record, and say so in the status (health
                # and metrics) until a reconciliation finds the index clean.
                log.error(
                    "checkpoint is beyond the stream's retention; run person-indexer reconcile "
                    "--repair",
                    extra={"shardId": shard_id},
                )
                self.checkpoints.record_changes_lost(datetime.now(UTC))
                iterator = self._get_iterator(shard_id, {"ShardIteratorType": "TRIM_HORIZON"})
        self._iterators[shard_id] = iterator
        return iterator

    def reset_iterators(self) -> None:
        """Forget every iterator and page read ahead; the next poll starts again from the stored
        checkpoints."""
        self._iterators.clear()
        self._ahead.clear()

    def close(self) -> None:
        """Stop the read-ahead thread (a later poll starts a new one)."""
        self._ahead.clear()
        if self._reader is not None:
            self._reader.shutdown(wait=True, cancel_futures=True)
            self._reader = None

    def _read_ahead(self, shard_id: str, iterator: str) -> None:
        if self._reader is None:
            self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stream-read")
        page = self._reader.submit(
            self.streams.get_records, ShardIterator=iterator, Limit=self.batch_size
        )
        self._ahead[shard_id] = (iterator, page)

    def _page_read_ahead(self, shard_id: str, iterator: str) -> dict[str, Any] | None:
        """The page read ahead with `iterator`, or None (none, another iterator, or it failed:
        the caller then reads it again itself)."""
        ahead = self._ahead.pop(shard_id, None)
        if ahead is None or ahead[0] != iterator:
            return None
        try:
            return ahead[1].result()
        except ClientError:
            return None

    def poll_once(self) -> int:
        """Read one page from each readable shard and apply it; returns the records read."""
        shards = self._shards()
        checkpoints = {
            shard["ShardId"]: self.checkpoints.get(self.stream_arn, shard["ShardId"])
            for shard in shards
        }
        finished = {shard_id for shard_id, cp in checkpoints.items() if cp and cp.finished}
        processed = 0
        for shard_id in readable_shards(shards, finished):
            processed += self._poll_shard(shard_id, checkpoints[shard_id])
        if processed == 0:
            self._heartbeat()
        return processed

    def _heartbeat(self) -> None:
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_SECONDS:
            self.checkpoints.record_caught_up(datetime.now(UTC), self._throughput.rate(now))
            self._last_heartbeat = now

    def _get_records(self, shard_id: str, checkpoint: Checkpoint | None) -> dict[str, Any] | None:
        iterator = self._iterator(shard_id, checkpoint)
        if iterator is None:
            return None
        page = self._page_read_ahead(shard_id, iterator)
        if page is not None:
            return page
        try:
            return self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
        except ClientError as exc:
            # An expired (AWS) or stale (moto) iterator: re-acquire it from the checkpoint once.
            log.info(
                "shard iterator refused; re-acquiring it from the checkpoint",
                extra={"shardId": shard_id, "error": error_code(exc)},
            )
            self._iterators.pop(shard_id, None)
            iterator = self._iterator(shard_id, checkpoint)
            if iterator is None:
                return None
            return self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)

    def _poll_shard(self, shard_id: str, checkpoint: Checkpoint | None) -> int:
        response = self._get_records(shard_id, checkpoint)
        if response is None:
            return 0
        records = response.get("Records", [])
        next_iterator = response.get("NextShardIterator")
        if self.read_ahead and next_iterator is not None and len(records) >= self.batch_size:
            self._read_ahead(shard_id, next_iterator)
        if records:
            newest_change_at = self._apply(shard_id, records)
            self.checkpoints.save(
                self.stream_arn,
                shard_id,
                Checkpoint(sequence_number(records[-1]), finished=next_iterator is None),
            )
            now = time.monotonic()
            self._throughput.add(now, len(records))
            self.checkpoints.record_progress(
                datetime.now(UTC), newest_change_at, len(records), self._throughput.rate(now)
            )
        elif next_iterator is None:
            previous = checkpoint.sequence_number if checkpoint else None
            self.checkpoints.save(self.stream_arn, shard_id, Checkpoint(previous, finished=True))
        self._iterators[shard_id] = next_iterator
        return len(records)

    def _apply(self, shard_id: str, records: list[dict[str, Any]]) -> datetime | None:
        """Apply a page; raise BatchNotApplied unless every record was applied or set aside."""
        processed = process_batch(
            records,
            self.opensearch,
            self.index,
            self.dead_letters,
            self.sinks,
            source="stream",
            chunk_size=self.batch_size,
            threads=self.bulk_threads,
        )
        if processed.failures:
            self.reset_iterators()
            raise BatchNotApplied(
                f"{len(processed.failures)} of {len(records)} records in shard {shard_id} "
                f"were not applied: {processed.reasons[0]}"
            )
        return processed.result.newest_change_at

    def run(
        self, stop: threading.Event, idle_sleep: float = 1.0, max_backoff: float = 30.0
    ) -> None:
        """Poll until `stop` is set; sleep when idle and back off exponentially on errors."""
        backoff = Backoff(initial=idle_sleep, maximum=max_backoff)
        try:
            self._run(stop, idle_sleep, backoff)
        finally:
            self.close()

    def _run(self, stop: threading.Event, idle_sleep: float, backoff: Backoff) -> None:
        while not stop.is_set():
            try:
                processed = self.poll_once()
            except Exception as exc:  # any failure: keep running, retry from the checkpoints
                self.reset_iterators()
                pause = backoff.next()
                log.warning(
                    "indexer poll failed; retrying from checkpoints",
                    extra={"error": type(exc).__name__, "retryInSeconds": pause},
                )
                stop.wait(pause)
                continue
            backoff.reset()
            if processed == 0:
                stop.wait(idle_sleep)
