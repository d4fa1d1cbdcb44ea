"""Real requests, everything logged scanned: no names, dates of birth, NI numbers or tokens."""

from __future__ import annotations

import io
import logging

from flask.testing import FlaskClient
from pythonjsonlogger.json import JsonFormatter

from tests.integration.auth import bearer
from tests.integration.people import person_body

FIRST, SURNAME, BORN, NI = "Xanthippe", "Quartermaine", "1979-08-14", "JH 71 82 93 B"


def test_nothing_personal_or_secret_reaches_the_logs(client: FlaskClient, index_all) -> None:
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    previous_level = root.level
    root.setLevel(logging.DEBUG)
    token = bearer()
    try:
        body = person_body(
            firstName=FIRST, surname=SURNAME, dateOfBirth=BORN, nationalInsuranceNo=NI
        )
        person = client.post(
            "/api/v1/persons", json=body, headers={"Authorization": token}
        ).get_json()
        url = f"/api/v1/persons/{person['id']}"
        client.get(url)
        client.patch(url, json={"middleName": "Euphemia"}, headers={"If-Match": '"1"'})
        index_all()
        client.get("/api/v1/persons", query_string={"firstName": FIRST, "surname": SURNAME})
        client.get("/api/v1/persons", query_string={"firstName": FIRST, "dateOfBirth": BORN})
        client.post("/api/v1/persons/matches", json={"firstName": FIRST, "surname": SURNAME})
        client.put(f"{url}/extended/housing", json={"note": f"{FIRST} prefers letters"})
        client.post("/api/v1/persons", json={**body, "dateOfBirth": "3000-01-01"})
        client.post("/api/v1/persons", json={**body, "nationalInsuranceNo": "QQ 71 82 93 B"})
        client.get(url, headers={"Authorization": token + "tampered"})
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)

    logged = sink.getvalue()
    assert "service.requests" in logged  # the scan saw the request log lines
    for secret in (
        FIRST,
        SURNAME,
        "Euphemia",
        BORN,
        "JH718293B",
        NI,
        "QQ 71 82 93 B",
        token.removeprefix("Bearer "),
        "prefers letters",
    ):
        assert secret not in logged, f"{secret!r} was logged"
