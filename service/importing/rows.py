"""Reading an import file: records, their ids, and validation with the API's create schema.

Pure functions (no DynamoDB): each record becomes a `Row` (a valid create body and its id) or a
`RowError` (field names and messages, never values).

- CSV: one column per field of the create body (`firstName`, `surname`, ...). Empty cells are
  missing values. `personTypes` and `communicationRequirements` take either a JSON array or
  values separated by `;`; the other list fields (`addresses`, `crossReferences`, `tenures`,
  `identifications`, `languages`) take a JSON array.
- NDJSON: one create body (a JSON object) per line; blank lines are skipped.

Ids, so that importing the same file again creates no one twice:
- an `id` column or member (a UUID) is used as it is;
- else with a key column (the source system's own row key), the id is
  uuid5(IMPORT_NAMESPACE, "key:<column>:<value>"): the same key gives the same id in any file;
- else the id is uuid5(IMPORT_NAMESPACE, "row:<file name>:<row>"): the same file, imported again
  under the same name, gives the same ids. Reordering or inserting rows changes them, so a file
  that will be edited and imported again needs ids or a key column.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from marshmallow import ValidationError

from service.api.schemas import PersonCreateSchema
from service.domain.vocabulary import LIST_FIELDS

# A fixed namespace for derived ids; changing it would re-derive every id (and duplicate people).
IMPORT_NAMESPACE = uuid.UUID("89c02945-4301-4e6c-83da-d08534785106")
ID_FIELD = "id"
STRING_LIST_FIELDS = frozenset({"personTypes", "communicationRequirements"})
JSON_CELL_FIELDS = LIST_FIELDS - STRING_LIST_FIELDS
# The "field" of an error about the record as a whole.
ROW_FIELD = "_row"
_SCHEMA = PersonCreateSchema()

Record = tuple[int, dict[str, Any] | None]


@dataclass(frozen=True)
class Row:
    """A valid record: its number in the file, its person id and the validated create body."""

    number: int
    person_id: str
    data: dict[str, Any]


@dataclass(frozen=True)
class RowError:
    """Why a record was not imported: per field, messages that never repeat the value."""

    number: int
    person_id: str | None
    errors: dict[str, list[str]]


def csv_records(handle: TextIO, after: int = 0) -> Iterator[Record]:
    """(row number from 1 after the header, cells with empty ones left out) per CSV record.

    Records numbered up to `after` are skipped without being decoded.
    """
    for number, cells in enumerate(csv.DictReader(handle), start=1):
        if number <= after:
            continue
        record: dict[str, Any] = {}
        for column, value in cells.items():
            if column is None:  # DictReader's key for cells beyond the header
                record[ROW_FIELD] = _BadCell("has more cells than the header has columns.")
            elif value is not None and value.strip():
                record[column.strip()] = decode_cell(column.strip(), value)
        yield number, record


def ndjson_records(handle: TextIO, after: int = 0) -> Iterator[Record]:
    """(line number, the JSON object, or None when the line is not a JSON object) per line.

    Lines numbered up to `after` are skipped without being decoded.
    """
    for number, line in enumerate(handle, start=1):
        if number <= after or not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            yield number, None
            continue
        yield number, value if isinstance(value, dict) else None


class _BadCell:
    """A CSV cell that could not be decoded (kept so the error names its field)."""

    def __init__(self, message: str) -> None:
        self.message = message


def decode_cell(column: str, value: str) -> Any:
    """A CSV cell as the value the create body holds for that field."""
    text = value.strip()
    if column in STRING_LIST_FIELDS and not text.startswith("["):
        return [part.strip() for part in text.split(";") if part.strip()]
    if column in STRING_LIST_FIELDS or column in JSON_CELL_FIELDS:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return _BadCell("is not a valid JSON array.")
    return value


READERS = {"csv": csv_records, "ndjson": ndjson_records}


def record_numbers(handle: TextIO, fmt: str) -> Iterator[int]:
    """The number of every record in the file, without decoding any (for progress bars)."""
    if fmt == "csv":
        reader = csv.reader(handle)
        next(reader, None)
        yield from range(1, sum(1 for _ in reader) + 1)
        return
    yield from (number for number, line in enumerate(handle, start=1) if line.strip())


def file_format(name: str) -> str:
    """`csv` or `ndjson`, from the file name's extension."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in {"ndjson", "jsonl"}:
        return "ndjson"
    if suffix == "csv":
        return "csv"
    raise ValueError(f"cannot tell the format of {name!r}: name it .csv, .ndjson or .jsonl")


def derived_id(source_name: str, number: int, key_column: str | None, key: Any) -> str:
    """The id of a record without one: from its key when the file has a key column, else its row."""
    if key_column is not None:
        return str(uuid.uuid5(IMPORT_NAMESPACE, f"key:{key_column}:{key}"))
    return str(uuid.uuid5(IMPORT_NAMESPACE, f"row:{source_name}:{number}"))


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"addresses.0.postcode": [...]}."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, inner in messages.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            for field, texts in flatten_messages(inner, name).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    if isinstance(messages, list) and all(isinstance(text, str) for text in messages):
        return {prefix or ROW_FIELD: list(messages)}
    return {prefix or ROW_FIELD: [str(messages)]}


def parse_record(
    number: int,
    record: dict[str, Any] | None,
    source_name: str,
    key_column: str | None = None,
    default_reason: str | None = None,
) -> Row | RowError:
    """Validate one record with the API's create schema and give it its id."""
    if record is None:
        return RowError(number, None, {ROW_FIELD: ["is not a JSON object."]})
    body = dict(record)
    errors: dict[str, list[str]] = {}
    person_id, id_error = _id_of(body, number, source_name, key_column)
    if id_error:
        errors[id_error[0]] = [id_error[1]]
    for field, value in list(body.items()):
        if isinstance(value, _BadCell):
            errors[field] = [value.message]
            del body[field]
    if default_reason and not body.get("reason"):
        body["reason"] = default_reason
    try:
        data = _SCHEMA.load(body)
    except ValidationError as exc:
        for field, texts in flatten_messages(exc.messages).items():
            errors.setdefault(field, []).extend(texts)
        data = None
    if errors or data is None:
        return RowError(number, person_id, errors)
    assert person_id is not None
    return Row(number, person_id, data)


def _id_of(
    body: dict[str, Any], number: int, source_name: str, key_column: str | None
) -> tuple[str | None, tuple[str, str] | None]:
    """(person id, (field, message) if it cannot be had); takes the id and key out of `body`."""
    given = body.pop(ID_FIELD, None)
    key = body.pop(key_column, None) if key_column else None
    if given is not None:
        try:
            return str(uuid.UUID(str(given))), None
        except ValueError:
            return None, (ID_FIELD, "is not a UUID.")
    if key_column is not None:
        if key is None or not str(key).strip():
            return None, (key_column, "is missing: the key column names each row's id.")
        return derived_id(source_name, number, key_column, str(key).strip()), None
    return derived_id(source_name, number, None, None), None
