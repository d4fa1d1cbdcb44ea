"""Reads the status item the indexer keeps in the checkpoints table (health and metrics)."""

from __future__ import annotations

from typing import Any

from service.store.aws_errors import store_operation
from service.store.items import from_item

STATUS_KEY = "indexer-status"


class IndexerStatusReader:
    """The indexer's last reported progress; the client is injected, built once per app."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    @store_operation
    def status(self) -> dict[str, Any] | None:
        """The status item, or None before the indexer ever reported."""
        response = self._client.get_item(
            TableName=self._table, Key={"key": {"S": STATUS_KEY}}, ConsistentRead=True
        )
        return from_item(response["Item"]) if "Item" in response else None
