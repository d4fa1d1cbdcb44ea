"""Write the quality figures into BENCHMARKS.md, replacing only this benchmark's section."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.quality.metrics import GRADES, Figures

START = "<!-- quality-benchmark:start -->"
END = "<!-- quality-benchmark:end -->"
# Issue 9's targets for the duplicate check.
TARGETS = {"recall@1": 0.99, "recall@10": 0.997, "certain precision": 0.995}
# Grades compared with the baseline's: `possible` may be weak by design (a candidate that shares
# anything is answered rather than dropped), so its precision is read with its count instead.
COMPARED_GRADES = ("certain", "probable")


def machine() -> str:
    """Cores, memory and CPU model of this machine."""
    cpu = "unknown CPU"
    memory = "unknown"
    try:
        info = Path("/proc/cpuinfo").read_text()
        if found := re.search(r"^model name\s*:\s*(.+)$", info, re.M):
            cpu = found.group(1).strip()
        mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        if mem:
            memory = f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores (nproc), {memory} RAM, {cpu}, {platform.system()}"


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table(methods: dict[str, Figures]) -> list[str]:
    """A markdown table of every method's figures."""
    heads = ["recall@1", "recall@10", "MRR"]
    heads += [f"precision `{g}`, all (n)" for g in GRADES]
    heads += [f"precision `{g}`, best (n)" for g in GRADES]
    lines = ["| method | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    for name, fig in methods.items():
        cells = [_value(fig.recall_at_1), _value(fig.recall_at_10), _value(fig.mrr)]
        cells += [f"{_value(fig.precision[g])} ({fig.graded[g]})" for g in GRADES]
        cells += [f"{_value(fig.best_precision[g])} ({fig.best_graded[g]})" for g in GRADES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def verdict(methods: dict[str, Figures], model: str, baseline: str) -> list[str]:
    """Whether the model met each target, in plain words (figures as measured, never rounded up)."""
    ours, base = methods[model], methods[baseline]
    certain = ours.precision["certain"]
    checks = [
        ("recall@1", ours.recall_at_1, TARGETS["recall@1"]),
        ("recall@10", ours.recall_at_10, TARGETS["recall@10"]),
        ("precision of `certain`", certain, TARGETS["certain precision"]),
    ]
    lines = []
    for name, value, target in checks:
        met = value is not None and value >= target
        lines.append(
            f"- {name}: {_value(value)} against a target of {target:.3f}:"
            f" {'met' if met else '**not met**'}."
        )
    pairs = [
        ("recall@1", ours.recall_at_1, base.recall_at_1),
        ("recall@10", ours.recall_at_10, base.recall_at_10),
        ("MRR", ours.mrr, base.mrr),
    ]
    pairs += [(f"precision `{g}`", ours.precision[g], base.precision[g]) for g in COMPARED_GRADES]
    behind = [name for name, a, b in pairs if a is not None and b is not None and a <= b]
    lines.append(
        "- ahead of the baseline on every figure: "
        + ("yes." if not behind else f"**no**, not on {', '.join(behind)}.")
    )
    return lines


def section(
    methods: dict[str, Figures],
    breakdown: list[str],
    ni_breakdown: list[str],
    residents: int,
    queries: int,
    absent: int,
    seconds: float,
    command: str,
) -> str:
    """The whole BENCHMARKS.md section of this run."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        "## Search and matching quality",
        "",
        f"Command: `{command}`",
        "",
        f"Run {now} on {machine()}; {seconds:.0f} s in all.",
        f"{residents} synthetic residents loaded through the API; {queries} corrupted queries, of"
        f" which {absent} are of people not in the index (they count only towards precision).",
        "",
        *table(methods),
        "",
        "Targets of the duplicate check, as measured in this run:",
        "",
        *[
            line
            for name in list(methods)[:-1]
            if name.startswith("match")
            for line in [f"{name}:", "", *verdict(methods, name, list(methods)[-1]), ""]
        ],
        "Targets (match, issue 9): recall@1 >= 0.99, recall@10 >= 0.997, precision of `certain` >="
        " 0.995, and ahead of the baseline on recall, MRR and the precision of `certain` and"
        " `probable` (`possible` may be weak by design: read its precision with its count)."
        " The baseline is one plain `multi_match` with"
        " fuzziness AUTO over firstName and surname; having no model, it is graded by rank (1st"
        " `certain`, 2nd-3rd `probable`, 4th-10th `possible`). Search is the staff search"
        " (`GET /persons` with firstName, surname and dateOfBirth); it has no grades.",
        "",
        "Precision, all: the share of every candidate given that grade (in any position) that is"
        " the right person. Precision, best: the same for the first candidate of each answer only,"
        " i.e. how often the service is right when its best answer carries that grade. Precision"
        " of `possible` falls when right answers are promoted to `probable` or `certain`: read it"
        " with its count.",
        "",
        "By whether the query carries an NI number (about half do not: many council systems hold"
        " none); queries of people not in the index count only towards precision:",
        "",
        *ni_breakdown,
        "",
        "Recall@1 by corruption (a query can carry several; those marked `(source system)` are"
        " absences drawn independently of the others; `surname changed (marriage)` is expected to"
        " be missed: nothing but the first name and date of birth links the two records):",
        "",
        *breakdown,
        END,
    ]
    return "\n".join(lines) + "\n"


def write(path: Path, text: str, start: str = START, end: str = END) -> None:
    """Replace the section between `start` and `end` (or append it), leaving the others alone."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        updated = before + text + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated, encoding="utf-8")
