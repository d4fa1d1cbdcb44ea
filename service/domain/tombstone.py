"""What a deletion or a merge leaves behind, in DynamoDB and in the index alike.

An erasure leaves a tombstone (no personal data). A merge leaves a merged record: the
duplicate's id, pointing at its survivor, holding its pre-merge image so that the merge can be
taken back. Neither is a live person; only an erasure tombstone erases.
"""

from __future__ import annotations

from typing import Any

TOMBSTONE_FLAG = "isDeleted"
MERGED_INTO = "mergedInto"  # on a merged record: the survivor's id


def is_tombstone(item: dict[str, Any]) -> bool:
    """True for the item an erasure leaves behind."""
    return bool(item.get(TOMBSTONE_FLAG))


def is_merged(item: dict[str, Any]) -> bool:
    """True for the record a merge leaves of its duplicate."""
    return bool(item.get(MERGED_INTO)) and not is_tombstone(item)


def is_live(item: dict[str, Any]) -> bool:
    """True for a person that is neither erased nor merged into another."""
    return not is_tombstone(item) and not item.get(MERGED_INTO)
