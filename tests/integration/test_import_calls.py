"""The import's DynamoDB calls per chunk, counted as the import benchmark counts them.

On the local server every request has a fixed cost, so the number of calls is what the import's
speed rests on: per chunk of up to 100 rows one existence check, one counter update and one
BatchWriteItem per 25 people, plus one conditional put per cross reference.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from benchmarks.importing.calls import CallTimes
from service import clients
from service.config import Settings
from service.importing.importer import Importer, ImportOptions
from service.importing.progress import Progress
from service.importing.rows import Record
from service.store.persons import PersonStore
from tests.integration.people import person_body


def _import(settings: Settings, records: list[Record], report: Path) -> CallTimes:
    calls = CallTimes()
    store = PersonStore(
        calls.attach(clients.dynamodb_client(settings, "batch")),
        settings.persons_table,
        settings.counters_table,
        settings.cross_references_table,
    )
    importer = Importer(
        store,
        ImportOptions("calls.ndjson", "tester", None, "Bulk import"),
        lambda: datetime.now(UTC),
    )
    counts = importer.run(iter(records), Progress.open(report, "calls"), workers=2)
    assert counts["created"] + counts["alreadyStored"] == len(records)
    return calls


def test_a_chunk_costs_one_check_one_counter_update_a_write_per_25_and_a_put_per_reference(
    settings: Settings, tmp_path: Path
) -> None:
    records: list[Record] = [
        (
            n,
            person_body(
                firstName=f"Name{n}",
                crossReferences=[{"system": "housing", "reference": f"C-{n}"}]
                if n % 10 == 0
                else [],
            ),
        )
        for n in range(1, 131)
    ]
    first = _import(settings, records, tmp_path / "first.csv")
    assert dict(first.calls) == {
        "BatchGetItem": 2,  # chunks of 100 and 30 rows
        "PutItem": 13,  # rows 10, 20, ..., 130 hold a reference
        "UpdateItem": 2,
        "BatchWriteItem": 6,  # 4 for 100 people, 2 for 30
    }
    assert all(first.seconds[name] > 0 for name in first.calls)
    assert [name for name, _, _ in first.rows()] == sorted(
        first.calls, key=lambda name: -first.seconds[name]
    )

    again = _import(settings, records, tmp_path / "again.csv")
    assert dict(again.calls) == {"BatchGetItem": 2}  # everyone is stored: checked, nothing written
