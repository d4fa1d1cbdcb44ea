"""Fault test: this test's own OpenSearch node stops while writes go on, then comes back."""

from __future__ import annotations

import random
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest

from devstack import opensearch as opensearch_dev
from devstack.processes import free_port
from service import clients
from service.app import create_app
from service.bootstrap import ensure_index
from service.config import REPO_ROOT, Settings
from tests.integration.conftest import AuthenticatedClient
from tests.integration.indexer_helpers import (
    create,
    indexer_process,
    random_write,
    wait_until_converged,
)


@pytest.fixture
def own_node() -> Iterator[opensearch_dev.OpenSearchServer]:
    """A fresh OpenSearch node that only this test uses (and stops)."""
    node = opensearch_dev.OpenSearchServer(
        opensearch_dev.provision(),
        http_port=free_port(),
        transport_port=free_port(),
        instance_dir=REPO_ROOT / ".run" / f"opensearch-fault-{uuid.uuid4().hex[:8]}",
        reset_data=True,
    )
    node.start()
    try:
        yield node
    finally:
        node.stop()
        shutil.rmtree(node.instance_dir, ignore_errors=True)


def test_writes_and_id_lookups_survive_opensearch_going_down_and_the_index_converges(
    settings: Settings, own_node: opensearch_dev.OpenSearchServer
) -> None:
    settings = replace(settings, opensearch_url=own_node.url)
    ensure_index(clients.opensearch_client(settings, "batch"), settings)
    app = create_app(settings)
    app.test_client_class = AuthenticatedClient
    client = app.test_client()
    indexer = indexer_process(settings, REPO_ROOT / ".run" / "test-logs" / "fault-os.log")
    rng = random.Random(61)
    live = [create(client, rng)["id"] for _ in range(20)]
    indexer.start()
    try:
        assert wait_until_converged(settings, timeout=60).clean

        own_node.stop()
        for _ in range(60):
            random_write(client, rng, live)  # asserts every write succeeds
        searched = client.get("/api/v1/persons", query_string={"surname": "Smith"})
        assert searched.status_code == 503
        assert searched.mimetype == "application/problem+json"
        assert searched.get_json()["status"] == 503
        for person_id in live[:5]:
            assert client.get(f"/api/v1/persons/{person_id}").status_code == 200

        back = opensearch_dev.OpenSearchServer(
            own_node.home,
            http_port=own_node.http_port,
            transport_port=own_node.transport_port,
            instance_dir=own_node.instance_dir,
        )
        back.start()
        own_node.process = back.process  # the fixture stops whichever process runs
        found = wait_until_converged(settings, timeout=60)
        assert indexer.alive()  # it backed off and carried on; it never crashed
    finally:
        indexer.stop()
    assert found.clean, found.summary()
    assert found.in_dynamodb >= len(live)
