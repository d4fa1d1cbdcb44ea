"""Zero-downtime rebuild: searches keep answering and the count never drops while writes go on."""

from __future__ import annotations

import itertools
import random
import threading
from dataclasses import replace

import pytest
from flask import Flask
from opensearchpy import OpenSearch

from indexer.rebuild import Rebuild, RebuildFailed, merge_to_one_segment
from indexer.runner import build_poller, drain
from service import clients
from service.config import Settings
from tests.integration.indexer_helpers import create, random_write, wait_until_converged

LIVE = {"query": {"term": {"isDeleted": False}}}


def _rebuild(settings: Settings, opensearch: OpenSearch | None = None) -> Rebuild:
    return Rebuild(
        settings=settings,
        dynamodb=clients.dynamodb_client(settings, "batch"),
        streams=clients.streams_client(settings),
        opensearch=opensearch or clients.opensearch_client(settings, "batch"),
        segments=3,
        show_progress=False,
    )


def test_rebuild_swaps_in_a_complete_index_while_searches_keep_answering(
    app: Flask, settings: Settings
) -> None:
    client = app.test_client()
    rng = random.Random(31)
    live = [create(client, rng)["id"] for _ in range(120)]
    poller = build_poller(settings)
    drain(poller)
    search = clients.opensearch_client(settings, "batch")
    alias = settings.opensearch_alias
    search.indices.refresh(index=alias)
    old_index = next(iter(search.indices.get_alias(name=alias)))

    stop = threading.Event()
    errors: list[str] = []
    counts: list[int] = []

    def keep_searching() -> None:
        searcher = app.test_client()
        while not stop.is_set():
            response = searcher.get("/api/v1/persons", query_string={"surname": "Smith"})
            if response.status_code != 200:
                errors.append(f"{response.status_code}: {response.get_data(as_text=True)}")
            counts.append(search.count(index=alias, body=LIVE)["count"])

    def keep_indexing() -> None:
        poller.run(stop, idle_sleep=0.1)

    threads = [threading.Thread(target=keep_searching), threading.Thread(target=keep_indexing)]
    for thread in threads:
        thread.start()
    try:
        # Only creates during the rebuild, so the live count may only grow.
        for _ in range(20):
            live.append(create(client, rng)["id"])
        report = _rebuild(settings).run()
        for _ in range(10):
            live.append(create(client, rng)["id"])
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert len(counts) > 5 and counts[0] >= 120
    assert all(later >= earlier for earlier, later in itertools.pairwise(counts))
    assert report.loaded >= 120 and report.previous == [old_index]
    assert list(search.indices.get_alias(name=alias)) == [report.index]
    assert not search.indices.exists(index=old_index)
    settings_now = search.indices.get_settings(index=report.index)[report.index]["settings"]
    assert settings_now["index"]["number_of_replicas"] == "0"  # as the mapping says
    assert settings_now["index"].get("refresh_interval") != "-1"
    drain(build_poller(settings))
    found = wait_until_converged(settings, timeout=30)
    assert found.clean, found.summary()
    assert found.in_dynamodb == len(live)


def test_rebuild_catches_up_with_every_kind_of_change_made_during_the_load(
    app: Flask, settings: Settings
) -> None:
    client = app.test_client()
    rng = random.Random(32)
    live = [create(client, rng)["id"] for _ in range(40)]
    drain(build_poller(settings))
    stop = threading.Event()

    def keep_writing() -> None:
        writer = app.test_client()
        while not stop.is_set():
            random_write(writer, rng, live)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        _rebuild(settings).run()
    finally:
        stop.set()
        writer.join(timeout=30)
    # The live indexer never ran during the rebuild: only the rebuild's catch-up moved changes.
    # Writes after its last catch-up pass are the live indexer's job.
    drain(build_poller(settings))
    found = wait_until_converged(settings, timeout=30)
    assert found.clean, found.summary()


def test_a_failed_load_deletes_the_new_index_and_leaves_the_alias_alone(
    app: Flask, settings: Settings
) -> None:
    client = app.test_client()
    create(client, random.Random(33))
    search = clients.opensearch_client(settings, "batch")
    alias = settings.opensearch_alias
    before = list(search.indices.get_alias(name=alias))

    class FailingBulk(OpenSearch):
        def bulk(self, *args, **kwargs):  # type: ignore[override]
            raise RebuildFailed("simulated: the cluster refused the load")

    failing = FailingBulk(hosts=[settings.opensearch_url])
    with pytest.raises(RebuildFailed):
        _rebuild(replace(settings), opensearch=failing).run()
    assert list(search.indices.get_alias(name=alias)) == before
    assert search.indices.get(index=f"{alias}-*").keys() == set(before)


def _segment_count(search: OpenSearch, index: str) -> int:
    shards = search.indices.segments(index=index)["indices"][index]["shards"]
    return sum(len(copy["segments"]) for copies in shards.values() for copy in copies)


def test_a_loaded_index_is_merged_into_one_segment(search_client: OpenSearch) -> None:
    """Each refresh of a batch of writes leaves a segment; the merge leaves one per shard."""
    index = f"merge-test-{random.randrange(10**9)}"
    search_client.indices.create(index=index, body={"settings": {"number_of_shards": 1}})
    try:
        for batch in range(4):
            for number in range(5):
                search_client.index(index=index, body={"n": batch * 5 + number})
            search_client.indices.refresh(index=index)
        assert _segment_count(search_client, index) > 1
        merge_to_one_segment(search_client, index)
        search_client.indices.refresh(index=index)
        assert _segment_count(search_client, index) == 1
        assert search_client.count(index=index)["count"] == 20
    finally:
        search_client.indices.delete(index=index)
