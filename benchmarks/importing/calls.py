"""Where the import's time goes: each DynamoDB call kind timed on the client, and CPU seconds.

The DynamoDB API server (moto) answers one request at a time, so with several workers a call's
time on the client is the server's time for it plus the wait behind other calls; the server's
own CPU seconds (from /proc) against the wall time tell whether it was the bottleneck.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

_STARTED = "benchmarks.importing.started"


class CallTimes:
    """Calls and seconds per operation (from before-call to after-call: signing, HTTP, parsing)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    def attach(self, client: Any) -> Any:
        """Time every call `client` makes from now on; returns the client."""
        client.meta.events.register("before-call.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)
        return client

    @staticmethod
    def _before(context: dict[str, Any], **_: Any) -> None:
        context[_STARTED] = time.perf_counter()

    def _after(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        elapsed = time.perf_counter() - context.pop(_STARTED, time.perf_counter())
        with self._lock:
            self.calls[model.name] += 1
            self.seconds[model.name] += elapsed

    def rows(self) -> list[tuple[str, int, float]]:
        """(operation, calls, seconds), most seconds first."""
        return sorted(
            ((name, count, self.seconds[name]) for name, count in self.calls.items()),
            key=lambda row: -row[2],
        )


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
