"""The scale figures as a BENCHMARKS.md section of their own, one per population size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.quality import report as sections
from benchmarks.quality.report import machine
from benchmarks.scale.loading import LoadFigures
from benchmarks.scale.timing import Run
from benchmarks.scale.workload import PAGED_PAGE_SIZE

TEN_MILLION = 10_000_000


@dataclass(frozen=True)
class Measured:
    """One kind of request at one client count: through the API and replayed raw (and, with
    one client, replayed through the pass-through floor)."""

    name: str
    api: Run
    raw: Run
    floor: Run | None = None


@dataclass(frozen=True)
class Figures:
    persons: int
    queries: int
    command: str
    load: LoadFigures
    load_reused: bool
    distinct_surnames: int
    distinct_first_names: int
    measured: list[Measured]
    search_recall: tuple[float, int]
    match_recall: tuple[float, int]
    paged: Run
    after_paged_status: int
    api_workers: str
    seconds: float
    load_average: float  # of the machine, over the last 5 minutes at the end of the run


def markers(persons: int) -> tuple[str, str]:
    return f"<!-- scale-{persons}:start -->", f"<!-- scale-{persons}:end -->"


def _ms(run: Run) -> str:
    return " / ".join(f"{run.milliseconds(share):.0f}" for share in (0.5, 0.95, 0.99))


def _gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"


def latency_table(measured: list[Measured]) -> list[str]:
    lines = [
        "| requests | API p50 / p95 / p99 ms | API req/s | raw OpenSearch p50 / p95 / p99 ms"
        " | raw req/s | API/raw at p50 | 5xx |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in measured:
        ratio = row.api.milliseconds(0.5) / row.raw.milliseconds(0.5)
        lines.append(
            f"| {row.name} | {_ms(row.api)} | {row.api.per_second:.1f} | {_ms(row.raw)}"
            f" | {row.raw.per_second:.1f} | {ratio:.2f}x | {row.api.server_errors} |"
        )
    return lines


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def floor_table(measured: list[Measured]) -> list[str]:
    """What the API adds to a raw query against what the thinnest service under gunicorn adds
    (`benchmarks.scale.passthrough`), at p50 with one client."""
    lines = [
        "| requests, 1 client, p50 ms | raw OpenSearch | pass-through (the floor) | API"
        " | floor/raw | API/raw | API above the floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in (r for r in measured if r.floor is not None):
        raw, floor, api = (run.milliseconds(0.5) for run in (row.raw, row.floor, row.api))
        lines.append(
            f"| {row.name} | {raw:.1f} | {floor:.1f} | {api:.1f} | {floor / raw:.2f}x"
            f" | {api / raw:.2f}x | {api - floor:.1f} ms |"
        )
    return lines


def overhead_table(measured: list[Measured]) -> list[str]:
    """Where the API's time goes with one client, from the answers' Server-Timing headers:
    means, so that the parts add up to the whole."""
    lines = [
        "| requests, 1 client (mean ms) | through the API | raw OpenSearch | in the app"
        " | its OpenSearch call | ranking | answer dump | rest of the app"
        " | outside the app (HTTP, gunicorn) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in (r for r in measured if r.api.clients == 1):
        replies = [reply for reply in row.api.replies if reply.server_timing]
        phase = {
            name: _mean([reply.server_timing.get(name, 0.0) for reply in replies])
            for name in ("app", "opensearch", "rank", "dump")
        }
        client = _mean([1000 * reply.seconds for reply in replies])
        raw = _mean([1000 * reply.seconds for reply in row.raw.replies])
        rest = phase["app"] - phase["opensearch"] - phase["rank"] - phase["dump"]
        cells = [client, raw, phase["app"], phase["opensearch"], phase["rank"], phase["dump"]]
        cells += [rest, client - phase["app"]]
        lines.append(f"| {row.name} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
    return lines


def _merge_time(load: LoadFigures) -> str:
    if load.merge_seconds is None:
        return "not timed (merged by an earlier run)" if load.segments == 1 else "not merged"
    return f"{load.merge_seconds:.0f} s"


def section(figures: Figures) -> str:
    """The whole section of one run."""
    start, end = markers(figures.persons)
    load = figures.load
    per_doc = load.primary_store_bytes / load.documents
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    search_recall, search_n = figures.search_recall
    match_recall, match_n = figures.match_recall
    paged = figures.paged
    clients = figures.measured[-1].api.clients
    two_pages = sum(reply.body["pages"] == 2 for reply in paged.replies if reply.body)
    lines = [
        start,
        f"## Scale: {figures.persons:,} persons",
        "",
        f"Command: `{figures.command}`",
        "",
        f"Run {now} on {machine()}, shared with other work (load average"
        f" {figures.load_average:.1f} over the run's last 5 minutes); {figures.seconds:.0f} s"
        f" in all."
        f" One OpenSearch 2.19 node of the benchmark's own (1 shard, the project's mapping);"
        f" the API under gunicorn ({figures.api_workers}) pointed at it; clients are threads of"
        f" the benchmark on the same host. Residents: {figures.distinct_surnames:,} distinct"
        f" surnames and {figures.distinct_first_names:,} distinct first names (Zipf-Mandelbrot"
        f" draws over long pools, see `benchmarks/scale/population.py`).",
        "",
        "| load | value |",
        "|---|---|",
        f"| bulk load (generate, build documents, `parallel_bulk`, refresh)"
        f"{' by an earlier run, index kept (`--keep-index`)' if figures.load_reused else ''} "
        f"| {load.rate:,.0f} docs/s ({load.documents:,} in {load.seconds:.0f} s) |",
        f"| force merge into one segment, as `person-indexer rebuild` ends its load |"
        f" {_merge_time(load)} |",
        f"| index on disk after the load and the merge | {_gib(load.store_bytes)}"
        f" ({per_doc:,.0f} bytes a person, {load.segments} segment(s)) |",
        f"| the same per person, times 10 million | {_gib(int(per_doc * TEN_MILLION))} a copy |",
        "",
        f"{figures.queries} corrupted queries (the quality generator's `queries()` over this"
        f" population; {match_n} of people in the index), each sent once per row. Raw OpenSearch"
        f" is the API's own request body (from `explain=true`) sent straight to the node in the"
        f" same run: one client alternates, query by query, between the API and the raw body"
        f" (both see the same moments of the machine's other load; its rate is one over the mean"
        f" latency); {clients} clients send all through the API, then all raw:",
        "",
        *latency_table(figures.measured),
        "",
        "Where the API's time goes, from the `Server-Timing` header of each answer of the"
        " one-client rows (means, so the parts add up; the OpenSearch call is as the API waited"
        " for it, answer read and decoded included):",
        "",
        *overhead_table(figures.measured),
        "",
        "The floor: the same raw requests sent, in the same alternation, through"
        " `benchmarks.scale.passthrough`, a bare WSGI application under the API's gunicorn"
        " settings that forwards them with the API's OpenSearch client and answers the ids"
        " found. What it adds to the raw query, any Python service under gunicorn pays before"
        " its own work:",
        "",
        *floor_table(figures.measured),
        "",
        "| quality at this size | recall@1 |",
        "|---|---|",
        f"| staff search (`GET /persons`, first name, surname, date of birth) "
        f"| {search_recall:.3f} ({search_n} queries) |",
        f"| duplicate check (`POST /persons/matches`) | {match_recall:.3f} ({match_n} queries) |",
        "",
        f"Paged searches: {len(paged.replies)} surname searches of {PAGED_PAGE_SIZE} a page"
        f" from {paged.clients} clients, each following `nextCursor` once when there is one"
        f" ({two_pages} had a next page): {paged.server_errors} answers 5xx, p50 / p95 / p99"
        f" {_ms(paged)} ms for both pages, {paged.per_second:.1f} searches/s; a search right"
        f" after answered {figures.after_paged_status}.",
        "",
        "For an estimate at 10 million persons see `benchmarks/scale/README.md`.",
        end,
    ]
    return "\n".join(lines) + "\n"


def write(path: Path, persons: int, text: str) -> None:
    """Replace the section of this size in `path` (or append it); other sections are left."""
    sections.write(path, text, *markers(persons))
