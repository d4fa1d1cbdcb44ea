"""`person-indexer`: run the indexer, rebuild and reconcile the index, replay dead letters."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from datetime import UTC, datetime
from typing import Any

import click

from indexer.checkpoints import CheckpointStore
from indexer.deadletters import DeadLetterStore
from indexer.lock import Lease, LockHeld
from indexer.rebuild import Rebuild, RebuildFailed
from indexer.reconcile import Drift, State, reconcile, repair
from indexer.replay import replay
from indexer.runner import build_poller
from service import clients
from service.config import Settings
from service.domain.indexer_status import indexer_report, keeps_up
from service.logs import configure_logging
from service.store.errors import StoreError
from service.store.indexer_status import IndexerStatusReader

log = logging.getLogger("indexer")


def _settings() -> Settings:
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return settings


def _echo(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


@click.group()
def main() -> None:
    """The person index's indexer: DynamoDB Streams into OpenSearch."""


@main.command()
def run() -> None:
    """Tail the Persons stream and apply every change to OpenSearch until SIGTERM or Ctrl-C."""
    settings = _settings()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    poller = build_poller(settings)
    log.info("indexer started", extra={"index": settings.opensearch_alias})
    poller.run(
        stop,
        idle_sleep=settings.indexer_idle_sleep_seconds,
        max_backoff=settings.indexer_max_backoff_seconds,
    )
    log.info("indexer stopped")


@main.command()
@click.option(
    "--max-lag",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds the index may lag behind the stream.",
)
def health(max_lag: float) -> None:
    """Exit 0 while the running indexer keeps up, else 1 (a container health check).

    Reads the status the running indexer keeps (as the API's health check does): its lag stays
    near zero while it follows the stream and grows while it is stopped or behind.
    """
    settings = _settings()
    reader = IndexerStatusReader(clients.dynamodb_client(settings), settings.checkpoints_table)
    try:
        report = indexer_report(reader.status(), datetime.now(UTC))
    except StoreError as exc:
        raise click.ClickException(f"cannot read the indexer's status: {exc}") from exc
    _echo({"lagSeconds": report["lagSeconds"], "maxLagSeconds": max_lag})
    sys.exit(0 if keeps_up(report, max_lag) else 1)


@main.command()
@click.option("--segments", type=click.IntRange(1, 64), help="Parallel scan segments.")
@click.option("--keep-previous", is_flag=True, help="Keep the old index after the swap.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
def rebuild(segments: int | None, keep_previous: bool, no_progress: bool) -> None:
    """Build a new index from the latest mapping, catch up, and swap the alias to it."""
    settings = _settings()
    job = Rebuild(
        settings=settings,
        dynamodb=clients.dynamodb_client(settings, "batch"),
        streams=clients.streams_client(settings),
        opensearch=clients.opensearch_client(settings, "batch"),
        segments=segments or settings.rebuild_segments,
        show_progress=not no_progress,
        keep_previous=keep_previous,
    )
    try:
        report = job.run()
    except (LockHeld, RebuildFailed) as exc:
        raise click.ClickException(str(exc)) from exc
    _echo(
        {
            "index": report.index,
            "previous": report.previous,
            "previousDeleted": report.deleted_previous,
            "loaded": report.loaded,
            "deadLettered": report.poison,
            "caughtUp": report.caught_up,
            "mergeSeconds": round(report.merge_seconds, 1),
            "seconds": round(report.seconds, 1),
        }
    )


@main.command("reconcile")
@click.option("--repair", "do_repair", is_flag=True, help="Write the missing and stale documents.")
@click.option("--segments", type=click.IntRange(1, 64), help="Parallel scan segments.")
def reconcile_command(do_repair: bool, segments: int | None) -> None:
    """Compare DynamoDB with the index; exit 1 if drift remains.

    A clean index clears the indexer's record of changes lost to the stream's retention.
    """
    settings = _settings()
    dynamodb = clients.dynamodb_client(settings, "batch")
    opensearch = clients.opensearch_client(settings, "batch")
    alias = settings.opensearch_alias
    lease = Lease(dynamodb, settings.checkpoints_table, f"reconcile#{alias}", 3600)

    def compare_now() -> tuple[Drift, dict[str, State]]:
        return reconcile(
            dynamodb,
            settings.persons_table,
            opensearch,
            alias,
            segments or settings.rebuild_segments,
        )

    checked_from = datetime.now(UTC)
    try:
        with lease:
            drift, index_side = compare_now()
            output: dict[str, Any] = {"drift": drift.summary(), "clean": drift.clean}
            if do_repair and not drift.clean:
                fixed = repair(
                    drift, index_side, dynamodb, settings.persons_table, opensearch, alias
                )
                output["repair"] = {
                    "repaired": sorted(fixed.repaired),
                    "refused": sorted(fixed.refused),
                    "failed": fixed.failed,
                }
                after, _ = compare_now()
                output["after"] = after.summary()
                output["clean"] = after.clean
            if output["clean"]:
                status = CheckpointStore(dynamodb, settings.checkpoints_table)
                output["changesLostCleared"] = status.clear_changes_lost(checked_from)
    except LockHeld as exc:
        raise click.ClickException(str(exc)) from exc
    _echo(output)
    sys.exit(0 if output["clean"] else 1)


@main.group("dead-letters")
def dead_letters() -> None:
    """Records that could never be applied to the index."""


def _dead_letter_store(settings: Settings) -> DeadLetterStore:
    return DeadLetterStore(clients.dynamodb_client(settings, "batch"), settings.dead_letters_table)


@dead_letters.command("list")
def list_dead_letters() -> None:
    """List dead letters (ids, sequence numbers and reasons; never the record's data)."""
    settings = _settings()
    for letter in _dead_letter_store(settings).list():
        click.echo(json.dumps(letter.summary()))


@dead_letters.command("replay")
@click.option("--id", "ids", multiple=True, help="Replay only these dead letters.")
def replay_dead_letters(ids: tuple[str, ...]) -> None:
    """Apply dead letters again; those that now apply are removed from the table."""
    settings = _settings()
    report = replay(
        _dead_letter_store(settings),
        clients.opensearch_client(settings, "batch"),
        settings.opensearch_alias,
        set(ids) or None,
    )
    _echo(
        {
            "applied": report.applied,
            "stillPoison": report.still_poison,
            "notAttempted": report.not_attempted,
        }
    )
    sys.exit(0 if not report.not_attempted else 1)
