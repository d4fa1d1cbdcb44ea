"""The processes of a scale run: an OpenSearch node of its own and the API under gunicorn."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from devstack import opensearch as opensearch_dev
from devstack.isolation import table_fields
from devstack.processes import ManagedProcess, free_port, http_ok
from service.auth import mint_token
from service.config import Settings

GUNICORN = Path(sys.executable).with_name("gunicorn")
READ_GROUPS = ["person-index-read", "person-index-write"]
HEALTH = "/api/v1/healthcheck"


@contextmanager
def opensearch_node(heap: str, run_dir: Path) -> Iterator[str]:
    """A single-node OpenSearch with `heap` of heap on a free port; its data is deleted after."""
    node = opensearch_dev.OpenSearchServer(
        opensearch_dev.provision(),
        http_port=free_port(),
        transport_port=free_port(),
        instance_dir=run_dir / "opensearch",
        heap=(heap, heap),
        reset_data=True,
    )
    try:
        node.start(timeout=180)
        yield node.url
    finally:
        node.stop()
        shutil.rmtree(node.instance_dir, ignore_errors=True)


def api_environment(settings: Settings, port: int, home: Path) -> dict[str, str]:
    """The variables that point a gunicorn API process at these settings' index and tables."""
    tables = {name.upper(): getattr(settings, name) for name in table_fields(settings)}
    return {
        **os.environ,
        **tables,
        "DYNAMODB_ENDPOINT": settings.dynamodb_endpoint or "",
        "OPENSEARCH_URL": settings.opensearch_url,
        "OPENSEARCH_ALIAS": settings.opensearch_alias,
        "JWT_SECRET": settings.auth.secret or "",
        "CURSOR_SECRET": settings.cursor_secret,
        "WEB_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "HOME": str(home),
    }


@contextmanager
def gunicorn_process(
    name: str, application: str, settings: Settings, run_dir: Path, ready_path: str
) -> Iterator[str]:
    """`gunicorn -c python:service.gunicorn_conf APPLICATION` on a free port, with the project's
    worker settings (WEB_WORKERS / WEB_THREADS from the environment); its log in run_dir."""
    port = free_port()
    process = ManagedProcess(
        f"{name} on {port}",
        [str(GUNICORN), "--config", "python:service.gunicorn_conf", application],
        run_dir / f"{name.lower().replace(' ', '-')}.log",
        ready=http_ok(f"http://127.0.0.1:{port}{ready_path}"),
        env=api_environment(settings, port, run_dir),
        port=port,
    )
    process.start(timeout=90)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stop()


def api_process(settings: Settings, run_dir: Path) -> AbstractContextManager[str]:
    """The API (`service.app:create_app()`) under gunicorn, pointed at these settings."""
    return gunicorn_process("API", "service.app:create_app()", settings, run_dir, HEALTH)


def passthrough_process(settings: Settings, run_dir: Path) -> AbstractContextManager[str]:
    """The pass-through floor (`benchmarks.scale.passthrough`) under the API's gunicorn settings."""
    application = "benchmarks.scale.passthrough:create_app()"
    return gunicorn_process("pass-through", application, settings, run_dir, "/")


def bearer(settings: Settings) -> str:
    """An Authorization header for a staff member who may search and check duplicates."""
    token = mint_token(
        settings.auth.secret or "",
        "scale-benchmark",
        READ_GROUPS,
        expires_in_seconds=4 * 3600,
        now=int(time.time()),
    )
    return f"Bearer {token}"
