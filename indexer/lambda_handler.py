"""AWS Lambda host of the indexer, for a DynamoDB Streams event-source mapping.

Configure the mapping with `FunctionResponseTypes: ["ReportBatchItemFailures"]`: records that
could not be applied are reported by sequence number and Lambda retries from the earliest one.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from opensearchpy import OpenSearch

from indexer.apply import apply_batch
from service import clients
from service.config import Settings


@cache
def _client_and_alias() -> tuple[OpenSearch, str]:
    settings = Settings.from_env()
    return clients.opensearch_client(settings, "batch"), settings.opensearch_alias


def handle(event: dict[str, Any], client: OpenSearch, index: str) -> dict[str, Any]:
    """Apply one event's records; the response lists every record that failed."""
    result = apply_batch(client, index, event.get("Records", []))
    return {"batchItemFailures": [{"itemIdentifier": seq} for seq in sorted(result.failed)]}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point."""
    client, alias = _client_and_alias()
    return handle(event, client, alias)
