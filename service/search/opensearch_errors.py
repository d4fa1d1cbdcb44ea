"""Where opensearch-py's exceptions stop: each becomes the search layer's own.

A connection failure, a timeout, 429 or a 5xx is a `SearchUnavailable` (the API answers 503 and
the caller may retry); any other refusal, such as a 400 for a query the index cannot run, is a
`SearchRefused` (a bug or a misconfiguration: a logged 500).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import TransportError

from service.search.errors import SearchError, SearchRefused, SearchUnavailable

Method = TypeVar("Method", bound=Callable[..., Any])


def search_error(operation: str, status: int | str, error: Any) -> SearchError:
    """The search layer's exception for OpenSearch's answer `status` (an int, or 'N/A' when no
    answer came) with its `error` (OpenSearch's error object or type name)."""
    error_type = error.get("type", "") if isinstance(error, dict) else str(error or "")
    if not isinstance(status, int) or status == 429 or status >= 500:
        return SearchUnavailable(f"OpenSearch could not answer {operation}: {status} {error_type}")
    return SearchRefused(operation, status, error_type)


def translated(exc: TransportError, operation: str) -> SearchError:
    """The search layer's exception for an opensearch-py exception."""
    if isinstance(exc, OpenSearchConnectionError):
        return SearchUnavailable(f"OpenSearch is unreachable for {operation}: {type(exc).__name__}")
    return search_error(operation, exc.status_code, exc.error)


def search_operation(method: Method) -> Method:
    """Let no opensearch-py exception out of `method`: each leaves as the search layer's own."""
    operation = method.__qualname__

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except TransportError as exc:
            raise translated(exc, operation) from exc

    return cast(Method, call)
