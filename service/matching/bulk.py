"""`person-index-match`: match a CSV of people against the index and write the best candidates.

Resumable: rows whose `inputId` is already in the output are skipped, so a stopped run continues
where it stopped. A dirty value (an impossible date, a malformed NI number or postcode) is matched
as given, as the API does, and named in the `warnings` column. Only a row of the wrong shape (no
name, date or NI number; a value of absurd length) is reported (row and field names, never values)
and written with status `invalid`; it never stops the run.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import click
from marshmallow import ValidationError
from tqdm import tqdm

from service import clients
from service.api.search_schemas import SEARCH_CRITERIA, MatchPersonSchema
from service.config import Settings
from service.matching.matcher import Matcher, Wanted, batch_matcher, compared_person, reasons_text

log = logging.getLogger(__name__)
# Every search criterion except free text.
INPUT_COLUMNS = tuple(name for name in SEARCH_CRITERIA if name != "q")
OUTPUT_COLUMNS = (
    "inputId",
    "status",
    "rank",
    "candidateId",
    "personRef",
    "score",
    "grade",
    "reasons",
    "warnings",
    "error",
)


def done_ids(output: Path) -> set[str]:
    """The inputIds an earlier run already wrote (a torn last line is ignored).

    Raises click.UsageError when the output has other columns (another version wrote it), as
    appending to it would put values under the wrong headings.
    """
    if not output.exists():
        return set()
    with output.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is not None and tuple(reader.fieldnames) != OUTPUT_COLUMNS:
            raise click.UsageError(f"{output} has other columns; write to a new output file.")
        return {row["inputId"] for row in reader if row.get("status")}


def input_rows(handle: TextIO) -> Iterator[tuple[str, dict[str, str]]]:
    """(inputId, row) pairs; the id is the `id` column, else the data row number from 1."""
    for number, row in enumerate(csv.DictReader(handle), start=1):
        row_id = (row.get("id") or "").strip() or str(number)
        yield row_id, row


def person_of(row: dict[str, str]) -> dict[str, Any]:
    """Read one CSV row as a partial person, as the API reads a body (empty cells are missing
    values; dirty values are kept as given and listed in `warnings`)."""
    data = {k: v for k, v in row.items() if k in INPUT_COLUMNS and v and v.strip()}
    return MatchPersonSchema().load(data)


def format_warnings(warnings: list[dict[str, str]]) -> str:
    """Warnings as one cell: `field: message` joined by ' | ' (a message holds '; ')."""
    return " | ".join(f"{w['field']}: {w['message']}" for w in warnings)


def output_rows(row_id: str, person: dict[str, Any], matcher: Matcher, limit: int) -> list[dict]:
    """The output lines of one valid input row (a `no-match` line when nothing qualifies); each
    carries the row's warnings."""
    results = matcher.match(compared_person(person), Wanted(limit))["results"]
    warnings = format_warnings(person["warnings"])
    if not results:
        return [{"inputId": row_id, "status": "no-match", "warnings": warnings}]
    return [
        {
            "inputId": row_id,
            "status": "matched",
            "rank": rank,
            "candidateId": result["person"]["id"],
            "personRef": result["person"].get("personRef", ""),
            "score": f"{result['score']:.6f}",
            "grade": result["grade"],
            "reasons": reasons_text(result["reasons"]),
            "warnings": warnings,
        }
        for rank, result in enumerate(results, start=1)
    ]


def _count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def run(source: Path, output: Path, matcher: Matcher, limit: int) -> dict[str, int]:
    """Match every row not yet in `output`; returns counts by outcome."""
    skip = done_ids(output)
    counts = {"matched": 0, "no-match": 0, "invalid": 0, "skipped": 0, "with warnings": 0}
    new_file = not output.exists() or output.stat().st_size == 0
    with (
        source.open(newline="", encoding="utf-8") as inp,
        output.open("a", newline="", encoding="utf-8") as out,
    ):
        writer = csv.DictWriter(out, fieldnames=OUTPUT_COLUMNS)
        if new_file:
            writer.writeheader()
        for row_id, row in tqdm(input_rows(inp), total=_count_rows(source), unit="row"):
            if row_id in skip:
                counts["skipped"] += 1
                continue
            try:
                lines = output_rows(row_id, person_of(row), matcher, limit)
            except ValidationError as exc:
                fields = sorted(exc.messages_dict)
                tqdm.write(f"row {row_id}: invalid ({', '.join(fields)}); skipped")
                lines = [{"inputId": row_id, "status": "invalid", "error": " ".join(fields)}]
            writer.writerows(lines)
            out.flush()
            counts[lines[0]["status"]] += 1
            counts["with warnings"] += bool(lines[0].get("warnings"))
            skip.add(row_id)
    return counts


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--limit", default=3, show_default=True, help="Candidates written per input row.")
def main(source: Path, output: Path, limit: int) -> None:
    """Match the people in SOURCE (CSV) against the index; write candidates to OUTPUT (CSV).

    SOURCE columns: id (optional), firstName, surname (or lastName), dateOfBirth (YYYY,
    YYYY-MM, YYYY-MM-DD, DD/MM/YYYY or YYYYMMDD), nationalInsuranceNo, address, postcode. A dirty
    value is matched as given and named in the `warnings` column. Run it again with the same
    OUTPUT to resume.
    """
    if not 1 <= limit <= 50:
        raise click.BadParameter("must be 1 to 50", param_hint="--limit")
    # The CLI serves no requests, so the API's token settings do not apply to it.
    settings = Settings.from_env({**os.environ, "AUTH_ENABLED": "false"})
    matcher = batch_matcher(clients.opensearch_client(settings, "batch"), settings)
    counts = run(source, output, matcher, limit)
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
