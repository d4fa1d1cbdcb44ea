"""The API under gunicorn with the project's settings: threaded workers, no control socket, so
two API processes share a host without breaking each other, and each worker tunes its garbage
collector once the app is loaded."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

from devstack.processes import ManagedProcess, free_port, http_ok
from service.config import Settings
from tests.integration.auth import TEST_SECRET, bearer
from tests.integration.indexer_helpers import settings_env

GUNICORN = Path(sys.executable).with_name("gunicorn")


def _api(settings: Settings, home: Path, port: int) -> ManagedProcess:
    env = {
        **os.environ,
        **settings_env(settings),
        "JWT_SECRET": TEST_SECRET,
        "HOME": str(home),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
        "WEB_BIND": f"127.0.0.1:{port}",
    }
    return ManagedProcess(
        f"API on {port}",
        [str(GUNICORN), "--config", "python:service.gunicorn_conf", "service.app:create_app()"],
        home / f"api-{port}.log",
        ready=http_ok(f"http://127.0.0.1:{port}/api/v1/healthcheck"),
        env=env,
        port=port,
    )


def test_two_api_processes_on_one_host_both_serve_and_leave_no_control_socket(
    settings: Settings, tmp_path: Path
) -> None:
    ports = [free_port(), free_port()]
    servers = [_api(settings, tmp_path, port) for port in ports]
    try:
        for server in servers:
            server.start(timeout=60)
        for port in ports:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/persons?surname=Nobody",
                headers={"Authorization": bearer()},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
                assert json.load(response)["total"] == 0
        assert not (tmp_path / ".gunicorn").exists(), "a control socket was bound"
        log = (tmp_path / f"api-{ports[0]}.log").read_text()
        assert "gthread" in log
        assert "Garbage collection:" in log, "gunicorn did not run post_worker_init"
    finally:
        for server in servers:
            server.stop()
