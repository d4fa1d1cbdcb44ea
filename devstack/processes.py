"""Start local helper processes (DynamoDB API server, indexer, gunicorn) and stop them cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

SETPRIV = "setpriv"


def dying_with_parent(command: Sequence[str], *setpriv_options: str) -> list[str]:
    """`command` started through util-linux's setpriv, which asks the kernel to send it SIGTERM
    when the thread that started it ends, however that ends: a test run or benchmark that
    crashes or is killed no longer leaves its servers running. setpriv sets the signal after
    any change of user it is given (`setpriv_options`) and exec keeps it, so it reaches the
    server itself: OpenSearch's launcher execs java, gunicorn stops its workers on SIGTERM.

    The kernel ties the signal to the starting thread, not its process, so only a command
    started from the main thread gets it: one started from another thread (a fault test's
    restarts) would be stopped when that thread ends. Without setpriv (not Linux), or from
    another thread, the command is started as it is (with only the given user switch) and the
    caller must stop it.
    """
    on_main_thread = threading.current_thread() is threading.main_thread()
    if not on_main_thread or shutil.which(SETPRIV) is None:
        return [SETPRIV, *setpriv_options, "--", *command] if setpriv_options else list(command)
    return [SETPRIV, "--pdeathsig", "TERM", *setpriv_options, "--", *command]


class StartError(RuntimeError):
    """A local process could not be started; the message says which and why."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port that is free right now on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_ok(url: str) -> Callable[[], bool]:
    """A readiness probe: the URL answers with any HTTP status below 500."""

    def probe() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status < 500
        except urllib.error.HTTPError as exc:
            return exc.code < 500
        except OSError:
            return False

    return probe


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class ManagedProcess:
    """One child process with its output in a log file, a readiness probe and a clean stop."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        log_path: Path,
        ready: Callable[[], bool],
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.log_path = log_path
        self.ready = ready
        self.env = env
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> ManagedProcess:
        """Start the process and wait until it is ready, or raise StartError with its log."""
        if self.port is not None and not port_is_free(self.port):
            raise StartError(
                f"{self.name}: port {self.port} on 127.0.0.1 is already in use; stop whatever "
                f"listens there or choose another port"
            )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            dying_with_parent(self.command),
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(self.env or {})},
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StartError(
                    f"{self.name} exited with code {self.process.returncode} while starting; "
                    f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                )
            if self.ready():
                return self
            time.sleep(0.2)
        self.stop()
        raise StartError(
            f"{self.name} was not ready after {timeout:.0f}s; see {self.log_path}:\n"
            f"{_tail(self.log_path)}"
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process group, then SIGKILL after `timeout`; safe to call twice."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL at once, as a crash would (used by fault tests)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def dynamodb_server(port: int, log_path: Path) -> ManagedProcess:
    """The DynamoDB API with Streams from moto, one request at a time (state in memory only)."""
    return ManagedProcess(
        "DynamoDB API server (moto)",
        [sys.executable, "-m", "devstack.dynamodb_server", "-H", "127.0.0.1", "-p", str(port)],
        log_path,
        ready=http_ok(f"http://127.0.0.1:{port}/moto-api/"),
        port=port,
    )
