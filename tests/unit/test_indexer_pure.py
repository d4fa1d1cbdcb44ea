"""Pure parts of the indexer: failure classification, redaction, lag, back-off, shard order."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from indexer.apply import bulk_failure, document_action, redact
from indexer.deadletters import dead_letter_id, decode_record, encode_record
from indexer.rebuild import _loading_settings
from indexer.reconcile import State, compare
from indexer.status import Throughput
from indexer.stream import Backoff, StreamPoller, readable_shards
from service.domain.indexer_status import indexer_report, keeps_up

NOW = datetime(2026, 1, 10, 12, 0, 0, tzinfo=UTC)


def _ago(seconds: float) -> str:
    return (NOW - timedelta(seconds=seconds)).isoformat()


def test_redact_removes_quoted_values_and_the_field_value_preview() -> None:
    message = (
        "failed to parse field [dateOfBirth] of type [date] in document with id 'abc'. "
        "Preview of field's value: '1984-02-30'"
    )
    assert redact(message) == (
        "failed to parse field [dateOfBirth] of type [date] in document with id '…'."
    )


@pytest.mark.parametrize(
    ("outcome", "poison"),
    [
        ({"status": 400, "error": {"type": "mapper_parsing_exception", "reason": "x"}}, True),
        ({"status": 413, "error": "too large"}, True),
        ({"status": 429, "error": {"type": "es_rejected_execution_exception"}}, False),
        ({"status": 503, "error": {"type": "unavailable_shards_exception"}}, False),
        ({"status": "N/A", "error": "ConnectionError(refused)"}, False),
    ],
)
def test_only_a_rejected_document_is_poison_the_rest_is_retried(
    outcome: dict, poison: bool
) -> None:
    is_poison, reason = bulk_failure(outcome)
    assert is_poison is poison
    assert reason.startswith("OpenSearch refused the write")


def test_a_tombstone_item_is_indexed_as_a_tombstone_at_its_own_version() -> None:
    action = document_action({"id": "p1", "versionNumber": 4, "isDeleted": True}, "persons")
    assert action["_source"] == {"id": "p1", "isDeleted": True}
    assert action["version"] == 4 and action["version_type"] == "external"


def test_a_dead_letter_keeps_the_whole_record_and_uses_the_event_id() -> None:
    record = {
        "eventID": "e1",
        "dynamodb": {"ApproximateCreationDateTime": NOW, "SequenceNumber": "42"},
    }
    decoded = decode_record(encode_record(record))
    assert decoded["dynamodb"]["ApproximateCreationDateTime"] == NOW.timestamp()
    assert dead_letter_id(record) == "e1"
    assert dead_letter_id({"dynamodb": {"SequenceNumber": "42"}}) == "42"


def test_no_status_means_no_lag_known() -> None:
    report = indexer_report(None, NOW)
    assert report["lagSeconds"] is None and report["appliedTotal"] == 0


def test_lag_is_the_age_of_the_last_applied_change_while_behind() -> None:
    status = {
        "lastAppliedAt": _ago(1),
        "lastChangeAt": _ago(30),
        "recordsPerSecond": "12.5",
        "appliedTotal": 7,
    }
    report = indexer_report(status, NOW)
    assert report["lagSeconds"] == 30.0
    assert report["recordsPerSecond"] == 12.5 and report["appliedTotal"] == 7


def test_lag_is_measured_from_the_last_caught_up_moment_once_idle() -> None:
    status = {"lastAppliedAt": _ago(600), "lastChangeAt": _ago(601), "caughtUpAt": _ago(2)}
    assert indexer_report(status, NOW)["lagSeconds"] == 2.0


def test_a_stopped_indexer_shows_growing_lag_and_no_throughput() -> None:
    status = {"lastAppliedAt": _ago(300), "lastChangeAt": _ago(301), "recordsPerSecond": "50"}
    report = indexer_report(status, NOW)
    assert report["lagSeconds"] == 301.0 and report["recordsPerSecond"] == 0.0


def test_the_health_check_passes_while_the_indexer_keeps_up_and_fails_when_it_stops() -> None:
    idle = indexer_report({"caughtUpAt": _ago(3)}, NOW)
    stopped = indexer_report({"lastAppliedAt": _ago(300), "lastChangeAt": _ago(301)}, NOW)
    assert keeps_up(idle, 60)
    assert not keeps_up(stopped, 60)
    assert not keeps_up(indexer_report(None, NOW), 60)  # never reported yet


def test_changes_lost_to_the_streams_retention_are_reported_until_cleared() -> None:
    assert indexer_report(None, NOW)["changesLostAt"] is None
    assert indexer_report({"caughtUpAt": _ago(2)}, NOW)["changesLostAt"] is None
    lost = {"caughtUpAt": _ago(2), "changesLostAt": _ago(60)}
    assert indexer_report(lost, NOW)["changesLostAt"] == _ago(60)


def test_throughput_counts_only_the_window() -> None:
    meter = Throughput(window_seconds=10)
    meter.add(0.0, 100)
    meter.add(15.0, 20)
    meter.add(20.0, 20)
    assert meter.rate(20.0) == 8.0  # 40 records over the 5 s since the oldest kept event
    assert meter.rate(100.0) == 0.0


def test_backoff_doubles_up_to_the_maximum_and_resets() -> None:
    backoff = Backoff(initial=1, maximum=5)
    assert [backoff.next() for _ in range(5)] == [1, 2, 4, 5, 5]
    backoff.reset()
    assert backoff.next() == 1


class _FailingPoller(StreamPoller):
    def __init__(self, failures: int) -> None:
        super().__init__(streams=None, opensearch=None, checkpoints=None, stream_arn="s", index="i")
        self.failures = failures
        self.polls = 0

    def poll_once(self) -> int:
        self.polls += 1
        if self.polls <= self.failures:
            raise ConnectionError("OpenSearch is down")
        return 0


class _RecordingStop(threading.Event):
    """A stop event that records each pause instead of sleeping, and stops after `limit`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.pauses: list[float] = []
        self.limit = limit

    def wait(self, timeout: float | None = None) -> bool:
        self.pauses.append(timeout or 0)
        if len(self.pauses) >= self.limit:
            self.set()
        return self.is_set()


def test_run_survives_errors_and_backs_off_instead_of_spinning() -> None:
    poller = _FailingPoller(failures=4)
    stop = _RecordingStop(limit=6)
    poller.run(stop, idle_sleep=0.5, max_backoff=3)
    assert stop.pauses == [0.5, 1.0, 2.0, 3.0, 0.5, 0.5]  # back-off, then idle sleeps
    assert poller.polls == 6


def _shard(shard_id: str, start: str, parent: str | None = None) -> dict:
    shard = {"ShardId": shard_id, "SequenceNumberRange": {"StartingSequenceNumber": start}}
    if parent:
        shard["ParentShardId"] = parent
    return shard


def test_a_child_shard_waits_until_its_parent_is_finished() -> None:
    shards = [_shard("child", "2", parent="parent"), _shard("parent", "1")]
    assert readable_shards(shards, finished=set()) == ["parent"]
    assert readable_shards(shards, finished={"parent"}) == ["child"]


def test_a_child_whose_parent_aged_out_is_read() -> None:
    assert readable_shards([_shard("child", "2", parent="gone")], finished=set()) == ["child"]


def test_compare_finds_missing_stale_ahead_and_extra() -> None:
    dynamodb = {
        "same": State(2, False),
        "missing": State(1, False),
        "stale": State(3, False),
        "ahead": State(1, False),
        "deleted-late": State(4, True),
        "tombstone-ok": State(5, True),
    }
    index = {
        "same": State(2, False),
        "stale": State(2, False),
        "ahead": State(2, False),
        "deleted-late": State(4, False),
        "tombstone-ok": State(5, True),
        "extra": State(1, False),
        "hard-deleted": State(3, True),
    }
    drift = compare(dynamodb, index)
    assert drift.missing == ["missing"]
    assert sorted(drift.stale) == ["deleted-late", "stale"]
    assert drift.ahead == ["ahead"]
    assert drift.extra == ["extra"]
    assert not drift.clean
    assert compare({"a": State(1, False)}, {"a": State(1, False)}).clean


def test_loading_uses_no_replicas_and_no_refresh_then_restores_the_mapping() -> None:
    loading, final = _loading_settings(
        {"settings": {"index": {"number_of_replicas": 2, "refresh_interval": "5s"}}}
    )
    assert loading == {"number_of_replicas": 0, "refresh_interval": "-1"}
    assert final == {"number_of_replicas": 2, "refresh_interval": "5s"}
    assert _loading_settings({})[1] == {"number_of_replicas": 1, "refresh_interval": None}
