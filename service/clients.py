"""Builds the boto3 and opensearch-py clients; views and jobs receive them, never build them."""

from __future__ import annotations

from typing import Any, Literal

import boto3
from botocore.config import Config as BotoConfig
from opensearchpy import AWSV4SignerAuth, OpenSearch, RequestsHttpConnection

from service.config import Settings

Purpose = Literal["request", "batch"]


def _boto_kwargs(settings: Settings, purpose: Purpose) -> dict[str, Any]:
    timeout = (
        settings.request_timeout_seconds if purpose == "request" else settings.batch_timeout_seconds
    )
    kwargs: dict[str, Any] = {
        "region_name": settings.aws_region,
        "config": BotoConfig(
            connect_timeout=min(timeout, 5.0),
            read_timeout=timeout,
            retries={"mode": "standard", "max_attempts": 2 if purpose == "request" else 8},
        ),
    }
    if settings.dynamodb_endpoint:
        kwargs["endpoint_url"] = settings.dynamodb_endpoint
    return kwargs


def dynamodb_client(settings: Settings, purpose: Purpose = "request") -> Any:
    """A low-level DynamoDB client (items are typed attribute maps, converted in service.store)."""
    return boto3.client("dynamodb", **_boto_kwargs(settings, purpose))


def streams_client(settings: Settings) -> Any:
    """A DynamoDB Streams client for the indexer."""
    return boto3.client("dynamodbstreams", **_boto_kwargs(settings, "batch"))


def opensearch_client(settings: Settings, purpose: Purpose = "request") -> OpenSearch:
    """An OpenSearch client: tight timeout, one retry on the request path; patient for batches."""
    request_path = purpose == "request"
    kwargs: dict[str, Any] = {
        "hosts": [settings.opensearch_url],
        "timeout": settings.request_timeout_seconds
        if request_path
        else settings.batch_timeout_seconds,
        "max_retries": 1 if request_path else 5,
        "retry_on_timeout": not request_path,
        # Compression costs CPU for nothing on a loopback or in-VPC link; on for batch clients,
        # whose bodies are large. One pooled connection per thread of a threaded worker.
        "http_compress": settings.opensearch_compress and not request_path,
        "pool_maxsize": settings.opensearch_pool_size,
    }
    if settings.opensearch_auth == "sigv4":
        credentials = boto3.Session().get_credentials()
        kwargs["http_auth"] = AWSV4SignerAuth(credentials, settings.aws_region, "es")
        kwargs["connection_class"] = RequestsHttpConnection
        kwargs["use_ssl"] = settings.opensearch_url.startswith("https")
        kwargs["verify_certs"] = True
    return OpenSearch(**kwargs)
