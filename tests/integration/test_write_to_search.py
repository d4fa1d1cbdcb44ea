"""The walking skeleton end to end: DynamoDB write, id read, stream, index, search."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from indexer.apply import apply_batch
from service.config import Settings
from tests.integration.people import person_body


def _search(client: FlaskClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/persons", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def _stream_records(poller) -> list[dict[str, Any]]:
    shard = poller._shards()[0]["ShardId"]
    iterator = poller.streams.get_shard_iterator(
        StreamArn=poller.stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return poller.streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]


def test_created_person_is_readable_by_id_at_once_and_searchable_after_indexing(
    client: FlaskClient, index_all
) -> None:
    created = client.post("/api/v1/persons", json=person_body())
    assert created.status_code == 201, created.get_json()
    person = created.get_json()
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"].endswith(f"/api/v1/persons/{person['id']}")
    assert person["nationalInsuranceNo"] == "AB123456C"

    read = client.get(f"/api/v1/persons/{person['id']}")
    assert read.status_code == 200
    assert read.get_json()["firstName"] == "Aisha"
    assert read.headers["ETag"] == '"1"'

    assert _search(client, firstName="Aisha", surname="Okonkwo") == []
    assert index_all() == 1
    results = _search(client, firstName="Aisha", surname="Okonkwo")
    assert [hit["id"] for hit in results] == [person["id"]]
    assert results[0]["score"] > 0


def test_search_tolerates_a_typo_and_a_phonetic_spelling(client: FlaskClient, index_all) -> None:
    wanted = client.post("/api/v1/persons", json=person_body(firstName="Stephen", surname="Smith"))
    client.post("/api/v1/persons", json=person_body(firstName="Margaret", surname="Jones"))
    index_all()
    for first, last in (("Stephen", "Smiht"), ("Steven", "Smyth")):
        results = _search(client, firstName=first, lastName=last)
        assert results and results[0]["id"] == wanted.get_json()["id"], (first, last)


def test_latest_version_wins_when_records_are_replayed_twice_and_out_of_order(
    client: FlaskClient, poller, search_client: OpenSearch, settings: Settings
) -> None:
    person = client.post("/api/v1/persons", json=person_body()).get_json()
    url = f"/api/v1/persons/{person['id']}"
    first = client.patch(url, json={"firstName": "Ayesha"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200, first.get_json()
    second = client.patch(url, json={"firstName": "Aiesha"}, headers={"If-Match": '"2"'})
    assert second.headers["ETag"] == '"3"'

    records = _stream_records(poller)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "MODIFY"]
    newest_first = list(reversed(records))
    apply_batch(search_client, settings.opensearch_alias, newest_first)
    replay = apply_batch(search_client, settings.opensearch_alias, records + newest_first)
    assert replay.ok and replay.applied == 0 and replay.stale == 6

    stored = search_client.get(index=settings.opensearch_alias, id=person["id"])
    assert stored["_version"] == 3
    assert stored["_source"]["firstName"] == "Aiesha"


def test_deleted_person_leaves_search_and_stays_deleted_when_old_records_replay(
    client: FlaskClient, index_all, poller, search_client: OpenSearch, settings: Settings
) -> None:
    person = client.post("/api/v1/persons", json=person_body()).get_json()
    index_all()
    assert _search(client, firstName="Aisha", surname="Okonkwo")

    deleted = client.delete(f"/api/v1/persons/{person['id']}")
    assert deleted.status_code == 204
    assert client.get(f"/api/v1/persons/{person['id']}").status_code == 404
    index_all()
    assert _search(client, firstName="Aisha", surname="Okonkwo") == []

    insert = [r for r in _stream_records(poller) if r["eventName"] == "INSERT"]
    replay = apply_batch(search_client, settings.opensearch_alias, insert)
    assert replay.stale == 1
    search_client.indices.refresh(index=settings.opensearch_alias)
    assert _search(client, firstName="Aisha", surname="Okonkwo") == []
