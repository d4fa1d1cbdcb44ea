"""Servers started by devstack die with the process that started them, however it dies: a test
run or benchmark killed with SIGKILL (or crashing) leaves no OpenSearch node, DynamoDB API
server or gunicorn holding its port and memory (`devstack.processes.dying_with_parent`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from devstack.processes import free_port, port_is_free
from service.config import REPO_ROOT

# Run by a helper process: start one server, print its pid, then wait to be killed.
MANAGED = """
    import sys, time
    from pathlib import Path
    from devstack.processes import ManagedProcess, http_ok
    port = int(sys.argv[1])
    server = ManagedProcess(
        "file server", [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        Path(sys.argv[2]) / "server.log", ready=http_ok(f"http://127.0.0.1:{port}/"), port=port,
    ).start()
    print(server.process.pid, flush=True)
    time.sleep(600)
"""
OPENSEARCH = """
    import sys, time
    from pathlib import Path
    from devstack import opensearch
    node = opensearch.OpenSearchServer(
        opensearch.provision(), http_port=int(sys.argv[1]), transport_port=int(sys.argv[3]),
        heap=("256m", "256m"), reset_data=True,
    )  # under the repo, not pytest's tmp folder: the node's own user must reach it
    (Path(sys.argv[2]) / "instance").write_text(str(node.instance_dir))
    node.start(timeout=180)
    print(node.process.pid, flush=True)
    time.sleep(600)
"""


def _gone(pid: int) -> bool:
    """True when the process has exited (a zombie nobody has reaped yet counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in {"Z", "X"}


def _start_and_kill_the_starter(script: str, tmp_path: Path, *args: str) -> None:
    port = free_port()
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(port), str(tmp_path), *args],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    ) as starter:
        server_pid = None
        try:
            assert starter.stdout is not None
            server_pid = int(starter.stdout.readline())
            assert not _gone(server_pid) and not port_is_free(port), "the server did not start"
            starter.send_signal(signal.SIGKILL)  # no cleanup code of the starter runs
            starter.wait(timeout=10)
            deadline = time.monotonic() + 60
            while not (_gone(server_pid) and port_is_free(port)) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _gone(server_pid), "the server outlived the process that started it"
            assert port_is_free(port), f"port {port} is still held"
        finally:
            starter.kill()
            if server_pid is not None and not _gone(server_pid):
                os.killpg(server_pid, signal.SIGKILL)


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_a_managed_process_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    _start_and_kill_the_starter(MANAGED, tmp_path)


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_an_opensearch_node_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    try:
        _start_and_kill_the_starter(OPENSEARCH, tmp_path, str(free_port()))
    finally:
        instance = tmp_path / "instance"
        if instance.exists():
            shutil.rmtree(instance.read_text(), ignore_errors=True)
