"""Cross references: a lookup table written in the person's own transaction."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from indexer.runner import drain
from indexer.stream import StreamPoller
from service.config import Settings
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.stored import persons, table_items

URL = "/api/v1/persons"
TENURE = {"system": "tenures", "reference": "T-1001"}
ACADEMY = {"system": "academy", "reference": "AC/77/1"}


@pytest.fixture
def api(client: FlaskClient) -> CheckedClient:
    return CheckedClient(client)


def _lookup_table(settings: Settings) -> dict[str, str]:
    items = table_items(settings, settings.cross_references_table)
    return {item["key"]: item["personId"] for item in items}


def test_a_person_is_found_by_each_of_their_references(api: CheckedClient) -> None:
    person = api.post(URL, json=person_body(crossReferences=[TENURE, ACADEMY])).get_json()
    found = api.get(f"{URL}/by-reference/tenures/T-1001")
    assert found.status_code == 200 and found.get_json()["id"] == person["id"]
    assert found.headers["ETag"] == '"1"'
    slashed = api.get(f"{URL}/by-reference/academy/AC%2F77%2F1")
    assert slashed.status_code == 200 and slashed.get_json()["id"] == person["id"]
    assert api.get(f"{URL}/by-reference/tenures/T-9999").status_code == 404
    assert api.get(f"{URL}/by-reference/academy/T-1001").status_code == 404


def test_a_reference_belongs_to_one_person_only(
    api: CheckedClient, settings: Settings, poller: StreamPoller
) -> None:
    first = api.post(URL, json=person_body(crossReferences=[TENURE])).get_json()
    taken = api.post(URL, json=person_body(firstName="Bola", crossReferences=[ACADEMY, TENURE]))
    assert taken.status_code == 409
    problem = taken.get_json()
    assert "tenures" in problem["detail"] and "T-1001" in problem["detail"]
    assert "crossReferences" in problem["errors"]
    assert [p["id"] for p in persons(settings)] == [first["id"]]
    assert _lookup_table(settings) == {"tenures#T-1001": first["id"]}
    # The cancelled transaction left the stream readable (moto can leave stale iterators).
    assert drain(poller) == 1


def test_patch_moves_the_lookup_with_the_references(api: CheckedClient, settings: Settings) -> None:
    person = api.post(URL, json=person_body(crossReferences=[TENURE])).get_json()
    url = f"{URL}/{person['id']}"
    moved = api.patch(url, json={"crossReferences": [ACADEMY]}, headers={"If-Match": '"1"'})
    assert moved.status_code == 200
    assert _lookup_table(settings) == {"academy#AC/77/1": person["id"]}
    assert api.get(f"{URL}/by-reference/tenures/T-1001").status_code == 404
    cleared = api.patch(url, json={"crossReferences": None}, headers={"If-Match": '"2"'})
    assert cleared.status_code == 200 and cleared.get_json()["crossReferences"] == []
    assert _lookup_table(settings) == {}


def test_patch_claiming_a_taken_reference_changes_nothing(
    api: CheckedClient, settings: Settings
) -> None:
    owner = api.post(URL, json=person_body(crossReferences=[TENURE])).get_json()
    other = api.post(URL, json=person_body(firstName="Bola", crossReferences=[ACADEMY])).get_json()
    refused = api.patch(
        f"{URL}/{other['id']}",
        json={"crossReferences": [TENURE], "surname": "Adeyemi"},
        headers={"If-Match": '"1"'},
    )
    assert refused.status_code == 409 and "T-1001" in refused.get_json()["detail"]
    unchanged = api.get(f"{URL}/{other['id']}")
    assert unchanged.headers["ETag"] == '"1"' and unchanged.get_json()["surname"] == "Okonkwo"
    assert _lookup_table(settings) == {
        "tenures#T-1001": owner["id"],
        "academy#AC/77/1": other["id"],
    }


def test_erasure_releases_the_references(api: CheckedClient, settings: Settings) -> None:
    person = api.post(URL, json=person_body(crossReferences=[TENURE])).get_json()
    assert api.delete(f"{URL}/{person['id']}").status_code == 204
    assert _lookup_table(settings) == {}
    assert api.get(f"{URL}/by-reference/tenures/T-1001").status_code == 404
    again = api.post(URL, json=person_body(firstName="Bola", crossReferences=[TENURE]))
    assert again.status_code == 201
    assert _lookup_table(settings) == {"tenures#T-1001": again.get_json()["id"]}
