"""Concurrent HTTP clients on 127.0.0.1 and the latency figures of what they sent."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import urllib3
from tqdm import tqdm

from service.timings import parse_server_timing

MAX_CLIENTS = 16
TIMEOUT_SECONDS = 30.0


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` (0..1] percentile by nearest rank: the smallest value with at least that share
    of the values at or below it (p50 of 1..4 is 2, p95 of 1..100 is 95)."""
    if not values:
        raise ValueError("no values")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    # A multi-search: these JSON lines are sent as NDJSON instead of `body`.
    lines: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Reply:
    status: int
    seconds: float
    body: Any
    # The answer's Server-Timing phases in milliseconds (the API's; empty from OpenSearch).
    server_timing: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """What `clients` clients saw sending a list of requests, in the order of the list."""

    clients: int
    replies: list[Reply]
    wall_seconds: float

    def milliseconds(self, share: float) -> float:
        return 1000 * percentile([r.seconds for r in self.replies], share)

    @property
    def per_second(self) -> float:
        return len(self.replies) / self.wall_seconds

    @property
    def server_errors(self) -> int:
        return sum(reply.status >= 500 for reply in self.replies)


class Target:
    """One HTTP server on 127.0.0.1; each client thread gets a keep-alive connection of its own."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        if parts.hostname not in {"127.0.0.1", "localhost"}:
            raise ValueError(f"load only goes to 127.0.0.1, not {parts.hostname}")
        self._host, self._port = parts.hostname, parts.port or 80
        self._headers = {"Content-Type": "application/json", **(headers or {})}
        self._local = threading.local()

    def _pool(self) -> urllib3.HTTPConnectionPool:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = urllib3.HTTPConnectionPool(
                self._host, self._port, maxsize=1, timeout=TIMEOUT_SECONDS, retries=False
            )
            self._local.pool = pool
        return pool

    def send(self, request: Request) -> Reply:
        data = None if request.body is None else json.dumps(request.body).encode()
        headers = {**self._headers, **(request.headers or {})}
        if request.lines is not None:
            data = "".join(json.dumps(line) + "\n" for line in request.lines).encode()
            headers["Content-Type"] = "application/x-ndjson"
        started = time.perf_counter()
        response = self._pool().request(request.method, request.path, body=data, headers=headers)
        seconds = time.perf_counter() - started
        try:
            body = json.loads(response.data) if response.data else None
        except ValueError:
            body = response.data.decode(errors="replace")
        phases = parse_server_timing(response.headers.get("Server-Timing", ""))
        return Reply(response.status, seconds, body, phases)


def run(
    target: Target,
    requests: Sequence[Request],
    clients: int,
    label: str,
    send: Callable[[Target, Request], Reply] | None = None,
) -> Run:
    """Send every request once, `clients` at a time; replies come back in the requests' order."""
    if not 1 <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be 1..{MAX_CLIENTS}")
    sender = send or Target.send
    progress = tqdm(total=len(requests), desc=label, unit="req", leave=False)

    def one(request: Request) -> Reply:
        reply = sender(target, request)
        progress.update()
        return reply

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
        replies = list(pool.map(one, requests))
    wall = time.perf_counter() - started
    progress.close()
    return Run(clients, replies, wall)


def run_alternating(targets: Sequence[tuple[Target, Sequence[Request]]], label: str) -> list[Run]:
    """One client sending the i-th request of each target in turn, then the (i+1)-th, and so
    on: all see the same moments of a machine whose other load comes and goes. Each run's rate
    is one over its mean latency (the client's own time between requests left out)."""
    counts = {len(requests) for _, requests in targets}
    if len(counts) != 1:
        raise ValueError("every target needs the same number of requests")
    replies: list[list[Reply]] = [[] for _ in targets]
    for index in tqdm(range(counts.pop()), desc=label, leave=False):
        for (target, requests), seen in zip(targets, replies, strict=True):
            seen.append(target.send(requests[index]))
    return [_alone(seen) for seen in replies]


def _alone(replies: list[Reply]) -> Run:
    return Run(1, replies, sum(reply.seconds for reply in replies))
