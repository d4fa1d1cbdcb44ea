from service.domain.search_document import date_of_birth_parts, search_document


def test_document_holds_search_fields_and_no_extended_or_audit_data() -> None:
    item = {
        "id": "6f1c",
        "versionNumber": 3,
        "personRef": 7,
        "title": "Mr",
        "firstName": "Zoë",
        "surname": "O'Brien",
        "dateOfBirth": "1984-03-05",
        "nationalInsuranceNo": "ab123456c",
        "personTypes": ["Tenant"],
        "reason": "move",
        "lastModifiedBy": "someone",
        "addresses": [{"fullAddress": "1 High St, London", "postcode": "e8 1dy"}],
        "crossReferences": [{"system": "housing", "reference": "H-1"}],
    }
    doc = search_document(item)
    assert doc["isDeleted"] is False
    assert doc["nationalInsuranceNo"] == "AB123456C"
    assert doc["postcodes"] == ["E81DY"]
    assert doc["crossReferences"] == ["housing:H-1"]
    assert "reason" not in doc and "lastModifiedBy" not in doc and "versionNumber" not in doc


def test_tombstone_item_gives_a_document_without_personal_data() -> None:
    assert search_document({"id": "x", "isDeleted": True, "versionNumber": 4}) == {
        "id": "x",
        "isDeleted": True,
    }


def test_date_parts_include_a_day_month_swap_only_when_it_is_a_real_date() -> None:
    assert date_of_birth_parts("1984-03-05") == [
        "y:1984",
        "ym:1984-03",
        "md:03-05",
        "swapped:1984-05-03",
    ]
    assert "swapped:1984-25-03" not in date_of_birth_parts("1984-03-25")
