"""Indexer lag and throughput in the healthcheck and in /metrics."""

from __future__ import annotations

import random

from flask.testing import FlaskClient

from indexer.runner import build_poller, drain
from service.config import Settings
from tests.integration.indexer_helpers import create


def _indexer_check(client: FlaskClient) -> dict:
    body = client.get("/api/v1/healthcheck").get_json()
    return next(check for check in body["checks"] if check["name"] == "indexer")


def test_healthcheck_and_metrics_show_lag_and_throughput(
    client: FlaskClient, settings: Settings
) -> None:
    before = _indexer_check(client)
    assert before["lagSeconds"] is None and before["appliedTotal"] == 0

    rng = random.Random(41)
    for _ in range(5):
        create(client, rng)
    poller = build_poller(settings)
    assert drain(poller) == 5  # the final empty pass records "caught up"

    after = _indexer_check(client)
    assert after["status"] == "up"
    assert after["appliedTotal"] == 5
    assert after["recordsPerSecond"] > 0
    assert after["lagSeconds"] is not None and after["lagSeconds"] >= 0
    assert after["caughtUpAt"] >= after["lastAppliedAt"]

    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    text = metrics.get_data(as_text=True)
    assert "person_index_indexer_status_up 1.0" in text
    assert "person_index_indexer_records_applied_total 5.0" in text
    assert "person_index_indexer_lag_seconds " in text
    assert "person_index_indexer_throughput_records_per_second " in text
    assert 'person_index_http_requests_total{method="GET",route="/api/v1/healthcheck"' in text
