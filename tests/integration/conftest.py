"""Real servers for integration tests.

The session starts a DynamoDB API server (moto) and an OpenSearch node on free ports, unless
TEST_DYNAMODB_ENDPOINT / TEST_OPENSEARCH_URL name running ones. Each test gets its own tables and
its own index alias, so tests never see each other's data.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from devstack import opensearch as opensearch_dev
from devstack.isolation import drop_isolated, isolated_settings
from devstack.processes import dynamodb_server, free_port
from indexer.runner import build_poller, drain
from indexer.stream import StreamPoller
from service import clients
from service.app import create_app
from service.bootstrap import ensure_index, ensure_tables
from service.config import REPO_ROOT, AuthSettings, Settings
from tests.integration.auth import SERVICE_AREA_GROUPS, TEST_SECRET, bearer

pytestmark = pytest.mark.integration

# Subprocesses started by tests (API, indexer) read their settings from the environment.
os.environ.setdefault("JWT_SECRET", TEST_SECRET)


class AuthenticatedClient(FlaskClient):
    """A test client that sends a token granting every role unless the test sets its own header."""

    def open(self, *args, **kwargs):  # type: ignore[override]
        headers = dict(kwargs.pop("headers", None) or {})
        if not any(name.lower() == "authorization" for name in headers):
            headers["Authorization"] = bearer()
        return super().open(*args, headers=headers, **kwargs)


@dataclass(frozen=True)
class Servers:
    dynamodb_endpoint: str
    opensearch_url: str


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    """The DynamoDB API and OpenSearch servers for this test session."""
    logs = REPO_ROOT / ".run" / "test-logs"
    stops = []
    dynamodb = os.environ.get("TEST_DYNAMODB_ENDPOINT")
    search = os.environ.get("TEST_OPENSEARCH_URL")
    try:
        if not dynamodb:
            port = free_port()
            stops.append(dynamodb_server(port, logs / "dynamodb.log").start().stop)
            dynamodb = f"http://127.0.0.1:{port}"
        if not search:
            home = opensearch_dev.provision()
            node = opensearch_dev.OpenSearchServer(
                home,
                http_port=free_port(),
                transport_port=free_port(),
                reset_data=True,
            )
            # Under the repo, not pytest's tmp folder: the node's own user must reach it.
            stops.append(lambda node=node: shutil.rmtree(node.instance_dir, ignore_errors=True))
            stops.append(node.start().stop)
            search = node.url
        yield Servers(dynamodb_endpoint=dynamodb, opensearch_url=search)
    finally:
        for stop in reversed(stops):
            stop()


@pytest.fixture
def settings(servers: Servers) -> Iterator[Settings]:
    """Settings naming tables and an alias of this test's own, created before the test runs."""
    settings = isolated_settings(
        replace(
            Settings(),
            dynamodb_endpoint=servers.dynamodb_endpoint,
            opensearch_url=servers.opensearch_url,
        ),
        uuid.uuid4().hex[:10],
        indexer_idle_sleep_seconds=0.2,
        auth=AuthSettings(secret=TEST_SECRET, service_area_groups=SERVICE_AREA_GROUPS),
    )
    ensure_tables(clients.dynamodb_client(settings), settings)
    ensure_index(clients.opensearch_client(settings, "batch"), settings)
    yield settings
    drop_isolated(settings)


@pytest.fixture
def app(settings: Settings) -> Flask:
    app = create_app(settings)
    app.config["TESTING"] = True
    app.test_client_class = AuthenticatedClient
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def search_client(settings: Settings) -> OpenSearch:
    return clients.opensearch_client(settings, "batch")


@pytest.fixture
def poller(settings: Settings) -> StreamPoller:
    return build_poller(settings)


@pytest.fixture
def index_all(poller: StreamPoller, search_client: OpenSearch, settings: Settings):
    """Apply everything on the stream to OpenSearch and make it searchable now."""

    def run() -> int:
        applied = drain(poller)
        search_client.indices.refresh(index=settings.opensearch_alias)
        return applied

    return run
