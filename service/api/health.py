"""Health of the service and its dependencies, including how far behind the indexer is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from service.backends import backends
from service.domain.indexer_status import indexer_report

blp = Blueprint("health", __name__, url_prefix="/api/v1")


def _check(name: str, probe: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    try:
        detail = probe()
    except Exception as exc:  # a health check reports a failing dependency; it never raises
        return {"name": name, "status": "down", "error": type(exc).__name__}
    return {"name": name, "status": "up", **(detail or {})}


def _indexer() -> dict[str, Any]:
    return indexer_report(backends().indexer_status.status(), datetime.now(UTC))


@blp.get("/healthcheck")
def healthcheck() -> tuple[Response, int]:
    """200 when DynamoDB and OpenSearch answer; 503 naming what is down otherwise."""
    b = backends()
    checks = [
        _check("dynamodb", b.persons.store.check_table),
        _check("opensearch", lambda: {"clusterStatus": b.search.cluster_status()}),
        _check("indexer", _indexer),
    ]
    healthy = all(check["status"] == "up" for check in checks[:2])
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "time": datetime.now(UTC).isoformat(),
        "checks": checks,
    }
    return jsonify(body), 200 if healthy else 503
