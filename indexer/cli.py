"""`person-indexer`: run the stream indexer."""

from __future__ import annotations

import logging
import signal
import threading

import click

from indexer.runner import build_poller
from service.config import Settings
from service.logs import configure_logging

log = logging.getLogger("indexer")


@click.group()
def main() -> None:
    """The person index's indexer: DynamoDB Streams into OpenSearch."""


@main.command()
def run() -> None:
    """Tail the Persons stream and apply every change to OpenSearch until SIGTERM or Ctrl-C."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    poller = build_poller(settings)
    log.info("indexer started", extra={"index": settings.opensearch_alias})
    poller.run(stop, idle_sleep=settings.indexer_idle_sleep_seconds)
    log.info("indexer stopped")
