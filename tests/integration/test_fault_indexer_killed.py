"""Fault test: the indexer is killed with SIGKILL at random moments during a burst of writes."""

from __future__ import annotations

import random
import threading

from flask.testing import FlaskClient

from service.config import REPO_ROOT, Settings
from tests.integration.indexer_helpers import (
    indexer_process,
    random_write,
    wait_until_converged,
)

WRITES = 300


def test_index_converges_exactly_after_the_indexer_is_killed_during_writes(
    client: FlaskClient, settings: Settings
) -> None:
    indexer = indexer_process(settings, REPO_ROOT / ".run" / "test-logs" / "fault-kill.log")
    rng = random.Random(51)
    stop = threading.Event()
    kills: list[int] = []

    def kill_at_random() -> None:
        chaos = random.Random(52)
        while not stop.wait(chaos.uniform(0.3, 1.5)):
            indexer.kill()  # SIGKILL: no clean shutdown, possibly mid-batch
            kills.append(1)
            if stop.wait(chaos.uniform(0.0, 0.5)):
                break
            indexer.start()

    indexer.start()
    killer = threading.Thread(target=kill_at_random)
    killer.start()
    live: list[str] = []
    try:
        for _ in range(WRITES):
            random_write(client, rng, live)
    finally:
        stop.set()
        killer.join(timeout=30)
    try:
        if not indexer.alive():
            indexer.start()
        found = wait_until_converged(settings, timeout=90)
    finally:
        indexer.stop()
    assert len(kills) >= 2
    assert found.clean, found.summary()
    assert found.in_dynamodb >= len(live)
