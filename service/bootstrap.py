"""Create what the service needs, idempotently: tables, the stream, and the index behind its alias.

Safe to run any number of times: existing tables and an existing alias are left as they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from opensearchpy import OpenSearch

from service.config import Settings
from service.search.nicknames import with_nickname_synonyms
from service.store.aws_errors import error_code

_MAPPING_FILE = re.compile(r"^persons\.v(\d+)\.json$")


@dataclass(frozen=True)
class MappingVersion:
    """One versioned mapping file from `mappings/`."""

    version: int
    path: Path

    def body(self) -> dict[str, Any]:
        """The index body, with the nickname synonyms filled in from the `nicknames` package."""
        body = json.loads(self.path.read_text(encoding="utf-8"))
        body.pop("_comment", None)
        return with_nickname_synonyms(body)


def latest_mapping(mappings_dir: Path) -> MappingVersion:
    """The highest-numbered persons.vN.json in the mappings folder."""
    versions = [
        MappingVersion(int(match.group(1)), path)
        for path in mappings_dir.iterdir()
        if (match := _MAPPING_FILE.match(path.name))
    ]
    if not versions:
        raise FileNotFoundError(f"no persons.vN.json mapping in {mappings_dir}")
    return max(versions, key=lambda v: v.version)


def new_index_name(alias: str, mapping: MappingVersion, now: datetime | None = None) -> str:
    """A unique concrete index name for a mapping version, e.g. persons-v1-20261127t050102."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S%f")
    return f"{alias}-v{mapping.version}-{stamp}"


def _table_exists(client: Any, name: str) -> bool:
    try:
        client.describe_table(TableName=name)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return False
        raise
    return True


def _create_table(
    client: Any, name: str, key: str, stream: bool = False, sort_key: tuple[str, str] | None = None
) -> None:
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if sort_key:  # (attribute name, "S" or "N")
        request["KeySchema"].append({"AttributeName": sort_key[0], "KeyType": "RANGE"})
        request["AttributeDefinitions"].append(
            {"AttributeName": sort_key[0], "AttributeType": sort_key[1]}
        )
    if stream:
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
    try:
        client.create_table(**request)
    except ClientError as exc:
        if error_code(exc) != "ResourceInUseException":
            raise
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})


def ensure_tables(client: Any, settings: Settings) -> list[str]:
    """Create the Persons table (with its stream) and the support tables; returns those created."""
    wanted = [
        (settings.persons_table, "id", True),
        (settings.counters_table, "name", False),
        (settings.checkpoints_table, "key", False),
        (settings.dead_letters_table, "id", False),
    ]
    sorted_tables = [
        (settings.history_table, "personId", ("versionNumber", "N")),
        (settings.extended_table, "personId", ("serviceArea", "S")),
    ]
    wanted += [(settings.cross_references_table, "key", False)]
    created = []
    for name, key, stream in wanted:
        if not _table_exists(client, name):
            _create_table(client, name, key, stream)
            created.append(name)
    for name, key, sort_key in sorted_tables:
        if not _table_exists(client, name):
            _create_table(client, name, key, sort_key=sort_key)
            created.append(name)
    return created


def persons_stream_arn(client: Any, settings: Settings) -> str:
    """The ARN of the Persons table's current stream."""
    table = client.describe_table(TableName=settings.persons_table)["Table"]
    arn = table.get("LatestStreamArn")
    if not arn:
        raise RuntimeError(f"table {settings.persons_table} has no stream enabled")
    return arn


def ensure_index(client: OpenSearch, settings: Settings) -> str:
    """Create the newest mapping's index behind the alias unless it exists; returns the index."""
    alias = settings.opensearch_alias
    if client.indices.exists_alias(name=alias):
        return next(iter(client.indices.get_alias(name=alias)))
    mapping = latest_mapping(settings.mappings_dir)
    index = new_index_name(alias, mapping)
    client.indices.create(index=index, body=mapping.body())
    client.indices.update_aliases(
        body={"actions": [{"add": {"index": index, "alias": alias, "is_write_index": True}}]}
    )
    return index
