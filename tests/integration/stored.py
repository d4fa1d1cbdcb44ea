"""Direct reads of the DynamoDB tables, to prove what a request did or did not store."""

from __future__ import annotations

from typing import Any

from service import clients
from service.config import Settings
from service.store.items import from_item


def table_items(settings: Settings, table: str) -> list[dict[str, Any]]:
    """Every item of a table (tests only: tables are small and per test)."""
    client = clients.dynamodb_client(settings)
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(from_item(item) for item in page.get("Items", []))
    return items


def persons(settings: Settings) -> list[dict[str, Any]]:
    return table_items(settings, settings.persons_table)
