"""`person-index`: operational commands of the service."""

from __future__ import annotations

import click

from service import clients
from service.bootstrap import ensure_index, ensure_tables
from service.config import Settings


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
