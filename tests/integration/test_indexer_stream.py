"""The stream poller against the real servers: checkpoints, restarts, iterators, poison records."""

from __future__ import annotations

import random
from dataclasses import replace

import boto3
import pytest
from botocore.config import Config as BotoConfig
from flask.testing import FlaskClient

from indexer.apply import apply_batch
from indexer.checkpoints import CheckpointStore
from indexer.deadletters import DeadLetterStore
from indexer.runner import build_poller, drain
from indexer.stream import BatchNotApplied, StreamPoller
from service import clients
from service.config import Settings
from tests.integration.indexer_helpers import (
    create,
    drift,
    stream_records,
    unreachable_opensearch,
)


def _checkpoint(poller: StreamPoller) -> str | None:
    shard = poller._shards()[0]["ShardId"]
    checkpoint = poller.checkpoints.get(poller.stream_arn, shard)
    return checkpoint.sequence_number if checkpoint else None


def test_checkpoint_moves_only_after_opensearch_acknowledged(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(1)
    for _ in range(3):
        create(client, rng)
    poller = build_poller(settings)
    poller.opensearch = unreachable_opensearch()
    with pytest.raises(BatchNotApplied):  # a batch OpenSearch never saw is not acknowledged
        poller.poll_once()
    assert _checkpoint(poller) is None

    restarted = build_poller(settings)
    assert drain(restarted) == 3
    assert _checkpoint(restarted) == stream_records(settings)[-1]["dynamodb"]["SequenceNumber"]
    assert drift(settings).clean


def test_a_restarted_poller_resumes_after_its_checkpoint(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(2)
    for _ in range(4):
        create(client, rng)
    assert drain(build_poller(settings)) == 4
    for _ in range(2):
        create(client, rng)
    restarted = build_poller(settings)
    assert drain(restarted) == 2  # only what came after the checkpoint
    assert drift(settings).clean
    status = CheckpointStore(clients.dynamodb_client(settings), settings.checkpoints_table).status()
    assert status is not None and int(status["appliedTotal"]) == 6
    assert status["lastChangeAt"] <= status["lastAppliedAt"]


def test_bulk_requests_are_bounded_by_the_batch_size(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(3)
    for _ in range(7):
        create(client, rng)
    poller = build_poller(replace(settings, indexer_batch_size=3))
    assert poller.poll_once() == 3  # one bounded page per shard per poll
    assert drain(poller) == 4
    assert drift(settings).clean


def test_a_page_read_ahead_never_moves_the_checkpoint_past_an_unapplied_record(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(6)
    for _ in range(7):
        create(client, rng)
    records = stream_records(settings)
    poller = build_poller(replace(settings, indexer_batch_size=3))
    live = poller.opensearch
    assert poller.poll_once() == 3  # a full page: the next one is read ahead meanwhile
    assert _checkpoint(poller) == records[2]["dynamodb"]["SequenceNumber"]

    poller.opensearch = unreachable_opensearch()
    with pytest.raises(BatchNotApplied):  # the page read ahead is not acknowledged
        poller.poll_once()
    assert _checkpoint(poller) == records[2]["dynamodb"]["SequenceNumber"]

    poller.opensearch = live  # the same poller, recovered: it reads again from its checkpoint
    assert drain(poller) == 4
    poller.close()
    assert _checkpoint(poller) == records[-1]["dynamodb"]["SequenceNumber"]
    assert drift(settings).clean


def test_a_stale_iterator_is_re_acquired_from_the_checkpoint(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(4)
    create(client, rng)
    poller = build_poller(settings)
    assert drain(poller) == 1
    create(client, rng)
    # An iterator the server no longer accepts (as after expiry); no client-side retries.
    poller.streams = boto3.client(
        "dynamodbstreams",
        endpoint_url=settings.dynamodb_endpoint,
        region_name=settings.aws_region,
        config=BotoConfig(retries={"total_max_attempts": 1}),
    )
    shard = poller._shards()[0]["ShardId"]
    poller._iterators[shard] = "not-a-valid-iterator"
    assert poller.poll_once() == 1
    assert drift(settings).clean


def test_poison_records_go_to_the_dead_letter_table_and_the_stream_moves_on(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(5)
    before = create(client, rng)
    dynamodb = clients.dynamodb_client(settings)
    # Written behind the API's back: no version (cannot be built) and a person reference that
    # is not a number (OpenSearch rejects the document).
    dynamodb.put_item(TableName=settings.persons_table, Item={"id": {"S": "no-version"}})
    dynamodb.put_item(
        TableName=settings.persons_table,
        Item={
            "id": {"S": "bad-ref"},
            "versionNumber": {"N": "1"},
            "firstName": {"S": "Ann"},
            "personRef": {"S": "R-55501"},
        },
    )
    after = create(client, rng)
    poller = build_poller(settings)
    assert drain(poller) == 4
    search = clients.opensearch_client(settings, "batch")
    search.indices.refresh(index=settings.opensearch_alias)
    for person in (before, after):
        assert search.get(index=settings.opensearch_alias, id=person["id"])["found"]

    letters = {
        letter.person_id: letter
        for letter in DeadLetterStore(dynamodb, settings.dead_letters_table).list()
    }
    assert set(letters) == {"no-version", "bad-ref"}
    assert "KeyError" in letters["no-version"].reason
    assert "personRef" in letters["bad-ref"].reason
    assert "R-55501" not in letters["bad-ref"].reason  # no record values in reasons
    assert letters["bad-ref"].record["dynamodb"]["NewImage"]["firstName"] == {"S": "Ann"}
    assert _checkpoint(poller) == stream_records(settings)[-1]["dynamodb"]["SequenceNumber"]


def test_late_and_repeated_records_never_roll_back_and_a_delete_stays_deleted(
    client: FlaskClient, settings: Settings
) -> None:
    person = create(client, random.Random(6))
    url = f"/api/v1/persons/{person['id']}"
    renamed = client.patch(url, json={"firstName": "Zed"}, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200, renamed.get_json()
    assert client.delete(url, headers={"If-Match": '"2"'}).status_code == 204
    records = stream_records(settings)
    search = clients.opensearch_client(settings, "batch")
    alias = settings.opensearch_alias

    newest_first = list(reversed(records))
    first = apply_batch(search, alias, newest_first)
    assert first.ok and first.applied == 1 and first.stale == len(records) - 1
    replayed = apply_batch(search, alias, records + newest_first)
    assert replayed.ok and replayed.applied == 0

    stored = search.get(index=alias, id=person["id"])
    assert stored["_source"]["isDeleted"] is True
    assert stored["_version"] == 3
    assert drift(settings).clean


def test_a_page_sent_in_parallel_parts_keeps_the_newest_version_and_each_records_outcome(
    client: FlaskClient, settings: Settings
) -> None:
    person = create(client, random.Random(7))
    url = f"/api/v1/persons/{person['id']}"
    for version, name in enumerate(["Zed", "Yan", "Xia"], start=1):
        renamed = client.patch(url, json={"firstName": name}, headers={"If-Match": f'"{version}"'})
        assert renamed.status_code == 200, renamed.get_json()
    records = stream_records(settings)
    bad = {"eventName": "MODIFY", "dynamodb": {"SequenceNumber": "1", "NewImage": {}}}
    search = clients.opensearch_client(settings, "batch")
    alias = settings.opensearch_alias

    # One action per part, all at once: the oldest version may well land last.
    newest_first = [records[-1], bad, *reversed(records[:-1])]
    result = apply_batch(search, alias, newest_first, chunk_size=1, threads=len(newest_first))
    assert result.ok and result.applied + result.stale == len(records)
    assert set(result.poison) == {"1"}  # the outcome of each record is its own

    stored = search.get(index=alias, id=person["id"])
    assert stored["_version"] == 4 and stored["_source"]["firstName"] == "Xia"
    assert drift(settings).clean
