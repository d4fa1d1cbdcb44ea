"""Prometheus metrics at `/metrics`: API requests, and the indexer's lag and throughput.

Indexer figures are read from the status item the indexer keeps in DynamoDB when Prometheus
scrapes, so every API worker reports the same values. With several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR so request counters are summed across workers (prometheus-client's
multiprocess mode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from service.backends import backends
from service.domain.indexer_status import indexer_report

REQUESTS = Counter(
    "person_index_http_requests",
    "API requests by method, route pattern and status.",
    ["method", "route", "status"],
)

blp = Blueprint("metrics", __name__)


class IndexerStatusCollector(Collector):
    """Indexer lag, throughput and records applied, read from the status item at scrape time."""

    def __init__(self, read_status: Callable[[], dict[str, Any] | None]) -> None:
        self._read_status = read_status

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "person_index_indexer_status_up", "1 when the indexer status item could be read."
        )
        try:
            status = self._read_status()
        except Exception:  # a scrape must answer even when DynamoDB does not
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        report = indexer_report(status, datetime.now(UTC))
        if report["lagSeconds"] is not None:
            yield GaugeMetricFamily(
                "person_index_indexer_lag_seconds",
                "Age of the newest moment up to which the index holds every change.",
                value=report["lagSeconds"],
            )
        yield GaugeMetricFamily(
            "person_index_indexer_throughput_records_per_second",
            "Stream records applied per second over the last minute.",
            value=report["recordsPerSecond"],
        )
        yield CounterMetricFamily(
            "person_index_indexer_records_applied",
            "Stream records the indexer has applied.",
            value=report["appliedTotal"],
        )
        yield GaugeMetricFamily(
            "person_index_indexer_changes_lost",
            "1 when stream records were lost to the index (run person-indexer reconcile --repair).",
            value=1 if report["changesLostAt"] else 0,
        )


def _status() -> dict[str, Any] | None:
    return backends().indexer_status.status()


@blp.get("/metrics")
def metrics() -> Response:
    """The Prometheus exposition of this service's metrics."""
    if backends().settings.prometheus_multiproc_dir:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    indexer = CollectorRegistry()
    indexer.register(IndexerStatusCollector(_status))
    body = generate_latest(registry) + generate_latest(indexer)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def init_metrics(app: Flask) -> None:
    """Count every request by route pattern (never the path, which holds ids) and serve /metrics."""

    @app.after_request
    def _count(response: Response) -> Response:
        rule = request.url_rule.rule if request.url_rule else "<unmatched>"
        REQUESTS.labels(request.method, rule, str(response.status_code)).inc()
        return response

    app.register_blueprint(blp)
