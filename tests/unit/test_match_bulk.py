"""The pure parts of bulk matching: resuming, reading rows (dirty values kept) and the cells."""

from __future__ import annotations

import io

import click
import pytest
from marshmallow import ValidationError

from service.matching.bulk import (
    OUTPUT_COLUMNS,
    done_ids,
    format_warnings,
    input_rows,
    person_of,
)
from service.matching.matcher import reasons_text


def test_rows_are_identified_by_their_id_column_or_their_number() -> None:
    text = "id,firstName,surname\nA7,Ann,Lee\n,Bo,Chan\n"
    assert [row_id for row_id, _ in input_rows(io.StringIO(text))] == ["A7", "2"]


def test_a_row_becomes_a_partial_person_with_empty_cells_missing() -> None:
    person = person_of(
        {
            "firstName": " Ann ",
            "surname": "",
            "lastName": "Lee",
            "nationalInsuranceNo": "ab 12 34 56 c",
            "extra": "x",
        }
    )
    assert person["firstName"] == "Ann"
    assert person["lastName"] == "Lee" and "surname" not in person
    assert person["nationalInsuranceNo"] == "AB123456C"
    assert person["warnings"] == []


@pytest.mark.parametrize(
    ("row", "value", "field"),
    [
        ({"dateOfBirth": "31/02/1980"}, "1980-02-31", "dateOfBirth"),
        ({"dateOfBirth": "1980-02-31"}, "1980-02-31", "dateOfBirth"),
        ({"dateOfBirth": "2961-04-03"}, "2961-04-03", "dateOfBirth"),
        ({"nationalInsuranceNo": "AB1234567C"}, "AB1234567C", "nationalInsuranceNo"),
        ({"postcode": "E8 1ABX"}, "E8 1ABX", "postcode"),
    ],
)
def test_a_dirty_value_is_kept_as_given_with_a_warning(row, value, field) -> None:
    person = person_of({"firstName": "Ann", **row})
    assert person[field] == value
    assert [w["field"] for w in person["warnings"]] == [field]


def test_a_date_in_another_spelling_is_read_without_a_warning() -> None:
    person = person_of({"firstName": "Ann", "dateOfBirth": "03/04/1961"})
    assert person["dateOfBirth"] == "1961-04-03" and person["warnings"] == []


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"firstName": "A\x00nn"}, "firstName"),
        ({"firstName": "x" * 500}, "firstName"),
        ({"firstName": "Ann", "dateOfBirth": "1" * 41}, "dateOfBirth"),
        ({"address": "1 High St"}, "_schema"),
        ({"address": "1 High St", "dateOfBirth": "unknown"}, "_schema"),
    ],
)
def test_bad_rows_name_the_bad_field(row, field) -> None:
    with pytest.raises(ValidationError) as caught:
        person_of(row)
    assert field in caught.value.messages_dict


def test_done_ids_reads_an_earlier_output_and_ignores_a_torn_line(tmp_path) -> None:
    output = tmp_path / "out.csv"
    assert done_ids(output) == set()
    header = ",".join(OUTPUT_COLUMNS)
    output.write_text(f"{header}\n1,matched,1\n1,matched,2\n2,no-match,\n3", encoding="utf-8")
    assert done_ids(output) == {"1", "2"}


def test_an_output_with_other_columns_is_not_appended_to(tmp_path) -> None:
    output = tmp_path / "out.csv"
    output.write_text("inputId,status,rank\n1,matched,1\n", encoding="utf-8")
    with pytest.raises(click.UsageError):
        done_ids(output)


def test_reasons_fit_one_cell() -> None:
    reasons = [
        {"field": "dateOfBirth", "agreement": "exact", "weight": 13.14},
        {"field": "firstName", "agreement": "different", "weight": -5.54},
    ]
    assert reasons_text(reasons) == "dateOfBirth:exact(+13.1); firstName:different(-5.5)"


def test_warnings_fit_one_cell_and_repeat_no_value() -> None:
    warnings = [
        {"field": "dateOfBirth", "message": "is not a real date; compared as given"},
        {"field": "postcode", "message": "is not a valid UK postcode; compared as given"},
    ]
    assert format_warnings(warnings) == (
        "dateOfBirth: is not a real date; compared as given | "
        "postcode: is not a valid UK postcode; compared as given"
    )
    assert format_warnings([]) == ""
