"""The one indexer step both hosts run on a batch of stream records: apply it to OpenSearch, set
poison records aside in the dead-letter table, then feed the applied records to the sinks (the
change history). The stream poller and the Lambda handler differ only in what they do with the
records that failed: the poller retries the whole batch, Lambda reports them one by one."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch

from indexer.apply import BatchResult, apply_batch, sequence_number
from indexer.deadletters import DeadLetterStore
from service.store.errors import StoreError

log = logging.getLogger(__name__)

Sink = Callable[[list[dict[str, Any]]], None]


@dataclass
class ProcessedBatch:
    """The OpenSearch result and the sequence numbers to retry (failed, or not set aside)."""

    result: BatchResult
    failures: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)


def process_batch(
    records: list[dict[str, Any]],
    opensearch: OpenSearch,
    index: str,
    dead_letters: DeadLetterStore | None,
    sinks: Sequence[Sink],
    source: str,
    chunk_size: int = 500,
    threads: int = 1,
) -> ProcessedBatch:
    """Apply (from `threads` bulk senders), dead-letter, then run the sinks on every record
    that needs no retry."""
    result = apply_batch(opensearch, index, records, chunk_size=chunk_size, threads=threads)
    processed = ProcessedBatch(result, set(result.failed), list(result.failed.values()))
    by_sequence = {sequence_number(record): record for record in records}
    for sequence, reason in result.poison.items():
        if dead_letters is None:
            processed.failures.add(sequence)
            processed.reasons.append(f"poison record with nowhere to set it aside: {reason}")
            continue
        try:
            letter = dead_letters.put(by_sequence[sequence], reason, source=source)
        except StoreError as exc:
            log.warning("dead-letter write failed", extra={"error": str(exc)})
            processed.failures.add(sequence)
            processed.reasons.append(f"dead-letter write failed: {exc}")
            continue
        log.warning(
            "record set aside in the dead-letter table",
            extra={"deadLetterId": letter, "sequenceNumber": sequence, "reason": reason},
        )
    done = [record for record in records if sequence_number(record) not in processed.failures]
    try:
        for sink in sinks:
            sink(done)
    except StoreError as exc:
        log.warning("a stream sink failed; retrying the batch", extra={"error": str(exc)})
        processed.failures.update(by_sequence)
        processed.reasons.append(f"a sink failed: {exc}")
    return processed
