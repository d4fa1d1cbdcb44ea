"""Residents straight into a fresh index: the project's mapping and document builder, bulk load.

DynamoDB is left out on purpose (the issue measures it separately): this is the index a million
stored persons would produce, loaded as fast as this node takes it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import parallel_bulk
from tqdm import tqdm

from benchmarks.scale.population import Population
from indexer.rebuild import merge_to_one_segment
from service.api.schemas import PersonCreateSchema
from service.bootstrap import ensure_index
from service.config import Settings
from service.domain.search_document import search_document

CREATED_AT = "2026-01-01T00:00:00.000Z"
CALLER = "scale-benchmark"
# The create schema costs about a millisecond a person here: every VALIDATE_EVERY-th resident is
# checked to be stored exactly as its create body says, which is what the generator promises.
VALIDATE_EVERY = 100
CHUNK_SIZE = 500
BULK_THREADS = 2


class GeneratorDrift(AssertionError):
    """A generated body would not be stored as generated: the benchmark would index fiction."""


@dataclass(frozen=True)
class LoadFigures:
    documents: int
    seconds: float
    index: str
    store_bytes: int
    primary_store_bytes: int
    segments: int
    # The force merge into one segment that `person-indexer rebuild` ends its load with.
    merge_seconds: float | None = None

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


def stored_item(body: dict[str, Any], person_id: str, person_ref: int) -> dict[str, Any]:
    """The item the store writes for this create body (as `PersonService.create` builds it)."""
    data = {key: value for key, value in body.items() if key != "key" and value is not None}
    return {
        **data,
        "id": person_id,
        "personRef": person_ref,
        "createdAt": CREATED_AT,
        "lastModified": CREATED_AT,
        "lastModifiedBy": CALLER,
        "versionNumber": 1,
    }


def resident_documents(population: Population) -> Iterator[dict[str, Any]]:
    """The search document of every resident, in order (resident n has personRef n + 1)."""
    schema = PersonCreateSchema()
    for number, body in enumerate(population):
        if number % VALIDATE_EVERY == 0:
            submitted = {key: value for key, value in body.items() if key != "key"}
            if schema.load(submitted) != submitted:
                raise GeneratorDrift(f"{body['key']} is not stored as generated: {body}")
        yield search_document(stored_item(body, population.id_of(body["key"]), number + 1))


def _actions(population: Population, index: str) -> Iterator[dict[str, Any]]:
    for document in resident_documents(population):
        yield {"_index": index, "_id": document["id"], "_source": document}


def _index_settings(client: OpenSearch, index: str) -> dict[str, Any]:
    return client.indices.get_settings(index=index)[index]["settings"]["index"]


def bulk_all(client: OpenSearch, actions: Iterable[dict[str, Any]], total: int, label: str) -> None:
    """Send every bulk action (`BULK_THREADS` threads, chunks of `CHUNK_SIZE`) with a progress
    bar; RuntimeError on the first document the node refuses."""
    progress = tqdm(total=total, desc=label, unit="doc", smoothing=0.05, leave=False)
    for ok, result in parallel_bulk(
        client,
        actions,
        thread_count=BULK_THREADS,
        chunk_size=CHUNK_SIZE,
        queue_size=BULK_THREADS * 2,
    ):
        if not ok:
            raise RuntimeError(f"{label} failed: {result}")
        progress.update()
    progress.close()


def load(client: OpenSearch, settings: Settings, population: Population) -> LoadFigures:
    """Create the alias's index (the latest mapping) and bulk-load every resident into it.

    Replicas 0 and refresh off while loading, then both restored to the mapping's values and
    the index refreshed: the timed part ends when every document is searchable.
    """
    index = ensure_index(client, settings)
    before = _index_settings(client, index)
    restore = {
        "number_of_replicas": before.get("number_of_replicas", "0"),
        "refresh_interval": before.get("refresh_interval"),  # None: back to the default
    }
    client.indices.put_settings(
        index=index, body={"index": {"number_of_replicas": 0, "refresh_interval": "-1"}}
    )
    started = time.perf_counter()
    bulk_all(client, _actions(population, index), len(population), "bulk load")
    client.indices.put_settings(index=index, body={"index": restore})
    client.indices.refresh(index=index)
    seconds = time.perf_counter() - started
    return _merged(
        client, LoadFigures(len(population), seconds, index, *index_sizes(client, index))
    )


def _merged(client: OpenSearch, figures: LoadFigures) -> LoadFigures:
    """The index merged into one segment as a rebuild leaves it (timed apart from the load)."""
    if figures.segments <= 1:
        return figures
    started = time.perf_counter()
    merge_to_one_segment(client, figures.index)
    client.indices.refresh(index=figures.index)
    merge_seconds = time.perf_counter() - started
    store, primary, segments = index_sizes(client, figures.index)
    return replace(
        figures,
        store_bytes=store,
        primary_store_bytes=primary,
        segments=segments,
        merge_seconds=merge_seconds,
    )


def index_sizes(client: OpenSearch, index: str) -> tuple[int, int, int]:
    """Store size (all copies), primary store size and segment count of the index."""
    row = client.cat.indices(index=index, format="json", bytes="b")[0]
    stats = client.indices.stats(index=index, metric="segments")["indices"][index]
    return (
        int(row["store.size"]),
        int(row["pri.store.size"]),
        stats["primaries"]["segments"]["count"],
    )


def distinct_names(client: OpenSearch, index: str) -> tuple[int, int]:
    """Distinct surnames and first names in the index (HyperLogLog, exact below 40,000)."""
    aggregations = {
        field: {"cardinality": {"field": f"{field}.keyword", "precision_threshold": 40_000}}
        for field in ("surname", "firstName")
    }
    response = client.search(index=index, body={"size": 0, "aggs": aggregations})
    values = response["aggregations"]
    return values["surname"]["value"], values["firstName"]["value"]


def load_or_reuse(
    client: OpenSearch, settings: Settings, population: Population, record: Path | None
) -> tuple[LoadFigures, bool]:
    """The alias's index as loaded by an earlier run (its figures read from `record`) when it
    holds exactly this population's count, otherwise a fresh load whose figures go to `record`
    (None: always a fresh load, nothing recorded). True when reused. A million persons take long
    to load on two cores; the queries measured against them do not depend on the run that loaded
    them."""
    if record is None:
        return load(client, settings, population), False
    alias = settings.opensearch_alias
    if record.exists() and client.indices.exists_alias(name=alias):
        figures = LoadFigures(**json.loads(record.read_text()))
        if client.count(index=alias)["count"] == len(population) == figures.documents:
            merged = _merged(client, figures)  # an index kept from before merging was done
            record.write_text(json.dumps(asdict(merged)))
            return merged, True
    if client.indices.exists_alias(name=alias):
        client.indices.delete(index=f"{alias}-*")
    figures = load(client, settings, population)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(asdict(figures)))
    return figures, False
