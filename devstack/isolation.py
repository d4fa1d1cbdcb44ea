"""Settings with tables and an index alias of their own, for tests and benchmarks."""

from __future__ import annotations

import contextlib
from dataclasses import fields, replace
from typing import Any

from service import clients
from service.config import Settings


def table_fields(settings: Settings) -> list[str]:
    """The names of every table setting (`persons_table`, `history_table`, ...)."""
    return [field.name for field in fields(settings) if field.name.endswith("_table")]


def isolated_settings(base: Settings, suffix: str, **overrides: Any) -> Settings:
    """`base` with every table and the alias renamed with `suffix`, plus `overrides`."""
    renamed = {name: f"{getattr(base, name)}-{suffix}" for name in table_fields(base)}
    return replace(
        base, **renamed, opensearch_alias=f"{base.opensearch_alias}-{suffix}", **overrides
    )


def drop_isolated(settings: Settings) -> None:
    """Delete the tables and indices of isolated settings (a server holding thousands slows)."""
    search = clients.opensearch_client(settings, "batch")
    search.indices.delete(index=f"{settings.opensearch_alias}-*", ignore_unavailable=True)
    dynamodb = clients.dynamodb_client(settings, "batch")
    for name in table_fields(settings):
        with contextlib.suppress(dynamodb.exceptions.ResourceNotFoundException):
            dynamodb.delete_table(TableName=getattr(settings, name))
