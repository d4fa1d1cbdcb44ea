"""Run API calls at the same moment, each from its own thread and test client."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from flask.testing import FlaskClient


def together(app: Flask, calls: list[Callable[[FlaskClient], Any]]) -> list[Any]:
    """Run each call in its own thread with its own test client, released at the same moment."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[FlaskClient], Any]) -> Any:
        client = app.test_client()
        barrier.wait(timeout=30)
        return call(client)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
