"""The indexer's throughput over a sliding window.

Its lag report, read by the API too, is service.domain.indexer_status.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

from service.domain.indexer_status import RATE_WINDOW_SECONDS


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
