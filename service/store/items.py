"""Conversion between plain Python values and DynamoDB attribute maps, in one place.

DynamoDB returns numbers as Decimal; the rest of the service sees int (the model holds no
fractional numbers).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _from_decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _from_decimal(item) for key, item in value.items()}
    if isinstance(value, list | set | tuple):
        return [_from_decimal(item) for item in value]
    return value


def to_item(value: dict[str, Any]) -> dict[str, Any]:
    """A plain dict as a DynamoDB attribute map."""
    return {key: _serializer.serialize(item) for key, item in value.items()}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB attribute map (from the API or a stream image) as a plain dict."""
    return {key: _from_decimal(_deserializer.deserialize(value)) for key, value in item.items()}
