from service.domain.search_document import (
    compact_postcode,
    date_of_birth_masks,
    date_of_birth_parts,
    postcode_district,
    search_document,
)


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


def test_a_merged_person_is_hidden_from_search_like_an_erased_one() -> None:
    merged = {"id": "d", "versionNumber": 5, "mergedInto": "s", "premerge": {"firstName": "Aisha"}}
    assert search_document(merged) == {"id": "d", "isDeleted": True}


def test_date_parts_include_a_day_month_swap_only_when_it_is_a_real_date() -> None:
    assert date_of_birth_parts("1984-03-05")[:4] == [
        "y:1984",
        "ym:1984-03",
        "md:03-05",
        "swapped:1984-05-03",
    ]
    assert "swapped:1984-25-03" not in date_of_birth_parts("1984-03-25")


def test_date_parts_mask_each_digit_so_one_digit_typos_share_a_part() -> None:
    masks = date_of_birth_masks("1984-03-05")
    assert masks == [
        "mask0:_9840305",
        "mask1:1_840305",
        "mask2:19_40305",
        "mask3:198_0305",
        "mask4:1984_305",
        "mask5:19840_05",
        "mask6:198403_5",
        "mask7:1984030_",
    ]
    assert set(masks) <= set(date_of_birth_parts("1984-03-05"))
    assert len(set(masks) & set(date_of_birth_masks("1984-03-06"))) == 1
    assert not set(masks) & set(date_of_birth_masks("1984-04-06"))


def test_postcodes_are_compact_with_their_districts_and_references_are_searchable() -> None:
    doc = search_document(
        {
            "id": "p1",
            "personRef": 42,
            "addresses": [
                {"fullAddress": "1 High St", "postcode": "n16 7ab"},
                {"fullAddress": "2 Low St", "postcode": "N16 8CD"},
            ],
            "crossReferences": [{"system": "housing", "reference": "H-1"}],
        }
    )
    assert doc["postcodes"] == ["N167AB", "N168CD"]
    assert doc["postcodeDistricts"] == ["N16"]
    assert doc["referenceIds"] == ["H-1", "42"]
    assert postcode_district("E8 1DY") == "E8" and compact_postcode(" e8 1dy ") == "E81DY"
