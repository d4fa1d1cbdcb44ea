"""The cross-reference lookup table: one item per (system, reference), naming its person.

Items are written only inside the person's own transaction (see PersonStore), so a reference
belongs to at most one person and the lookup never disagrees with the person records.
"""

from __future__ import annotations

from typing import Any

from service.store.aws_errors import conditional_write, store_operation
from service.store.items import to_item

Reference = tuple[str, str]


def reference_key(system: str, reference: str) -> str:
    """The table key; `system` never holds '#', so the key is unambiguous."""
    return f"{system}#{reference}"


def references_of(person: dict[str, Any] | None) -> set[Reference]:
    """The (system, reference) pairs a person holds."""
    refs = (person or {}).get("crossReferences") or []
    return {(ref["system"], ref["reference"]) for ref in refs}


class CrossReferenceTable:
    """Builds the transaction items that keep the lookup in step, and reads it."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def claim(self, person_id: str, ref: Reference) -> dict[str, Any]:
        """A Put that succeeds only if the reference is free or already this person's."""
        system, reference = ref
        item = {
            "key": reference_key(system, reference),
            "system": system,
            "reference": reference,
            "personId": person_id,
        }
        return {
            "Put": {
                "TableName": self._table,
                "Item": to_item(item),
                "ConditionExpression": "attribute_not_exists(#key) OR #person = :person",
                "ExpressionAttributeNames": {"#key": "key", "#person": "personId"},
                "ExpressionAttributeValues": {":person": {"S": person_id}},
            }
        }

    def move(self, from_person: str, to_person: str, ref: Reference) -> dict[str, Any]:
        """A Put that gives the reference to `to_person` only while `from_person` holds it."""
        put = self.claim(to_person, ref)["Put"]
        return {
            "Put": {
                **put,
                "ConditionExpression": "#person = :from",
                "ExpressionAttributeNames": {"#person": "personId"},
                "ExpressionAttributeValues": {":from": {"S": from_person}},
            }
        }

    @store_operation
    def claim_alone(self, person_id: str, ref: Reference) -> bool:
        """Claim one reference outside a transaction; False if another person holds it."""
        return conditional_write(self._client.put_item, **self.claim(person_id, ref)["Put"])

    @store_operation
    def release_own(self, person_id: str, ref: Reference) -> None:
        """Delete a reference's item only while it still names `person_id`."""
        conditional_write(
            self._client.delete_item,
            TableName=self._table,
            Key={"key": {"S": reference_key(*ref)}},
            ConditionExpression="#person = :person",
            ExpressionAttributeNames={"#person": "personId"},
            ExpressionAttributeValues={":person": {"S": person_id}},
        )

    def release(self, ref: Reference) -> dict[str, Any]:
        """A Delete of a reference the person no longer holds."""
        return {"Delete": {"TableName": self._table, "Key": {"key": {"S": reference_key(*ref)}}}}

    @store_operation
    def person_id(self, system: str, reference: str) -> str | None:
        """The id of the person holding the reference (one strongly consistent GetItem)."""
        response = self._client.get_item(
            TableName=self._table,
            Key={"key": {"S": reference_key(system, reference)}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return item["personId"]["S"] if item else None
