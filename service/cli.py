"""`person-index`: operational commands of the service."""

from __future__ import annotations

import time

import click

from service import clients
from service.auth import mint_token
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
