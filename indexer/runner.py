"""Wires the stream poller to the configured backends."""

from __future__ import annotations

from indexer.checkpoints import CheckpointStore
from indexer.deadletters import DeadLetterStore
from indexer.history import HistorySink
from indexer.stream import StreamPoller
from service import clients
from service.bootstrap import persons_stream_arn
from service.config import Settings


def build_poller(settings: Settings) -> StreamPoller:
    """A poller for the Persons table's stream, writing to the configured alias."""
    dynamodb = clients.dynamodb_client(settings, "batch")
    return StreamPoller(
        streams=clients.streams_client(settings),
        opensearch=clients.opensearch_client(settings, "batch"),
        checkpoints=CheckpointStore(dynamodb, settings.checkpoints_table),
        stream_arn=persons_stream_arn(dynamodb, settings),
        index=settings.opensearch_alias,
        batch_size=settings.indexer_batch_size,
        bulk_threads=settings.indexer_bulk_threads,
        dead_letters=DeadLetterStore(dynamodb, settings.dead_letters_table),
        sinks=[HistorySink.connect(dynamodb, settings)],
    )


def drain(poller: StreamPoller, max_polls: int = 1000) -> int:
    """Poll until a pass finds no new records; returns how many records were read."""
    total = 0
    for _ in range(max_polls):
        processed = poller.poll_once()
        if processed == 0:
            return total
        total += processed
    raise RuntimeError(f"stream still had records after {max_polls} polls")
