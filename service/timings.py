"""Where a request's time goes, by phase (the OpenSearch call, the model's ranking, ...).

The API starts a collection per request and sends it back as a `Server-Timing` header (and in
its request log line), so a caller, a support analyst or a benchmark can tell the search
engine's time from the service's own without a profiler. Outside a collection (batch jobs,
the indexer) `phase` costs one context-variable read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

_phases: ContextVar[dict[str, float] | None] = ContextVar("request_phases", default=None)


def start() -> Token[dict[str, float] | None]:
    """Begin collecting phases in this context (a request's thread)."""
    return _phases.set({})


def finish(token: Token[dict[str, float] | None]) -> dict[str, float]:
    """Stop collecting; the seconds spent in each phase."""
    found = _phases.get() or {}
    _phases.reset(token)
    return found


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the time of the block towards `name` (phases may repeat; their times add up)."""
    found = _phases.get()
    if found is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        found[name] = found.get(name, 0.0) + time.perf_counter() - started


def server_timing(phases: dict[str, float], total_seconds: float) -> str:
    """The W3C Server-Timing header value: each phase and the whole request, in milliseconds."""
    entries = [f"{name};dur={seconds * 1000:.2f}" for name, seconds in sorted(phases.items())]
    return ", ".join([*entries, f"app;dur={total_seconds * 1000:.2f}"])


def parse_server_timing(value: str) -> dict[str, float]:
    """Milliseconds by name from a Server-Timing header value (entries without `dur` skipped)."""
    found: dict[str, float] = {}
    for entry in value.split(","):
        name, _, params = entry.strip().partition(";")
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key == "dur" and name:
                try:
                    found[name] = float(number)
                except ValueError:
                    continue
    return found
