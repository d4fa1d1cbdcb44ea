"""Run with `.venv/bin/python -m benchmarks.sweep --persons 100000`; figures go to BENCHMARKS.md.

The duplicate sweep (`person-index find-duplicates`) over a register with known duplicates
(`benchmarks/sweep/known.py`, the same register `benchmarks.sweep_splink` links): `--persons`
synthetic residents (the scale benchmark's population) plus `--duplicates` corrupted copies of
some of them, bulk-loaded straight into an index with the project's mapping. The sweep then runs
as the command runs it (same pages, same matcher, same output) and its pairs are compared with the
known ones. Uses BENCH_OPENSEARCH_URL / TEST_OPENSEARCH_URL when set, otherwise starts a node of
its own; DynamoDB is not involved (the sweep reads the index).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import click
from opensearchpy import OpenSearch
from opensearchpy.helpers import bulk
from tqdm import tqdm

from benchmarks.quality import report as sections
from benchmarks.scale.loading import load
from benchmarks.scale.servers import opensearch_node
from benchmarks.sweep.known import KnownRegister, known_register, quality_rows, sweep_quality
from devstack.isolation import isolated_settings
from service.config import REPO_ROOT, Settings
from service.matching import sweep
from service.matching.matcher import Wanted, batch_matcher
from service.search.register import live_pages_by_id

START, END = "<!-- sweep:start -->", "<!-- sweep:end -->"
RUN_DIR = REPO_ROOT / ".run" / "sweep"
COMMAND = ".venv/bin/python -m benchmarks.sweep"


@contextmanager
def search_node() -> Iterator[str]:
    url = os.environ.get("BENCH_OPENSEARCH_URL") or os.environ.get("TEST_OPENSEARCH_URL")
    if url:
        yield url
        return
    with opensearch_node("1g", RUN_DIR) as started:
        yield started


def add_copies(client: OpenSearch, index: str, register: KnownRegister) -> None:
    """Index the register's corrupted copies beside the residents already loaded."""
    actions = ({"_index": index, "_id": d["id"], "_source": d} for d in register.copies)
    bulk(client, actions, chunk_size=500, refresh=True)


def pairs_found(output: Path) -> dict[tuple[str, str], str]:
    with output.open(newline="", encoding="utf-8") as handle:
        return {(row["firstId"], row["secondId"]): row["grade"] for row in csv.DictReader(handle)}


def write_wrong_pairs(
    client: OpenSearch, alias: str, pairs: Path, truth: frozenset[tuple[str, str]], target: Path
) -> None:
    """One JSON line per written pair that is not a known duplicate: its row and both persons."""
    with pairs.open(newline="", encoding="utf-8") as handle, target.open("w") as out:
        for row in csv.DictReader(handle):
            if (row["firstId"], row["secondId"]) in truth:
                continue
            ids = [row["firstId"], row["secondId"]]
            docs = client.mget(index=alias, body={"ids": ids})["docs"]
            out.write(json.dumps({"pair": row, "persons": [d["_source"] for d in docs]}) + "\n")


@click.command()
@click.option("--persons", default=20_000, show_default=True)
@click.option("--duplicates", default=1_000, show_default=True)
@click.option("--workers", default=4, show_default=True, help="Duplicate checks in flight.")
@click.option("--seed", default=11, show_default=True)
@click.option("--output", type=click.Path(path_type=Path), default=REPO_ROOT / "BENCHMARKS.md")
@click.option(
    "--wrong-pairs",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the pairs written that are not known duplicates, with both documents.",
)
def main(
    persons: int, duplicates: int, workers: int, seed: int, output: Path, wrong_pairs: Path | None
) -> None:
    """Load a register with known duplicates, sweep it, and compare the pairs with the truth."""
    started = time.monotonic()
    register = known_register(persons, duplicates, seed)
    with search_node() as url:
        base = replace(Settings.from_env({"AUTH_ENABLED": "false"}), opensearch_url=url)
        settings = isolated_settings(base, f"sweep-{persons}-{seed}")
        client = OpenSearch(hosts=[url], timeout=120)
        try:
            loaded = load(client, settings, register.population)
            add_copies(client, loaded.index, register)
            matcher = batch_matcher(client, settings)
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "pairs.csv"
                pages = live_pages_by_id(client, settings.opensearch_alias, None, sweep.PAGE_SIZE)
                total = persons + duplicates
                sweep_started = time.perf_counter()
                with tqdm(total=total, desc="sweep", unit=" persons") as bar:
                    counts = sweep.sweep(
                        pages, matcher, out, Wanted(10, min_grade="probable"), workers, bar.update
                    )
                seconds = time.perf_counter() - sweep_started
                found = pairs_found(out)
                if wrong_pairs:
                    write_wrong_pairs(
                        client, settings.opensearch_alias, out, register.truth, wrong_pairs
                    )
        finally:
            client.indices.delete(index=f"{settings.opensearch_alias}-*", ignore_unavailable=True)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        ("persons swept", f"{counts.persons:,} ({persons:,} residents, {duplicates:,} copies)"),
        ("sweep time", f"{seconds:,.0f} s ({counts.persons / seconds:,.0f} persons/s)"),
        *quality_rows(sweep_quality(found, register.truth)),
        ("found again from the other side (not repeated)", f"{counts.repeated:,}"),
    ]
    text = "\n".join(
        [
            START,
            f"## Duplicate sweep: {persons:,} persons",
            "",
            f"Command: `{COMMAND} --persons {persons} --duplicates {duplicates}"
            f" --workers {workers}`",
            "",
            f"Run {now} on {sections.machine()} (load average {os.getloadavg()[1]:.1f} over the"
            f" run's last 5 minutes); {time.monotonic() - started:.0f} s in all. One OpenSearch"
            " node, 1 shard; the sweep's pages, matcher and output as `person-index"
            " find-duplicates` runs them, in-process; the copies are the quality generator's"
            " corrupted records (typos, nicknames, swapped fields, married names, missing values),"
            " so a copy's true pair is known. Pairs between residents (relatives at one address)"
            " count against precision even where they would be worth a look.",
            "",
            "| figure | value |",
            "|---|---|",
            *(f"| {name} | {value} |" for name, value in rows),
            END,
        ]
    )
    sections.write(output, text + "\n", START, END)
    click.echo(text)


if __name__ == "__main__":
    main()
