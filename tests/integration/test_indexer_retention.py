"""A checkpoint older than the stream keeps records (after an outage longer than 24 hours on AWS):
the indexer carries on from the oldest record, reports that changes were lost, and a clean
reconciliation clears the report."""

from __future__ import annotations

import json
import random

from click.testing import CliRunner
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from indexer.cli import main
from indexer.runner import build_poller, drain
from service.config import Settings
from tests.integration.indexer_helpers import (
    answer_as_aws,
    create,
    settings_env,
    stream_records,
)


def _indexer_check(client: FlaskClient) -> dict:
    body = client.get("/api/v1/healthcheck").get_json()
    return next(check for check in body["checks"] if check["name"] == "indexer")


def _changes_lost_metric(client: FlaskClient) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    line = next(
        ln for ln in text.splitlines() if ln.startswith("person_index_indexer_changes_lost")
    )
    return float(line.split()[-1])


def test_a_checkpoint_beyond_the_streams_retention_restarts_from_the_oldest_record_and_is_reported(
    client: FlaskClient, settings: Settings, search_client: OpenSearch
) -> None:
    rng = random.Random(24)
    first = [create(client, rng) for _ in range(3)]
    assert drain(build_poller(settings)) == 3  # checkpoint after the third record
    later = [create(client, rng) for _ in range(2)]
    assert _indexer_check(client)["changesLostAt"] is None
    assert _changes_lost_metric(client) == 0

    # A restarted indexer whose checkpoint AWS has trimmed away: resuming after it is refused.
    restarted = build_poller(settings)
    answer_as_aws(
        restarted.streams,
        "GetShardIterator",
        "TrimmedDataAccessException",
        when=lambda request: request.get("ShardIteratorType") == "AFTER_SEQUENCE_NUMBER",
    )
    read = drain(restarted)

    assert read == len(stream_records(settings)) == 5  # from the oldest record, not after it
    search_client.indices.refresh(index=settings.opensearch_alias)
    for person in first + later:
        assert search_client.get(index=settings.opensearch_alias, id=person["id"])["found"]
    reported = _indexer_check(client)
    assert reported["changesLostAt"] is not None
    assert _changes_lost_metric(client) == 1

    result = CliRunner().invoke(main, ["reconcile", "--repair"], env=settings_env(settings))
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["clean"] is True and output["changesLostCleared"] is True
    assert _indexer_check(client)["changesLostAt"] is None
    assert _changes_lost_metric(client) == 0
