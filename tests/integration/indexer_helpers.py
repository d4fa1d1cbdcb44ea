"""Helpers for the indexer's integration and fault tests: env, writes, stream records, oracle."""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from devstack.isolation import table_fields
from devstack.processes import ManagedProcess, free_port
from indexer.reconcile import Drift, reconcile
from service import clients
from service.bootstrap import persons_stream_arn
from service.config import Settings
from tests.integration.people import person_body

FIRST_NAMES = ["Aisha", "Tom", "Priya", "Kwame", "Zofia", "Liam", "Mei", "Omar", "Grace", "Ravi"]
SURNAMES = ["Okonkwo", "Smith", "Patel", "Mensah", "Nowak", "Byrne", "Chen", "Haddad", "Jones"]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a subprocess use these settings' servers, tables and alias."""
    # Every table setting `x_table` is read from the variable `X_TABLE`.
    tables = {name.upper(): getattr(settings, name) for name in table_fields(settings)}
    return {
        **tables,
        "DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "",
        "OPENSEARCH_URL": settings.opensearch_url,
        "OPENSEARCH_ALIAS": settings.opensearch_alias,
        "INDEXER_IDLE_SLEEP_SECONDS": str(settings.indexer_idle_sleep_seconds),
        "INDEXER_MAX_BACKOFF_SECONDS": "2",
        "BATCH_TIMEOUT_SECONDS": "10",
        "INDEXER_BATCH_SIZE": "50",
        "LOG_LEVEL": "INFO",
    }


def unreachable_opensearch() -> OpenSearch:
    """A client for a port nothing listens on: every request fails at once."""
    return OpenSearch(hosts=[f"http://127.0.0.1:{free_port()}"], max_retries=0, timeout=2)


def indexer_process(settings: Settings, log_path: Path) -> ManagedProcess:
    """`person-indexer run` as a real subprocess pointed at these settings."""
    return ManagedProcess(
        "indexer",
        [str(Path(sys.executable).parent / "person-indexer"), "run"],
        log_path,
        ready=lambda: True,
        env=settings_env(settings),
    )


def create(client: FlaskClient, rng: random.Random) -> dict[str, Any]:
    """Create a person with a random name through the API."""
    body = person_body(firstName=rng.choice(FIRST_NAMES), surname=rng.choice(SURNAMES))
    response = client.post("/api/v1/persons", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def random_write(client: FlaskClient, rng: random.Random, live: list[str]) -> None:
    """One create, rename or delete through the API, chosen at random; every write must succeed."""
    roll = rng.random()
    if not live or roll < 0.5:
        live.append(create(client, rng)["id"])
        return
    person_id = rng.choice(live)
    url = f"/api/v1/persons/{person_id}"
    read = client.get(url)
    assert read.status_code == 200, read.get_json()
    etag = {"If-Match": read.headers["ETag"]}
    if roll < 0.85:
        changed = client.patch(url, json={"firstName": rng.choice(FIRST_NAMES) + "x"}, headers=etag)
        assert changed.status_code == 200, changed.get_json()
    else:
        deleted = client.delete(url, headers=etag)
        assert deleted.status_code == 204, deleted.get_json()
        live.remove(person_id)


def answer_as_aws(
    client: Any, operation: str, code: str, when: Callable[[dict[str, Any]], bool]
) -> None:
    """Make a real boto3 client answer `operation` with AWS's error `code` (HTTP 400) whenever
    `when(request parameters)` holds; every other call still reaches the server.

    For AWS behaviours the local DynamoDB API server lacks (moto never trims a stream). The
    answer goes through botocore's own error handling, so the caller sees the ClientError AWS
    would give. Uses botocore's documented `before-call` event, as its Stubber does.
    """
    service = client.meta.service_model.service_id.hyphenize()

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not when(json.loads(params.get("body") or b"{}")):
            return None
        error = {"Code": code, "Message": f"{operation} refused as AWS would ({code})"}
        return AWSResponse(params["url"], 400, {}, None), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    client.meta.events.register(f"before-call.{service}.{operation}", answer)


def stream_records(settings: Settings) -> list[dict[str, Any]]:
    """Every record on the Persons table's stream, oldest first."""
    dynamodb = clients.dynamodb_client(settings, "batch")
    streams = clients.streams_client(settings)
    arn = persons_stream_arn(dynamodb, settings)
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def drift(settings: Settings) -> Drift:
    """DynamoDB compared with the index right now (the reconcile oracle)."""
    dynamodb = clients.dynamodb_client(settings, "batch")
    found, _ = reconcile(
        dynamodb,
        settings.persons_table,
        clients.opensearch_client(settings, "batch"),
        settings.opensearch_alias,
        segments=2,
    )
    return found


def wait_until_converged(settings: Settings, timeout: float = 60.0) -> Drift:
    """Poll the oracle until the index matches DynamoDB exactly, or the timeout passes."""
    deadline = time.monotonic() + timeout
    while True:
        found = drift(settings)
        if found.clean or time.monotonic() > deadline:
            return found
        time.sleep(0.5)
