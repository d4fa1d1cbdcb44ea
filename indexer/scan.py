"""Parallel scan of the Persons table: one thread per segment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from service.store.persons import PersonStore

T = TypeVar("T")


def parallel_scan(
    store: PersonStore, segments: int, work: Callable[[Iterator[dict[str, Any]]], T]
) -> list[T]:
    """Run `work` on each segment's items in its own thread; returns each segment's result."""
    with ThreadPoolExecutor(max_workers=segments, thread_name_prefix="scan") as pool:
        futures = [pool.submit(work, store.scan(segment, segments)) for segment in range(segments)]
        return [future.result() for future in futures]
