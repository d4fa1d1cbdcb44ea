"""The Lambda host with a realistic DynamoDB Streams event built from the server's own records."""

from __future__ import annotations

import random
from typing import Any

from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from indexer.deadletters import DeadLetterStore
from indexer.lambda_handler import LambdaBackends, handle
from service import clients
from service.bootstrap import persons_stream_arn
from service.config import Settings
from tests.integration.indexer_helpers import (
    create,
    drift,
    stream_records,
    unreachable_opensearch,
)


def _lambda_event(settings: Settings, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Stream records as Lambda delivers them: epoch-second times and the stream's ARN."""
    arn = persons_stream_arn(clients.dynamodb_client(settings), settings)
    return {
        "Records": [
            {
                **record,
                "eventSourceARN": arn,
                "dynamodb": {
                    **record["dynamodb"],
                    "ApproximateCreationDateTime": record["dynamodb"][
                        "ApproximateCreationDateTime"
                    ].timestamp(),
                },
            }
            for record in records
        ]
    }


def _backends(settings: Settings, opensearch: OpenSearch) -> LambdaBackends:
    dynamodb = clients.dynamodb_client(settings, "batch")
    return LambdaBackends(
        opensearch=opensearch,
        index=settings.opensearch_alias,
        dead_letters=DeadLetterStore(dynamodb, settings.dead_letters_table),
    )


def test_lambda_applies_the_batch_and_dead_letters_a_poison_record(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(11)
    person = create(client, rng)
    clients.dynamodb_client(settings).put_item(
        TableName=settings.persons_table, Item={"id": {"S": "poison"}}
    )
    create(client, rng)
    event = _lambda_event(settings, stream_records(settings))
    search = clients.opensearch_client(settings, "batch")

    response = handle(event, _backends(settings, search))

    assert response == {"batchItemFailures": []}
    assert drift(settings).missing == ["poison"]  # everything else is in the index
    assert search.get(index=settings.opensearch_alias, id=person["id"])["_version"] == 1
    letters = list(
        DeadLetterStore(clients.dynamodb_client(settings), settings.dead_letters_table).list()
    )
    assert [(letter.person_id, letter.source) for letter in letters] == [("poison", "lambda")]
    # The same event again (Lambda retries whole batches too): nothing changes, nothing fails.
    assert handle(event, _backends(settings, search)) == {"batchItemFailures": []}


def test_lambda_reports_every_record_it_could_not_apply_when_opensearch_is_down(
    client: FlaskClient, settings: Settings
) -> None:
    rng = random.Random(12)
    for _ in range(3):
        create(client, rng)
    records = stream_records(settings)
    down = unreachable_opensearch()

    response = handle(_lambda_event(settings, records), _backends(settings, down))

    expected = [record["dynamodb"]["SequenceNumber"] for record in records]
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == expected


def test_a_poison_record_that_cannot_be_set_aside_is_reported_for_retry(
    client: FlaskClient, settings: Settings
) -> None:
    """The dead-letter write fails (its table is missing): that record alone is reported, so
    Lambda retries it rather than losing it; the others are applied."""
    rng = random.Random(13)
    person = create(client, rng)
    clients.dynamodb_client(settings).put_item(
        TableName=settings.persons_table, Item={"id": {"S": "poison"}}
    )
    records = stream_records(settings)
    search = clients.opensearch_client(settings, "batch")
    dynamodb = clients.dynamodb_client(settings, "batch")
    backends = LambdaBackends(
        opensearch=search,
        index=settings.opensearch_alias,
        dead_letters=DeadLetterStore(dynamodb, f"{settings.dead_letters_table}-missing"),
    )

    response = handle(_lambda_event(settings, records), backends)

    poison = [
        r["dynamodb"]["SequenceNumber"]
        for r in records
        if r["dynamodb"]["Keys"]["id"]["S"] == "poison"
    ]
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == poison
    assert search.get(index=settings.opensearch_alias, id=person["id"])["found"]

    # Lambda's retry, once the dead-letter table answers, sets the record aside and succeeds.
    retried = handle(_lambda_event(settings, records), _backends(settings, search))
    assert retried["batchItemFailures"] == []
    letters = list(DeadLetterStore(dynamodb, settings.dead_letters_table).list())
    assert [letter.person_id for letter in letters] == ["poison"]
