"""The FEBRL benchmark's pure parts: record mapping, the ceiling scorer, misses and its report."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import click
import pytest

from benchmarks.quality import ceiling, febrl_report
from benchmarks.quality.febrl import with_model
from benchmarks.quality.febrl_data import (
    CROSS_REFERENCE_SYSTEM,
    FebrlRecord,
    create_body,
    match_body,
    record,
    shares_identity,
    split,
)
from benchmarks.quality.metrics import (
    EMPTY,
    NOT_IN_TOP_10,
    RANKED_2_TO_10,
    Answer,
    miss_kind,
    percentiles,
)
from benchmarks.quality.report import END, START
from service.config import Settings

ORIGINAL = FebrlRecord(
    key="rec-7-org",
    given_name="mitchell",
    surname="green",
    street_number="7",
    address_1="wallaby place",
    address_2="delmar",
    suburb="cleveland",
    postcode="2119",
    state="sa",
    date_of_birth="19560409",
    soc_sec_id="1804974",
)


def test_an_original_becomes_a_create_body_with_the_postcode_kept_in_the_address_text() -> None:
    body = create_body(ORIGINAL)
    assert body == {
        "firstName": "mitchell",
        "surname": "green",
        "dateOfBirth": "1956-04-09",
        "addresses": [{"fullAddress": "7 wallaby place, delmar, cleveland, sa 2119"}],
        "title": "Other",
        "personTypes": ["Occupant"],
        "reason": "FEBRL benchmark",
        "crossReferences": [{"system": CROSS_REFERENCE_SYSTEM, "reference": "1804974"}],
    }


def test_a_duplicate_check_sends_what_the_record_has_and_dates_as_given_when_not_yyyymmdd() -> None:
    duplicate = FebrlRecord(key="rec-7-dup-0", surname="grene", date_of_birth="1956049")
    assert match_body(duplicate) == {"surname": "grene", "dateOfBirth": "1956049"}
    impossible = FebrlRecord(key="rec-7-dup-1", given_name="mitch", date_of_birth="19561309")
    assert match_body(impossible)["dateOfBirth"] == "1956-13-09"


def test_an_original_without_a_first_name_or_surname_cannot_be_created() -> None:
    assert create_body(FebrlRecord(key="rec-1-org", surname="green")) is None
    assert create_body(FebrlRecord(key="rec-1-org", given_name="mitchell")) is None


def test_a_row_with_missing_values_becomes_a_record_of_nones() -> None:
    rec = record("rec-1-org", {"given_name": float("nan"), "surname": " green ", "suburb": ""})
    assert rec.given_name is None and rec.surname == "green" and rec.suburb is None


def test_the_truth_of_each_duplicate_comes_from_the_true_links() -> None:
    rows = {key: FebrlRecord(key=key) for key in ("rec-1-org", "rec-1-dup-0", "rec-1-dup-1")}
    links = [
        ("rec-1-dup-0", "rec-1-org"),
        ("rec-1-org", "rec-1-dup-1"),
        ("rec-1-dup-0", "rec-1-dup-1"),
    ]
    originals, duplicates = split(rows, links)
    assert [r.key for r in originals] == ["rec-1-org"]
    assert [(d.key, truth) for d, truth in duplicates] == [
        ("rec-1-dup-0", "rec-1-org"),
        ("rec-1-dup-1", "rec-1-org"),
    ]
    with pytest.raises(ValueError, match="rec-1-dup-1"):
        split(rows, links[:1])


def test_sharing_a_full_name_or_a_birth_date_plus_address_is_told_apart() -> None:
    stored = create_body(ORIGINAL)
    assert stored is not None
    same_name = {"firstName": "Mitchell", "surname": "GREEN", "dateOfBirth": "1970-01-01"}
    assert shares_identity(same_name, stored)
    born_there = {
        "firstName": "mitch",
        "dateOfBirth": "1956-04-09",
        "addresses": [{"fullAddress": "7 Wallaby Place, Delmar, Cleveland, SA 2119"}],
    }
    assert shares_identity(born_there, stored)
    assert not shares_identity({**born_there, "dateOfBirth": "1956-04-08"}, stored)
    assert not shares_identity({"surname": "green"}, stored)


def test_the_ceiling_puts_the_true_person_first_despite_typos_swaps_and_missing_values() -> None:
    stored = [
        {"firstName": "mitchell", "surname": "green", "dateOfBirth": "1956-04-09",
         "addresses": [{"fullAddress": "7 wallaby place, cleveland, sa 2119"}]},
        {"firstName": "harley", "surname": "mccarthy", "dateOfBirth": "1908-04-19",
         "addresses": [{"fullAddress": "177 pridham street, marsden, nsw 3165"}]},
        {"firstName": "madeline", "surname": "mason", "dateOfBirth": "1908-11-28"},
    ]  # fmt: skip
    queries = [
        {"firstName": "mitchel", "surname": "gren", "dateOfBirth": "1956-04-09"},
        {"firstName": "mccarthy", "surname": "harley",
         "addresses": [{"fullAddress": "177 pridhamstreet marsden nsw 3165"}]},
        {"surname": "mason", "dateOfBirth": "1908-11-29"},
    ]  # fmt: skip
    matrix = ceiling.scores(ceiling.columns(queries), ceiling.columns(stored))
    assert matrix.shape == (3, 3)
    assert [row[0] for row in ceiling.ranked(matrix, ["a", "b", "c"], limit=2)] == ["a", "b", "c"]
    # A missing first name adds nothing, a date one digit off adds half.
    assert matrix[2, 2] == pytest.approx(1.0 + 0.5)


def test_misses_are_told_apart_by_kind() -> None:
    assert miss_kind(Answer("a", [])) == EMPTY
    assert miss_kind(Answer("a", [("b", "possible"), ("a", "possible")])) == RANKED_2_TO_10
    assert miss_kind(Answer("a", [("b", "certain")])) == NOT_IN_TOP_10
    assert miss_kind(Answer("a", [("a", "certain")])) is None
    assert miss_kind(Answer(None, [])) is None


def test_percentiles_of_a_sample() -> None:
    assert percentiles([float(v) for v in range(1, 102)], (0.5, 0.95)) == [51.0, 96.0]
    assert percentiles([3.0], (0.5,)) == [3.0]


def test_each_model_keeps_its_own_section(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(f"# Benchmarks\n\n{START}\nsynthetic\n{END}\n")
    learned = Path("model-v2.json")
    for model, text in ((None, "hand-set one"), (learned, "learned"), (None, "hand-set two")):
        start, end = febrl_report.markers(model)
        febrl_report.write(path, f"{start}\n{text}\n{end}\n", model)
    written = path.read_text()
    assert "synthetic" in written and "learned" in written and "hand-set two" in written
    assert "hand-set one" not in written
    assert written.count(febrl_report.markers(None)[0]) == 1


def test_a_model_file_needs_the_setting_for_it() -> None:
    settings = Settings()
    assert with_model(settings, None) is settings
    model = Path("model.json")
    if "match_model_file" in {f.name for f in fields(Settings)}:
        assert with_model(settings, model).match_model_file == model  # type: ignore[attr-defined]
    else:
        with pytest.raises(click.ClickException, match="MATCH_MODEL_FILE"):
            with_model(settings, model)
