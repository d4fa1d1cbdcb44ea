"""SDK errors become the store's and the search layer's own: outages are 'unavailable', refused
requests (bugs, misconfiguration) are 'refused'. The exceptions are the SDKs' real classes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, RequestError, TransportError

from service.search.errors import SearchRefused, SearchUnavailable
from service.search.opensearch_errors import search_error, search_operation
from service.store.aws_errors import cancellation_codes, error_code, store_error, store_operation
from service.store.batches import BatchNotProcessed
from service.store.errors import (
    PersonNotFound,
    StoreRequestRefused,
    StoreUnavailable,
)


def client_error(code: str, status: int = 400, **extra: Any) -> ClientError:
    response = {"Error": {"Code": code, "Message": "..."}, "ResponseMetadata": {}, **extra}
    response["ResponseMetadata"]["HTTPStatusCode"] = status
    return ClientError(response, "PutItem")  # type: ignore[arg-type]


def cancelled(*reasons: str) -> ClientError:
    return client_error(
        "TransactionCanceledException",
        CancellationReasons=[{"Code": reason} for reason in reasons],
    )


def test_the_error_code_is_read_from_the_answer_and_empty_when_there_is_none() -> None:
    assert error_code(client_error("ValidationException")) == "ValidationException"
    assert error_code(ClientError({}, "GetItem")) == ""  # type: ignore[arg-type]
    assert cancellation_codes(cancelled("None", "ConditionalCheckFailed")) == [
        "None",
        "ConditionalCheckFailed",
    ]
    assert cancellation_codes(client_error("ValidationException")) == []


@pytest.mark.parametrize(
    "exc",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("ThrottlingException"),
        client_error("RequestLimitExceeded"),
        client_error("TransactionConflictException"),
        client_error("InternalServerError", 500),
        client_error("SomethingNew", 503),
        cancelled("None", "ThrottlingError"),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ],
    ids=lambda exc: (
        type(exc).__name__ + ":" + (error_code(exc) if isinstance(exc, ClientError) else "")
    ),
)
def test_outages_and_throttling_are_unavailable(exc: Exception) -> None:
    assert isinstance(store_error(exc, "PersonStore.get"), StoreUnavailable)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "exc",
    [
        client_error("ValidationException"),
        client_error("ResourceNotFoundException"),
        client_error("AccessDeniedException"),
        cancelled("None", "ValidationError"),
        ParamValidationError(report="Key is not a map"),
        NoCredentialsError(),
    ],
    ids=lambda exc: (
        type(exc).__name__ + ":" + (error_code(exc) if isinstance(exc, ClientError) else "")
    ),
)
def test_refused_requests_are_refused_and_name_the_operation_and_code(exc: Exception) -> None:
    translated = store_error(exc, "PersonStore.get")  # type: ignore[arg-type]
    assert isinstance(translated, StoreRequestRefused)
    assert translated.operation == "PersonStore.get"
    assert translated.code in str(translated)
    assert translated.code == (
        error_code(exc) if isinstance(exc, ClientError) else type(exc).__name__
    )


def test_unprocessed_batches_are_an_outage() -> None:
    assert issubclass(BatchNotProcessed, StoreUnavailable)


class _Store:
    def __init__(self, failure: Exception) -> None:
        self.failure = failure

    @store_operation
    def read(self) -> str:
        raise self.failure

    @store_operation
    def items(self) -> Iterator[int]:
        yield 1
        raise self.failure


def test_a_store_operation_lets_no_sdk_error_out_even_mid_iteration() -> None:
    with pytest.raises(StoreRequestRefused, match=r"_Store\.read: ValidationException") as caught:
        _Store(client_error("ValidationException")).read()
    assert isinstance(caught.value.__cause__, ClientError)
    items = _Store(client_error("ThrottlingException")).items()
    assert next(items) == 1
    with pytest.raises(StoreUnavailable, match=r"_Store\.items"):
        next(items)


def test_a_store_operation_passes_the_stores_own_exceptions_through() -> None:
    with pytest.raises(PersonNotFound):
        _Store(PersonNotFound("no such person")).read()


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (400, {"type": "illegal_argument_exception", "reason": "Smith"}, SearchRefused),
        (404, "index_not_found_exception", SearchRefused),
        (403, "security_exception", SearchRefused),
        (429, "rejected_execution_exception", SearchUnavailable),
        (500, {"type": "search_phase_execution_exception"}, SearchUnavailable),
        (503, "unavailable_shards_exception", SearchUnavailable),
        ("N/A", "ConnectionError", SearchUnavailable),
    ],
)
def test_opensearch_answers_are_refused_or_unavailable_by_status(
    status: int | str, error: Any, expected: type
) -> None:
    translated = search_error("PersonSearcher.search", status, error)
    assert type(translated) is expected
    assert "Smith" not in str(translated)  # a reason can quote the query: never carried


class _Searcher:
    def __init__(self, failure: Exception) -> None:
        self.failure = failure

    @search_operation
    def search(self) -> None:
        raise self.failure


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (RequestError(400, "search_phase_execution_exception", {}), SearchRefused),
        (NotFoundError(404, "index_not_found_exception", {}), SearchRefused),
        (TransportError(502, "bad gateway", {}), SearchUnavailable),
        (OpenSearchConnectionError("N/A", "refused", OSError()), SearchUnavailable),
        (ConnectionTimeout("TIMEOUT", "timed out", OSError()), SearchUnavailable),
    ],
)
def test_a_search_operation_lets_no_opensearch_error_out(
    failure: Exception, expected: type
) -> None:
    with pytest.raises(expected, match=r"_Searcher\.search") as caught:
        _Searcher(failure).search()
    assert caught.value.__cause__ is failure
