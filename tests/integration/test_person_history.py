"""History written from the stream: every change once, idempotently, and erased with the person."""

from __future__ import annotations

import json
import uuid

import pytest
from flask.testing import FlaskClient

from indexer.deadletters import DeadLetterStore
from indexer.history import HistorySink
from indexer.lambda_handler import LambdaBackends, handle
from indexer.runner import drain
from indexer.stream import StreamPoller
from service import clients
from service.config import Settings
from service.erasure import Erasure
from service.persons import PersonService
from service.store.extended import ExtendedStore
from service.store.history import HistoryStore
from service.store.persons import PersonStore
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.stored import table_items

URL = "/api/v1/persons"


@pytest.fixture
def api(client: FlaskClient) -> CheckedClient:
    return CheckedClient(client)


def _all_records(poller: StreamPoller) -> list[dict]:
    streams = poller.streams
    shard = streams.describe_stream(StreamArn=poller.stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=poller.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]


def _store(settings: Settings) -> PersonStore:
    return PersonStore(
        clients.dynamodb_client(settings),
        settings.persons_table,
        settings.counters_table,
        settings.cross_references_table,
    )


def _history(api: CheckedClient, person_id: str) -> list[dict]:
    response = api.get(f"{URL}/{person_id}/history")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["entries"]


def test_every_change_is_recorded_with_who_when_why_and_old_and_new_values(
    api: CheckedClient, poller: StreamPoller
) -> None:
    person = api.post(URL, json=person_body()).get_json()
    url = f"{URL}/{person['id']}"
    api.patch(url, json={"firstName": "Ayesha", "reason": "Spelling"}, headers={"If-Match": '"1"'})
    api.patch(url, json={"dateOfBirth": None}, headers={"If-Match": '"2"'})
    api.patch(url, json={"surname": "Okonkwo"}, headers={"If-Match": '"3"'})  # no change
    assert _history(api, person["id"]) == []  # written from the stream, not by the API
    drain(poller)

    created, renamed, cleared = _history(api, person["id"])
    assert (created["versionNumber"], created["event"], created["reason"]) == (
        1,
        "created",
        "New tenancy sign-up",
    )
    assert created["changedBy"] == person["lastModifiedBy"]
    assert created["changedAt"] == person["createdAt"]
    assert {"field": "surname", "oldValue": None, "newValue": "Okonkwo"} in created["changes"]
    assert renamed["event"] == "updated" and renamed["reason"] == "Spelling"
    assert renamed["changes"] == [{"field": "firstName", "oldValue": "Aisha", "newValue": "Ayesha"}]
    assert cleared["versionNumber"] == 3 and "reason" not in cleared
    assert cleared["changes"] == [
        {"field": "dateOfBirth", "oldValue": "1984-03-15", "newValue": None}
    ]


def test_replaying_the_stream_rewrites_the_same_entries(
    api: CheckedClient, poller: StreamPoller, settings: Settings
) -> None:
    person = api.post(URL, json=person_body()).get_json()
    api.patch(f"{URL}/{person['id']}", json={"firstName": "Ayesha"}, headers={"If-Match": '"1"'})
    drain(poller)
    before = table_items(settings, settings.history_table)
    sink = HistorySink.connect(clients.dynamodb_client(settings), settings)
    records = _all_records(poller)
    sink(records + records)
    assert table_items(settings, settings.history_table) == before
    assert [entry["versionNumber"] for entry in before] == [1, 2]


def test_history_of_an_unknown_person_is_404_and_of_a_malformed_id_400(api: CheckedClient) -> None:
    assert api.get(f"{URL}/{uuid.uuid4()}/history").status_code == 404
    assert api.get(f"{URL}/nope/history").status_code == 400


def _no_personal_data(settings: Settings, *values: str) -> None:
    for table in (settings.history_table, settings.extended_table):
        text = json.dumps(table_items(settings, table))
        for value in values:
            assert value not in text, (table, value)


def test_erasure_keeps_version_time_and_who_but_no_values_even_when_old_records_replay(
    api: CheckedClient, poller: StreamPoller, settings: Settings
) -> None:
    person = api.post(URL, json=person_body(firstName="Zanele")).get_json()
    url = f"{URL}/{person['id']}"
    api.patch(
        url, json={"placeOfBirth": "Durban", "reason": "Zanele asked"}, headers={"If-Match": '"1"'}
    )
    api.put(f"{url}/extended/housing", json={"note": "Zanele prefers morning visits"})
    drain(poller)
    assert "Zanele" in json.dumps(table_items(settings, settings.history_table))

    assert api.delete(url).status_code == 204
    _no_personal_data(settings, "Zanele", "Durban")  # at once, by the API
    drain(poller)
    entries = _history(api, person["id"])
    assert [(e["versionNumber"], e["event"]) for e in entries] == [
        (1, "created"),
        (2, "updated"),
        (3, "erased"),
    ]
    assert all(e["erased"] and "changes" not in e and "reason" not in e for e in entries)
    assert entries[1]["changedFields"] == ["placeOfBirth"]
    assert all(e["changedBy"] == person["lastModifiedBy"] for e in entries)

    HistorySink.connect(clients.dynamodb_client(settings), settings)(_all_records(poller))
    _no_personal_data(settings, "Zanele", "Durban")


def test_the_stream_completes_an_erasure_the_api_did_not_finish(
    api: CheckedClient, poller: StreamPoller, settings: Settings
) -> None:
    person = api.post(URL, json=person_body(firstName="Zanele")).get_json()
    api.put(f"{URL}/{person['id']}/extended/benefits", json={"claim": "Zanele's claim"})
    drain(poller)
    # As if the API died right after writing the tombstone: only the store call happens.
    store = _store(settings)
    store.delete(store.get(person["id"]), "2026-01-01T00:00:00.000Z", "crashed-api")
    drain(poller)
    _no_personal_data(settings, "Zanele")
    assert table_items(settings, settings.extended_table) == []
    assert _history(api, person["id"])[-1]["changedBy"] == "crashed-api"


def test_the_lambda_host_writes_history_too(
    api: CheckedClient, poller: StreamPoller, settings: Settings, search_client
) -> None:
    person = api.post(URL, json=person_body()).get_json()
    api.patch(f"{URL}/{person['id']}", json={"firstName": "Ayesha"}, headers={"If-Match": '"1"'})
    dynamodb = clients.dynamodb_client(settings, "batch")
    backends = LambdaBackends(
        opensearch=search_client,
        index=settings.opensearch_alias,
        dead_letters=DeadLetterStore(dynamodb, settings.dead_letters_table),
        sinks=(HistorySink.connect(dynamodb, settings),),
    )
    response = handle({"Records": _all_records(poller)}, backends)
    assert response == {"batchItemFailures": []}
    assert [e["versionNumber"] for e in _history(api, person["id"])] == [1, 2]


def test_delete_succeeds_when_the_api_side_erasure_fails_and_the_stream_finishes_it(
    api: CheckedClient, poller: StreamPoller, settings: Settings
) -> None:
    person = api.post(URL, json=person_body(firstName="Zanele")).get_json()
    api.put(f"{URL}/{person['id']}/extended/housing", json={"note": "Zanele's note"})
    dynamodb = clients.dynamodb_client(settings)
    broken = Erasure(
        HistoryStore(dynamodb, "no-such-table"),
        ExtendedStore(dynamodb, "no-such-table", settings.persons_table),
    )
    PersonService(_store(settings), broken).delete(person["id"], None, "officer")
    assert api.get(f"{URL}/{person['id']}").status_code == 404
    drain(poller)
    _no_personal_data(settings, "Zanele")
