"""Merge and unmerge against the real servers: the answer, redirects, references, search,
histories, refusals, and atomicity under concurrent PATCHes of both persons (issue 11.3)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.runner import drain
from indexer.stream import StreamPoller
from service.config import Settings
from service.store.merging import MergeWriter
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.stored import persons, table_items
from tests.integration.threads import together

URL = "/api/v1/persons"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
SURVIVOR = person_body(
    crossReferences=[{"system": "tenures", "reference": "T-1"}],
    addresses=[{"fullAddress": "2 Mare Street, London", "postcode": "E8 1DY"}],
)
DUPLICATE = person_body(
    title="Mrs",
    middleName="Ngozi",
    dateOfBirth=None,
    nationalInsuranceNo=None,
    placeOfBirth="Lagos",
    personTypes=["Tenant", "Leaseholder"],
    crossReferences=[
        {"system": "benefits", "reference": "B-9"},
        {"system": "revenues", "reference": "R-7"},
    ],
    addresses=[{"fullAddress": "9 Old Road, London", "postcode": "E9 5AA"}],
    tenures=[
        {
            "id": "6f22e9ae-3e8a-4e0e-af46-db02eb87f8e6",
            "type": "Secure",
            "startDate": "2015-04-01",
            "endDate": "2019-04-01",
        }
    ],
    identifications=[{"identificationType": "Passport", "value": "P123"}],
    reason="Created again by mistake",
)


@pytest.fixture
def api(client: FlaskClient) -> CheckedClient:
    return CheckedClient(client)


def _create(api: CheckedClient, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(URL, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _merge(
    api: CheckedClient, survivor: str, duplicate: str, etag: str = '"1"', reason: str = "Same"
) -> Any:
    return api.post(
        f"{URL}/{survivor}/merge",
        json={"duplicateId": duplicate, "reason": reason},
        headers={"If-Match": etag},
    )


def _unmerge(api: CheckedClient, survivor: str, duplicate: str, **headers: str) -> Any:
    return api.post(
        f"{URL}/{survivor}/unmerge",
        json={"duplicateId": duplicate, "reason": "Not the same person after all"},
        headers=headers,
    )


def _holder(api: CheckedClient, system: str, reference: str) -> str:
    response = api.get(f"{URL}/by-reference/{system}/{reference}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["id"]


def _search(api: CheckedClient, **params: str) -> list[str]:
    response = api.get(URL, query_string=params)
    assert response.status_code == 200, response.get_json()
    return [hit["id"] for hit in response.get_json()["results"]]


def _history(api: CheckedClient, person_id: str) -> list[dict[str, Any]]:
    response = api.get(f"{URL}/{person_id}/history")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["entries"]


def _references(settings: Settings) -> dict[tuple[str, str], str]:
    items = table_items(settings, settings.cross_references_table)
    return {(item["system"], item["reference"]): item["personId"] for item in items}


def test_the_survivor_gains_what_it_lacks_keeps_its_own_values_and_reports_the_conflicts(
    api: CheckedClient, settings: Settings
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)

    response = _merge(api, survivor["id"], duplicate["id"], reason="One resident, two records")

    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"] == '"2"'
    answer = response.get_json()
    assert answer["duplicateId"] == duplicate["id"]
    assert answer["conflicts"] == [{"field": "title", "kept": "Ms", "discarded": "Mrs"}]
    merged = answer["survivor"]
    assert (merged["title"], merged["middleName"], merged["placeOfBirth"]) == (
        "Ms",
        "Ngozi",
        "Lagos",
    )
    assert merged["dateOfBirth"] == "1984-03-15" and merged["nationalInsuranceNo"] == "AB123456C"
    assert merged["personTypes"] == ["Tenant", "Leaseholder"]
    assert [ref["reference"] for ref in merged["crossReferences"]] == ["T-1", "B-9", "R-7"]
    assert [a["fullAddress"] for a in merged["addresses"]] == [
        "2 Mare Street, London",
        "9 Old Road, London",
    ]
    assert [t["id"] for t in merged["tenures"]] == ["6f22e9ae-3e8a-4e0e-af46-db02eb87f8e6"]
    assert merged["identifications"][0]["value"] == "P123"
    assert merged["mergedFrom"] == [duplicate["id"]]
    assert merged["reason"] == "One resident, two records"
    assert api.get(f"{URL}/{survivor['id']}").get_json() == merged

    # The duplicate is a merged record, not an erasure: nothing of it is lost.
    [record] = [p for p in persons(settings) if p["id"] == duplicate["id"]]
    assert record["mergedInto"] == survivor["id"] and "isDeleted" not in record
    assert record["premerge"]["middleName"] == "Ngozi"
    assert _references(settings) == {
        ("tenures", "T-1"): survivor["id"],
        ("benefits", "B-9"): survivor["id"],
        ("revenues", "R-7"): survivor["id"],
    }
    exported = api.client.get(f"{URL}/export", query_string={"format": "ndjson"})
    assert [json.loads(line)["id"] for line in exported.text.splitlines()] == [survivor["id"]]


def test_a_merged_id_redirects_to_the_survivor_and_its_references_find_the_survivor(
    api: CheckedClient,
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)
    assert _merge(api, survivor["id"], duplicate["id"]).status_code == 200

    read = api.get(f"{URL}/{duplicate['id']}")
    assert read.status_code == 308
    assert read.headers["Location"].endswith(f"{URL}/{survivor['id']}")
    assert read.get_json() == {"mergedInto": survivor["id"]}
    followed = api.client.get(f"{URL}/{duplicate['id']}", follow_redirects=True)
    assert followed.status_code == 200 and followed.get_json()["id"] == survivor["id"]

    assert _holder(api, "benefits", "B-9") == survivor["id"]
    assert _holder(api, "tenures", "T-1") == survivor["id"]

    patched = api.patch(
        f"{URL}/{duplicate['id']}", json={"firstName": "Ayesha"}, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 409
    assert "merged into" in patched.get_json()["detail"]
    assert patched.headers["Location"].endswith(f"{URL}/{survivor['id']}")
    assert api.delete(f"{URL}/{duplicate['id']}").status_code == 409
    # The id stays taken: it cannot be created again while it is merged.
    assert api.post(f"{URL}/{duplicate['id']}", json=person_body()).status_code == 409


def test_search_shows_only_the_survivor_and_both_histories_record_the_merge(
    api: CheckedClient, index_all
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)
    index_all()
    assert sorted(_search(api, firstName="Aisha", surname="Okonkwo")) == sorted(
        [survivor["id"], duplicate["id"]]
    )

    assert _merge(api, survivor["id"], duplicate["id"], reason="Same resident").status_code == 200
    index_all()

    assert _search(api, firstName="Aisha", surname="Okonkwo") == [survivor["id"]]
    assert _search(api, q="Ngozi") == [survivor["id"]]  # found by what the duplicate brought
    matches = api.post(f"{URL}/matches", json=DUPLICATE)
    assert [hit["person"]["id"] for hit in matches.get_json()["results"]] == [survivor["id"]]
    survivor_merge = _history(api, survivor["id"])[-1]
    assert (survivor_merge["event"], survivor_merge["reason"]) == ("merged", "Same resident")
    assert {"mergedFrom", "middleName", "crossReferences"} <= set(survivor_merge["changedFields"])
    duplicate_merge = _history(api, duplicate["id"])[-1]
    assert (duplicate_merge["event"], duplicate_merge["versionNumber"]) == ("merged", 2)
    assert duplicate_merge["changes"] == [
        {"field": "mergedInto", "oldValue": None, "newValue": survivor["id"]}
    ]


def test_unmerge_restores_the_duplicate_and_takes_back_what_it_brought(
    api: CheckedClient, settings: Settings, index_all
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)
    assert _merge(api, survivor["id"], duplicate["id"]).status_code == 200
    # Staff edit the survivor after the merge: their change stays after the unmerge.
    edited = api.patch(
        f"{URL}/{survivor['id']}", json={"placeOfBirth": "Accra"}, headers={"If-Match": '"2"'}
    )
    assert edited.status_code == 200

    stale = _unmerge(api, survivor["id"], duplicate["id"], **{"If-Match": '"2"'})
    assert stale.status_code == 412
    response = _unmerge(api, survivor["id"], duplicate["id"], **{"If-Match": '"3"'})

    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"] == '"4"'
    restored, survivor_after = response.get_json()["duplicate"], response.get_json()["survivor"]
    unchanged = {"versionNumber", "lastModified", "lastModifiedBy", "reason", "links"}
    assert {k: v for k, v in restored.items() if k not in unchanged} == {
        k: v for k, v in duplicate.items() if k not in unchanged
    }
    assert restored["versionNumber"] == 3
    assert api.get(f"{URL}/{duplicate['id']}").get_json() == restored
    assert survivor_after["middleName"] is None and survivor_after["placeOfBirth"] == "Accra"
    assert [ref["reference"] for ref in survivor_after["crossReferences"]] == ["T-1"]
    assert survivor_after["personTypes"] == ["Tenant"] and survivor_after["tenures"] == []
    assert "mergedFrom" not in survivor_after
    assert _holder(api, "benefits", "B-9") == duplicate["id"]
    assert _references(settings)[("tenures", "T-1")] == survivor["id"]

    index_all()
    assert sorted(_search(api, firstName="Aisha", surname="Okonkwo")) == sorted(
        [survivor["id"], duplicate["id"]]
    )
    assert _history(api, duplicate["id"])[-1]["event"] == "unmerged"
    assert _history(api, survivor["id"])[-1]["event"] == "unmerged"

    # Taken back once; a second unmerge has nothing to take back.
    again = _unmerge(api, survivor["id"], duplicate["id"])
    assert again.status_code == 409 and "was not merged into" in again.get_json()["detail"]


def test_a_reference_the_survivor_let_go_is_claimed_back_and_one_taken_since_refuses(
    api: CheckedClient,
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)
    assert _merge(api, survivor["id"], duplicate["id"]).status_code == 200
    kept = [{"system": "tenures", "reference": "T-1"}, {"system": "benefits", "reference": "B-9"}]
    api.patch(
        f"{URL}/{survivor['id']}", json={"crossReferences": kept}, headers={"If-Match": '"2"'}
    )
    thief = _create(api, person_body(crossReferences=[{"system": "revenues", "reference": "R-7"}]))

    refused = _unmerge(api, survivor["id"], duplicate["id"])
    assert refused.status_code == 409
    assert refused.get_json()["errors"]["crossReferences"]
    assert api.get(f"{URL}/{duplicate['id']}").status_code == 308  # nothing was written

    api.delete(f"{URL}/{thief['id']}")
    response = _unmerge(api, survivor["id"], duplicate["id"])
    assert response.status_code == 200, response.get_json()
    assert _holder(api, "revenues", "R-7") == duplicate["id"]
    assert _holder(api, "benefits", "B-9") == duplicate["id"]


def test_merges_that_break_a_rule_are_refused_with_a_problem_naming_it(
    api: CheckedClient,
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)
    other = _create(api, person_body(firstName="Grace"))
    erased = _create(api, person_body(firstName="Liam"))
    assert api.delete(f"{URL}/{erased['id']}").status_code == 204

    def refused(survivor_id: str, duplicate_id: str, etag: str, says: str) -> None:
        response = _merge(api, survivor_id, duplicate_id, etag)
        assert response.status_code == 409, response.get_json()
        problem = response.get_json()
        assert says in problem["detail"] and problem["title"] == "Conflict"

    refused(survivor["id"], survivor["id"], '"1"', "cannot be merged into itself")
    refused(survivor["id"], erased["id"], '"1"', "the duplicate was erased")
    refused(erased["id"], survivor["id"], '"2"', "the survivor was erased")
    refused(survivor["id"], UNKNOWN, '"1"', "the duplicate must exist")

    assert _merge(api, survivor["id"], duplicate["id"]).status_code == 200
    refused(other["id"], duplicate["id"], '"1"', f"duplicate was merged into {survivor['id']}")
    refused(duplicate["id"], other["id"], '"2"', f"survivor was merged into {survivor['id']}")
    refused(other["id"], survivor["id"], '"1"', "holds merged persons of its own")

    assert _merge(api, UNKNOWN, other["id"]).status_code == 404
    assert _merge(api, survivor["id"], other["id"], etag='"1"').status_code == 412
    missing = api.post(f"{URL}/{survivor['id']}/merge", json={"duplicateId": other["id"]})
    assert missing.status_code == 400 and "reason" in missing.get_json()["errors"]
    no_if_match = api.post(
        f"{URL}/{survivor['id']}/merge", json={"duplicateId": other["id"], "reason": "x"}
    )
    assert no_if_match.status_code == 428
    not_an_id = _merge(api, survivor["id"], "not-a-uuid", '"2"')
    assert not_an_id.status_code == 400 and "duplicateId" in not_an_id.get_json()["errors"]


def test_a_merge_whose_result_would_break_a_record_rule_is_refused(api: CheckedClient) -> None:
    survivor = _create(api, person_body(dateOfBirth="1990-01-01"))
    duplicate = _create(api, person_body(dateOfBirth=None, dateOfDeath="1985-06-01"))

    response = _merge(api, survivor["id"], duplicate["id"])

    assert response.status_code == 409
    assert "dateOfDeath" in response.get_json()["detail"]
    assert api.get(f"{URL}/{duplicate['id']}").status_code == 200


@pytest.mark.parametrize(
    ("changed", "status"), [("survivor", 412), ("duplicate", 409)], ids=["survivor", "duplicate"]
)
def test_a_change_between_the_merge_reads_and_its_write_cancels_the_whole_transaction(
    api: CheckedClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    changed: str,
    status: int,
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)
    target = {"survivor": survivor, "duplicate": duplicate}[changed]
    write = MergeWriter.merge

    def edited_meanwhile(writer: MergeWriter, *args: Any) -> Any:
        """Another client's PATCH lands after the merge read both persons, before it writes."""
        url = f"{URL}/{target['id']}"
        edit = api.client.patch(url, json={"gender": "Other"}, headers={"If-Match": '"1"'})
        assert edit.status_code == 200
        return write(writer, *args)

    monkeypatch.setattr(MergeWriter, "merge", edited_meanwhile)
    before = {p["id"]: p for p in persons(settings)}
    references = _references(settings)

    response = _merge(api, survivor["id"], duplicate["id"])

    assert response.status_code == status, response.get_json()
    after = {p["id"]: p for p in persons(settings)}
    assert after[target["id"]]["gender"] == "Other"
    other = duplicate if changed == "survivor" else survivor
    assert after[other["id"]] == before[other["id"]]  # nothing half-written
    assert "mergedInto" not in after[duplicate["id"]]
    assert _references(settings) == references


def test_erasing_a_survivor_erases_the_persons_merged_into_it(
    api: CheckedClient, settings: Settings, poller: StreamPoller
) -> None:
    survivor = _create(api, SURVIVOR)
    duplicate = _create(api, DUPLICATE)
    extended = api.put(f"{URL}/{duplicate['id']}/extended/housing", json={"rentAccount": "R1"})
    assert extended.status_code == 200
    assert _merge(api, survivor["id"], duplicate["id"]).status_code == 200
    kept = api.get(f"{URL}/{duplicate['id']}/extended/housing")
    assert kept.status_code == 200 and kept.get_json()["data"] == {"rentAccount": "R1"}
    elsewhere = api.get(f"{URL}/{duplicate['id']}/extended/benefits")
    assert elsewhere.status_code == 308
    assert elsewhere.headers["Location"].endswith(f"{URL}/{survivor['id']}/extended/benefits")

    assert api.delete(f"{URL}/{survivor['id']}").status_code == 204

    stored = {p["id"]: p for p in persons(settings)}
    assert set(stored[duplicate["id"]]) == {
        "id",
        "isDeleted",
        "versionNumber",
        "deletedAt",
        "deletedBy",
    }
    assert _references(settings) == {}
    assert api.get(f"{URL}/{duplicate['id']}").status_code == 404
    drain(poller)  # the stream finishes the duplicate's erasure, as for any erasure
    assert all(entry.get("erased") for entry in _history(api, duplicate["id"]))
    assert "reason" not in _history(api, duplicate["id"])[0]
    assert table_items(settings, settings.extended_table) == []


def test_a_merge_under_concurrent_patches_of_both_persons_is_all_or_nothing(
    app: Flask, settings: Settings
) -> None:
    api = CheckedClient(app.test_client())
    # Each round delays the survivor's and the duplicate's PATCH by these seconds, so that over
    # the rounds the merge wins some races and loses others (which, depends on the machine).
    delays = [(0, 0), (0.1, 0.1), (0.1, 0), (0, 0.1), (0.03, 0.03), (0.2, 0.01), (0.05, 0.2)]
    for round_, (survivor_delay, duplicate_delay) in enumerate(delays):
        survivor = _create(api, SURVIVOR | {"crossReferences": [_ref("tenures", f"T-{round_}")]})
        duplicate = _create(api, DUPLICATE | {"crossReferences": [_ref("benefits", f"B-{round_}")]})
        s_url, d_url = f"{URL}/{survivor['id']}", f"{URL}/{duplicate['id']}"
        # The merge sends the ETag the client read (1), like both PATCHes, and races them.

        def merge(
            client: FlaskClient, url: str = s_url, duplicate_id: str = duplicate["id"]
        ) -> Any:
            body = {"duplicateId": duplicate_id, "reason": "Same"}
            return client.post(f"{url}/merge", json=body, headers={"If-Match": '"1"'})

        def patch(url: str, field: str, delay: float) -> Callable[[FlaskClient], Any]:
            def later(client: FlaskClient) -> Any:
                time.sleep(delay)
                return client.patch(url, json={field: "Changed"}, headers={"If-Match": '"1"'})

            return later

        merged, survivor_patch, duplicate_patch = together(
            app,
            [
                merge,
                patch(s_url, "preferredFirstName", survivor_delay),
                patch(d_url, "gender", duplicate_delay),
            ],
        )
        assert merged.status_code in {200, 409, 412}, merged.get_json()
        assert survivor_patch.status_code in {200, 412}, survivor_patch.get_json()
        assert duplicate_patch.status_code in {200, 409}, duplicate_patch.get_json()
        # Both writes needed the survivor at version 1: exactly one of them got it.
        assert (merged.status_code == 200) + (survivor_patch.status_code == 200) == 1

        stored = {p["id"]: p for p in persons(settings)}
        s_item, d_item = stored[survivor["id"]], stored[duplicate["id"]]
        refs = _references(settings)
        if merged.status_code == 200:
            assert d_item["mergedInto"] == survivor["id"]
            assert s_item["mergedFrom"] == [duplicate["id"]]
            assert refs[("benefits", f"B-{round_}")] == survivor["id"]
            assert {r["reference"] for r in s_item["crossReferences"]} == {
                f"T-{round_}",
                f"B-{round_}",
            }
            assert s_item.get("preferredFirstName") is None  # the survivor PATCH lost
            # A duplicate PATCH that won before the merge read is kept in the merged record.
            if duplicate_patch.status_code == 200:
                assert d_item["premerge"]["gender"] == "Changed"
                assert s_item["gender"] == "Changed"
        else:
            assert "mergedInto" not in d_item and "mergedFrom" not in s_item
            assert refs[("benefits", f"B-{round_}")] == duplicate["id"]
            assert [r["reference"] for r in s_item["crossReferences"]] == [f"T-{round_}"]
            assert d_item["versionNumber"] == (2 if duplicate_patch.status_code == 200 else 1)


def _ref(system: str, reference: str) -> dict[str, str]:
    return {"system": system, "reference": reference}
