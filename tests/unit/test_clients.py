"""Client construction: request-path clients are uncompressed and pooled for threaded workers."""

from __future__ import annotations

from dataclasses import replace

from service import clients
from service.config import Settings


def _pool(client) -> int:
    return client.transport.connection_pool.connections[0].pool.pool.maxsize


def test_request_clients_pool_a_connection_per_thread_and_never_compress() -> None:
    settings = replace(Settings(), opensearch_pool_size=12)
    request = clients.opensearch_client(settings, "request")
    batch = clients.opensearch_client(settings, "batch")
    assert _pool(request) == 12
    assert request.transport.kwargs.get("http_compress") is False
    assert batch.transport.kwargs.get("http_compress") is True
