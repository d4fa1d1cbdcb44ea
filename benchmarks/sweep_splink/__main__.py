"""Run with `.venv/bin/python -m benchmarks.sweep_splink --persons 100000 --duplicates 5000`
(needs the `bench` extra: `pip install -e .[dev,bench]`); figures go to BENCHMARKS.md.

The alternative to `person-index find-duplicates` that issue 11 offered: Splink's batch
deduplication (DuckDB, on this machine) of the same register `benchmarks.sweep` sweeps (same
residents, same corrupted copies, same seeds, same known pairs: `benchmarks/sweep/known.py`),
flattened into a table (`table.py`) and linked with comparisons as close to the service's model
as Splink's SQL allows (`linkage.py`). Two Splink models are measured: surname and address as one
comparison (the service's household level) and as two independent ones (Splink's usual person
model). No servers: the register is generated in memory, as the index would hold it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from benchmarks.quality import report as sections
from benchmarks.sweep.known import KnownRegister, known_register, quality_rows, sweep_quality
from benchmarks.sweep_splink import linkage
from benchmarks.sweep_splink.table import columns
from service.config import REPO_ROOT
from service.matching.model import CERTAIN, PROBABLE

START, END = "<!-- sweep-splink:start -->", "<!-- sweep-splink:end -->"
COMMAND = ".venv/bin/python -m benchmarks.sweep_splink"
# Match probabilities at which the pairs are also counted, to compare at equal precision.
THRESHOLDS = (0.2, 0.5, PROBABLE, 0.95)
MODELS = {"household": True, "independent": False}


@dataclass(frozen=True)
class Run:
    """One Splink model's linkage of the register, and how long the flattening took."""

    linkage: linkage.Linkage
    flatten_seconds: float

    @property
    def seconds(self) -> float:
        return (
            self.flatten_seconds + self.linkage.training_seconds + self.linkage.prediction_seconds
        )


def run(
    register: KnownRegister, documents: list[dict[str, Any]], household: bool, seed: int
) -> Run:
    """Flatten the register's documents and link them with one model."""
    started = time.perf_counter()
    table = columns(documents)
    flattened = time.perf_counter()
    linked = linkage.link(table, register.truth, household, min(THRESHOLDS), seed)
    return Run(linked, flattened - started)


def figure_rows(runs: dict[str, Run], register: KnownRegister) -> list[str]:
    """The main table: one column of figures per model."""
    records = len(register)

    def timing(run: Run) -> list[str]:
        linked = run.linkage
        return [
            f"{run.flatten_seconds:,.0f} s",
            f"{linked.training_seconds:,.0f} s",
            f"{linked.prediction_seconds:,.0f} s",
            f"{run.seconds:,.0f} s ({records / run.seconds:,.0f} persons/s)",
            f"{linked.compared:,} ({linked.known_compared:,} of {len(register.truth):,} known)",
        ]

    names = [
        "flattening into a table (the service's folding, nickname families, sound codes)",
        "training (prior from exact rules, u from"
        f" {linkage.U_MAX_PAIRS:,.0f} random pairs, m by EM on date of birth and on NI number)",
        "prediction (blocking, scoring, reading the pairs out)",
        "time in all",
        "pairs compared (known duplicate pairs among them)",
    ]
    cells = {name: timing(run) for name, run in runs.items()}
    quality = {
        name: quality_rows(sweep_quality(run.linkage.graded(PROBABLE), register.truth))
        for name, run in runs.items()
    }
    names += [f"at match probability {PROBABLE}: {label}" for label, _ in quality[next(iter(runs))]]
    for name in runs:
        cells[name] += [value for _, value in quality[name]]
    lines = [
        "| figure | " + " | ".join(f"{name} model" for name in runs) + " |",
        "|---" * (len(runs) + 1) + "|",
    ]
    for number, label in enumerate(names):
        lines.append(f"| {label} | " + " | ".join(cells[n][number] for n in runs) + " |")
    return lines


def threshold_rows(runs: dict[str, Run], register: KnownRegister) -> list[str]:
    """Recall and precision of the pairs written at each threshold, per model."""
    lines = [
        "| match probability at least | "
        + " | ".join(f"{name}: pairs, recall, precision" for name in runs)
        + " |",
        "|---" * (len(runs) + 1) + "|",
    ]
    for threshold in THRESHOLDS:
        cells = []
        for run in runs.values():
            quality = sweep_quality(run.linkage.graded(threshold), register.truth)
            cells.append(f"{quality.written:,}, {quality.recall:.3f}, {quality.precision:.3f}")
        lines.append(f"| {threshold} | " + " | ".join(cells) + " |")
    return lines


@click.command()
@click.option("--persons", default=20_000, show_default=True)
@click.option("--duplicates", default=1_000, show_default=True)
@click.option("--seed", default=11, show_default=True)
@click.option("--output", type=click.Path(path_type=Path), default=REPO_ROOT / "BENCHMARKS.md")
def main(persons: int, duplicates: int, seed: int, output: Path) -> None:
    """Link the register with known duplicates with Splink and compare the pairs with the truth."""
    started = time.monotonic()
    register = known_register(persons, duplicates, seed)
    documents = list(tqdm(register.documents(), total=len(register), desc="register"))
    runs = {}
    for name, household in tqdm(MODELS.items(), desc="Splink models"):
        runs[name] = run(register, documents, household, seed)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            START,
            f"## Duplicate sweep with Splink: {persons:,} persons",
            "",
            f"Command: `{COMMAND} --persons {persons} --duplicates {duplicates}`",
            "",
            f"Run {now} on {sections.machine()} (load average {os.getloadavg()[1]:.1f} over the"
            f" run's last 5 minutes); {time.monotonic() - started:.0f} s in all. Splink"
            f" {linkage.splink_version()} on DuckDB (in memory, its default threads), on the"
            f" register of the section above: {persons:,} residents and {duplicates:,} corrupted"
            " copies, the same seeds and the same known pairs (`benchmarks/sweep/known.py`)."
            " Times exclude generating the register (the service's sweep time excludes loading"
            " the index). The `household` model weighs surname and address as one comparison"
            " (the service's household level), the `independent` one as two (Splink's usual"
            " person model); see `benchmarks/sweep_splink/linkage.py` for the levels. Pairs are"
            f" written at match probability {PROBABLE} (the service's `probable`"
            f" threshold on the same kind of score) and graded `certain` at {CERTAIN}"
            " with the date of birth or NI number agreeing, as the service grades.",
            "",
            *figure_rows(runs, register),
            "",
            "The same predictions at other thresholds (pairs written, recall of the known pairs,"
            " precision):",
            "",
            *threshold_rows(runs, register),
            END,
        ]
    )
    sections.write(output, text + "\n", START, END)
    click.echo(text)


if __name__ == "__main__":
    main()
