"""Indexer lag and throughput, computed from the status item the live indexer keeps.

Lag is the age of the newest moment up to which the index is known to be complete: the time of the
last applied change while there is a backlog, or the last time the indexer found the stream empty.
It therefore grows while the indexer is behind or stopped, and stays near zero while it keeps up.
`changesLostAt` is set when the indexer found its checkpoint older than the stream's oldest record:
the index may miss changes until `person-indexer reconcile --repair` finds it clean.
Shared by the indexer (which writes the status) and the API (health and metrics, which read it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

# A throughput figure older than this is no longer current: the indexer is idle or stopped.
RATE_WINDOW_SECONDS = 60.0


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def indexer_report(status: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """Lag, throughput and totals for health and metrics (None where nothing is known yet)."""
    if not status:
        return {
            "lastAppliedAt": None,
            "lastChangeAt": None,
            "caughtUpAt": None,
            "lagSeconds": None,
            "recordsPerSecond": 0.0,
            "appliedTotal": 0,
            "changesLostAt": None,
        }
    applied = _moment(status.get("lastAppliedAt"))
    change = _moment(status.get("lastChangeAt"))
    caught_up = _moment(status.get("caughtUpAt"))
    complete_up_to = caught_up if caught_up and (not applied or caught_up >= applied) else change
    lag = None if complete_up_to is None else max(0.0, (now - complete_up_to).total_seconds())
    last_seen = max((m for m in (applied, caught_up) if m), default=None)
    rate = float(status.get("recordsPerSecond") or 0)
    if last_seen is None or (now - last_seen).total_seconds() > RATE_WINDOW_SECONDS:
        rate = 0.0
    return {
        "lastAppliedAt": status.get("lastAppliedAt"),
        "lastChangeAt": status.get("lastChangeAt"),
        "caughtUpAt": status.get("caughtUpAt"),
        "lagSeconds": None if lag is None else round(lag, 3),
        "recordsPerSecond": round(rate, 3),
        "appliedTotal": int(status.get("appliedTotal") or 0),
        "changesLostAt": status.get("changesLostAt"),
    }


def keeps_up(report: dict[str, Any], max_lag_seconds: float) -> bool:
    """True when an `indexer_report` shows the index at most `max_lag_seconds` behind the stream
    (False before the indexer ever reported)."""
    lag = report.get("lagSeconds")
    return lag is not None and lag <= max_lag_seconds
