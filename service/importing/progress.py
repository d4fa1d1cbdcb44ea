"""The import's report of rows not imported, and the progress file that lets a stopped run resume.

The report is a CSV of `row, id, field, message`: never a value from the file. The progress file
sits next to it (`<report>.progress.json`) and names the file it belongs to (by content hash)
and the last row handled: every row up to it is stored or in the report. A run that finds a
progress file for the same content continues after that row and drops report lines of later
rows (they are handled again); for other content, or with `restart`, it starts from the first
row. Ids make a row handled twice harmless: a stored person is never written again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from service.importing.rows import RowError

REPORT_COLUMNS = ("row", "id", "field", "message")


def file_fingerprint(path: Path) -> str:
    """The SHA-256 of the file's content."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def progress_path(report: Path) -> Path:
    return report.with_name(report.name + ".progress.json")


@dataclass
class Progress:
    """Where an import stands: the last row handled and the counts so far."""

    report: Path
    fingerprint: str
    last_row: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def open(cls, report: Path, fingerprint: str, restart: bool = False) -> Progress:
        """Resume the progress recorded for this content, or start afresh (new report)."""
        saved = _load(progress_path(report))
        if not restart and saved and saved.get("fingerprint") == fingerprint:
            progress = cls(report, fingerprint, int(saved["lastRow"]), Counter(saved["counts"]))
            _keep_report_rows(report, progress.last_row)
            return progress
        report.parent.mkdir(parents=True, exist_ok=True)
        with report.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow(REPORT_COLUMNS)
        return cls(report, fingerprint)

    def record(self, errors: Iterable[RowError]) -> None:
        """Append report lines for rows not imported, in row order."""
        with self.report.open("a", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for error in sorted(errors, key=lambda error: error.number):
                for name, messages in sorted(error.errors.items()):
                    for message in messages:
                        writer.writerow([error.number, error.person_id or "", name, message])

    def save(self, last_row: int) -> None:
        """Mark every row up to `last_row` handled (written atomically)."""
        self.last_row = last_row
        path = progress_path(self.report)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(
            json.dumps(
                {"fingerprint": self.fingerprint, "lastRow": last_row, "counts": self.counts},
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        os.replace(temporary, path)


def _load(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _keep_report_rows(report: Path, last_row: int) -> None:
    """Drop report lines of rows after `last_row` (a stopped run may have written them)."""
    lines: list[list[str]] = []
    if report.exists():
        with report.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            lines = [line for line in reader if line and line[0].isdigit()]
    with report.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(line for line in lines if int(line[0]) <= last_row)
