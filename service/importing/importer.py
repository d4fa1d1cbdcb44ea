"""Bulk import: valid rows stored exactly as the API's create stores them, in batches.

Each chunk of up to 100 records goes through these steps:

1. parse and validate every record (`rows.parse_record`, the API's create schema); bad records
   and repeats of an id seen earlier in the file go to the report;
2. one consistent BatchGetItem finds the ids already stored: a live person is left as it is
   (counted `alreadyStored`: this is what makes a second run create nothing), an erased one is
   reported and not created again (an import never undoes an erasure);
3. rows with cross references claim each one with a conditional put (free, or already this
   person's); if one belongs to another person, the row's other claims are released and the row
   is reported. Claims come before the person, so a reference never names two people; a run
   stopped between the two leaves claims naming an id not yet stored (`by-reference` answers
   404), which the next run of the same file completes, as the id is the same;
4. one atomic counter update hands out the personRefs of the rows left;
5. the people are written with BatchWriteItem, 25 a call (each put is an INSERT on the stream,
   which the indexer and the history follow as for any create);
6. report lines are appended and the progress file moves past the chunk.

Why not a transaction per row with references, as the API does: BatchWriteItem takes no
condition, so the claim has to be its own conditional write either way, and each person would
then cost a call of its own. On the local DynamoDB API server a transaction also deep-copies every
table it touches (moto's rollback), so its cost grows with the table; at thousands of persons
it dominates the import (see BENCHMARKS.md).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from service.importing.progress import Progress
from service.importing.rows import ID_FIELD, Record, Row, RowError, parse_record
from service.persons import new_person, timestamp
from service.store.crossrefs import Reference
from service.store.persons import PersonStore

CHUNK = 100  # BatchGetItem's limit: one existence check per chunk


def _chunks(records: Iterator[Record], limit: int | None) -> Iterator[list[Record]]:
    """Consecutive chunks of up to CHUNK records, `limit` records in all (None: every one)."""
    remaining = limit
    while remaining is None or remaining > 0:
        chunk = list(islice(records, CHUNK if remaining is None else min(CHUNK, remaining)))
        if not chunk:
            return
        yield chunk
        if remaining is not None:
            remaining -= len(chunk)


@dataclass(frozen=True)
class ImportOptions:
    """How records become people."""

    source_name: str
    changed_by: str
    key_column: str | None = None
    default_reason: str | None = None


@dataclass
class ChunkOutcome:
    """What became of one chunk's records."""

    last_row: int
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)


class Importer:
    """Imports records through the person store; the store (and its client) is injected."""

    def __init__(
        self, store: PersonStore, options: ImportOptions, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._options = options
        self._clock = clock
        self._seen: dict[str, int] = {}  # id -> row that first named it, in this run

    def run(
        self,
        records: Iterator[Record],
        progress: Progress,
        limit: int | None = None,
        advance: Callable[[int], object] = lambda _: None,
        workers: int = 1,
    ) -> Counter[str]:
        """Import records chunk by chunk, at most `limit` of them; progress is saved in row order.

        Rows are validated in this thread while up to `workers` chunks are stored at once, so the
        DynamoDB server always has a request waiting. Progress moves past a chunk only once it and
        every chunk before it are stored; a stop loses at most the chunks in flight, which the
        next run handles again (their stored rows are found and skipped). Two rows of chunks in
        flight together that share a cross reference: whichever claims first keeps it.
        """
        in_flight: deque[tuple[Future[ChunkOutcome], int]] = deque()

        def finish_oldest() -> None:
            future, size = in_flight.popleft()
            outcome = future.result()
            progress.counts.update(outcome.counts)
            progress.record(outcome.errors)
            progress.save(outcome.last_row)
            advance(size)

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import") as pool:
            try:
                for chunk in _chunks(records, limit):
                    outcome = ChunkOutcome(last_row=chunk[-1][0])
                    rows = self._valid_rows(chunk, outcome)
                    in_flight.append((pool.submit(self._store_rows, rows, outcome), len(chunk)))
                    while len(in_flight) > workers or (in_flight and in_flight[0][0].done()):
                        finish_oldest()
                while in_flight:
                    finish_oldest()
            finally:
                for future, _ in in_flight:
                    future.cancel()
        return progress.counts

    def _store_rows(self, rows: list[Row], outcome: ChunkOutcome) -> ChunkOutcome:
        """Check, claim, number and store a chunk's valid rows; adds to `outcome`."""
        stored = self._store.stored_ids([row.person_id for row in rows])
        new_rows = []
        for row in rows:
            if row.person_id not in stored:
                new_rows.append(row)
            elif stored[row.person_id]:
                self._refuse(outcome, row, ID_FIELD, "belongs to an erased person; not created.")
            else:
                outcome.counts["alreadyStored"] += 1
        claimed = [row for row in new_rows if self._claim(row, outcome)]
        if claimed:
            refs = self._store.allocate_person_refs(len(claimed))
            now = timestamp(self._clock())
            self._store.insert_new(
                [
                    new_person(row.data, row.person_id, ref, now, self._options.changed_by)
                    for row, ref in zip(claimed, refs, strict=True)
                ]
            )
            outcome.counts["created"] += len(claimed)
        return outcome

    def _valid_rows(self, records: Iterable[Record], outcome: ChunkOutcome) -> list[Row]:
        """The records that pass validation and name an id not seen earlier in this run."""
        rows = []
        options = self._options
        for number, record in records:
            parsed = parse_record(
                number, record, options.source_name, options.key_column, options.default_reason
            )
            if isinstance(parsed, RowError):
                outcome.errors.append(parsed)
                outcome.counts["invalid"] += 1
                continue
            first = self._seen.setdefault(parsed.person_id, number)
            if first != number:
                self._refuse(outcome, parsed, ID_FIELD, f"repeats the id of row {first}.")
                continue
            rows.append(parsed)
        return rows

    def _claim(self, row: Row, outcome: ChunkOutcome) -> bool:
        """Claim the row's cross references; on a taken one, release the rest and report."""
        references = self._store.references
        claimed: list[Reference] = []
        for index, entry in enumerate(row.data.get("crossReferences") or []):
            ref = (entry["system"], entry["reference"])
            if ref in claimed:
                continue
            if references.claim_alone(row.person_id, ref):
                claimed.append(ref)
                continue
            for held in claimed:
                references.release_own(row.person_id, held)
            self._refuse(
                outcome,
                row,
                f"crossReferences.{index}",
                f"belongs to another person (system {entry['system']}).",
            )
            return False
        return True

    @staticmethod
    def _refuse(outcome: ChunkOutcome, row: Row, field_name: str, message: str) -> None:
        outcome.errors.append(RowError(row.number, row.person_id, {field_name: [message]}))
        outcome.counts["refused"] += 1
