"""Request phases: collected only inside a collection, added up per name, and written and read
as Server-Timing header values."""

from __future__ import annotations

import time

from service import timings


def test_phases_add_up_inside_a_collection_only() -> None:
    with timings.phase("outside"):
        pass
    token = timings.start()
    for _ in range(2):
        with timings.phase("rank"):
            time.sleep(0.01)

    @timings.phase("opensearch")
    def search() -> str:
        return "hits"

    assert search() == "hits"
    found = timings.finish(token)
    assert set(found) == {"rank", "opensearch"}
    assert found["rank"] >= 0.02
    with timings.phase("after"):
        pass
    assert timings.finish(timings.start()) == {}


def test_a_phase_counts_even_when_its_block_raises() -> None:
    token = timings.start()
    try:
        with timings.phase("opensearch"):
            raise RuntimeError("down")
    except RuntimeError:
        pass
    assert "opensearch" in timings.finish(token)


def test_header_round_trip() -> None:
    value = timings.server_timing({"rank": 0.0041, "opensearch": 0.0152}, 0.022)
    assert value == "opensearch;dur=15.20, rank;dur=4.10, app;dur=22.00"
    assert timings.parse_server_timing(value) == {"opensearch": 15.2, "rank": 4.1, "app": 22.0}
    assert timings.parse_server_timing('cache;desc="hit", db;dur=x, edge;dur=3') == {"edge": 3.0}
