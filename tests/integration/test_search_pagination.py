"""Cursor pagination without server state: pages of an unchanged index never repeat or skip,
and no search leaves anything open in OpenSearch however many are abandoned."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

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


def _all_pages(client: FlaskClient, params: dict) -> list[dict]:
    page = client.get("/api/v1/persons", query_string=params).get_json()
    pages = [page]
    while page["nextCursor"]:
        response = client.get("/api/v1/persons", query_string={"cursor": page["nextCursor"]})
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        pages.append(page)
    return pages


def test_pages_of_an_unchanged_index_neither_repeat_nor_skip(
    client: FlaskClient, index_all
) -> None:
    people = [_create(client, n) for n in range(23)]
    index_all()
    pages = _all_pages(client, {"surname": "Pagination", "pageSize": 5})
    assert [len(p["results"]) for p in pages] == [5, 5, 5, 5, 3]
    seen = [hit["id"] for page in pages for hit in page["results"]]
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == {p["id"] for p in people}
    scores = [hit["score"] for page in pages for hit in page["results"]]
    assert scores == sorted(scores, reverse=True)


def test_a_cursor_keeps_working_while_records_change(client: FlaskClient, index_all) -> None:
    people = [_create(client, n) for n in range(12)]
    index_all()
    first = client.get(
        "/api/v1/persons", query_string={"surname": "Pagination", "pageSize": 4}
    ).get_json()
    deleted = next(p["id"] for p in people if p["id"] not in {h["id"] for h in first["results"]})
    for n in range(100, 104):
        _create(client, n)
    assert client.delete(f"/api/v1/persons/{deleted}").status_code == 204
    index_all()
    rest = []
    cursor = first["nextCursor"]
    while cursor:
        response = client.get("/api/v1/persons", query_string={"cursor": cursor})
        assert response.status_code == 200, response.get_json()
        rest += response.get_json()["results"]
        cursor = response.get_json()["nextCursor"]
    assert deleted not in {hit["id"] for hit in rest}, "an erased person came back on a page"
    assert rest, "the pages after the first were lost"


def test_the_last_page_has_no_cursor_and_a_forged_cursor_is_a_400(
    client: FlaskClient, index_all
) -> None:
    for n in range(3):
        _create(client, n)
    index_all()
    first = client.get(
        "/api/v1/persons", query_string={"surname": "Pagination", "pageSize": 2}
    ).get_json()
    second = client.get("/api/v1/persons", query_string={"cursor": first["nextCursor"]}).get_json()
    assert len(second["results"]) == 1 and second["nextCursor"] is None
    payload, _ = first["nextCursor"].rsplit(".", 1)
    forged = client.get("/api/v1/persons", query_string={"cursor": f"{payload}.forged"})
    assert forged.status_code == 400
    assert forged.mimetype == "application/problem+json"
    assert "cursor" in forged.get_json()["errors"]


def test_a_burst_of_abandoned_paged_searches_leaves_nothing_open(
    app: Flask, client: FlaskClient, index_all, search_client: OpenSearch
) -> None:
    """More first pages than OpenSearch's default cap of 300 open points in time, from 8
    clients, none followed: every one answers, and search still answers right after."""
    for n in range(6):
        _create(client, n)
    index_all()

    def search(number: int) -> int:
        params = {"firstName": FIRST_NAMES[number % len(FIRST_NAMES)], "pageSize": 1}
        params["surname"] = "Pagination"
        return app.test_client().get("/api/v1/persons", query_string=params).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(search, range(320)))
    assert statuses.count(200) == 320, sorted(set(statuses))
    assert (
        search_client.transport.perform_request("GET", "/_search/point_in_time/_all")["pits"] == []
    )
    after = client.get("/api/v1/persons", query_string={"surname": "Pagination"})
    assert after.status_code == 200 and after.get_json()["total"] == 6
