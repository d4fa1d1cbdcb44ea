"""Extended data: one JSON object per person and service area, in a table of its own.

The table has no stream, so nothing here is ever indexed. Values are stored as JSON text.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from service.domain.tombstone import MERGED_INTO, TOMBSTONE_FLAG
from service.store.aws_errors import cancellation_codes, store_operation
from service.store.errors import PersonNotFound
from service.store.items import from_item, to_item


class ExtendedStore:
    """Reads and writes extended data; writes only while the person is live."""

    def __init__(self, client: Any, table: str, persons_table: str) -> None:
        self._client = client
        self._table = table
        self._persons_table = persons_table

    @store_operation
    def get(self, person_id: str, service_area: str) -> dict[str, Any] | None:
        """The stored record for one service area, or None."""
        response = self._client.get_item(
            TableName=self._table,
            Key={"personId": {"S": person_id}, "serviceArea": {"S": service_area}},
            ConsistentRead=True,
        )
        if "Item" not in response:
            return None
        record = from_item(response["Item"])
        record["data"] = json.loads(record["data"])
        return record

    @store_operation
    def put(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store a record, in one transaction with a check that its person is live."""
        item = {**record, "data": json.dumps(record["data"], separators=(",", ":"))}
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": self._persons_table,
                            "Key": {"id": {"S": record["personId"]}},
                            "ConditionExpression": "attribute_exists(#id) "
                            "AND attribute_not_exists(#deleted) AND attribute_not_exists(#merged)",
                            "ExpressionAttributeNames": {
                                "#id": "id",
                                "#deleted": TOMBSTONE_FLAG,
                                "#merged": MERGED_INTO,
                            },
                        }
                    },
                    {"Put": {"TableName": self._table, "Item": to_item(item)}},
                ]
            )
        except ClientError as exc:
            if cancellation_codes(exc)[:1] == ["ConditionalCheckFailed"]:  # the person check
                raise PersonNotFound(f"Person {record['personId']} does not exist") from exc
            raise
        return record

    @store_operation
    def delete_all(self, person_id: str) -> int:
        """Delete every service area's record of a person; returns how many there were."""
        paginator = self._client.get_paginator("query")
        count = 0
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="#person = :person",
            ExpressionAttributeNames={"#person": "personId"},
            ExpressionAttributeValues={":person": {"S": person_id}},
            ProjectionExpression="personId, serviceArea",
            ConsistentRead=True,
        ):
            for key in page.get("Items", []):
                self._client.delete_item(TableName=self._table, Key=key)
                count += 1
        return count
