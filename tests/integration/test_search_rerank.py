"""Staff search re-ranked by the matching model: the right person first (as documented in the
OpenAPI document), stateless paging through the re-ranked window and past it, and cursors that
are the service's own."""

from __future__ import annotations

from dataclasses import replace

from flask.testing import FlaskClient

from service.app import create_app
from service.config import Settings
from tests.integration.auth import bearer
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body
from tests.integration.test_search_pagination import FIRST_NAMES

WINDOW = 7


def _create(client: FlaskClient, **overrides: str) -> str:
    response = client.post(
        "/api/v1/persons", json=person_body(nationalInsuranceNo=None, **overrides)
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _search(client: FlaskClient, params: dict) -> dict:
    response = client.get("/api/v1/persons", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _all_pages(client: FlaskClient, params: dict) -> list[dict]:
    pages = [_search(client, params)]
    while pages[-1]["nextCursor"]:
        pages.append(_search(client, {"cursor": pages[-1]["nextCursor"]}))
    return pages


# Other people in the register: relevance weighs a term by its rarity among all of them.
OTHERS = [
    {"firstName": "Catherine", "surname": "Jones", "dateOfBirth": "1975-06-09"},
    {"firstName": "Kathryn", "surname": "Jones", "dateOfBirth": "1980-01-01"},
    {
        "firstName": "Jonathan",
        "middleName": "Paul",
        "surname": "Clarke",
        "dateOfBirth": "1962-11-30",
    },
    {"firstName": "Jon", "surname": "Clarke", "dateOfBirth": "1958-02-14"},
    {"firstName": "Zoe", "surname": "Garcia-Lopez", "dateOfBirth": "2001-04-05"},
    {"firstName": "Zoe", "surname": "Lopez", "dateOfBirth": "1995-10-12"},
]


def test_a_date_of_birth_brings_the_right_person_first_where_relevance_put_a_namesake_first(
    client: FlaskClient, settings: Settings, index_all
) -> None:
    for other in OTHERS:
        _create(client, **other)
    right = _create(
        client, firstName="Mohammed", middleName="Ali", surname="Khan", dateOfBirth="1980-01-02"
    )
    namesake = _create(client, firstName="Muhammad", surname="Khan", dateOfBirth="1995-08-17")
    index_all()
    query = {"firstName": "Muhammad", "surname": "Khan", "dateOfBirth": "1980-01-02"}

    plain = _search(_client(settings, 0), query)
    assert [hit["id"] for hit in plain["results"]] == [namesake, right], (
        "the case no longer shows relevance alone putting the namesake first"
    )
    assert all("matchScore" not in hit for hit in plain["results"])

    response = CheckedClient(client).get(
        "/api/v1/persons", query_string={**query, "explain": "true"}
    )
    reranked = response.get_json()
    assert [hit["id"] for hit in reranked["results"]] == [right, namesake]
    first, second = reranked["results"]
    assert first["matchScore"] > 0.99 > 0.5 > second["matchScore"] >= 0
    assert first["score"] < second["score"], "score stays the OpenSearch relevance"
    assert reranked["explain"]["rerank"] == {
        "window": settings.search_rerank_window,
        "windowHits": 2,
        "offset": 0,
        "compared": ["firstName", "surname", "dateOfBirth"],
    }
    assert reranked["explain"]["query"]["size"] == settings.search_rerank_window + 1


def test_free_text_alone_keeps_opensearch_order(client: FlaskClient, index_all) -> None:
    _create(client, firstName="Thanh", surname="Nguyen")
    index_all()
    page = _search(client, {"q": "Thanh Nguyen", "explain": "true"})
    assert len(page["results"]) == 1 and "matchScore" not in page["results"][0]
    assert "rerank" not in page["explain"]


def _paged_people(client: FlaskClient, count: int) -> set[str]:
    """Namesakes whose dates of birth agree with 1960-01-05 exactly, swapped, one digit off or
    not at all, so that the model orders them otherwise than relevance does."""
    dates = ["1960-01-05", "1960-05-01", "1960-01-06", "1971-02-03", "1966-10-05"]
    return {
        _create(
            client,
            firstName=FIRST_NAMES[number % len(FIRST_NAMES)],
            surname="Pagination",
            dateOfBirth=dates[number % len(dates)],
        )
        for number in range(count)
    }


def _client(settings: Settings, window: int) -> FlaskClient:
    """A client of an app with its own re-rank window, over the test's tables and alias."""
    client = create_app(replace(settings, search_rerank_window=window)).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer()
    return client


def test_paging_past_the_window_neither_repeats_nor_skips(settings: Settings, index_all) -> None:
    client = _client(settings, WINDOW)
    people = _paged_people(client, 23)
    index_all()
    query = {"firstName": "Ann", "surname": "Pagination", "dateOfBirth": "1960-01-05"}
    relevance = _search(_client(settings, 0), {**query, "pageSize": 23})["results"]
    found = len(relevance)
    assert WINDOW + 10 < found <= 23, "the search must find more than the window and a page"
    # Pages that straddle the window's end (5, 3, 10) and one that ends exactly on it (7).
    for page_size in (5, 3, 10, WINDOW):
        pages = _all_pages(client, {**query, "pageSize": page_size})
        lengths = [len(page["results"]) for page in pages]
        assert all(n == page_size for n in lengths[:-1]) and 0 < lengths[-1] <= page_size
        hits = [hit for page in pages for hit in page["results"]]
        assert len({hit["id"] for hit in hits}) == len(hits) == found
        assert {hit["id"] for hit in hits} <= people
        in_window, after = hits[:WINDOW], hits[WINDOW:]
        assert all("matchScore" in hit for hit in in_window)
        assert all("matchScore" not in hit for hit in after)
        ranks = [(-hit["matchScore"], -hit["score"], hit["id"]) for hit in in_window]
        assert ranks == sorted(ranks)
        # The window is relevance's first hits in another order; the rest is relevance order.
        assert [hit["id"] for hit in in_window] != [hit["id"] for hit in relevance[:WINDOW]]
        assert {hit["id"] for hit in in_window} == {hit["id"] for hit in relevance[:WINDOW]}
        assert [hit["id"] for hit in after] == [hit["id"] for hit in relevance[WINDOW:]]
    first = _search(client, {**query, "pageSize": 5})
    straddling = _search(client, {"cursor": first["nextCursor"], "explain": "true"})
    assert straddling["explain"]["rerank"]["offset"] == 5
    assert straddling["explain"]["queryAfterWindow"]["search_after"] == [
        relevance[WINDOW - 1]["score"],
        relevance[WINDOW - 1]["id"],
    ]
    past = _search(client, {"cursor": straddling["nextCursor"], "explain": "true"})
    assert "rerank" not in past["explain"] and "search_after" in past["explain"]["query"]


def test_an_altered_cursor_inside_the_window_is_a_400(settings: Settings, index_all) -> None:
    client = _client(settings, WINDOW)
    _paged_people(client, 10)
    index_all()
    first = _search(client, {"surname": "Pagination", "dateOfBirth": "1960-01-05", "pageSize": 2})
    payload, signature = first["nextCursor"].rsplit(".", 1)
    altered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    for cursor in (f"{altered}.{signature}", f"{payload}.{signature[:-1]}x"):
        response = client.get("/api/v1/persons", query_string={"cursor": cursor})
        assert response.status_code == 400
        assert response.mimetype == "application/problem+json"
        assert "cursor" in response.get_json()["errors"]
    assert _search(client, {"cursor": first["nextCursor"]})["results"]
