"""Concurrent writers against the real DynamoDB server: optimistic concurrency and personRef."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from service.config import Settings
from tests.integration.people import person_body
from tests.integration.stored import persons
from tests.integration.threads import together

URL = "/api/v1/persons"


def test_two_patches_with_the_same_if_match_one_wins_and_nothing_is_lost(
    app: Flask, settings: Settings
) -> None:
    person = app.test_client().post(URL, json=person_body()).get_json()
    url = f"{URL}/{person['id']}"

    def patch(field: str, value: str) -> Callable[[Any], Any]:
        return lambda client: client.patch(url, json={field: value}, headers={"If-Match": '"1"'})

    responses = together(app, [patch("middleName", "Ngozi"), patch("placeOfBirth", "Lagos")])
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 412]
    loser = next(r for r in responses if r.status_code == 412)
    assert loser.mimetype == "application/problem+json" and loser.headers["ETag"] == '"2"'

    # The loser re-reads and retries: both changes survive.
    winner = next(r for r in responses if r.status_code == 200).get_json()
    retry_field = "placeOfBirth" if winner.get("middleName") == "Ngozi" else "middleName"
    retry_value = "Lagos" if retry_field == "placeOfBirth" else "Ngozi"
    retried = app.test_client().patch(
        url, json={retry_field: retry_value}, headers={"If-Match": '"2"'}
    )
    assert retried.status_code == 200
    [stored] = persons(settings)
    assert (stored["middleName"], stored["placeOfBirth"], stored["versionNumber"]) == (
        "Ngozi",
        "Lagos",
        3,
    )


def test_twenty_parallel_creates_get_twenty_distinct_person_refs(
    app: Flask, settings: Settings
) -> None:
    def create(n: int) -> Callable[[Any], Any]:
        return lambda client: client.post(URL, json=person_body(firstName=f"Person{n}"))

    responses = together(app, [create(n) for n in range(20)])
    assert [r.status_code for r in responses] == [201] * 20
    refs = {r.get_json()["personRef"] for r in responses}
    assert len(refs) == 20
    assert sorted(p["personRef"] for p in persons(settings)) == sorted(refs)


def test_parallel_claims_of_one_cross_reference_give_it_to_exactly_one_person(
    app: Flask, settings: Settings
) -> None:
    reference = {"system": "tenures", "reference": "T-42"}

    def create(n: int) -> Callable[[Any], Any]:
        body = person_body(firstName=f"Person{n}", crossReferences=[reference])
        return lambda client: client.post(URL, json=body)

    responses = together(app, [create(n) for n in range(5)])
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    [owner] = persons(settings)
    found = app.test_client().get(f"{URL}/by-reference/tenures/T-42").get_json()
    assert found["id"] == owner["id"]
