"""Person rules added for cross references, and how a stored person is presented."""

from __future__ import annotations

from datetime import date

from service.domain.rules import record_errors
from service.persons import present

PERSON = {"title": "Ms", "firstName": "A", "surname": "B", "personTypes": ["Tenant"]}


def test_a_cross_reference_listed_twice_is_named() -> None:
    refs = [{"system": "tenures", "reference": "T1"}] * 2 + [{"system": "other", "reference": "T1"}]
    assert record_errors({**PERSON, "crossReferences": refs}) == {
        "crossReferences": ["reference 'T1' in system 'tenures' is listed more than once."]
    }


def test_the_same_reference_in_two_systems_is_fine() -> None:
    refs = [{"system": "tenures", "reference": "T1"}, {"system": "other", "reference": "T1"}]
    assert record_errors({**PERSON, "crossReferences": refs}) == {}


def test_present_shows_every_optional_field_and_computes_the_rest() -> None:
    shown = present({**PERSON, "dateOfBirth": "2010-06-01"}, date(2026, 1, 1))
    assert shown["middleName"] is None and shown["crossReferences"] == []
    assert shown["isAMinor"] is True and shown["links"] == [] and shown["tenures"] == []
