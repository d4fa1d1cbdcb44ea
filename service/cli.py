"""`person-index`: operational commands of the service."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from service import clients, exporting
from service.auth import mint_token
from service.bootstrap import ensure_index, ensure_tables
from service.config import Settings
from service.importing.importer import Importer, ImportOptions
from service.importing.progress import Progress, file_fingerprint
from service.importing.rows import READERS, Record, file_format, record_numbers
from service.matching import sweep
from service.matching.learning import RegisterTooSmall, learn_from_register
from service.matching.matcher import Wanted, batch_matcher
from service.matching.model import load_model
from service.search.register import count_live, live_pages_by_id
from service.store.persons import PersonStore


@click.group()
def main() -> None:
    """Person index operations."""


@main.command()
def bootstrap() -> None:
    """Create the tables, the stream and the index behind its alias (safe to run again)."""
    settings = Settings.from_env()
    created = ensure_tables(clients.dynamodb_client(settings, "batch"), settings)
    index = ensure_index(clients.opensearch_client(settings, "batch"), settings)
    click.echo(f"tables created: {', '.join(created) or 'none (all existed)'}")
    click.echo(f"alias {settings.opensearch_alias} -> {index}")


@main.command()
@click.option(
    "--group",
    "groups",
    multiple=True,
    required=True,
    help="A group for the token's groups claim; repeat for more.",
)
@click.option(
    "--subject",
    default="developer@localhost",
    show_default=True,
    help="The caller's identity (sub claim), recorded as lastModifiedBy.",
)
@click.option("--expires-in", default=3600, show_default=True, help="Lifetime in seconds.")
def token(groups: tuple[str, ...], subject: str, expires_in: int) -> None:
    """Mint an HS256 development token signed with JWT_SECRET (never for production use)."""
    auth = Settings.from_env().auth
    if auth.algorithm != "HS256" or not auth.secret:
        raise click.ClickException("minting needs JWT_ALGORITHM=HS256 and JWT_SECRET set")
    click.echo(
        mint_token(
            auth.secret,
            subject,
            list(groups),
            expires_in,
            int(time.time()),
            audience=auth.audience,
            issuer=auth.issuer,
        )
    )


def _batch_settings() -> Settings:
    """Settings for a batch command: it serves no requests, so token settings do not apply."""
    return Settings.from_env({**os.environ, "AUTH_ENABLED": "false"})


@main.command("train-model")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the model file (JSON); point MATCH_MODEL_FILE at it.",
)
@click.option(
    "--start",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Model to start from and fall back on  [default: the hand-set model]",
)
@click.option("--random-pairs", default=200_000, show_default=True, help="Pairs counted for u.")
@click.option(
    "--max-pairs", default=200_000, show_default=True, help="Blocked pairs per rule for m (EM)."
)
@click.option("--seed", default=1, show_default=True, help="Seed of the pair sampling.")
def train_model(
    out: Path, start: Path | None, random_pairs: int, max_pairs: int, seed: int
) -> None:
    """Learn the match model from the live register: u from random pairs, m by EM, and name
    frequencies; write it to OUT. Retrain after a large load and every few months."""
    settings = _batch_settings()
    client = clients.opensearch_client(settings, "batch")
    try:
        learned, persons = learn_from_register(
            client,
            settings.opensearch_alias,
            out,
            load_model(start) if start else None,
            random_pairs=random_pairs,
            max_pairs=max_pairs,
            seed=seed,
        )
    except RegisterTooSmall as exc:
        raise click.ClickException(str(exc)) from exc
    for field in ("firstName", "surname", "dateOfBirth", "address"):
        exact = "same" if field == "address" else "exact"
        click.echo(
            f"{field}: {exact} {learned.weight(field, exact):+.1f}, "
            f"different {learned.weight(field, 'different'):+.1f}"
        )
    click.echo(f"model of {persons} persons written to {out}")


def _records(source: Path, fmt: str, after: int) -> Iterator[Record]:
    with source.open(newline="", encoding="utf-8-sig") as handle:
        yield from READERS[fmt](handle, after)


def _record_numbers(source: Path, fmt: str) -> list[int]:
    with source.open(newline="", encoding="utf-8-sig") as handle:
        return list(record_numbers(handle, fmt))


@main.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(READERS)),
    help="csv or ndjson; by default from the file name (.csv, .ndjson, .jsonl).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of the rows not imported (row, id, field, message). Default: SOURCE.report.csv; "
    "the progress file sits next to it.",
)
@click.option(
    "--key-column",
    help="Column (member) holding the source system's own key of each row; rows without an id "
    "get an id derived from it, the same in every file.",
)
@click.option(
    "--reason",
    default="Bulk import",
    show_default=True,
    help="The reason stored for rows that carry none.",
)
@click.option(
    "--changed-by",
    default="person-index import",
    show_default=True,
    help="Recorded as lastModifiedBy and in the history.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many rows (resumable).")
@click.option("--restart", is_flag=True, help="Ignore the progress file; go through every row.")
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    help="Chunks of 100 rows stored at once.",
)
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def import_command(
    source: Path,
    fmt: str | None,
    report: Path | None,
    key_column: str | None,
    reason: str,
    changed_by: str,
    limit: int | None,
    restart: bool,
    workers: int,
    no_progress: bool,
) -> None:
    """Import the people in SOURCE (CSV or NDJSON), validated as the API validates a create.

    Bad rows go to the report, never stop the run. Run it again to resume a stopped import:
    stored rows are never written twice.
    """
    try:
        fmt = fmt or file_format(source.name)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="SOURCE") from exc
    report = report or source.with_name(source.name + ".report.csv")
    # The CLI serves no requests, so the API's token settings do not apply to it.
    settings = _batch_settings()
    store = PersonStore(
        clients.dynamodb_client(settings, "batch"),
        settings.persons_table,
        settings.counters_table,
        settings.cross_references_table,
    )
    options = ImportOptions(source.name, changed_by, key_column, reason)
    progress = Progress.open(report, file_fingerprint(source), restart)
    if progress.last_row:
        click.echo(f"resuming after row {progress.last_row}")
    importer = Importer(store, options, lambda: datetime.now(UTC))
    numbers = _record_numbers(source, fmt)
    with tqdm(
        total=len(numbers),
        initial=sum(1 for number in numbers if number <= progress.last_row),
        unit="row",
        disable=no_progress,
    ) as bar:
        records = _records(source, fmt, progress.last_row)
        counts = importer.run(records, progress, limit, bar.update, workers)
    click.echo(", ".join(f"{name}: {counts[name]}" for name in _COUNTS))
    click.echo(f"report: {report}")


_COUNTS = ("created", "alreadyStored", "invalid", "refused")


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "ndjson", "parquet"]),
    required=True,
    help="csv and parquet: the flat columns of the README; ndjson: whole records.",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write."
)
@click.option(
    "--modified-since",
    default=None,
    help="Only persons changed at or after this ISO 8601 date or date-time (UTC by default).",
)
def export(fmt: str, out: Path, modified_since: str | None) -> None:
    """Write every live person to OUT (extended data never appears), in constant memory.

    Reads the Persons table directly (a paginated scan), so it needs the table's AWS credentials,
    not the export role: keep it to people who hold both."""
    settings = _batch_settings()
    try:
        since = exporting.since_key(modified_since) if modified_since else None
    except exporting.InvalidSince as exc:
        raise click.BadParameter(str(exc), param_hint="--modified-since") from exc
    store = PersonStore(
        clients.dynamodb_client(settings, "batch"),
        settings.persons_table,
        settings.counters_table,
        settings.cross_references_table,
    )
    today = datetime.now(UTC).date()
    partial = out.with_name(out.name + ".partial")
    # The table's item count includes erased persons' tombstones and is hours old: a guide only.
    with tqdm(total=store.approximate_count(), desc="export", unit=" persons") as bar:
        persons = _counted(exporting.live_persons(store, since, settings.export_page_size), bar)
        if fmt == "parquet":
            try:
                exporting.write_parquet(persons, partial, today)
            except exporting.ParquetUnavailable as exc:
                raise click.ClickException(str(exc)) from exc
        else:
            with partial.open("w", encoding="utf-8", newline="") as file:
                file.writelines(exporting.text_export(persons, fmt, today))
        count = bar.n
    partial.replace(out)
    click.echo(f"{count} persons written to {out}")


def _counted(persons: Iterator[dict[str, Any]], bar: tqdm) -> Iterator[dict[str, Any]]:
    """The persons, moving the progress bar by one for each."""
    for person in persons:
        bar.update(1)
        yield person


@main.command("find-duplicates")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV of pairs (firstId, secondId, personRefs, score, grade, reasons); run again with the"
    " same file to resume.",
)
@click.option(
    "--min-grade",
    type=click.Choice(["certain", "probable"]),
    default="probable",
    show_default=True,
    help="The weakest grade written.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    help="Duplicate checks in flight at once.",
)
@click.option(
    "--restart",
    is_flag=True,
    help="Start from the first person (pairs already in the output are still written once).",
)
def find_duplicates(out: Path, min_grade: str, workers: int, restart: bool) -> None:
    """Match every live person against the rest of the register; write each pair graded
    MIN-GRADE or better once. Reads the index (what the duplicate check sees), in id order."""
    settings = _batch_settings()
    client = clients.opensearch_client(settings, "batch")
    matcher = batch_matcher(client, settings)
    after = None if restart else sweep.read_progress(out)
    alias = settings.opensearch_alias

    wanted = Wanted(sweep.CANDIDATES_PER_PERSON, min_grade=min_grade)
    done = count_live(client, alias, after) if after is not None else 0
    with tqdm(
        total=count_live(client, alias), initial=done, desc="find duplicates", unit=" persons"
    ) as bar:
        if after is not None:
            bar.write(f"resuming after {done} persons (progress file {sweep.progress_path(out)})")
        try:
            counts = sweep.sweep(
                live_pages_by_id(client, alias, after, sweep.PAGE_SIZE),
                matcher,
                out,
                wanted,
                workers,
                bar.update,
            )
        except sweep.SweepOutputMismatch as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{counts.persons} persons matched, {counts.pairs} new pairs written to {out}"
        f" ({counts.repeated} found again and not repeated)"
    )
