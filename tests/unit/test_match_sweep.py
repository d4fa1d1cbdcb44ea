"""The pure parts of the duplicate sweep: pair order, self-matches, resuming from the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.matching.sweep import (
    PAIR_COLUMNS,
    SweepOutputMismatch,
    pair_key,
    pair_rows,
    query_of_document,
    read_progress,
    write_progress,
    written_pairs,
)


def _result(person_id: str, score: float = 0.99) -> dict:
    reasons = [{"field": "surname", "agreement": "exact", "weight": 7.25}]
    person = {"id": person_id, "personRef": 7}
    return {"person": person, "score": score, "grade": "certain", "reasons": reasons}


def test_a_pair_is_written_in_id_order_and_a_person_never_pairs_with_itself() -> None:
    rows = pair_rows({"id": "b", "personRef": 2}, [_result("b"), _result("a")])
    assert rows == [
        {
            "firstId": "a",
            "secondId": "b",
            "firstPersonRef": 7,
            "secondPersonRef": 2,
            "score": "0.990000",
            "grade": "certain",
            "reasons": "surname:exact(+7.2)",
        }
    ]
    assert pair_key("b", "a") == pair_key("a", "b") == ("a", "b")


def test_a_document_is_matched_by_its_first_address_and_postcode() -> None:
    query = query_of_document(
        {
            "id": "x",
            "firstName": "Ann",
            "surname": "Lee",
            "addresses": ["1 High Street", "2 Low Road"],
            "postcodes": ["E81AB"],
        }
    )
    assert (query["address"], query["postcode"]) == ("1 High Street", "E81AB")
    assert query["includeDeceased"] is True and query["firstName"] == "Ann"


def test_written_pairs_ignore_a_torn_last_line_and_refuse_foreign_columns(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    out.write_text(",".join(PAIR_COLUMNS) + "\nb,a,1,2,0.9,certain,x\nc,d,3", encoding="utf-8")
    assert written_pairs(out) == {("a", "b")}
    out.write_text("inputId,status\n", encoding="utf-8")
    with pytest.raises(SweepOutputMismatch):
        written_pairs(out)
    assert written_pairs(tmp_path / "missing.csv") == set()


def test_progress_round_trips_and_starts_empty(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    assert read_progress(out) is None
    write_progress(out, "0f3c")
    assert read_progress(out) == "0f3c"
    assert not list(tmp_path.glob("*.tmp"))
