"""The ceilings the indexing paths are measured against, each doing only the calls, no processing.

* raw bulk: the same documents (the project's document builder and mapping) bulk-loaded into a
  fresh index, from one thread and from two: what OpenSearch takes on this machine;
* the DynamoDB API server's own ceiling for the calls each path makes, with nothing done to the
  answers: GetShardIterator/GetRecords reading the same stream records, the change history's
  marker reads and writes for them (the stream path), and a parallel Scan of the table (the
  rebuild). The local server is moto, which answers one request at a time, so the time of a
  path's calls adds up: the stream path's server ceiling is records / (read + history) seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import bulk, parallel_bulk
from tqdm import tqdm

from indexer.history import history_entry
from service.bootstrap import latest_mapping
from service.config import Settings
from service.domain.search_document import search_document
from service.store.history import HistoryStore

BULK_CHUNK = 500


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    """(what `work` returned, wall-clock seconds it took)."""
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _bulk_actions(index: str, items: Iterable[dict[str, Any]], bar: tqdm) -> Iterator[dict]:
    for item in items:
        bar.update()
        yield {"_index": index, "_id": item["id"], "_source": search_document(item)}


def raw_bulk_rate(
    search: OpenSearch, settings: Settings, items: list[dict[str, Any]], threads: int
) -> float:
    """Documents per second of plain bulk requests (chunks of 500, documents built on the way,
    `threads` senders) into a fresh index with the latest mapping, replicas 0 and no refresh."""
    index = f"{settings.opensearch_alias}-ceiling-{threads}"
    body = latest_mapping(settings.mappings_dir).body()
    body["settings"]["index"].update({"number_of_replicas": 0, "refresh_interval": "-1"})
    search.indices.create(index=index, body=body)
    try:
        with tqdm(total=len(items), desc=f"raw bulk, {threads} thread(s)", unit="doc") as bar:
            actions = _bulk_actions(index, items, bar)
            if threads == 1:
                _, seconds = timed(lambda: bulk(search, actions, chunk_size=BULK_CHUNK))
            else:
                outcomes = parallel_bulk(
                    search, actions, thread_count=threads, chunk_size=BULK_CHUNK
                )
                _, seconds = timed(lambda: sum(1 for _ in outcomes))
    finally:
        search.indices.delete(index=index)
    return len(items) / seconds


def read_stream(streams: Any, stream_arn: str, expected: int, limit: int = 1000) -> list[dict]:
    """Every record of the stream's shards (GetShardIterator from the oldest record, then
    GetRecords until a page comes back empty), with nothing done to them."""
    records: list[dict[str, Any]] = []
    shards = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    with tqdm(total=expected, desc="server ceiling: GetRecords", unit="record") as bar:
        for shard in shards:
            iterator = streams.get_shard_iterator(
                StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = streams.get_records(ShardIterator=iterator, Limit=limit)
                if not page["Records"]:
                    break
                records.extend(page["Records"])
                bar.update(len(page["Records"]))
                iterator = page.get("NextShardIterator")
    return records


def history_calls(dynamodb: Any, table: str, records: list[dict[str, Any]]) -> float:
    """Seconds the server takes for the change history's calls for `records`, a page of 1,000 at
    a time as the stream path makes them: the erasure-marker reads (BatchGetItem) and the entry
    writes (BatchWriteItem) of `HistoryStore.record_all`, into `table`, a scratch copy of the
    history table. The entries are built before the clock starts."""
    pages = [
        [history_entry(record) for record in records[start : start + 1000]]
        for start in range(0, len(records), 1000)
    ]
    store = HistoryStore(dynamodb, table)
    started = time.perf_counter()
    with tqdm(total=len(records), desc="server ceiling: history calls", unit="entry") as bar:
        for page in pages:
            store.record_all(page)
            bar.update(len(page))
    return time.perf_counter() - started


def scratch_history_table(dynamodb: Any, settings: Settings) -> str:
    """A fresh, empty table with the history table's keys; the caller deletes it."""
    name = f"{settings.history_table}-ceiling"
    described = dynamodb.describe_table(TableName=settings.history_table)["Table"]
    dynamodb.create_table(
        TableName=name,
        KeySchema=described["KeySchema"],
        AttributeDefinitions=described["AttributeDefinitions"],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def scan_rate(dynamodb: Any, table: str, segments: int, expected: int) -> float:
    """Items per second of a parallel Scan of `table` in `segments` segments (one thread each),
    nothing done to the pages but counting their items."""
    paginator = dynamodb.get_paginator("scan")

    def count(segment: int, bar: tqdm) -> int:
        seen = 0
        for page in paginator.paginate(TableName=table, Segment=segment, TotalSegments=segments):
            seen += len(page["Items"])
            bar.update(len(page["Items"]))
        return seen

    with (
        tqdm(total=expected, desc=f"server ceiling: Scan, {segments} segments", unit="item") as bar,
        ThreadPoolExecutor(max_workers=segments) as pool,
    ):
        counts, seconds = timed(
            lambda: list(pool.map(lambda segment: count(segment, bar), range(segments)))
        )
    return sum(counts) / seconds
