"""Parallel scan of the Persons table: one thread per segment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from service.store.items import from_item

T = TypeVar("T")


def scan_segment(
    dynamodb: Any, table: str, segment: int, segments: int
) -> Iterator[dict[str, Any]]:
    """Every item (tombstones included) of one segment of a parallel scan."""
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table, Segment=segment, TotalSegments=segments
    )
    for page in pages:
        for item in page.get("Items", []):
            yield from_item(item)


def parallel_scan(
    dynamodb: Any, table: str, segments: int, work: Callable[[Iterator[dict[str, Any]]], T]
) -> list[T]:
    """Run `work` on each segment's items in its own thread; returns each segment's result."""
    with ThreadPoolExecutor(max_workers=segments, thread_name_prefix="scan") as pool:
        futures = [
            pool.submit(work, scan_segment(dynamodb, table, segment, segments))
            for segment in range(segments)
        ]
        return [future.result() for future in futures]
