"""Reconciliation: compare DynamoDB (ids, versions, tombstones) with the index, and repair drift.

Drift kinds, per id:
- missing: DynamoDB holds the item (person or tombstone) but the index has no document;
- stale: the index holds an older version, or the wrong deleted state at the same version;
- ahead: the index holds a newer version than DynamoDB (cannot come from the indexer; rebuild);
- extra: the index holds a live person DynamoDB does not have.
An index tombstone for an id DynamoDB no longer holds is expected (a hard delete) and not drift.
Repairs use the same documents and versions as the indexer, with `external_gte` so that an id whose
deletion OpenSearch still remembers at the same version is written again; a repair racing with
the live indexer can still never roll a document back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from opensearchpy import OpenSearch
from opensearchpy.helpers import scan, streaming_bulk

from indexer.apply import APPLIED, STALE, document_action, sort_outcome
from indexer.scan import parallel_scan
from service.domain.tombstone import is_live
from service.store.items import from_item


class State(NamedTuple):
    """An id's version and whether it is deleted, on one side."""

    version: int
    deleted: bool


@dataclass
class Drift:
    """Ids that differ between DynamoDB and the index."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    ahead: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    in_dynamodb: int = 0
    in_index: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.ahead or self.extra)

    def summary(self) -> dict[str, Any]:
        """Counts and ids (ids are not personal data)."""
        return {
            "inDynamodb": self.in_dynamodb,
            "inIndex": self.in_index,
            "missing": sorted(self.missing),
            "stale": sorted(self.stale),
            "ahead": sorted(self.ahead),
            "extra": sorted(self.extra),
        }


def compare(dynamodb: dict[str, State], index: dict[str, State]) -> Drift:
    """The drift between the two sides (a pure function of their states)."""
    drift = Drift(in_dynamodb=len(dynamodb), in_index=len(index))
    for person_id, wanted in dynamodb.items():
        held = index.get(person_id)
        if held is None:
            drift.missing.append(person_id)
        elif held.version < wanted.version:
            drift.stale.append(person_id)
        elif held.version > wanted.version:
            drift.ahead.append(person_id)
        elif held.deleted != wanted.deleted:
            drift.stale.append(person_id)
    for person_id, held in index.items():
        if person_id not in dynamodb and not held.deleted:
            drift.extra.append(person_id)
    return drift


def dynamodb_states(dynamodb: Any, table: str, segments: int) -> dict[str, State]:
    """Every item's version and whether it is hidden from search (erased or merged)."""

    def segment(items: Iterator[dict[str, Any]]) -> dict[str, State]:
        return {
            str(item["id"]): State(int(item.get("versionNumber", 0)), not is_live(item))
            for item in items
        }

    states: dict[str, State] = {}
    for part in parallel_scan(dynamodb, table, segments, segment):
        states.update(part)
    return states


def index_states(client: OpenSearch, alias: str) -> dict[str, State]:
    """Every document's `_version` and deleted flag behind the alias."""
    hits = scan(
        client,
        index=alias,
        query={"query": {"match_all": {}}, "_source": ["isDeleted"], "version": True},
        size=1000,
        scroll="2m",
    )
    return {
        hit["_id"]: State(int(hit["_version"]), bool(hit["_source"].get("isDeleted")))
        for hit in hits
    }


@dataclass
class RepairReport:
    """What a repair wrote; `refused` ids were newer in the index by the time the repair ran."""

    repaired: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def _current_item(dynamodb: Any, table: str, person_id: str) -> dict[str, Any] | None:
    response = dynamodb.get_item(TableName=table, Key={"id": {"S": person_id}}, ConsistentRead=True)
    return from_item(response["Item"]) if "Item" in response else None


def repair_actions(
    drift: Drift, index_side: dict[str, State], dynamodb: Any, table: str, alias: str
) -> Iterator[dict[str, Any]]:
    """Index actions that bring the index in line with DynamoDB as it is now."""
    for person_id in [*drift.missing, *drift.stale]:
        item = _current_item(dynamodb, table, person_id)
        if item is not None:
            yield document_action(item, alias, version_type="external_gte")
    for person_id in drift.extra:
        if _current_item(dynamodb, table, person_id) is None:
            tombstone = {"id": person_id, "isDeleted": True}
            version = index_side[person_id].version + 1
            yield document_action(tombstone, alias, version=version, version_type="external_gte")


def repair(
    drift: Drift,
    index_side: dict[str, State],
    dynamodb: Any,
    table: str,
    client: OpenSearch,
    alias: str,
) -> RepairReport:
    """Write the repairs with external versions; newer documents in the index are left alone."""
    report = RepairReport()
    outcomes = streaming_bulk(
        client,
        repair_actions(drift, index_side, dynamodb, table, alias),
        chunk_size=500,
        max_retries=3,
        raise_on_error=False,
    )
    for ok, info in outcomes:
        kind, outcome, reason = sort_outcome(ok, info)
        person_id = str(outcome.get("_id"))
        if kind == APPLIED:
            report.repaired.append(person_id)
        elif kind == STALE:
            report.refused.append(person_id)
        else:
            report.failed[person_id] = reason or ""
    client.indices.refresh(index=alias)
    return report


def reconcile(
    dynamodb: Any, table: str, client: OpenSearch, alias: str, segments: int
) -> tuple[Drift, dict[str, State]]:
    """Compare both sides now: (drift, the index side's states); the index is read first."""
    client.indices.refresh(index=alias)
    index_side = index_states(client, alias)
    drift = compare(dynamodb_states(dynamodb, table, segments), index_side)
    return drift, index_side
