"""How devstack starts servers: with a parent-death signal only where it is safe."""

from __future__ import annotations

import shutil
import threading

import pytest

from devstack.processes import dying_with_parent

needs_setpriv = pytest.mark.skipif(shutil.which("setpriv") is None, reason="no setpriv here")


@needs_setpriv
def test_a_server_started_from_the_main_thread_dies_with_its_starter() -> None:
    command = dying_with_parent(["server", "--port", "1"], "--reuid=9")
    assert command == ["setpriv", "--pdeathsig", "TERM", "--reuid=9", "--", "server", "--port", "1"]


@needs_setpriv
def test_a_server_started_from_another_thread_outlives_that_thread() -> None:
    """The kernel ties the signal to the starting thread: a fault test's restarter thread would
    stop the server it restarted when it ends."""
    seen: dict[str, list[str]] = {}

    def start() -> None:
        seen["plain"] = dying_with_parent(["server"])
        seen["as another user"] = dying_with_parent(["server"], "--reuid=9")

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()
    assert seen["plain"] == ["server"]
    assert seen["as another user"] == ["setpriv", "--reuid=9", "--", "server"]
