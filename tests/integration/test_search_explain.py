"""Explain: the exact query that ran and, per hit, the named clauses it matched."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.integration.people import person_body


def test_search_explain_returns_the_query_and_matched_clauses(
    client: FlaskClient, index_all
) -> None:
    person = client.post(
        "/api/v1/persons", json=person_body(firstName="Robert", surname="Smith")
    ).get_json()
    index_all()
    plain = client.get("/api/v1/persons", query_string={"firstName": "Bob", "surname": "Smyth"})
    assert "explain" not in plain.get_json()
    assert "matchedClauses" not in plain.get_json()["results"][0]

    response = client.get(
        "/api/v1/persons",
        query_string={
            "firstName": "Bob",
            "surname": "Smyth",
            "dateOfBirth": "1984-03-15",
            "explain": "true",
        },
    )
    body = response.get_json()
    assert response.status_code == 200, body
    hit = body["results"][0]
    assert hit["id"] == person["id"]
    assert {"firstName:nickname", "surname:phonetic", "dateOfBirth:exact"} <= set(
        hit["matchedClauses"]
    )
    assert "firstName:exact" not in hit["matchedClauses"]
    query = body["explain"]["query"]
    assert query["sort"] == [{"_score": "desc"}, {"id": "asc"}] and "pit" not in query
    assert "query_string" not in str(query)


def test_match_explain_returns_the_candidate_query_and_clauses(
    client: FlaskClient, index_all
) -> None:
    client.post("/api/v1/persons", json=person_body(firstName="Robert", surname="Smith"))
    index_all()
    response = client.post(
        "/api/v1/persons/matches?explain=true&limit=1",
        json={"firstName": "Smith", "surname": "Robert", "nationalInsuranceNo": "AB123456C"},
    )
    body = response.get_json()
    assert response.status_code == 200, body
    (result,) = body["results"]
    assert {"firstName:swapped:exact", "surname:swapped:exact", "nationalInsuranceNo:exact"} <= set(
        result["matchedClauses"]
    )
    assert result["searchScore"] > 0
    queries = body["explain"]["queries"]
    assert set(queries) == {"any", "nationalInsuranceNo"}
    assert queries["any"]["query"]["bool"]["minimum_should_match"] == 1
    assert "must" in queries["nationalInsuranceNo"]["query"]["bool"]
    assert {r["field"] for r in result["reasons"]} == {"swappedNames", "nationalInsuranceNo"}
