"""Run with `.venv/bin/python -m benchmarks.indexing`; figures go to BENCHMARKS.md.

Uses the servers named by BENCH_/TEST_DYNAMODB_ENDPOINT and BENCH_/TEST_OPENSEARCH_URL when set,
otherwise starts its own (the quality benchmark's `servers()`). Each run uses fresh tables and
a fresh alias.
"""

from __future__ import annotations

import os
import platform
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from opensearchpy.helpers import bulk

from benchmarks.quality import report as sections
from benchmarks.quality.run import servers
from devstack.isolation import drop_isolated, isolated_settings
from indexer.rebuild import Rebuild
from indexer.runner import build_poller, drain
from service import clients
from service.bootstrap import ensure_index, ensure_tables, latest_mapping
from service.config import REPO_ROOT, Settings
from service.domain.search_document import search_document
from service.store.items import to_item

BENCHMARKS_MD = REPO_ROOT / "BENCHMARKS.md"
START, END = "<!-- indexing:start -->", "<!-- indexing:end -->"
FIRST = ["Aisha", "Tom", "Priya", "Kwame", "Zofia", "Liam", "Mei", "Omar", "Grace", "Ravi"]
LAST = ["Okonkwo", "Smith", "Patel", "Mensah", "Nowak", "Byrne", "Chen", "Haddad", "Jones"]


def person_item(n: int) -> dict[str, Any]:
    """A stored person item (as the store writes it) with a deterministic, made-up identity."""
    return {
        "id": str(uuid.uuid4()),
        "versionNumber": 1,
        "personRef": n,
        "firstName": FIRST[n % len(FIRST)],
        "surname": LAST[(n // len(FIRST)) % len(LAST)],
        "dateOfBirth": f"{1940 + n % 60}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "personTypes": ["Tenant"],
        "lastModified": "2026-01-01T00:00:00.000Z",
    }


def _timed(work: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _write(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": to_item(item)}} for item in items[start : start + 25]]
        dynamodb.batch_write_item(RequestItems={table: batch})


def raw_bulk_rate(settings: Settings, items: list[dict[str, Any]]) -> float:
    """Documents per second of plain bulk requests into a fresh index: the ceiling."""
    search = clients.opensearch_client(settings, "batch")
    index = f"{settings.opensearch_alias}-ceiling"
    body = latest_mapping(settings.mappings_dir).body()
    body["settings"]["index"].update({"number_of_replicas": 0, "refresh_interval": "-1"})
    search.indices.create(index=index, body=body)
    actions = (
        {"_index": index, "_id": item["id"], "_source": search_document(item)} for item in items
    )
    try:
        _, seconds = _timed(lambda: bulk(search, actions, chunk_size=500))
    finally:
        search.indices.delete(index=index)
    return len(items) / seconds


def latency(settings: Settings, writes: int, rate: float) -> list[float]:
    """Seconds from a DynamoDB write's acknowledgement until a search finds it."""
    dynamodb = clients.dynamodb_client(settings, "batch")
    search = clients.opensearch_client(settings, "batch")
    poller = build_poller(settings)
    stop = threading.Event()
    written: dict[str, float] = {}
    seen: dict[str, float] = {}
    lock = threading.Lock()

    done_writing = threading.Event()

    def watch() -> None:
        deadline = float("inf")
        while time.perf_counter() < deadline:
            if done_writing.is_set() and deadline == float("inf"):
                deadline = time.perf_counter() + 30
            with lock:
                pending = [i for i in written if i not in seen]
            if done_writing.is_set() and not pending:
                return
            if pending:
                hits = search.search(
                    index=settings.opensearch_alias,
                    body={"query": {"ids": {"values": pending}}, "size": len(pending)},
                )["hits"]["hits"]
                now = time.perf_counter()
                for hit in hits:
                    seen.setdefault(hit["_id"], now)
            time.sleep(0.02)

    indexer = threading.Thread(
        target=poller.run, args=(stop,), kwargs={"idle_sleep": settings.indexer_idle_sleep_seconds}
    )
    watcher = threading.Thread(target=watch)
    indexer.start()
    watcher.start()
    try:
        for n in range(writes):
            item = person_item(100_000 + n)
            dynamodb.put_item(TableName=settings.persons_table, Item=to_item(item))
            with lock:
                written[item["id"]] = time.perf_counter()
            time.sleep(1 / rate)
    finally:
        done_writing.set()
        watcher.join(timeout=60)  # the indexer keeps running until every write was seen
        stop.set()
        indexer.join(timeout=60)
    return [seen[i] - written[i] for i in written if i in seen]


def machine() -> str:
    """nproc, RAM and CPU model of this machine."""
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPUs ({cpu}), {ram:.1f} GiB RAM, Python {platform.python_version()}"


def _percentile(values: list[float], share: float) -> float:
    return (
        statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else values[0]
    )


def _section(rows: Iterator[str], notes: list[str]) -> str:
    return "\n".join([START, "## Indexing", "", *notes, "", *rows, END])


def write_markdown(section: str) -> None:
    """Replace this benchmark's section of BENCHMARKS.md (other sections are left alone)."""
    sections.write(BENCHMARKS_MD, section.rstrip("\n") + "\n", START, END)


@click.command()
@click.option("--documents", default=800, show_default=True, help="People for throughput runs.")
@click.option("--writes", default=100, show_default=True, help="Writes for the latency run.")
@click.option("--rate", default=10.0, show_default=True, help="Writes per second (latency run).")
def main(documents: int, writes: int, rate: float) -> None:
    """Measure indexing figures and write them to BENCHMARKS.md."""
    with ExitStack() as stack:
        dynamodb_url, search_url = stack.enter_context(servers())
        settings = isolated_settings(
            replace(Settings(), dynamodb_endpoint=dynamodb_url, opensearch_url=search_url),
            f"bench-{uuid.uuid4().hex[:8]}",
        )
        dynamodb = clients.dynamodb_client(settings, "batch")
        search = clients.opensearch_client(settings, "batch")
        ensure_tables(dynamodb, settings)
        ensure_index(search, settings)
        stack.callback(drop_isolated, settings)
        items = [person_item(n) for n in range(documents)]

        ceiling = raw_bulk_rate(settings, items)
        click.echo(f"raw bulk: {ceiling:.0f} docs/s")
        _write(dynamodb, settings.persons_table, items)
        applied, seconds = _timed(lambda: drain(build_poller(settings), max_polls=100_000))
        stream_rate = applied / seconds
        click.echo(f"stream indexing: {stream_rate:.0f} records/s ({applied} records)")
        job = Rebuild(
            settings=settings,
            dynamodb=dynamodb,
            streams=clients.streams_client(settings),
            opensearch=search,
            segments=settings.rebuild_segments,
            show_progress=False,
        )
        report, seconds = _timed(job.run)
        rebuild_rate = report.loaded / seconds
        click.echo(f"rebuild: {rebuild_rate:.0f} docs/s ({report.loaded} docs)")
        delays = latency(settings, writes, rate)
        p50, p95 = _percentile(delays, 0.50), _percentile(delays, 0.95)
        click.echo(f"write-to-searchable: p50 {p50:.2f}s p95 {p95:.2f}s ({len(delays)} writes)")

    today = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    notes = [
        f"Measured {today} on {machine()}, with `.venv/bin/python -m benchmarks.indexing` "
        f"(--documents {documents} --writes {writes} --rate {rate:g}); a moto DynamoDB API "
        f"server and a single-node OpenSearch 2.19 on the same 2 cores (started by the "
        f"benchmark unless BENCH_/TEST_ server variables name running ones). Raw bulk is plain "
        f"`helpers.bulk` of the same documents in chunks of 500 into a fresh index: the ceiling "
        f"for the indexing paths. Stream indexing includes every sink the poller runs (the "
        f"change history: one marker read and batched writes per batch) and the checkpoint "
        f"writes. The latency includes the poller's idle sleep and OpenSearch's 1 s refresh.",
    ]
    rows = [
        "| figure | value | raw OpenSearch bulk (same run) |",
        "| --- | --- | --- |",
        f"| write-to-searchable latency p50 / p95 ({rate:g} writes/s, idle sleep "
        f"{settings.indexer_idle_sleep_seconds:g} s) | {p50:.2f} s / {p95:.2f} s | - |",
        f"| stream indexing throughput (batch {settings.indexer_batch_size}) "
        f"| {stream_rate:.0f} records/s | {ceiling:.0f} docs/s |",
        f"| rebuild throughput ({settings.rebuild_segments} scan segments, includes swap) "
        f"| {rebuild_rate:.0f} docs/s | {ceiling:.0f} docs/s |",
    ]
    write_markdown(_section(iter(rows), notes))
    click.echo(f"written to {BENCHMARKS_MD}")


if __name__ == "__main__":
    main()
