"""Run with `.venv/bin/python -m benchmarks.indexing`; figures go to BENCHMARKS.md.

Uses the servers named by BENCH_/TEST_DYNAMODB_ENDPOINT and BENCH_/TEST_OPENSEARCH_URL when set,
otherwise starts its own (the quality benchmark's `servers()`). Each run uses fresh tables and
a fresh alias. Point BENCH_OPENSEARCH_URL at a running node but leave the DynamoDB variables
unset to give the run a DynamoDB API server of its own (a shared one serves other clients'
requests in between, one at a time).

What limits each path (py-spy over a 20,000-person run, both processes sampled):

* Locally, the DynamoDB API server (moto) limits both. It answers one request at a time and
  spent about 78 % of its CPU in moto's generic response serializer (`moto.core.serialize`),
  which writes a GetRecords answer attribute by attribute: a page of 1,000 records takes
  seconds. Its Scan also walks the table from the first item for every 1 MB page (segment
  check and start-key comparison per item), so its cost per item grows with the table, and
  parallel segments only queue at the server. Production DynamoDB is not moto: it serves
  parallel Scan segments from separate partitions and streams from one shard per partition.
* Our code, per record: the typed image turned into a plain dict (boto3's TypeDeserializer,
  about 80 microseconds) and the search document built (about 35); botocore parsing the
  GetRecords answer. The poller used to read, apply, write the history and checkpoint strictly
  in turn, so the server idled while OpenSearch indexed and the other way round; it now reads a
  shard's next page while the current one is applied and sends a page's bulk parts from
  INDEXER_BULK_THREADS senders. The rebuild's segments each scan and bulk-load on their own
  thread, so scans and bulk requests already overlap.
* OpenSearch: the live index refreshes every second, which raw bulk (refresh off) does not
  pay; batch clients gzip bulk bodies (OPENSEARCH_COMPRESS), about 90 ms of CPU per 1,000
  documents here, which raw bulk pays too.
"""

from __future__ import annotations

import os
import platform
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from benchmarks.indexing.ceilings import (
    BULK_CHUNK,
    history_calls,
    raw_bulk_rate,
    read_stream,
    scan_rate,
    scratch_history_table,
    timed,
)
from benchmarks.indexing.steps import (
    apply_from_memory,
    fresh_index,
    load_from_memory,
    poller_without_read_ahead,
)
from benchmarks.quality import report as sections
from benchmarks.quality.run import servers
from benchmarks.scale.loading import stored_item
from benchmarks.scale.population import Population
from devstack.isolation import drop_isolated, isolated_settings
from indexer.rebuild import Rebuild
from indexer.runner import build_poller
from indexer.stream import StreamPoller
from service import clients
from service.bootstrap import ensure_index, ensure_tables, persons_stream_arn
from service.config import REPO_ROOT, Settings
from service.store.batches import batch_write
from service.store.items import to_item

BENCHMARKS_MD = REPO_ROOT / "BENCHMARKS.md"
START, END = "<!-- indexing:start -->", "<!-- indexing:end -->"


def stored_items(count: int) -> list[dict[str, Any]]:
    """`count` generated residents (realistic name frequencies) as the store writes them."""
    population = Population(count)
    return [
        stored_item(body, population.id_of(body["key"]), number + 1)
        for number, body in enumerate(tqdm(population, desc="residents", unit="person"))
    ]


def store(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Write the items with BatchWriteItem (25 a call), as an import would."""
    with tqdm(total=len(items), desc="DynamoDB BatchWriteItem", unit="item") as bar:
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            batch_write(dynamodb, table, [{"PutRequest": {"Item": to_item(i)}} for i in chunk])
            bar.update(len(chunk))


def drain_with_progress(poller: StreamPoller, total: int, desc: str) -> int:
    """Poll until a pass finds nothing new, as `indexer.runner.drain`, with a progress bar."""
    applied = 0
    with tqdm(total=total, desc=desc, unit="record") as bar:
        while processed := poller.poll_once():
            applied += processed
            bar.update(processed)
    return applied


def latency(settings: Settings, items: list[dict[str, Any]], rate: float) -> list[float]:
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
        for item in items:
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


def _section(rows: Iterator[str], notes: list[str], after: list[str]) -> str:
    return "\n".join([START, "## Indexing", "", *notes, "", *rows, "", *after, END])


def write_markdown(section: str) -> None:
    """Replace this benchmark's section of BENCHMARKS.md (other sections are left alone)."""
    sections.write(BENCHMARKS_MD, section.rstrip("\n") + "\n", START, END)


@dataclass
class Figure:
    """One measured path: its rate, the ceilings it is compared with and the machine's load."""

    name: str
    rate: float
    server_ceiling: float | None = None
    load: float = field(default_factory=lambda: os.getloadavg()[0])


def _minutes(rate: float, people: int = 1_000_000) -> str:
    return f"{people / rate / 60:.0f} min"


def _row(figure: Figure, bulk_ceiling: float) -> str:
    server = (
        f"{figure.server_ceiling:.0f}/s | {100 * figure.rate / figure.server_ceiling:.0f}%"
        if figure.server_ceiling
        else "- | -"
    )
    return (
        f"| {figure.name} | **{figure.rate:.0f}/s** | {100 * figure.rate / bulk_ceiling:.0f}% "
        f"| {server} | {figure.load:.1f} |"
    )


@click.command()
@click.option("--documents", default=20_000, show_default=True, help="People for throughput runs.")
@click.option("--writes", default=100, show_default=True, help="Writes for the latency run.")
@click.option("--rate", default=10.0, show_default=True, help="Writes per second (latency run).")
def main(documents: int, writes: int, rate: float) -> None:
    """Measure indexing figures and their ceilings in one run; write them to BENCHMARKS.md."""
    started_load = os.getloadavg()[0]
    with ExitStack() as stack:
        dynamodb_url, search_url = stack.enter_context(servers())
        settings = isolated_settings(
            replace(Settings(), dynamodb_endpoint=dynamodb_url, opensearch_url=search_url),
            f"bench-{uuid.uuid4().hex[:8]}",
        )
        dynamodb = clients.dynamodb_client(settings, "batch")
        streams = clients.streams_client(settings)
        search = clients.opensearch_client(settings, "batch")
        ensure_tables(dynamodb, settings)
        ensure_index(search, settings)
        stack.callback(drop_isolated, settings)
        items = stored_items(documents + writes)
        items, later = items[:documents], items[documents:]
        figures: list[Figure] = []

        raw_bulk_rate(search, settings, items[:1000], 1)  # warm-up: the first index pays more
        senders = sorted({1, 2, settings.rebuild_segments})  # the rebuild bulk-loads from each
        bulk = {threads: raw_bulk_rate(search, settings, items, threads) for threads in senders}
        ceiling = max(bulk.values())
        _, write_seconds = timed(lambda: store(dynamodb, settings.persons_table, items))
        arn = persons_stream_arn(dynamodb, settings)
        records, read_seconds = timed(lambda: read_stream(streams, arn, documents))
        scratch = scratch_history_table(dynamodb, settings)
        try:
            history_seconds = history_calls(dynamodb, scratch, records)
        finally:
            dynamodb.delete_table(TableName=scratch)
        read_ceiling = documents / read_seconds
        stream_ceiling = documents / (read_seconds + history_seconds)
        figures += [
            *(Figure(f"raw bulk, {threads} thread(s)", rate) for threads, rate in bulk.items()),
            Figure("server ceiling: GetRecords alone", read_ceiling),
            Figure("server ceiling: GetRecords + the history's calls", stream_ceiling),
        ]

        applied_rate = apply_from_memory(search, settings, records)
        del records
        figures.append(Figure("stream apply step alone (records in memory, no sink)", applied_rate))
        as_before = fresh_index(search, settings, "as-before", loading=False)
        unhurried = poller_without_read_ahead(settings, search, dynamodb, as_before)
        applied, seconds = timed(
            lambda: drain_with_progress(unhurried, documents, "stream, no read-ahead")
        )
        figures.append(
            Figure(
                "stream indexing without read-ahead, 1 bulk sender (as before)",
                applied / seconds,
                stream_ceiling,
            )
        )
        poller = build_poller(settings)
        applied, seconds = timed(lambda: drain_with_progress(poller, documents, "stream indexing"))
        poller.close()
        figures.append(
            Figure(
                f"**stream indexing, as deployed** (read-ahead, {settings.indexer_bulk_threads} "
                f"bulk senders, history sink, checkpoints; batch {settings.indexer_batch_size})",
                applied / seconds,
                stream_ceiling,
            )
        )
        segments, table = settings.rebuild_segments, settings.persons_table
        scans = {n: scan_rate(dynamodb, table, n, documents) for n in sorted({1, segments})}
        figures += [Figure(f"server ceiling: Scan, {n} segment(s)", r) for n, r in scans.items()]
        scan_ceiling = max(scans.values())
        job = Rebuild(
            settings=settings,
            dynamodb=dynamodb,
            streams=streams,
            opensearch=search,
            segments=segments,
        )
        figures.append(
            Figure(
                f"rebuild load step alone (items in memory, {segments} bulk streams)",
                load_from_memory(job, items, segments),
            )
        )
        report, seconds = timed(job.run)
        figures.append(
            Figure(
                f"**rebuild, end to end** ({segments} scan segments; includes refresh, the merge "
                f"into one segment and the alias swap)",
                report.loaded / seconds,
                scan_ceiling,
            )
        )
        for figure in figures:
            click.echo(_row(figure, ceiling))
        delays = latency(settings, later, rate)
        p50, p95 = _percentile(delays, 0.50), _percentile(delays, 0.95)
        click.echo(f"write-to-searchable: p50 {p50:.2f}s p95 {p95:.2f}s ({len(delays)} writes)")
    ended_load = os.getloadavg()[0]

    today = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rebuild_rate = figures[-1].rate
    load_rate = next(f.rate for f in figures if f.name.startswith("rebuild load step"))
    stream_rate = next(f.rate for f in figures if f.name.startswith("**stream indexing"))
    notes = [
        f"Measured {today} on {machine()}, with `.venv/bin/python -m benchmarks.indexing` "
        f"(--documents {documents} --writes {writes} --rate {rate:g}); a moto DynamoDB API "
        f"server (one request at a time) and a single-node OpenSearch 2.19 on the same 2 cores "
        f"(each started by the benchmark unless a BENCH_/TEST_ variable names a running one). "
        f"The machine was shared with other work: load average {started_load:.1f} at the start "
        f"and {ended_load:.1f} at the end (1-minute figure beside each row), so compare figures "
        f"within the run. Documents are {documents} generated residents "
        f"(`benchmarks.scale.population`, realistic name frequencies) as the store writes them; "
        f"storing them with BatchWriteItem took {write_seconds:.1f} s "
        f"({documents / write_seconds:.0f} items/s).",
        "",
        f"Raw bulk: plain bulk requests of the same documents (the project's document builder, "
        f"chunks of {BULK_CHUNK}) into a fresh index with the same mapping, from "
        f"{', '.join(map(str, senders))} threads (the rebuild loads from one bulk stream per "
        f"segment); the best is the ceiling (100%). Server ceilings: what the DynamoDB API "
        f"server alone does for the calls each path makes, with nothing done to the answers: "
        f"GetShardIterator/GetRecords over the same records; the same plus the change history's "
        f"marker reads and entry writes for them (the deployed stream path's calls; the server "
        f"answers one request at a time, so their times add up); Scan from 1 and from "
        f"{segments} segments (the better is the rebuild's ceiling). The apply and load steps "
        f"are the indexer's own code fed from memory (records read, items scanned), so their "
        f"share of raw bulk is what our code costs; the end-to-end rows include the server.",
    ]
    rows = [
        "| path | rate | % of raw bulk | server ceiling for its calls | % of server ceiling "
        "| load average |",
        "| --- | --- | --- | --- | --- | --- |",
        *(_row(figure, ceiling) for figure in figures),
        f"| write-to-searchable latency p50 / p95 ({rate:g} writes/s, idle sleep "
        f"{settings.indexer_idle_sleep_seconds:g} s) | {p50:.2f} s / {p95:.2f} s | - | - | - "
        f"| {ended_load:.1f} |",
    ]
    extrapolation = [
        f"A million persons, extrapolated linearly from this run: rebuild "
        f"{_minutes(rebuild_rate)}, of which the server's Scan alone needs "
        f"{_minutes(scan_ceiling)}; the rebuild's load step alone {_minutes(load_rate)}; raw "
        f"bulk {_minutes(ceiling)}; stream indexing {_minutes(stream_rate)} against "
        f"{_minutes(stream_ceiling)} for the server's calls alone. Linear is optimistic for "
        f"moto's Scan: each page walks the table from its first item (moto's `Table.scan`), so "
        f"its cost per item grows with the table. The 10-minute rebuild target needs "
        f"1,667 docs/s end to end; DynamoDB itself serves parallel Scan segments from separate "
        f"partitions, so there the load step (and OpenSearch) is the limit, not the scan.",
    ]
    write_markdown(_section(iter(rows), notes, extrapolation))
    click.echo(f"written to {BENCHMARKS_MD}")


if __name__ == "__main__":
    main()
