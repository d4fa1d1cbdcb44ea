"""Run with `.venv/bin/python -m benchmarks.scale --persons 100000`; figures go to BENCHMARKS.md.

Starts an OpenSearch node of its own (1 GB heap by default; its data is deleted at the end),
bulk-loads synthetic residents straight into an index with the project's mapping, starts the API
under gunicorn pointed at it, and sends it corrupted queries from 1 and 8 clients, replaying the
API's own OpenSearch bodies against the node in the same run. DynamoDB is only needed for the
API's health check: BENCH_DYNAMODB_ENDPOINT or TEST_DYNAMODB_ENDPOINT names a running server
(tables of the run's own are created and dropped), otherwise one is started here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click
from opensearchpy import OpenSearch

from benchmarks.quality.generator import queries
from benchmarks.quality.run import bench_settings
from benchmarks.scale import report, timing, workload
from benchmarks.scale.loading import distinct_names, load_or_reuse
from benchmarks.scale.population import Population
from benchmarks.scale.servers import api_process, bearer, opensearch_node, passthrough_process
from devstack.isolation import drop_isolated
from devstack.processes import dynamodb_server, free_port
from service import clients
from service.bootstrap import ensure_tables
from service.config import REPO_ROOT, ServerSettings, Settings

COMMAND = ".venv/bin/python -m benchmarks.scale"
RUN_DIR = REPO_ROOT / ".run" / "scale"
# Queries sent to each fresh API process (and raw requests to the pass-through) before timing.
WARM_QUERIES = 100


@contextmanager
def dynamodb_endpoint() -> Iterator[str]:
    """A running DynamoDB API server from the environment, or one started for this run."""
    url = os.environ.get("BENCH_DYNAMODB_ENDPOINT") or os.environ.get("TEST_DYNAMODB_ENDPOINT")
    # boto3 insists on credentials even for a local server; these are never real ones.
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local-benchmark")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local-benchmark")
    if url:
        yield url
        return
    port = free_port()
    server = dynamodb_server(port, RUN_DIR / "dynamodb.log").start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def available_gib() -> float:
    """MemAvailable of this machine, in GiB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


@contextmanager
def warmed_api(settings: Settings, warming: list[dict[str, Any]]) -> Iterator[timing.Target]:
    """A fresh API process, warmed with other queries than the timed ones: a process that had
    seen the timed queries would answer them from its caches (the model's comparisons of the
    same names), which a register's real traffic of new queries would not."""
    with api_process(settings, RUN_DIR) as api_url:
        api = timing.Target(api_url, {"Authorization": bearer(settings)})
        for person in warming:
            api.send(workload.search_request(person))
            api.send(workload.match_request(person))
        yield api


@dataclass(frozen=True)
class Targets:
    """Where a scale run sends its requests: the API, OpenSearch itself, and the pass-through
    (`benchmarks.scale.passthrough`), the floor of any service under gunicorn."""

    api: timing.Target
    raw: timing.Target
    passthrough: timing.Target


def measure_pair(
    targets: Targets,
    name: str,
    requests: list[timing.Request],
    raw_requests: list[timing.Request],
    clients_count: int,
) -> report.Measured:
    """The same queries through the API and raw, by the same number of clients. One client
    alternates between the API, the raw request and the raw request through the pass-through
    floor; several send all through the API, then all raw."""
    if clients_count == 1:
        through_api, direct, floor = timing.run_alternating(
            [
                (targets.api, requests),
                (targets.raw, raw_requests),
                (targets.passthrough, raw_requests),
            ],
            name,
        )
        summary = report.Measured(name, through_api, direct, floor)
    else:
        through_api = timing.run(targets.api, requests, clients_count, f"{name} API")
        direct = timing.run(targets.raw, raw_requests, clients_count, f"{name} raw")
        summary = report.Measured(name, through_api, direct)
    click.echo(report.latency_table([summary])[-1])
    return summary


def _measure(
    settings: Settings,
    population: Population,
    query_count: int,
    seed: int,
    clients_count: int,
    paged_count: int,
    started: float,
    command: str,
    load_record: Path | None,
) -> report.Figures:
    search = clients.opensearch_client(settings, "batch")
    # Bulk without the project clients' request compression: gzip costs the loader more CPU
    # than the loopback saves, and the loader shares the cores with the node.
    bulk_client = OpenSearch(hosts=[settings.opensearch_url], timeout=120)
    loaded, reused = load_or_reuse(bulk_client, settings, population, load_record)
    click.echo("reused the index loaded earlier: " if reused else "", nl=False)
    click.echo(
        f"loaded {loaded.documents:,} in {loaded.seconds:.0f} s ({loaded.rate:,.0f} docs/s), "
        f"{loaded.primary_store_bytes / 2**20:,.0f} MiB on disk; "
        f"memory available {available_gib():.1f} GiB"
    )
    surnames, first_names = distinct_names(search, loaded.index)
    asked = queries(population, query_count, seed + 1)
    truths = workload.truths(asked, population.id_of)
    people = [query.person for query in asked]
    raw = timing.Target(settings.opensearch_url)
    # Other queries of the same kind, to warm each fresh API process before it is timed.
    warming = [query.person for query in queries(population, WARM_QUERIES, seed + 2)]
    with passthrough_process(settings, RUN_DIR) as passthrough_url:
        with api_process(settings, RUN_DIR) as api_url:
            api = timing.Target(api_url, {"Authorization": bearer(settings)})
            # Untimed: the bodies the API runs (explain=true).
            explained_search = timing.run(
                api, [workload.search_request(p, True) for p in people], 1, "explain search"
            )
            explained_match = timing.run(
                api, [workload.match_request(p, True) for p in people], 1, "explain match"
            )
        alias = settings.opensearch_alias
        raw_search = [workload.raw_request(r, alias) for r in explained_search.replies]
        raw_match = [workload.raw_request(r, alias) for r in explained_match.replies]
        kinds = [
            ("staff search", [workload.search_request(p) for p in people], raw_search),
            ("duplicate check", [workload.match_request(p) for p in people], raw_match),
        ]
        passthrough = timing.Target(passthrough_url)
        for request in raw_search[:WARM_QUERIES] + raw_match[:WARM_QUERIES]:
            passthrough.send(request)
        measured = []
        for count in (1, clients_count):
            for kind, requests, raw_requests in kinds:
                with warmed_api(settings, warming) as api:
                    targets = Targets(api, raw, passthrough)
                    name = f"{kind}, {count} client(s)"
                    measured.append(measure_pair(targets, name, requests, raw_requests, count))
        single_search, single_match = measured[0].api, measured[1].api
        paged_requests = [
            workload.paged_search_request(people[n % len(people)]) for n in range(paged_count)
        ]
        with warmed_api(settings, warming) as api:
            paged = timing.run(
                api, paged_requests, clients_count, "paged searches", workload.send_paged
            )
            after = api.send(workload.search_request(people[0]))
        click.echo(f"paged: {paged.server_errors} 5xx; a search right after: {after.status}")
    server = ServerSettings.from_env()
    return report.Figures(
        persons=len(population),
        queries=len(asked),
        command=command,
        load=loaded,
        load_reused=reused,
        distinct_surnames=surnames,
        distinct_first_names=first_names,
        measured=measured,
        search_recall=workload.recall_at_1(single_search.replies, truths, workload.search_first),
        match_recall=workload.recall_at_1(single_match.replies, truths, workload.match_first),
        paged=paged,
        after_paged_status=after.status,
        api_workers=f"{server.workers} gthread workers x {server.threads} threads",
        seconds=time.monotonic() - started,
        load_average=os.getloadavg()[1],
    )


@click.command()
@click.option("--persons", default=100_000, show_default=True, help="Residents to load.")
@click.option("--queries", "query_count", default=400, show_default=True)
@click.option("--clients", "clients_count", default=8, show_default=True, help="The busy case.")
@click.option("--paged", "paged_count", default=600, show_default=True, help="Paged searches.")
@click.option("--seed", default=11, show_default=True)
@click.option("--heap", default="1g", show_default=True, help="OpenSearch heap (-Xms = -Xmx).")
@click.option("--output", type=click.Path(path_type=Path), default=REPO_ROOT / "BENCHMARKS.md")
@click.option(
    "--opensearch-url",
    envvar="BENCH_OPENSEARCH_URL",
    help="A running OpenSearch node to use instead of starting one.",
)
@click.option(
    "--keep-index",
    is_flag=True,
    help="Keep the loaded index (alias scale-N-SEED) and reuse it when a later run asks for the"
    " same persons and seed: the load is then not measured again.",
)
def main(
    persons: int,
    query_count: int,
    clients_count: int,
    paged_count: int,
    seed: int,
    heap: str,
    output: Path,
    opensearch_url: str | None,
    keep_index: bool,
) -> None:
    """Load N synthetic persons into a fresh index, measure the API and raw OpenSearch."""
    started = time.monotonic()
    click.echo(f"memory available: {available_gib():.1f} GiB")
    command = f"{COMMAND} --persons {persons}"
    population = Population(persons, seed)
    with ExitStack() as stack:
        dynamodb = stack.enter_context(dynamodb_endpoint())
        search_url = opensearch_url or stack.enter_context(opensearch_node(heap, RUN_DIR))
        settings = bench_settings(dynamodb, search_url)
        ensure_tables(clients.dynamodb_client(settings, "batch"), settings)
        stack.callback(drop_isolated, settings)  # this run's tables and (unkept) index
        load_record = None
        if keep_index:
            settings = replace(settings, opensearch_alias=f"scale-{persons}-{seed}")
            load_record = RUN_DIR / f"load-{settings.opensearch_alias}.json"
        figures = _measure(
            settings,
            population,
            query_count,
            seed,
            clients_count,
            paged_count,
            started,
            command,
            load_record,
        )
    report.write(output, persons, report.section(figures))
    click.echo(f"written to {output}")


if __name__ == "__main__":
    main()
