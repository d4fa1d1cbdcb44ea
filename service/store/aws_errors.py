"""Where botocore's exceptions stop: DynamoDB errors read once and turned into the store's own.

Above the store (the person use cases, the API, the indexer's hosts) a failed DynamoDB call is a
`StoreUnavailable` (unreachable, throttled, or failing on DynamoDB's side: retrying later can
succeed) or a `StoreRequestRefused` (a malformed or forbidden request, such as a
`ValidationException`: a bug or a misconfiguration that no retry fixes). Where a code means
something to the store (a failed condition, a cancelled transaction's reasons) it reads it here:
`conditional_write`, or `error_code` and `cancellation_codes` on the `ClientError` it caught.
Every other SDK error leaves a `@store_operation` translated.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from service.store.errors import StoreError, StoreRequestRefused, StoreUnavailable

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELLED = "TransactionCanceledException"

# Codes that say "not now" rather than "never": throttling, capacity, DynamoDB's own failures, and
# a write that collided with a transaction in flight.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
    }
)
# The same, as the per-item reasons of a cancelled transaction.
TRANSIENT_CANCELLATIONS = frozenset(
    {"ProvisionedThroughputExceeded", "ThrottlingError", "TransactionConflict"}
)

Method = TypeVar("Method", bound=Callable[..., Any])


def error_code(exc: ClientError) -> str:
    """The AWS error code of a refused call (empty when the answer carried none)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def cancellation_codes(exc: ClientError) -> list[str]:
    """The per-item reason codes of a cancelled transaction (empty for any other error)."""
    if error_code(exc) != TRANSACTION_CANCELLED:
        return []
    return [reason.get("Code", "None") for reason in exc.response.get("CancellationReasons", [])]


def conditional_write(call: Callable[..., Any], **request: Any) -> bool:
    """Send a conditional write (`call(**request)`, e.g. `client.put_item`); False when DynamoDB
    refused it because its condition failed, True when it was written."""
    try:
        call(**request)
    except ClientError as exc:
        if error_code(exc) != CONDITION_FAILED:
            raise
        return False
    return True


def is_transient(exc: ClientError | BotoCoreError) -> bool:
    """True when the same call may succeed later: no connection, a timeout, throttling, a 5xx."""
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return True
    if not isinstance(exc, ClientError):
        return False  # bad parameters, no credentials or region: the call itself is wrong
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    return (
        status >= 500
        or error_code(exc) in TRANSIENT_CODES
        or bool(TRANSIENT_CANCELLATIONS.intersection(cancellation_codes(exc)))
    )


def store_error(exc: ClientError | BotoCoreError, operation: str) -> StoreError:
    """The store's own exception for an SDK error raised during `operation`."""
    if is_transient(exc):
        return StoreUnavailable(f"DynamoDB is unavailable for {operation}: {_name(exc)}")
    return StoreRequestRefused(operation, _name(exc))


def _name(exc: ClientError | BotoCoreError) -> str:
    return (error_code(exc) if isinstance(exc, ClientError) else "") or type(exc).__name__


def store_operation(method: Method) -> Method:
    """Let no botocore exception out of `method` (a generator's too): each leaves as `store_error`.

    The store's own exceptions raised inside pass through unchanged.
    """
    operation = method.__qualname__
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(*args, **kwargs)
            except (ClientError, BotoCoreError) as exc:
                raise store_error(exc, operation) from exc

        return cast(Method, generator)

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise store_error(exc, operation) from exc

    return cast(Method, call)
