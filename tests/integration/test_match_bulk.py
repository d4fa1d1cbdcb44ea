"""Bulk matching CLI against the real servers: CSV in, CSV out, dirty rows matched with
warnings, rows of the wrong shape skipped, resumable."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from flask.testing import FlaskClient

from service.config import Settings
from service.matching import bulk
from tests.integration.indexer_helpers import settings_env
from tests.integration.people import person_body


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_bulk_matching_writes_candidates_keeps_dirty_rows_skips_bad_rows_and_resumes(
    client: FlaskClient, index_all, settings: Settings, tmp_path: Path
) -> None:
    robert = client.post(
        "/api/v1/persons",
        json=person_body(firstName="Robert", surname="Smith", dateOfBirth="1984-03-05"),
    ).get_json()
    client.post(
        "/api/v1/persons",
        json=person_body(firstName="Roberta", surname="Smith", dateOfBirth="1990-01-01"),
    )
    index_all()
    source = tmp_path / "people.csv"
    source.write_text(
        "id,firstName,surname,dateOfBirth,nationalInsuranceNo\n"
        "a1,Bob,Smith,1984-03-05,\n"
        "a2,Nobody,Atall,1901-01-01,\n"
        "a3,Ann,Lee,31/02/1980,\n"
        "a4,Smith,Robert,1984-05-03,\n"
        "a5,Robert,Smith,2984-03-05,AB 12 34 56 CC\n"
        f"a6,{'x' * 101},Lee,,\n",
        encoding="utf-8",
    )
    output = tmp_path / "matches.csv"
    runner = CliRunner()
    first = runner.invoke(
        bulk.main, [str(source), str(output), "--limit", "2"], env=settings_env(settings)
    )
    assert first.exit_code == 0, first.output
    assert "row a6: invalid (firstName); skipped" in first.output
    assert "row a3" not in first.output and "row a5" not in first.output
    assert "1980" not in first.output and "xxx" not in first.output  # no personal data
    rows = _rows(output)
    by_input = {}
    for row in rows:
        by_input.setdefault(row["inputId"], []).append(row)
    assert [r["status"] for r in by_input["a2"]] == ["no-match"]
    assert by_input["a6"] == [{**by_input["a6"][0], "status": "invalid", "error": "firstName"}]
    # An impossible date is compared as given and named in the warnings column, never its value.
    (dirty,) = by_input["a3"]
    assert dirty["status"] == "no-match"
    assert dirty["warnings"] == "dateOfBirth: is not a real date; compared as given"
    # A mistyped year and a malformed NI number still find the person, with both warnings.
    mistyped = by_input["a5"][0]
    assert (mistyped["candidateId"], mistyped["status"]) == (robert["id"], "matched")
    assert "dateOfBirth:typo" in mistyped["reasons"]
    assert mistyped["warnings"] == (
        "dateOfBirth: is not between 1900 and today; compared as given | "
        "nationalInsuranceNo: is not a valid National Insurance number; compared as given"
    )
    assert all(row["warnings"] == mistyped["warnings"] for row in by_input["a5"])
    assert by_input["a1"][0]["warnings"] == ""
    best = by_input["a1"][0]
    assert (best["rank"], best["candidateId"], best["grade"]) == ("1", robert["id"], "certain")
    assert "firstName:nickname" in best["reasons"] and 0.995 <= float(best["score"]) <= 1
    swapped = by_input["a4"][0]
    assert swapped["candidateId"] == robert["id"]
    assert (
        "swappedNames:swapped" in swapped["reasons"] and "dateOfBirth:swapped" in swapped["reasons"]
    )

    with source.open("a", encoding="utf-8") as handle:
        handle.write("a7,Roberta,Smith,1990-01-01,\n")
    again = runner.invoke(
        bulk.main, [str(source), str(output), "--limit", "2"], env=settings_env(settings)
    )
    assert again.exit_code == 0, again.output
    assert "skipped: 6" in again.output and "matched: 1" in again.output
    resumed = _rows(output)
    assert resumed[: len(rows)] == rows
    assert {r["inputId"] for r in resumed[len(rows) :]} == {"a7"}
