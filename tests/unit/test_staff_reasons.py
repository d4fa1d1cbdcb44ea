"""Why a record matched, in words."""

from __future__ import annotations

from service.staff.reasons import agreements, differences, phrase

RECORD = {"firstName": "Robert", "surname": "Oduya"}


def _reason(field: str, agreement: str) -> dict[str, object]:
    return {"field": field, "agreement": agreement, "weight": 1.0}


def test_name_levels_name_the_records_own_value() -> None:
    assert phrase("firstName", "nickname", RECORD) == "nickname of Robert"
    assert phrase("firstName", "phonetic", RECORD) == "sounds like Robert"
    assert phrase("surname", "typo", RECORD) == "last name spelt like Oduya"
    assert phrase("surname", "exact", RECORD) == "same last name"
    assert phrase("swappedNames", "swapped", RECORD) == "first and last names swapped"


def test_dates_numbers_and_addresses_in_words() -> None:
    assert phrase("dateOfBirth", "swapped", RECORD) == "date of birth with day and month swapped"
    assert phrase("dateOfBirth", "typo", RECORD) == "date of birth one digit different"
    assert phrase("nationalInsuranceNo", "withoutSuffix", RECORD) == (
        "same National Insurance number apart from the last letter"
    )
    assert phrase("address", "postcode", RECORD) == "same postcode"
    assert phrase("address", "different", RECORD) is None


def test_agreements_keep_the_models_order_and_leave_out_disagreements() -> None:
    found = [
        _reason("dateOfBirth", "exact"),
        _reason("firstName", "nickname"),
        _reason("address", "different"),
        _reason("surname", "exact"),
    ]
    assert agreements(found, RECORD) == [
        "same date of birth",
        "nickname of Robert",
        "same last name",
    ]
    assert differences(found) == ["different address"]
