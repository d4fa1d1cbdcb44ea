"""Erasure of a person's data kept apart from the core record: extended data and history values.

Called by the API right after it wrote the tombstone, and again by the stream's history sink, so
the erasure completes even if the API dies in between. Both steps are idempotent.
"""

from __future__ import annotations

from service.store.extended import ExtendedStore
from service.store.history import HistoryStore


class Erasure:
    """Removes what a person's tombstone alone does not."""

    def __init__(self, history: HistoryStore, extended: ExtendedStore) -> None:
        self._history = history
        self._extended = extended

    def erase(self, person_id: str, erased_version: int) -> None:
        """Delete every service area's data and redact history up to `erased_version`."""
        self._extended.delete_all(person_id)
        self._history.erase(person_id, erased_version)
