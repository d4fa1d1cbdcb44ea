"""The indexer's own steps with the DynamoDB API server out of the way: records and items already
in memory, written by the same code the stream poller and the rebuild run. Set beside raw bulk,
they show what our code costs; set beside the end-to-end figures, what the server costs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from opensearchpy import OpenSearch
from tqdm import tqdm

from benchmarks.indexing.ceilings import timed
from indexer.batch import process_batch
from indexer.checkpoints import MemoryCheckpoints
from indexer.history import HistorySink
from indexer.rebuild import Rebuild
from indexer.stream import StreamPoller
from service import clients
from service.bootstrap import latest_mapping, persons_stream_arn
from service.config import Settings


def fresh_index(search: OpenSearch, settings: Settings, name: str, loading: bool = True) -> str:
    """A new index with the latest mapping; with `loading`, as raw bulk loads (no replica, no
    refresh), so that a step and raw bulk differ only in the code that feeds OpenSearch."""
    index = f"{settings.opensearch_alias}-{name}"
    body = latest_mapping(settings.mappings_dir).body()
    if loading:
        body["settings"]["index"].update({"number_of_replicas": 0, "refresh_interval": "-1"})
    search.indices.create(index=index, body=body)
    return index


def apply_from_memory(
    search: OpenSearch, settings: Settings, records: list[dict[str, Any]]
) -> float:
    """Records per second of the poller's apply step (`process_batch`, pages of the batch size,
    its bulk senders) over stream records already read, into a fresh index, with no sink."""
    index = fresh_index(search, settings, "apply-step")
    size = settings.indexer_batch_size

    def apply_all() -> None:
        with tqdm(total=len(records), desc="apply step, from memory", unit="record") as bar:
            for start in range(0, len(records), size):
                page = records[start : start + size]
                processed = process_batch(
                    page, search, index, None, (), "benchmark", size, settings.indexer_bulk_threads
                )
                if processed.failures:
                    raise RuntimeError(f"apply step failed: {processed.reasons[:1]}")
                bar.update(len(page))

    _, seconds = timed(apply_all)
    return len(records) / seconds


def load_from_memory(job: Rebuild, items: list[dict[str, Any]], segments: int) -> float:
    """Items per second of the rebuild's load step (`Rebuild.load_segment`, one bulk stream per
    segment) over stored items already read, split into `segments` parts, into a fresh index."""
    index = fresh_index(job.opensearch, job.settings, "load-step")
    parts = [items[segment::segments] for segment in range(segments)]
    with (
        tqdm(total=len(items), desc="rebuild load step, from memory", unit="doc") as bar,
        ThreadPoolExecutor(max_workers=segments) as pool,
    ):
        results, seconds = timed(
            lambda: list(pool.map(lambda part: job.load_segment(index, iter(part), bar), parts))
        )
    loaded = sum(result[0] for result in results)
    if loaded != len(items):
        raise RuntimeError(f"load step loaded {loaded} of {len(items)} items")
    return loaded / seconds


def poller_without_read_ahead(
    settings: Settings, search: OpenSearch, dynamodb: Any, index: str
) -> StreamPoller:
    """A poller as deployed (history sink) but reading no page ahead and sending one bulk stream,
    from the start of the stream (checkpoints in memory), into `index`: the path as it was.
    Its history writes rewrite the same entries, which costs the server what writing them does."""
    deployed = HistorySink.connect(dynamodb, settings)
    return StreamPoller(
        streams=clients.streams_client(settings),
        opensearch=search,
        checkpoints=MemoryCheckpoints(),
        stream_arn=persons_stream_arn(dynamodb, settings),
        index=index,
        batch_size=settings.indexer_batch_size,
        sinks=[deployed],
        read_ahead=False,
        bulk_threads=1,
    )
