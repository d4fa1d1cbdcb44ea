"""AWS Lambda host of the indexer, for a DynamoDB Streams event-source mapping.

Configure the mapping with `FunctionResponseTypes: ["ReportBatchItemFailures"]`: records that
could not be applied are reported by sequence number and Lambda retries from the earliest one.
Poison records go to the dead-letter table instead, so one bad record never blocks the shard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from opensearchpy import OpenSearch

from indexer.batch import process_batch
from indexer.checkpoints import CheckpointStore
from indexer.deadletters import DeadLetterStore
from indexer.history import HistorySink
from service import clients
from service.config import Settings
from service.store.errors import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LambdaBackends:
    """What one Lambda container keeps between invocations."""

    opensearch: OpenSearch
    index: str
    dead_letters: DeadLetterStore
    status: CheckpointStore | None = None
    # Further consumers of the applied records (the change history); each is idempotent.
    sinks: tuple[Callable[[list[dict[str, Any]]], None], ...] = ()


@cache
def _backends() -> LambdaBackends:
    settings = Settings.from_env()
    dynamodb = clients.dynamodb_client(settings, "batch")
    return LambdaBackends(
        opensearch=clients.opensearch_client(settings, "batch"),
        index=settings.opensearch_alias,
        dead_letters=DeadLetterStore(dynamodb, settings.dead_letters_table),
        status=CheckpointStore(dynamodb, settings.checkpoints_table),
        sinks=(HistorySink.connect(dynamodb, settings),),
    )


def handle(event: dict[str, Any], backends: LambdaBackends) -> dict[str, Any]:
    """Apply one event's records; the response lists every record Lambda must retry."""
    records = event.get("Records", [])
    processed = process_batch(
        records,
        backends.opensearch,
        backends.index,
        backends.dead_letters,
        backends.sinks,
        source="lambda",
    )
    result, failures = processed.result, processed.failures
    if backends.status is not None and result.applied + result.stale:
        try:
            backends.status.record_progress(
                datetime.now(UTC), result.newest_change_at, result.applied + result.stale, 0.0
            )
        except StoreError as exc:  # status is informative; never fail for it
            log.warning("indexer status not recorded", extra={"error": str(exc)})
    return {"batchItemFailures": [{"itemIdentifier": seq} for seq in sorted(failures, key=int)]}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point."""
    return handle(event, _backends())
