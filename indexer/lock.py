"""A lease in the checkpoints table, so that two rebuilds (or reconciliations) never overlap.

The lease expires on its own, so a rebuild that was killed does not block the next one forever.
"""

from __future__ import annotations

import socket
import time
import uuid
from types import TracebackType
from typing import Any

from service.store.aws_errors import conditional_write


class LockHeld(RuntimeError):
    """Someone else holds the lock."""


class Lease:
    """An exclusive, expiring lock item named `lock#<name>`; use it as a context manager."""

    def __init__(self, client: Any, table: str, name: str, ttl_seconds: float) -> None:
        self._client = client
        self._table = table
        self._key = {"key": {"S": f"lock#{name}"}}
        self._ttl = ttl_seconds
        self.owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> None:
        """Take the lock, or raise LockHeld naming its current owner."""
        now = time.time()
        taken = conditional_write(
            self._client.put_item,
            TableName=self._table,
            Item={
                **self._key,
                "owner": {"S": self.owner},
                "expiresAt": {"N": str(now + self._ttl)},
            },
            ConditionExpression="attribute_not_exists(#key) OR #expires < :now",
            ExpressionAttributeNames={"#key": "key", "#expires": "expiresAt"},
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )
        if not taken:
            held = self._client.get_item(TableName=self._table, Key=self._key, ConsistentRead=True)
            owner = held.get("Item", {}).get("owner", {}).get("S", "unknown")
            raise LockHeld(f"{self._key['key']['S']} is held by {owner}")

    def release(self) -> None:
        """Give the lock back, if it is still ours."""
        conditional_write(
            self._client.delete_item,
            TableName=self._table,
            Key=self._key,
            ConditionExpression="#owner = :owner",
            ExpressionAttributeNames={"#owner": "owner"},
            ExpressionAttributeValues={":owner": {"S": self.owner}},
        )

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
