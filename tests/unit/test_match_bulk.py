"""The pure parts of bulk matching: resuming, row validation and the reasons cell."""

from __future__ import annotations

import io

import pytest
from marshmallow import ValidationError

from service.matching.bulk import done_ids, format_reasons, input_rows, person_of


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


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"firstName": "Ann", "dateOfBirth": "31/02/1980"}, "dateOfBirth"),
        ({"firstName": "Ann", "dateOfBirth": "1980-02-31"}, "dateOfBirth"),
        ({"firstName": "A\x00nn"}, "firstName"),
        ({"firstName": "x" * 500}, "firstName"),
        ({"address": "1 High St"}, "_schema"),
    ],
)
def test_bad_rows_name_the_bad_field(row, field) -> None:
    with pytest.raises(ValidationError) as caught:
        person_of(row)
    assert field in caught.value.messages_dict


def test_done_ids_reads_an_earlier_output_and_ignores_a_torn_line(tmp_path) -> None:
    output = tmp_path / "out.csv"
    assert done_ids(output) == set()
    output.write_text(
        "inputId,status,rank\n1,matched,1\n1,matched,2\n2,no-match,\n3", encoding="utf-8"
    )
    assert done_ids(output) == {"1", "2"}


def test_reasons_fit_one_cell() -> None:
    reasons = [
        {"field": "dateOfBirth", "agreement": "exact", "weight": 13.14},
        {"field": "firstName", "agreement": "different", "weight": -5.54},
    ]
    assert format_reasons(reasons) == "dateOfBirth:exact(+13.1); firstName:different(-5.5)"
