"""BatchWriteItem and BatchGetItem with their unprocessed-items loops, in one place.

botocore's retry configuration handles throttled and failed calls; a call that succeeds can still
hand back `UnprocessedItems` / `UnprocessedKeys` (a partition over its capacity), which the
caller must send again. These loops do that with exponential back-off and give up with an error
after a bounded number of attempts, so nothing is dropped silently.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from service.store.errors import StoreUnavailable

WRITE_BATCH = 25  # BatchWriteItem's limit
READ_BATCH = 100  # BatchGetItem's limit


class BatchNotProcessed(StoreUnavailable):
    """DynamoDB still held items unprocessed after every attempt (over capacity: retry later)."""


@dataclass(frozen=True)
class Backoff:
    """Pauses between resends of unprocessed items: `initial * 2**attempt`, at most `maximum`."""

    attempts: int = 6
    initial: float = 0.05
    maximum: float = 5.0

    def pause(self, attempt: int) -> float:
        return min(self.initial * 2**attempt, self.maximum)


def chunks(values: list[Any], size: int) -> Iterable[list[Any]]:
    """`values` in consecutive lists of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def batch_write(
    client: Any,
    table: str,
    requests: list[dict[str, Any]],
    backoff: Backoff = Backoff(),
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send PutRequest/DeleteRequest items 25 at a time until DynamoDB processed every one.

    Returns how many resends of unprocessed items were needed (0 when none came back).
    """
    resends = 0
    for chunk in chunks(requests, WRITE_BATCH):
        pending: dict[str, Any] = {table: chunk}
        for attempt in range(backoff.attempts):
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            resends += 1
            sleep(backoff.pause(attempt))
        else:
            raise BatchNotProcessed(f"DynamoDB kept writes to {table} unprocessed; batch retried")
    return resends


def batch_get(
    client: Any,
    table: str,
    keys: list[dict[str, Any]],
    attributes: tuple[str, ...] = (),
    backoff: Backoff = Backoff(),
    sleep: Callable[[float], None] = time.sleep,
) -> list[dict[str, Any]]:
    """The items found for `keys` (strongly consistent reads, 100 keys a call), in any order.

    With `attributes`, only those attributes are read.
    """
    found: list[dict[str, Any]] = []
    for chunk in chunks(keys, READ_BATCH):
        request: dict[str, Any] = {"Keys": chunk, "ConsistentRead": True}
        if attributes:
            names = {f"#a{n}": name for n, name in enumerate(attributes)}
            request["ProjectionExpression"] = ", ".join(names)
            request["ExpressionAttributeNames"] = names
        pending: dict[str, Any] = {table: request}
        for attempt in range(backoff.attempts):
            response = client.batch_get_item(RequestItems=pending)
            found.extend(response.get("Responses", {}).get(table, []))
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
            sleep(backoff.pause(attempt))
        else:
            raise BatchNotProcessed(f"DynamoDB kept reads of {table} unprocessed; batch retried")
    return found
