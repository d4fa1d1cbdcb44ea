"""Health of the service and its dependencies, including how far behind the indexer is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify

from service.backends import backends

blp = Blueprint("health", __name__, url_prefix="/api/v1")


def _check(name: str, probe: Any) -> dict[str, Any]:
    try:
        detail = probe()
    except Exception as exc:
        return {"name": name, "status": "down", "error": type(exc).__name__}
    return {"name": name, "status": "up", **(detail or {})}


def _indexer_lag() -> dict[str, Any]:
    settings = backends().settings
    response = backends().dynamodb.get_item(
        TableName=settings.checkpoints_table, Key={"key": {"S": "indexer-status"}}
    )
    item = response.get("Item")
    if not item:
        return {"lastAppliedAt": None, "lagSeconds": None}
    applied_at = item["lastAppliedAt"]["S"]
    change_at = item.get("lastChangeAt", {}).get("S")
    lag = None
    if change_at:
        lag = round(
            (
                datetime.fromisoformat(applied_at) - datetime.fromisoformat(change_at)
            ).total_seconds(),
            3,
        )
    return {"lastAppliedAt": applied_at, "lastChangeAt": change_at, "lagSeconds": lag}


@blp.get("/healthcheck")
def healthcheck() -> tuple[Response, int]:
    """200 when DynamoDB and OpenSearch answer; 503 naming what is down otherwise."""
    b = backends()
    checks = [
        _check(
            "dynamodb",
            lambda: b.dynamodb.describe_table(TableName=b.settings.persons_table) and None,
        ),
        _check("opensearch", lambda: {"clusterStatus": b.opensearch.cluster.health()["status"]}),
        _check("indexer", _indexer_lag),
    ]
    healthy = all(check["status"] == "up" for check in checks[:2])
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "time": datetime.now(UTC).isoformat(),
        "checks": checks,
    }
    return jsonify(body), 200 if healthy else 503
