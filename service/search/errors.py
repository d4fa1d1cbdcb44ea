"""The search layer's own exceptions; views map them to HTTP statuses."""

from __future__ import annotations


class SearchError(Exception):
    """Base class for failures of a search operation."""


class SearchUnavailable(SearchError):
    """OpenSearch could not answer now (unreachable, timed out, overloaded): retry later."""


class SearchRefused(SearchError):
    """OpenSearch refused a request (a 4xx such as a 400 for a query it cannot run): a bug or a
    misconfiguration, which no retry fixes. The message names the operation, the status and
    OpenSearch's error type, never the query."""

    def __init__(self, operation: str, status: int | str, error_type: str) -> None:
        super().__init__(f"OpenSearch refused {operation}: {status} {error_type}")
        self.operation = operation
        self.status = status
        self.error_type = error_type
