"""What a deletion leaves behind: a tombstone item, in DynamoDB and in the index alike."""

from __future__ import annotations

from typing import Any

TOMBSTONE_FLAG = "isDeleted"


def is_tombstone(item: dict[str, Any]) -> bool:
    """True for the item a deletion leaves behind."""
    return bool(item.get(TOMBSTONE_FLAG))
