"""`person-index`: operational commands of the service."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
from tqdm import tqdm

from service import clients
from service.auth import mint_token
from service.bootstrap import ensure_index, ensure_tables
from service.config import Settings
from service.matching import training
from service.matching.model import hand_set_model, load_model
from service.search.register import count_live, live_documents


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
    total = count_live(client, settings.opensearch_alias)
    documents = list(
        tqdm(live_documents(client, settings.opensearch_alias), total=total, desc="read register")
    )
    if len(documents) < 2:
        raise click.ClickException(f"the register holds {len(documents)} live persons: too few")
    begin = load_model(start) if start else hand_set_model()
    learned = training.train(
        documents,
        begin,
        random_pair_count=random_pairs,
        max_blocked_pairs=max_pairs,
        seed=seed,
        progress=lambda items, label, count: tqdm(items, desc=label, total=count),
    )
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(learned.to_json(), indent=1) + "\n", encoding="utf-8")
    partial.replace(out)
    for field in ("firstName", "surname", "dateOfBirth", "address"):
        exact = "same" if field == "address" else "exact"
        click.echo(
            f"{field}: {exact} {learned.weight(field, exact):+.1f}, "
            f"different {learned.weight(field, 'different'):+.1f}"
        )
    click.echo(f"model of {len(documents)} persons written to {out}")
