"""Extracts of every live person for analysts: CSV, NDJSON or Parquet, in constant memory.

Persons come from a paginated DynamoDB scan (one page held at a time) and leave as text chunks
or Parquet row groups, so the size of the register never decides the memory used. Only the core
record is exported: extended data lives in its own table and never appears. The API's export
and the `person-index export` command share this module.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from service.domain.export_rows import COLUMN_NAMES, COLUMNS, flat_row
from service.domain.tombstone import is_live
from service.persons import present, timestamp
from service.store.persons import PersonStore

TEXT_FORMATS = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
_CHUNK_CHARS = 64 * 1024
_PARQUET_BATCH_ROWS = 5000


class ParquetUnavailable(RuntimeError):
    """pyarrow is not installed (it is the optional `export` extra)."""


class InvalidSince(ValueError):
    """A modifiedSince value that is not an ISO 8601 date or date-time."""


def since_key(value: str) -> str:
    """An ISO 8601 date or date-time (UTC unless it says otherwise) in the stored form of
    `lastModified`, so the two compare as text."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidSince(
            "must be an ISO 8601 date or date-time, e.g. 2026-11-01T00:00:00Z"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return timestamp(moment)


def live_persons(
    store: PersonStore, modified_since: str | None = None, page_size: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every live person (changed at or after `modified_since`, a `since_key`), scan order."""
    for item in store.scan(page_size=page_size):
        if not is_live(item):
            continue
        if modified_since and str(item.get("lastModified", "")) < modified_since:
            continue
        yield item


def exported_record(person: dict[str, Any], today: date) -> dict[str, Any]:
    """A person as NDJSON carries it: as the API reads it, without caller-dependent links."""
    record = present(person, today)
    record.pop("links", None)
    return record


def _chunks(lines: Iterable[str]) -> Iterator[str]:
    """Lines gathered into chunks of about 64 KB (fewer, larger writes to the socket)."""
    buffer: list[str] = []
    size = 0
    for line in lines:
        buffer.append(line)
        size += len(line)
        if size >= _CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _csv_lines(persons: Iterable[dict[str, Any]], today: date) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
    writer.writeheader()
    for person in persons:
        writer.writerow(flat_row(person, today))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def _ndjson_lines(persons: Iterable[dict[str, Any]], today: date) -> Iterator[str]:
    for person in persons:
        yield json.dumps(exported_record(person, today), ensure_ascii=False) + "\n"


def text_export(persons: Iterable[dict[str, Any]], fmt: str, today: date) -> Iterator[str]:
    """The persons as CSV (flat columns, header first) or NDJSON (one record a line), chunked."""
    lines = _csv_lines(persons, today) if fmt == "csv" else _ndjson_lines(persons, today)
    return _chunks(lines)


_ARROW_TYPES = {"string": "string", "integer": "int64", "boolean": "bool_"}


def write_parquet(persons: Iterable[dict[str, Any]], out: Path, today: date) -> int:
    """Write the flat rows to a Parquet file, a row group per 5,000 persons; returns the count.

    Columns are typed (COLUMNS' kinds); memory holds one row group.

    Needs pyarrow (`pip install person-index[export]`).
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ParquetUnavailable(
            "Parquet needs pyarrow: pip install 'person-index[export]'"
        ) from exc
    schema = pa.schema(
        [pa.field(column.name, getattr(pa, _ARROW_TYPES[column.kind])()) for column in COLUMNS]
    )
    count = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(out, schema) as writer:
        for person in persons:
            batch.append(flat_row(person, today))
            if len(batch) == _PARQUET_BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
