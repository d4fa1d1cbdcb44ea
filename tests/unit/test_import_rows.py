"""The import's pure parts: records, ids, validation, personRef blocks, resends, progress."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest

from service.importing.progress import Progress, progress_path
from service.importing.rows import (
    IMPORT_NAMESPACE,
    Row,
    RowError,
    csv_records,
    derived_id,
    file_format,
    ndjson_records,
    parse_record,
    record_numbers,
)
from service.store.batches import Backoff, BatchNotProcessed, batch_write
from service.store.persons import ref_block

VALID = {
    "title": "Ms",
    "firstName": "Aisha",
    "surname": "Okonkwo",
    "personTypes": ["Tenant"],
    "reason": "Migration",
}


def test_csv_cells_become_the_create_body() -> None:
    text = (
        "title,firstName,surname,personTypes,addresses,middleName\n"
        'Ms,Aisha,Okonkwo,Tenant; Leaseholder,"[{""fullAddress"": ""1 Glyn Road""}]",\n'
        'Mr,Tom,Smith,"[""Tenant""]",[not json,\n'
    )
    (first_number, first), (second_number, second) = csv_records(io.StringIO(text))
    assert first_number == 1 and second_number == 2
    assert first == {
        "title": "Ms",
        "firstName": "Aisha",
        "surname": "Okonkwo",
        "personTypes": ["Tenant", "Leaseholder"],
        "addresses": [{"fullAddress": "1 Glyn Road"}],
    }  # the empty middleName cell is a missing value
    assert second["personTypes"] == ["Tenant"]
    error = parse_record(2, second, "people.csv", default_reason="Migration")
    assert isinstance(error, RowError)
    assert error.errors == {"addresses": ["is not a valid JSON array."]}


def test_csv_records_after_a_row_skip_the_earlier_ones() -> None:
    text = "firstName\nA\nB\nC\n"
    assert [number for number, _ in csv_records(io.StringIO(text), after=2)] == [3]
    assert list(record_numbers(io.StringIO(text), "csv")) == [1, 2, 3]


def test_ndjson_numbers_are_line_numbers_and_non_objects_are_errors() -> None:
    text = '{"firstName": "A"}\n\n[1, 2]\nnot json\n'
    records = list(ndjson_records(io.StringIO(text)))
    assert records == [(1, {"firstName": "A"}), (3, None), (4, None)]
    assert list(record_numbers(io.StringIO(text), "ndjson")) == [1, 3, 4]
    error = parse_record(3, None, "people.ndjson")
    assert isinstance(error, RowError) and error.errors == {"_row": ["is not a JSON object."]}


def test_a_valid_record_is_normalised_by_the_api_schema() -> None:
    row = parse_record(7, {**VALID, "nationalInsuranceNo": "ab 12 34 56 c"}, "people.csv")
    assert isinstance(row, Row)
    assert row.number == 7 and row.data["nationalInsuranceNo"] == "AB123456C"


def test_errors_name_nested_fields_and_never_hold_the_value() -> None:
    record = {
        **VALID,
        "dateOfBirth": "1980-02-31",
        "addresses": [{"fullAddress": "1 Glyn Road", "postcode": "XX99 SECRET"}],
        "shoeSize": "44",
    }
    error = parse_record(3, record, "people.csv")
    assert isinstance(error, RowError)
    assert set(error.errors) == {"dateOfBirth", "addresses.0.postcode", "shoeSize"}
    text = repr(error.errors)
    assert "SECRET" not in text and "1980" not in text and "44" not in text


def test_a_missing_reason_takes_the_default_and_the_id_column_is_used_as_it_is() -> None:
    given = str(uuid.uuid4())
    no_reason = {key: value for key, value in VALID.items() if key != "reason"}
    row = parse_record(1, {**no_reason, "id": given.upper()}, "f.csv", default_reason="Load")
    assert isinstance(row, Row)
    assert row.person_id == given and row.data["reason"] == "Load"
    assert "id" not in row.data
    bad = parse_record(1, {**VALID, "id": "not-a-uuid"}, "f.csv")
    assert isinstance(bad, RowError) and bad.errors == {"id": ["is not a UUID."]}


def test_derived_ids_follow_the_key_else_the_file_name_and_row() -> None:
    by_key = parse_record(5, {**VALID, "legacyId": "A-17"}, "march.csv", key_column="legacyId")
    again = parse_record(9, {**VALID, "legacyId": "A-17"}, "april.csv", key_column="legacyId")
    assert isinstance(by_key, Row) and isinstance(again, Row)
    assert by_key.person_id == again.person_id == derived_id("x", 0, "legacyId", "A-17")
    assert by_key.person_id == str(uuid.uuid5(IMPORT_NAMESPACE, "key:legacyId:A-17"))
    assert "legacyId" not in by_key.data
    missing = parse_record(5, VALID, "march.csv", key_column="legacyId")
    assert isinstance(missing, RowError) and list(missing.errors) == ["legacyId"]
    by_row = [parse_record(n, VALID, "march.csv") for n in (1, 2)]
    ids = {row.person_id for row in by_row if isinstance(row, Row)}
    assert len(ids) == 2
    assert parse_record(1, VALID, "march.csv") == by_row[0]  # the same row, the same id


def test_file_format_comes_from_the_extension() -> None:
    assert file_format("People.CSV") == "csv"
    assert file_format("people.jsonl") == file_format("people.ndjson") == "ndjson"
    with pytest.raises(ValueError, match="cannot tell"):
        file_format("people.xlsx")


@pytest.mark.parametrize(
    ("counter_after", "count", "expected"),
    [(1, 1, [1]), (100, 25, list(range(76, 101))), (3, 3, [1, 2, 3])],
)
def test_a_block_is_the_count_values_up_to_the_counter(
    counter_after: int, count: int, expected: list[int]
) -> None:
    assert list(ref_block(counter_after, count)) == expected


def test_a_block_larger_than_the_counter_is_refused() -> None:
    with pytest.raises(ValueError):
        ref_block(3, 4)
    with pytest.raises(ValueError):
        ref_block(3, 0)


class UnprocessedFirst:
    """A stand-in for BatchWriteItem that hands back the last item unprocessed `times` times."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.calls: list[list[dict[str, Any]]] = []

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        ((table, requests),) = RequestItems.items()
        self.calls.append(requests)
        if self.times:
            self.times -= 1
            return {"UnprocessedItems": {table: requests[-1:]}}
        return {"UnprocessedItems": {}}


def test_unprocessed_items_are_sent_again_with_growing_pauses() -> None:
    client = UnprocessedFirst(times=2)
    pauses: list[float] = []
    requests = [{"PutRequest": {"Item": {"id": {"S": str(n)}}}} for n in range(30)]
    resends = batch_write(client, "Persons", requests, sleep=pauses.append)
    assert resends == 2
    assert [len(call) for call in client.calls] == [25, 1, 1, 5]
    assert pauses == [0.05, 0.1]


def test_items_still_unprocessed_after_every_attempt_raise() -> None:
    client = UnprocessedFirst(times=10)
    with pytest.raises(BatchNotProcessed):
        batch_write(client, "Persons", [{"PutRequest": {"Item": {}}}], Backoff(3), lambda _: None)


def test_progress_resumes_for_the_same_content_and_drops_later_report_lines(
    tmp_path: Path,
) -> None:
    report = tmp_path / "people.csv.report.csv"
    first = Progress.open(report, "hash-1")
    first.record([RowError(2, None, {"dateOfBirth": ["Not a valid date."]})])
    first.counts["created"] += 3
    first.save(4)
    first.record([RowError(6, None, {"surname": ["Missing data for required field."]})])
    # stopped before saving past row 6: the next run handles rows 5 and 6 again
    resumed = Progress.open(report, "hash-1")
    assert (resumed.last_row, resumed.counts["created"]) == (4, 3)
    assert report.read_text().splitlines() == [
        "row,id,field,message",
        "2,,dateOfBirth,Not a valid date.",
    ]
    other = Progress.open(report, "hash-2")
    assert other.last_row == 0 and report.read_text().splitlines() == ["row,id,field,message"]
    assert progress_path(report).exists()
    restarted = Progress.open(report, "hash-1", restart=True)
    assert restarted.last_row == 0
