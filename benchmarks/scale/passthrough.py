"""The thinnest service gunicorn can run in front of OpenSearch: a floor for the API's own time.

It forwards each request (its path, body and content type) to OpenSearch with the API's own
client, which decodes the answer as the API must, and answers the ids of the hits as JSON. No
Flask, no authentication, no validation, no query building, no ranking. The scale benchmark
runs it under the API's gunicorn settings and sends it the same raw requests it sends
OpenSearch: what it adds to the raw query is what any Python service under gunicorn pays before
doing any work of its own.

Run as `gunicorn -c python:service.gunicorn_conf 'benchmarks.scale.passthrough:create_app()'`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from service import clients
from service.config import Settings

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def found_ids(answer: dict[str, Any]) -> list[str]:
    """The ids of the hits of a search or multi-search answer, in order, each once."""
    ids: dict[str, None] = {}
    for response in answer.get("responses", [answer]):
        for hit in response.get("hits", {}).get("hits", []):
            ids.setdefault(hit["_id"])
    return list(ids)


def create_app() -> WsgiApp:
    """The pass-through application, with the API's request-path OpenSearch client."""
    client = clients.opensearch_client(Settings.from_env())

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "GET":  # the readiness check
            body = b"{}"
        else:
            sent = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            answer = client.transport.perform_request(
                "POST",
                environ["PATH_INFO"],
                body=sent,
                headers={"content-type": environ.get("CONTENT_TYPE", "application/json")},
            )
            body = json.dumps({"ids": found_ids(answer)}).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app
