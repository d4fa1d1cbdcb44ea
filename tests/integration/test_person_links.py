"""Links to other services, hidden while a service is down; health is checked in the background."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from devstack.processes import free_port
from service.backends import EXTENSION
from service.links import Links
from tests.integration.openapi import CheckedClient
from tests.integration.people import person_body

URL = "/api/v1/persons"


class _Health(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


class HealthServer:
    """A real HTTP service on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self._handler = type("Handler", (_Health,), {"hits": 0})
        self.port = free_port()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def hits(self) -> int:
        return self._handler.hits

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None


@pytest.fixture
def health_server() -> Iterator[HealthServer]:
    server = HealthServer()
    server.start()
    yield server
    if server._thread is not None:
        server.stop()


def _use_links(app: Flask, tmp_path: Path, health_port: int, interval: float) -> Links:
    config = {
        "links": [
            {
                "service": "Tenures",
                "system": "tenures",
                "urlTemplate": "https://tenures.example.council/tenures/{reference}",
                "role": "read",
                "healthUrl": f"http://127.0.0.1:{health_port}/health",
            },
            {
                "service": "Benefits",
                "system": "benefits",
                "urlTemplate": "https://benefits.example.council/claims/{reference}",
                "role": "read",
                "rel": "benefitClaims",
            },
        ]
    }
    path = tmp_path / "links.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    links = Links.from_file(path, interval)
    app.extensions[EXTENSION].links = links
    return links


def _eventually(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def _services(api: CheckedClient, person_id: str) -> list[str]:
    return [link["service"] for link in api.get(f"{URL}/{person_id}").get_json()["links"]]


REFS = [
    {"system": "tenures", "reference": "T/1"},
    {"system": "benefits", "reference": "B1"},
    {"system": "unlinked", "reference": "U1"},
]


def test_links_follow_cross_references_and_hide_a_service_while_it_is_down(
    app: Flask, client: FlaskClient, tmp_path: Path, health_server: HealthServer
) -> None:
    links = _use_links(app, tmp_path, health_server.port, interval=0.1)
    api = CheckedClient(client)
    person = api.post(URL, json=person_body(crossReferences=REFS)).get_json()
    assert person["links"] == [
        {
            "service": "Tenures",
            "system": "tenures",
            "reference": "T/1",
            "href": "https://tenures.example.council/tenures/T%2F1",
            "rel": "tenures",
            "type": "GET",
        },
        {
            "service": "Benefits",
            "system": "benefits",
            "reference": "B1",
            "href": "https://benefits.example.council/claims/B1",
            "rel": "benefitClaims",
            "type": "GET",
        },
    ]
    health_url = f"http://127.0.0.1:{health_server.port}/health"
    _eventually(lambda: health_server.hits > 0)

    health_server.stop()
    _eventually(lambda: links.health.is_down(health_url))
    assert _services(api, person["id"]) == ["Benefits"]

    health_server.start()
    _eventually(lambda: not links.health.is_down(health_url))
    assert _services(api, person["id"]) == ["Tenures", "Benefits"]
    links.health.stop()


def test_requests_never_call_the_linked_services(
    app: Flask, client: FlaskClient, tmp_path: Path, health_server: HealthServer
) -> None:
    links = _use_links(app, tmp_path, health_server.port, interval=3600)
    person = client.post(URL, json=person_body(crossReferences=REFS)).get_json()
    _eventually(lambda: health_server.hits == 1)
    for _ in range(5):
        assert client.get(f"{URL}/{person['id']}").status_code == 200
    assert health_server.hits == 1
    links.health.stop()
