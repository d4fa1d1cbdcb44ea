"""Run with `.venv/bin/python -m benchmarks.index_cost --persons 50000 [--opensearch-url URL]`.

What each kind of name sub-field costs at index time: the same residents are bulk-loaded into
indexes whose mapping leaves one kind out of every name field (prefixes, double metaphone codes,
Beider-Morse codes, nicknames, or all four), each merged into one segment as a rebuild leaves
it. Size on disk and bulk time are set beside the mapping as served; `benchmarks.clauses` has
what each kind costs and buys at query time. Variants run in turn, then again in reverse order,
so drift in the machine's other load falls on all alike (after an untimed warm-up load of the
same documents); the time of each is its best round, as other load only ever adds to it.

Starts an OpenSearch node of its own unless `--opensearch-url` names one (its own indexes are
named `index-cost-*` and deleted after).
"""

from __future__ import annotations

import copy
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from opensearchpy import OpenSearch
from tqdm import tqdm

from benchmarks.quality import report as sections
from benchmarks.quality.report import machine
from benchmarks.scale.loading import (
    BULK_THREADS,
    CHUNK_SIZE,
    bulk_all,
    index_sizes,
    resident_documents,
)
from benchmarks.scale.population import Population
from benchmarks.scale.servers import opensearch_node
from indexer.rebuild import merge_to_one_segment
from service.bootstrap import latest_mapping
from service.config import REPO_ROOT

START, END = "<!-- index-cost:start -->", "<!-- index-cost:end -->"
COMMAND = ".venv/bin/python -m benchmarks.index_cost"
RUN_DIR = REPO_ROOT / ".run" / "index-cost"
PREFIX = "index-cost"

# Left out in turn: these sub-fields of every name field (`mappings/persons.vN.json`).
VARIANTS: dict[str, frozenset[str]] = {
    "nothing (as served)": frozenset(),
    "name prefixes (edge n-grams)": frozenset({"edge"}),
    "double metaphone codes": frozenset({"phonetic"}),
    "Beider-Morse codes": frozenset({"bm"}),
    "nicknames": frozenset({"nickname"}),
    "all four": frozenset({"edge", "phonetic", "bm", "nickname"}),
}


def without_subfields(body: dict[str, Any], left_out: frozenset[str]) -> dict[str, Any]:
    """A copy of an index body whose fields lack the named sub-fields (`fields` entries)."""
    trimmed = copy.deepcopy(body)
    for definition in trimmed["mappings"]["properties"].values():
        subfields = definition.get("fields")
        if subfields:
            for name in left_out:
                subfields.pop(name, None)
    return trimmed


@dataclass
class Tally:
    seconds: list[float] = field(default_factory=list)
    store_bytes: int = 0

    def row(self, name: str, served: Tally, documents: int) -> str:
        best, served_best = min(self.seconds), min(served.seconds)
        size_change = 100 * (self.store_bytes / served.store_bytes - 1)
        time_change = 100 * (best / served_best - 1)
        return (
            f"| {name} | {self.store_bytes / 2**20:,.1f} MiB ({size_change:+.0f}%)"
            f" | {self.store_bytes / documents:,.0f} | {documents / best:,.0f} docs/s"
            f" ({time_change:+.0f}% time) |"
        )


def load_variant(
    client: OpenSearch, body: dict[str, Any], documents: list[dict[str, Any]], name: str
) -> tuple[float, int]:
    """Bulk the documents into a fresh index of this body (refresh off, as the scale load);
    the seconds until they are searchable, and the size merged into one segment."""
    index = f"{PREFIX}-{int(time.time() * 1000)}"
    settings = copy.deepcopy(body)
    settings.setdefault("settings", {}).setdefault("index", {}).update(
        {"number_of_replicas": 0, "refresh_interval": "-1"}
    )
    client.indices.create(index=index, body=settings)
    try:
        actions = ({"_index": index, "_id": d["id"], "_source": d} for d in documents)
        started = time.perf_counter()
        bulk_all(client, actions, len(documents), name)
        client.indices.refresh(index=index)
        seconds = time.perf_counter() - started
        merge_to_one_segment(client, index)
        client.indices.refresh(index=index)
        _, primary_store_bytes, _ = index_sizes(client, index)
        return seconds, primary_store_bytes
    finally:
        client.indices.delete(index=index)


def _section(persons: int, rounds: int, tallies: dict[str, Tally]) -> str:
    served = tallies["nothing (as served)"]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        f"## What each name sub-field costs at index time: {persons:,} persons",
        "",
        f"Command: `{COMMAND} --persons {persons}`",
        "",
        f"Run {now} on {machine()}. The same {persons:,} generated residents"
        " (`benchmarks.scale.population`, the project's document builder) bulk-loaded"
        f" ({BULK_THREADS} threads, chunks of {CHUNK_SIZE}, refresh off) into a fresh one-shard"
        " index per row whose mapping leaves that kind of sub-field out of every name field;"
        f" {rounds} rounds, the order reversed each round; rate is over the best round's time to"
        " searchable; size is the primary store merged into one segment, as a rebuild leaves"
        ' it. What each kind costs and buys at query time is in the section "What each'
        ' comparison costs and buys".',
        "",
        "| left out | index size | bytes a person | bulk rate |",
        "|---|---|---|---|",
        *[tally.row(name, served, persons) for name, tally in tallies.items()],
        END,
    ]
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--persons", type=int, default=50_000, show_default=True)
@click.option("--rounds", type=int, default=3, show_default=True)
@click.option("--seed", type=int, default=11, show_default=True)
@click.option("--heap", default="1g", show_default=True, help="OpenSearch heap of its own node.")
@click.option("--opensearch-url", help="A running node to use instead of starting one.")
@click.option("--output", type=click.Path(path_type=Path), default=REPO_ROOT / "BENCHMARKS.md")
def main(
    persons: int, rounds: int, seed: int, heap: str, opensearch_url: str | None, output: Path
) -> None:
    """Index size and bulk rate with each kind of name sub-field left out of the mapping."""
    if rounds < 1:
        raise click.BadParameter("at least one round", param_hint="--rounds")
    body = latest_mapping(REPO_ROOT / "mappings").body()
    documents = list(
        tqdm(resident_documents(Population(persons, seed)), total=persons, desc="documents")
    )
    tallies = {name: Tally() for name in VARIANTS}
    with ExitStack() as stack:
        url = opensearch_url or stack.enter_context(opensearch_node(heap, RUN_DIR))
        client = OpenSearch(hosts=[url], timeout=600)
        load_variant(client, body, documents, "warm-up")  # the node's JIT, untimed
        order = list(VARIANTS)
        for round_number in range(rounds):
            for name in order if round_number % 2 == 0 else reversed(order):
                seconds, size = load_variant(
                    client, without_subfields(body, VARIANTS[name]), documents, name
                )
                tallies[name].seconds.append(seconds)
                tallies[name].store_bytes = size
                click.echo(f"{name}: {seconds:.1f} s, {size / 2**20:.1f} MiB")
    sections.write(output, _section(persons, rounds, tallies), START, END)
    click.echo(f"written to {output}")


if __name__ == "__main__":
    main()
