"""The pure rules of merging a duplicate into a survivor and of taking it back (issue 11.3)."""

from __future__ import annotations

import pytest

from service.domain.merge import (
    MERGED_FROM,
    MERGED_INTO,
    PREMERGE,
    Conflict,
    MergeRefused,
    merge,
    merged_record,
    refusal,
    taken_back,
    unmerge,
)
from service.domain.tombstone import is_live, is_merged, is_tombstone

SURVIVOR = {
    "id": "s",
    "title": "Ms",
    "firstName": "Aisha",
    "surname": "Okonkwo",
    "dateOfBirth": "1984-03-15",
    "personTypes": ["Tenant"],
    "crossReferences": [{"system": "tenures", "reference": "T1"}],
    "addresses": [{"fullAddress": "2 Mare St", "uprn": "1"}],
}
DUPLICATE = {
    "id": "d",
    "title": "Mrs",
    "firstName": "Aisha",
    "middleName": "Ngozi",
    "surname": "Okonkwo",
    "nationalInsuranceNo": "AB123456C",
    "personTypes": ["Tenant", "Leaseholder"],
    "crossReferences": [
        {"system": "tenures", "reference": "T1"},
        {"system": "benefits", "reference": "B9"},
    ],
    "addresses": [{"fullAddress": "2  Mare St", "uprn": "1"}, {"fullAddress": "9 Old Rd"}],
    "tenures": [{"id": "t-9", "startDate": "2001-01-01"}],
}


def test_the_survivor_gains_what_it_lacks_and_keeps_its_own_values() -> None:
    result = merge(SURVIVOR, DUPLICATE)

    person = result.person
    assert (person["middleName"], person["nationalInsuranceNo"]) == ("Ngozi", "AB123456C")
    assert person["title"] == "Ms"
    assert result.conflicts == [Conflict("title", "Ms", "Mrs")]
    assert person["personTypes"] == ["Tenant", "Leaseholder"]
    assert person["crossReferences"] == [
        {"system": "tenures", "reference": "T1"},
        {"system": "benefits", "reference": "B9"},
    ]
    assert [a["fullAddress"] for a in person["addresses"]] == ["2 Mare St", "9 Old Rd"]
    assert person["tenures"] == [{"id": "t-9", "startDate": "2001-01-01"}]
    assert person[MERGED_FROM] == ["d"]
    assert SURVIVOR.get("middleName") is None  # the inputs are left alone


def test_taking_back_restores_the_survivor_as_it_was() -> None:
    result = merge(SURVIVOR, DUPLICATE)

    restored = taken_back(result.person, "d", result.brought_fields, result.brought_items)

    assert restored == SURVIVOR


def test_taking_back_keeps_what_staff_changed_since() -> None:
    result = merge(SURVIVOR, DUPLICATE)
    edited = {**result.person, "middleName": "Zara"}

    restored = taken_back(edited, "d", result.brought_fields, result.brought_items)

    assert restored["middleName"] == "Zara"
    assert "nationalInsuranceNo" not in restored


def test_only_a_merged_duplicate_can_be_taken_back() -> None:
    with pytest.raises(MergeRefused, match="was not merged"):
        taken_back(SURVIVOR, "d", {}, {})


@pytest.mark.parametrize(
    ("survivor", "duplicate", "reason"),
    [
        (SURVIVOR, SURVIVOR, "itself"),
        (SURVIVOR, {**DUPLICATE, MERGED_INTO: "x"}, "duplicate was merged into x"),
        ({**SURVIVOR, MERGED_INTO: "x"}, DUPLICATE, "survivor was merged into x"),
        (SURVIVOR, {"id": "d", "isDeleted": True, "versionNumber": 3}, "duplicate was erased"),
        (SURVIVOR, {**DUPLICATE, MERGED_FROM: ["c"]}, "no chains"),
        (SURVIVOR, None, "must exist"),
        (
            SURVIVOR,
            {
                **DUPLICATE,
                "crossReferences": [{"system": "s", "reference": f"{n}"} for n in range(25)],
            },
            "together they hold 26 cross references",
        ),
    ],
)
def test_merges_that_break_a_rule_are_refused(survivor, duplicate, reason: str) -> None:
    assert reason in (refusal(survivor, duplicate) or "")
    if duplicate is not None:
        with pytest.raises(MergeRefused, match=reason):
            merge(survivor, duplicate)


def test_a_survivor_may_absorb_several_duplicates() -> None:
    first = merge(SURVIVOR, DUPLICATE).person
    second = merge(first, {**DUPLICATE, "id": "e", "crossReferences": []}).person

    assert second[MERGED_FROM] == ["d", "e"]
    assert refusal(second, {**DUPLICATE, "id": "f"}) is None


def test_the_merged_record_keeps_the_duplicate_as_it_was_and_unmerge_restores_both() -> None:
    duplicate = {**DUPLICATE, "versionNumber": 4}
    result = merge(SURVIVOR, duplicate)
    record = merged_record(duplicate, result, "s", "2026-11-27T12:00:00.000Z", "officer", "same")

    assert record[MERGED_INTO] == "s" and is_merged(record) and not is_live(record)
    assert not is_tombstone(record)  # a merge is not an erasure
    assert "versionNumber" not in record[PREMERGE]
    assert record["reason"] == "same"

    undone = unmerge(result.person, record)

    assert undone.survivor == SURVIVOR
    assert undone.duplicate == DUPLICATE


def test_only_the_survivor_a_record_was_merged_into_can_take_it_back() -> None:
    result = merge(SURVIVOR, DUPLICATE)
    record = merged_record(DUPLICATE, result, "s", "t", "officer", "same")

    with pytest.raises(MergeRefused, match="was not merged into other"):
        unmerge({**result.person, "id": "other"}, record)
    with pytest.raises(MergeRefused, match="was not merged into s"):
        unmerge(result.person, DUPLICATE)  # a live person, not a merged record


@pytest.mark.parametrize(
    ("item", "live", "merged"),
    [
        ({"id": "p"}, True, False),
        ({"id": "p", MERGED_FROM: ["d"]}, True, False),
        ({"id": "p", MERGED_INTO: "s"}, False, True),
        ({"id": "p", "isDeleted": True}, False, False),
        ({"id": "p", "isDeleted": True, MERGED_INTO: "s"}, False, False),  # erased after
    ],
)
def test_live_merged_and_erased_are_told_apart(item, live: bool, merged: bool) -> None:
    assert (is_live(item), is_merged(item)) == (live, merged)
