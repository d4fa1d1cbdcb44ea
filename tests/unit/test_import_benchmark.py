"""The import benchmark's CPU reading (Linux /proc) of a process."""

from __future__ import annotations

import os
import time

from benchmarks.importing.calls import process_cpu_seconds


def test_a_process_cpu_seconds_grow_with_the_work_it_does() -> None:
    before = process_cpu_seconds(os.getpid())
    started = time.process_time()
    while time.process_time() - started < 0.2:
        sum(range(10_000))
    after = process_cpu_seconds(os.getpid())
    assert 0.1 <= after - before <= 5
    assert abs((after - before) - (time.process_time() - started)) < 0.1
