"""Server-Timing: every answer says how long the service took and, for searches and duplicate
checks, how much of it was OpenSearch, the model's ranking and the answer's dump; the request's
log line carries the same phases."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.api.request_logs import SERVER_TIMING_HEADER
from service.matching.matcher import Matcher
from service.timings import parse_server_timing
from tests.integration.people import person_body

PERSONS = "/api/v1/persons"


def _phases(response) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return parse_server_timing(response.headers[SERVER_TIMING_HEADER])


def test_search_and_match_answers_say_where_their_time_went(
    client: FlaskClient, index_all, caplog: pytest.LogCaptureFixture
) -> None:
    created = client.post(PERSONS, json=person_body(firstName="Robert", surname="Smith"))
    index_all()

    lookup = client.get(f"{PERSONS}/{created.get_json()['id']}")
    assert set(_phases(lookup)) == {"app"}

    search = client.get(PERSONS, query_string={"firstName": "Bob", "surname": "Smith"})
    match = client.post(f"{PERSONS}/matches", json={"firstName": "Robert", "surname": "Smith"})
    for response in (search, match):
        assert response.status_code == 200 and response.get_json()["results"]
        phases = _phases(response)
        assert set(phases) == {"opensearch", "rank", "dump", "app"}
        assert all(value > 0 for value in phases.values())
        assert phases["opensearch"] + phases["rank"] + phases["dump"] <= phases["app"]

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="service.requests"):
        client.post(f"{PERSONS}/matches", json={"surname": "Smith"})
    (line,) = [r for r in caplog.records if r.name == "service.requests"]
    assert set(line.phasesMs) == {"opensearch", "rank", "dump"}  # type: ignore[attr-defined]


def test_a_failed_search_still_answers_its_time(client: FlaskClient) -> None:
    response = client.get(PERSONS, query_string={"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert set(_phases(response)) == {"app"}


def test_a_request_made_while_another_is_handled_keeps_each_ones_timing(
    client: FlaskClient, index_all, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test client inside a view shares the outer request's app context (and `g`)."""
    created = client.post(PERSONS, json=person_body(firstName="Robert", surname="Smith"))
    index_all()
    inner = []
    original = Matcher.rank

    def rank_after_an_inner_request(self: Matcher, *args: Any, **kwargs: Any) -> Any:
        inner.append(client.get(f"{PERSONS}/{created.get_json()['id']}"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Matcher, "rank", rank_after_an_inner_request)
    outer = client.post(f"{PERSONS}/matches", json={"firstName": "Robert", "surname": "Smith"})
    assert outer.status_code == 200 and inner[0].status_code == 200
    assert set(_phases(inner[0])) == {"app"}
    assert set(_phases(outer)) == {"opensearch", "rank", "dump", "app"}
    assert _phases(outer)["app"] > _phases(inner[0])["app"]
