"""Zero-downtime rebuild: a new index from a parallel scan, caught up from the stream, swapped in.

Catching up uses the stream, not dual writes: before the scan starts, the live indexer's
checkpoints are copied into a private, in-memory reader. Every change made after that point is
on the stream after those checkpoints, so once the scan is loaded the private reader applies them
to the new index. After the alias swap it reads the stream to its end once more, which covers
changes the live indexer applied to the old index while the swap happened. External versions
make every overlap harmless: whichever write comes last, the highest version wins.

Searches keep answering: the alias points at the old index until `update_aliases` moves it in
one atomic step, and the old index is deleted only after that.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk
from tqdm import tqdm

from indexer.apply import APPLIED, FAILED, STALE, document_action, redact, sort_outcome
from indexer.checkpoints import CheckpointStore, MemoryCheckpoints
from indexer.deadletters import DeadLetterStore
from indexer.lock import Lease
from indexer.runner import drain
from indexer.scan import parallel_scan
from indexer.stream import StreamPoller
from service.bootstrap import latest_mapping, new_index_name, persons_stream_arn
from service.config import Settings
from service.store.items import to_item

log = logging.getLogger(__name__)

LOCK_TTL_SECONDS = 6 * 3600
_BULK_CHUNK = 500
# A force merge of a large index takes minutes (1,000,000 persons: under two on 2 cores).
MERGE_TIMEOUT_SECONDS = 2 * 3600


class RebuildFailed(RuntimeError):
    """The new index could not be loaded; it was deleted and the alias was not touched."""


@dataclass
class RebuildReport:
    """What a rebuild did."""

    index: str
    previous: list[str]
    loaded: int = 0
    poison: int = 0
    caught_up: int = 0
    merge_seconds: float = 0.0
    seconds: float = 0.0
    deleted_previous: bool = False


def _rebuild_record(item: dict[str, Any]) -> dict[str, Any]:
    """A stream-like record of a scanned item, so a poison item can be dead-lettered."""
    return {
        "eventID": f"rebuild-{item.get('id')}-{item.get('versionNumber')}",
        "eventName": "MODIFY",
        "dynamodb": {
            "Keys": to_item({"id": item.get("id")}),
            "NewImage": to_item(item),
            "SequenceNumber": "0",
        },
    }


def _loading_settings(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(settings for bulk loading, settings to restore afterwards) from a mapping body."""
    index_settings = body.get("settings", {}).get("index", {})
    final = {
        "number_of_replicas": index_settings.get("number_of_replicas", 1),
        "refresh_interval": index_settings.get("refresh_interval"),
    }
    return {"number_of_replicas": 0, "refresh_interval": "-1"}, final


def merge_to_one_segment(client: OpenSearch, index: str) -> None:
    """Force-merge a freshly loaded index into one segment per shard.

    A bulk load leaves tens of segments, and the duplicate check's fuzzy and multi-term clauses
    are rewritten in every one: at 1,000,000 persons, 23 segments made a staff search take about
    twice as long as one segment did. Later writes add small segments that merge as usual.
    """
    client.indices.forcemerge(
        index=index, max_num_segments=1, request_timeout=MERGE_TIMEOUT_SECONDS
    )


@dataclass
class Rebuild:
    """One rebuild of the alias's index; clients are injected."""

    settings: Settings
    dynamodb: Any
    streams: Any
    opensearch: OpenSearch
    segments: int = 4
    show_progress: bool = True
    keep_previous: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> RebuildReport:
        """Build, load, catch up and swap, holding the rebuild lease throughout."""
        alias = self.settings.opensearch_alias
        lease = Lease(
            self.dynamodb, self.settings.checkpoints_table, f"rebuild#{alias}", LOCK_TTL_SECONDS
        )
        with lease:
            return self._run(alias)

    def _run(self, alias: str) -> RebuildReport:
        started = time.monotonic()
        previous = (
            list(self.opensearch.indices.get_alias(name=alias))
            if self.opensearch.indices.exists_alias(name=alias)
            else []
        )
        mapping = latest_mapping(self.settings.mappings_dir)
        index = new_index_name(alias, mapping)
        report = RebuildReport(index=index, previous=previous)
        catch_up = self._catch_up_reader(index)  # before the scan: see the docstring
        body = mapping.body()
        loading, final = _loading_settings(body)
        body.setdefault("settings", {}).setdefault("index", {}).update(loading)
        self.opensearch.indices.create(index=index, body=body)
        try:
            report.loaded, report.poison = self._load(index)
            merging = time.monotonic()
            merge_to_one_segment(self.opensearch, index)
            report.merge_seconds = time.monotonic() - merging
            self.opensearch.indices.put_settings(index=index, body={"index": final})
            self.opensearch.indices.refresh(index=index)
            report.caught_up = drain(catch_up)
            self.opensearch.cluster.health(index=index, wait_for_status="yellow")
            self._swap(alias, index, previous)
        except BaseException:
            catch_up.close()
            log.error("rebuild failed; deleting the new index", extra={"index": index})
            self.opensearch.indices.delete(index=index, ignore_unavailable=True)
            raise
        try:
            report.caught_up += drain(catch_up)
        finally:
            catch_up.close()
        if previous and not self.keep_previous:
            self.opensearch.indices.delete(index=",".join(previous), ignore_unavailable=True)
            report.deleted_previous = True
        report.seconds = time.monotonic() - started
        return report

    def _catch_up_reader(self, index: str) -> StreamPoller:
        """A private stream reader from the live checkpoints, writing to `index`."""
        live = CheckpointStore(self.dynamodb, self.settings.checkpoints_table)
        stream_arn = persons_stream_arn(self.dynamodb, self.settings)
        reader = StreamPoller(
            streams=self.streams,
            opensearch=self.opensearch,
            checkpoints=MemoryCheckpoints(),
            stream_arn=stream_arn,
            index=index,
            batch_size=self.settings.indexer_batch_size,
            bulk_threads=self.settings.indexer_bulk_threads,
            dead_letters=self._dead_letters(),
        )
        for shard in reader._shards():
            checkpoint = live.get(stream_arn, shard["ShardId"])
            if checkpoint is not None:
                reader.checkpoints.save(stream_arn, shard["ShardId"], checkpoint)
        return reader

    def _dead_letters(self) -> DeadLetterStore:
        return DeadLetterStore(self.dynamodb, self.settings.dead_letters_table)

    def _load(self, index: str) -> tuple[int, int]:
        """Bulk-load every item (tombstones included) from a parallel scan; (loaded, poison)."""
        total = self.dynamodb.describe_table(TableName=self.settings.persons_table)["Table"].get(
            "ItemCount"
        )
        with tqdm(
            total=total, desc=f"Loading {index}", unit="doc", disable=not self.show_progress
        ) as bar:
            results = parallel_scan(
                self.dynamodb,
                self.settings.persons_table,
                self.segments,
                lambda items: self.load_segment(index, items, bar),
            )
        return sum(r[0] for r in results), sum(r[1] for r in results)

    def _actions(
        self,
        index: str,
        items: Iterator[dict[str, Any]],
        sent: collections.deque[dict[str, Any]],
        poison: list[tuple[dict[str, Any], str]],
    ) -> Iterator[dict[str, Any]]:
        for item in items:
            try:
                action = document_action(item, index)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                poison.append((item, redact(f"cannot build a document: {type(exc).__name__}")))
                continue
            sent.append(item)  # bulk results come back in the order the actions were sent
            yield action

    def load_segment(
        self, index: str, items: Iterator[dict[str, Any]], bar: tqdm
    ) -> tuple[int, int]:
        """Bulk-load one segment's items into `index`, poison ones to the dead-letter table;
        (loaded, poison). Each segment has its own bulk stream (with back-off on 429s), so the
        segments' scans and bulk requests overlap."""
        sent: collections.deque[dict[str, Any]] = collections.deque()
        poison: list[tuple[dict[str, Any], str]] = []
        loaded = 0
        outcomes = streaming_bulk(
            self.opensearch,
            self._actions(index, items, sent, poison),
            chunk_size=_BULK_CHUNK,
            max_retries=5,
            initial_backoff=1,
            raise_on_error=False,
        )
        for ok, info in outcomes:
            item = sent.popleft()
            kind, _, reason = sort_outcome(ok, info)
            if kind in {APPLIED, STALE}:
                loaded += 1
            elif kind == FAILED:
                raise RebuildFailed(f"OpenSearch did not take the load: {reason}")
            else:
                poison.append((item, reason or ""))
            with self._lock:
                bar.update(1)
        dead_letters = self._dead_letters()
        for item, reason in poison:
            dead_letters.put(_rebuild_record(item), reason, source="rebuild")
        return loaded, len(poison)

    def _swap(self, alias: str, index: str, previous: list[str]) -> None:
        """Point the alias at the new index in one atomic step."""
        actions: list[dict[str, Any]] = [
            {"remove": {"index": old, "alias": alias}} for old in previous
        ]
        actions.append({"add": {"index": index, "alias": alias, "is_write_index": True}})
        self.opensearch.indices.update_aliases(body={"actions": actions})
