"""The duplicate sweep: every live person matched against the rest of the register, each pair
graded `probable` or better written once.

Persons are read from the index in id order, a page at a time (`search_after` on the id: nothing
is held open on the node), and each page is matched with a bounded number of requests in flight.
A person is matched as the matcher sees every candidate: by its indexed names, date of birth, NI
number, first address and first postcode. After each page the pairs are flushed and the last id
of the page is written to a progress file beside the output, so a stopped sweep resumes after the
last complete page; pairs already in the output are never written twice.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.matching import training
from service.matching.matcher import Matcher, Wanted, compared_person, reasons_text

PAIR_COLUMNS = (
    "firstId",
    "secondId",
    "firstPersonRef",
    "secondPersonRef",
    "score",
    "grade",
    "reasons",
)
# Persons read from the index at a time; the progress file moves after each page.
PAGE_SIZE = 200
# Candidates asked for per person: a person with more duplicates than this is rare, and each of
# its duplicates is also matched in turn.
CANDIDATES_PER_PERSON = 10


class SweepOutputMismatch(Exception):
    """The output file was written by something else (other columns): appending would corrupt it."""


def query_of_document(document: dict[str, Any]) -> dict[str, Any]:
    """The partial person a sweep matches for one indexed person (deceased people included)."""
    return compared_person({**training.query_of_document(document), "includeDeceased": True})


def pair_key(first: str, second: str) -> tuple[str, str]:
    """A pair of ids in one order, whichever person found the other."""
    return (first, second) if first < second else (second, first)


def pair_rows(document: dict[str, Any], results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per candidate other than the person itself, ids in pair order."""
    rows = []
    for result in results:
        other = result["person"]
        if other["id"] == document["id"]:
            continue
        first, second = sorted((document, other), key=lambda person: person["id"])
        rows.append(
            {
                "firstId": first["id"],
                "secondId": second["id"],
                "firstPersonRef": first.get("personRef", ""),
                "secondPersonRef": second.get("personRef", ""),
                "score": f"{result['score']:.6f}",
                "grade": result["grade"],
                "reasons": reasons_text(result["reasons"]),
            }
        )
    return rows


def written_pairs(output: Path) -> set[tuple[str, str]]:
    """The pairs an earlier run already wrote (a torn last line is ignored)."""
    if not output.exists() or output.stat().st_size == 0:
        return set()
    with output.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != PAIR_COLUMNS:
            raise SweepOutputMismatch(f"{output} has other columns; write to a new output file.")
        return {
            pair_key(row["firstId"], row["secondId"])
            for row in reader
            if row.get("secondId") and row.get("reasons") is not None
        }


def progress_path(output: Path) -> Path:
    return output.with_name(output.name + ".progress")


def read_progress(output: Path) -> str | None:
    """The id of the last person of the last complete page, or None to start at the beginning."""
    path = progress_path(output)
    text = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    return text or None


def write_progress(output: Path, last_id: str) -> None:
    """Replace the progress file in one step, so a stop never leaves half an id."""
    path = progress_path(output)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(last_id, encoding="utf-8")
    os.replace(partial, path)


@dataclass
class SweepCounts:
    persons: int = 0
    pairs: int = 0
    repeated: int = 0  # pairs found again from the other side, or already written earlier


def sweep(
    pages: Iterable[list[dict[str, Any]]],
    matcher: Matcher,
    output: Path,
    wanted: Wanted,
    workers: int,
    on_person: Callable[[int], None] = lambda count: None,
) -> SweepCounts:
    """Match every person of `pages` (pages of indexed documents in id order), append each new
    pair to `output` and record progress after each page."""
    seen = written_pairs(output)
    counts = SweepCounts()
    new_file = not output.exists() or output.stat().st_size == 0

    def match(document: dict[str, Any]) -> list[dict[str, Any]]:
        return matcher.match(query_of_document(document), wanted)["results"]

    with (
        output.open("a", newline="", encoding="utf-8") as out,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sweep") as pool,
    ):
        writer = csv.DictWriter(out, fieldnames=PAIR_COLUMNS)
        if new_file:
            writer.writeheader()
        for page in pages:
            for document, results in zip(page, pool.map(match, page), strict=True):
                for row in pair_rows(document, results):
                    key = pair_key(row["firstId"], row["secondId"])
                    if key in seen:
                        counts.repeated += 1
                        continue
                    seen.add(key)
                    writer.writerow(row)
                    counts.pairs += 1
            out.flush()
            if page:
                write_progress(output, page[-1]["id"])
            counts.persons += len(page)
            on_person(len(page))
    return counts
