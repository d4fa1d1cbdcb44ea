"""The scale benchmark's floor (`benchmarks.scale.passthrough`) under gunicorn does the raw
request's work against the real OpenSearch: it answers the ids the same request finds when sent
to OpenSearch itself, for a duplicate check's multi-search and a staff search's search."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from benchmarks.scale import timing, workload
from benchmarks.scale.passthrough import found_ids
from benchmarks.scale.servers import passthrough_process
from service.config import Settings
from tests.integration.people import person_body


def test_the_passthrough_answers_the_ids_the_raw_requests_find(
    client: FlaskClient,
    index_all,
    settings: Settings,
    tmp_path: Path,
) -> None:
    for first in ("Amara", "Amira", "Tomasz"):
        body = person_body(
            firstName=first, surname="Okafor", dateOfBirth="1980-02-03", nationalInsuranceNo=None
        )
        assert client.post("/api/v1/persons", json=body).status_code == 201
    index_all()
    wanted = {"firstName": "Amara", "surname": "Okafor", "dateOfBirth": "1980-02-03"}
    explained = [
        client.post("/api/v1/persons/matches?explain=true", json=wanted),
        client.get("/api/v1/persons", query_string={**wanted, "explain": "true"}),
    ]
    raw = [
        workload.raw_request(
            timing.Reply(r.status_code, 0.0, r.get_json()), settings.opensearch_alias
        )
        for r in explained
    ]
    direct = timing.Target(settings.opensearch_url)
    with passthrough_process(settings, tmp_path) as url:
        through = timing.Target(url)
        for request in raw:
            expected = found_ids(direct.send(request).body)
            assert expected, f"the raw request found nobody: {request.path}"
            reply = through.send(request)
            assert reply.status == 200
            assert reply.body == {"ids": expected}
