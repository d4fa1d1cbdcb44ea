"""Extended data: per service area, size-limited, kept apart, never indexed and never logged."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from indexer.runner import drain
from indexer.stream import StreamPoller
from service.api import extended as extended_api
from service.config import Settings
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.stored import table_items

URL = "/api/v1/persons"
SECRET = "Sees a support worker on Tuesdays"


@pytest.fixture
def api(client: FlaskClient) -> CheckedClient:
    return CheckedClient(client)


@pytest.fixture
def person(api: CheckedClient) -> dict:
    return api.post(URL, json=person_body()).get_json()


def test_put_then_get_round_trips_the_object_and_the_core_record_never_shows_it(
    api: CheckedClient,
    person: dict,
    poller: StreamPoller,
    search_client: OpenSearch,
    settings: Settings,
) -> None:
    url = f"{URL}/{person['id']}/extended/socialcare"
    data = {"note": SECRET, "visits": [1, 2.5, None], "flags": {"keySafe": True}}
    stored = api.put(url, json=data)
    assert stored.status_code == 200, stored.get_json()
    assert stored.get_json()["data"] == data
    read = api.get(url).get_json()
    assert read["data"] == data and read["serviceArea"] == "socialcare"
    assert read["lastModifiedBy"] == person["lastModifiedBy"]
    replaced = api.put(url, json={"note": "new"})
    assert replaced.get_json()["data"] == {"note": "new"}

    api.put(url, json={"note": SECRET})
    core = api.get(f"{URL}/{person['id']}")
    assert SECRET not in core.get_data(as_text=True)
    drain(poller)
    indexed = search_client.get(index=settings.opensearch_alias, id=person["id"])
    assert SECRET not in json.dumps(indexed)


def test_each_service_area_is_kept_apart(api: CheckedClient, person: dict) -> None:
    base = f"{URL}/{person['id']}/extended"
    api.put(f"{base}/housing", json={"a": 1})
    api.put(f"{base}/benefits", json={"b": 2})
    assert api.get(f"{base}/housing").get_json()["data"] == {"a": 1}
    assert api.get(f"{base}/benefits").get_json()["data"] == {"b": 2}
    missing = api.get(f"{base}/revenues")
    assert missing.status_code == 404 and "revenues" in missing.get_json()["detail"]


def test_unknown_service_area_person_and_id_are_refused_and_nothing_is_stored(
    api: CheckedClient, person: dict, settings: Settings
) -> None:
    unknown_area = api.put(f"{URL}/{person['id']}/extended/parking", json={"a": 1})
    assert unknown_area.status_code == 404 and "housing" in unknown_area.get_json()["detail"]
    unknown_person = api.put(f"{URL}/{uuid.uuid4()}/extended/housing", json={"a": 1})
    assert unknown_person.status_code == 404
    assert api.get(f"{URL}/{uuid.uuid4()}/extended/housing").status_code == 404
    assert api.put(f"{URL}/bad-id/extended/housing", json={"a": 1}).status_code == 400
    assert table_items(settings, settings.extended_table) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ('{"note": ', 400),
        ("[1, 2]", 400),
        ('"text"', 400),
        (json.dumps({"note": "x" * (16 * 1024)}), 413),
    ],
    ids=["malformed", "array", "string", "over the limit"],
)
def test_bodies_that_are_not_a_small_json_object_are_refused(
    api: CheckedClient, person: dict, settings: Settings, body: str, status: int
) -> None:
    response = api.put(
        f"{URL}/{person['id']}/extended/housing", data=body, content_type="application/json"
    )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert table_items(settings, settings.extended_table) == []


def test_access_goes_through_authorise_extended(
    api: CheckedClient, person: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def deny_socialcare(caller: str, area: str) -> bool:
        asked.append(area)
        return area != "socialcare"

    monkeypatch.setattr(extended_api, "authorise_extended", deny_socialcare)
    denied = api.put(f"{URL}/{person['id']}/extended/socialcare", json={"a": 1})
    assert denied.status_code == 403
    assert api.get(f"{URL}/{person['id']}/extended/socialcare").status_code == 403
    assert api.put(f"{URL}/{person['id']}/extended/housing", json={"a": 1}).status_code == 200
    assert asked == ["socialcare", "socialcare", "housing"]


def test_extended_data_is_never_logged(
    api: CheckedClient, person: dict, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"{URL}/{person['id']}/extended/housing"
    with caplog.at_level(logging.DEBUG):
        api.put(url, json={"note": SECRET})
        api.get(url)
        api.put(url, data='{"note": "' + SECRET, content_type="application/json")
    assert caplog.records
    assert all(
        SECRET not in record.getMessage() + str(record.__dict__) for record in caplog.records
    )


def test_extended_data_is_erased_with_the_person(
    api: CheckedClient, person: dict, settings: Settings
) -> None:
    url = f"{URL}/{person['id']}/extended/housing"
    api.put(url, json={"note": SECRET})
    assert api.delete(f"{URL}/{person['id']}").status_code == 204
    assert api.get(url).status_code == 404
    assert api.put(url, json={"note": SECRET}).status_code == 404
    assert table_items(settings, settings.extended_table) == []
