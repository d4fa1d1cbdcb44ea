"""End to end against the containers: the API container over 127.0.0.1, the indexer container
killed mid-burst and restarted."""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from devstack.cli import DEV_GROUPS, DEV_JWT_SECRET
from service.auth import mint_token
from tests.containers.stack import Stack, wait_for
from tests.integration.indexer_helpers import wait_until_converged
from tests.integration.people import person_body

pytestmark = pytest.mark.containers

BURST = 60
KILL_AFTER = 15
DELETED = 10


class Api:
    """A small HTTP client for the API container, with a development token (every role)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.token = mint_token(
            DEV_JWT_SECRET, "containers@localhost", DEV_GROUPS, 3600, int(time.time())
        )

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer_headers, raw = (
                    response.status,
                    dict(response.headers),
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            status, answer_headers, raw = error.code, dict(error.headers), error.read()
        return status, answer_headers, json.loads(raw) if raw else None

    def search_ids(self, **query: str) -> set[str]:
        status, _, answer = self.call("GET", "/persons?" + urllib.parse.urlencode(query))
        assert status == 200, answer
        return {hit["id"] for hit in answer["results"]}


def _surname() -> str:
    """A surname no other test uses (letters only), so a search finds only this test's people."""
    return "Zq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def test_create_search_match_patch_and_delete_through_the_api_container(stack: Stack) -> None:
    api = Api(stack.api_url)
    surname = _surname()
    body = person_body(surname=surname, firstName="Marguerite", nationalInsuranceNo=None)

    status, headers, created = api.call("POST", "/persons", body)
    assert status == 201, created
    person_id = created["id"]
    assert headers["ETag"] == '"1"'

    assert wait_for(lambda: person_id in api.search_ids(surname=surname), timeout=60)
    assert person_id in api.search_ids(firstName="Margarite", surname=surname)  # a typo

    status, _, matches = api.call("POST", "/persons/matches", body)
    assert status == 200, matches
    best = matches["results"][0]
    assert best["person"]["id"] == person_id
    assert best["grade"] in ("certain", "probable")

    patch = {"firstName": "Margot", "reason": "Prefers her short name"}
    status, _, refused = api.call("PATCH", f"/persons/{person_id}", patch)
    assert status == 428, refused
    status, headers, patched = api.call(
        "PATCH", f"/persons/{person_id}", patch, {"If-Match": '"1"'}
    )
    assert status == 200, patched
    assert patched["firstName"] == "Margot"
    assert headers["ETag"] == '"2"'
    status, _, stale = api.call("PATCH", f"/persons/{person_id}", patch, {"If-Match": '"1"'})
    assert status == 412, stale
    assert wait_for(lambda: person_id in api.search_ids(firstName="Margot", surname=surname), 60)

    status, _, _ = api.call("DELETE", f"/persons/{person_id}")
    assert status == 204
    status, _, _ = api.call("GET", f"/persons/{person_id}")
    assert status in (404, 410)
    assert wait_for(lambda: person_id not in api.search_ids(surname=surname), timeout=60)


def test_the_index_converges_after_the_indexer_container_is_killed_mid_burst(
    stack: Stack,
) -> None:
    api = Api(stack.api_url)
    surname = _surname()
    written: list[str] = []
    errors: list[Any] = []
    enough_written = threading.Event()

    def burst() -> None:
        for number in range(BURST):
            body = person_body(
                surname=surname, firstName=f"Person{number:03d}", nationalInsuranceNo=None
            )
            status, _, answer = api.call("POST", "/persons", body)
            if status != 201:
                errors.append((status, answer))
                continue
            written.append(answer["id"])
            if len(written) == KILL_AFTER:
                enough_written.set()
        enough_written.set()

    writer = threading.Thread(target=burst)
    writer.start()
    try:
        assert enough_written.wait(120)
        stack.kill_indexer()  # SIGKILL while the writes go on
    finally:
        writer.join(timeout=300)
    assert not errors
    assert len(written) == BURST
    # Deleted while the indexer is down: some written before the kill, some after.
    deleted = set(written[:: BURST // DELETED][:DELETED])
    for person_id in deleted:
        status, _, answer = api.call("DELETE", f"/persons/{person_id}")
        assert status == 204, answer
    indexer = stack.containers["indexer"].get_wrapped_container()
    indexer.reload()
    assert indexer.status != "running"

    stack.restart_indexer()

    drift = wait_until_converged(stack.settings(), timeout=120)
    assert drift.clean, drift
    live = set(written) - deleted
    found = api.search_ids(surname=surname, pageSize="100")
    assert found == live
