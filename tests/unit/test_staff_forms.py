"""The staff forms: the API's messages placed on the right input, nested lists included."""

from __future__ import annotations

from service.staff.forms import anchor, editable, field_errors, label_of


def test_a_list_items_message_lands_on_the_fieldset_it_came_from() -> None:
    errors = {"tenures": {0: {"uprn": ["must be 1 to 12 digits."]}}, "surname": ["Missing data"]}
    shown = field_errors(errors, {"tenures": [1]})  # the API's tenures[0] is the second fieldset
    assert shown == {
        "tenures-1-uprn": "Tenure 2 UPRN must be 1 to 12 digits",
        "surname": "Last name: Missing data",
    }


def test_a_rule_over_a_list_names_its_item_or_else_the_whole_list() -> None:
    errors = {
        "tenures": ["tenure 0: endDate must not be before startDate."],
        "languages": ["at most one language may be primary."],
        "crossReferences": {1: {"system": ["Missing data for required field."]}},
    }
    shown = field_errors(errors, {"tenures": [1], "crossReferences": [0, 1]})
    assert shown["tenures-1-endDate"] == "Tenure 2 end date must not be before startDate"
    assert shown["languages"] == "Languages at most one language may be primary"
    assert shown["crossReferences-1-system"] == "Enter the cross reference 2 system"


def test_labels_and_anchors_of_nested_fields() -> None:
    assert label_of("identifications-0-value") == "Identification 1 document number"
    assert label_of("dateOfDeath") == "Date of death"
    assert anchor("tenures-0-startDate") == "tenures-0-startDate-day"
    assert anchor("dateOfBirth") == "dateOfBirth-day"
    assert anchor("crossReferences-1-reference") == "crossReferences-1-reference"


def test_a_stored_person_reads_as_the_schema_loads_the_form() -> None:
    stored = {
        "tenures": [{"id": "t1", "type": "Secure", "startDate": "2020-01-01", "isActive": True}],
        "addresses": [{"fullAddress": "1 Row", "postcode": None}],
        "languages": [],
    }
    found = editable(stored)
    assert found["tenures"] == [{"id": "t1", "type": "Secure", "startDate": "2020-01-01"}]
    assert found["addresses"] == [{"fullAddress": "1 Row", "isCurrent": True}]
    assert found["languages"] is None
