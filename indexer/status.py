"""Indexer lag and throughput, computed from the status item the live indexer keeps.

Lag is the age of the newest moment up to which the index is known to be complete: the time of the
last applied change while there is a backlog, or the last time the indexer found the stream empty.
It therefore grows while the indexer is behind or stopped, and stays near zero while it keeps up.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# A throughput figure older than this is no longer current: the indexer is idle or stopped.
RATE_WINDOW_SECONDS = 60.0


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def indexer_report(status: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """Lag, throughput and totals for health and metrics (None where nothing is known yet)."""
    if not status:
        return {
            "lastAppliedAt": None,
            "lastChangeAt": None,
            "caughtUpAt": None,
            "lagSeconds": None,
            "recordsPerSecond": 0.0,
            "appliedTotal": 0,
        }
    applied = _moment(status.get("lastAppliedAt"))
    change = _moment(status.get("lastChangeAt"))
    caught_up = _moment(status.get("caughtUpAt"))
    complete_up_to = caught_up if caught_up and (not applied or caught_up >= applied) else change
    lag = None if complete_up_to is None else max(0.0, (now - complete_up_to).total_seconds())
    last_seen = max((m for m in (applied, caught_up) if m), default=None)
    rate = float(status.get("recordsPerSecond") or 0)
    if last_seen is None or (now - last_seen).total_seconds() > RATE_WINDOW_SECONDS:
        rate = 0.0
    return {
        "lastAppliedAt": status.get("lastAppliedAt"),
        "lastChangeAt": status.get("lastChangeAt"),
        "caughtUpAt": status.get("caughtUpAt"),
        "lagSeconds": None if lag is None else round(lag, 3),
        "recordsPerSecond": round(rate, 3),
        "appliedTotal": int(status.get("appliedTotal") or 0),
    }


@dataclass
class Throughput:
    """Records applied per second over a sliding window."""

    window_seconds: float = RATE_WINDOW_SECONDS
    _events: collections.deque[tuple[float, int]] = field(default_factory=collections.deque)

    def add(self, at: float, records: int) -> None:
        """Count `records` applied at monotonic time `at`."""
        self._events.append((at, records))

    def rate(self, now: float) -> float:
        """Records per second over the window ending at monotonic time `now`."""
        while self._events and self._events[0][0] < now - self.window_seconds:
            self._events.popleft()
        if not self._events:
            return 0.0
        span = max(now - self._events[0][0], 1.0)
        return sum(records for _, records in self._events) / span
