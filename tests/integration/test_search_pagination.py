"""Cursor pagination over a point in time: pages never repeat or skip while records change."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.people import person_body

FIRST_NAMES = ["Ann", "Anne", "Anna", "Annie", "Hannah", "Joanna", "Anita", "Anya", "Ana"]


def _create(client: FlaskClient, number: int) -> dict:
    body = person_body(
        firstName=FIRST_NAMES[number % len(FIRST_NAMES)],
        surname="Pagination",
        dateOfBirth=f"19{50 + number % 40}-01-{1 + number % 28:02d}",
        nationalInsuranceNo=None,
    )
    response = client.post("/api/v1/persons", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_pages_neither_repeat_nor_skip_while_people_are_added_changed_and_deleted(
    client: FlaskClient, index_all
) -> None:
    people = [_create(client, n) for n in range(23)]
    index_all()
    params = {"surname": "Pagination", "pageSize": 5}
    page = client.get("/api/v1/persons", query_string=params).get_json()
    total = page["total"]
    assert total == 23 and len(page["results"]) == 5 and page["nextCursor"]
    seen = [hit["id"] for hit in page["results"]]
    deleted = people[-1]["id"]
    changes = iter(range(3))
    while page["nextCursor"]:
        step = next(changes, None)
        if step == 0:
            for n in range(100, 106):
                _create(client, n)  # new people who would sort anywhere
        elif step == 1:
            target = people[0]["id"]
            patched = client.patch(
                f"/api/v1/persons/{target}",
                json={"surname": "Paginaton"},  # still found, with another score
                headers={"If-Match": '"1"'},
            )
            assert patched.status_code == 200, patched.get_json()
        elif step == 2:
            assert client.delete(f"/api/v1/persons/{deleted}").status_code == 204
        index_all()
        page = client.get("/api/v1/persons", query_string={"cursor": page["nextCursor"]}).get_json()
        assert page["total"] == total
        seen += [hit["id"] for hit in page["results"]]
    assert len(seen) == len(set(seen)), "a page repeated a person"
    throughout = {p["id"] for p in people} - {deleted}
    assert throughout <= set(seen), "a page skipped a person who existed throughout"

    fresh = client.get("/api/v1/persons", query_string=params).get_json()
    assert fresh["total"] == 23 - 1 + 6


def test_a_finished_or_released_cursor_cannot_be_reused(
    client: FlaskClient, index_all, app
) -> None:
    for n in range(3):
        _create(client, n)
    index_all()
    first = client.get(
        "/api/v1/persons", query_string={"surname": "Pagination", "pageSize": 2}
    ).get_json()
    second = client.get("/api/v1/persons", query_string={"cursor": first["nextCursor"]}).get_json()
    assert len(second["results"]) == 1 and second["nextCursor"] is None
    # The last page closed the point in time, so the old cursor is now a 400, not a 500.
    again = client.get("/api/v1/persons", query_string={"cursor": first["nextCursor"]})
    assert again.status_code == 400
    assert again.mimetype == "application/problem+json"
