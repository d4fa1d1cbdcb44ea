"""The Fellegi-Sunter model and the field comparisons behind it (pure functions)."""

from __future__ import annotations

import math

import pytest

from service.matching import model
from service.matching.compare import address_form, address_level, date_level, name_level, ni_level
from service.matching.scoring import field_levels, score_candidate

ROBERT = {
    "id": "1",
    "firstName": "Robert",
    "middleName": "James",
    "surname": "Smith",
    "dateOfBirth": "1984-03-05",
    "nationalInsuranceNo": "AB123456C",
    "addresses": ["Flat 2, 14 Mare Street, London"],
    "postcodes": ["E81AB"],
}


@pytest.mark.parametrize(
    ("query", "names", "nicknames", "level"),
    [
        ("Robert", ["Robert"], True, "exact"),
        ("ROBERT ", ["robert"], True, "exact"),
        ("Zoe", ["Zoë"], True, "exact"),
        ("Bob", ["Robert"], True, "nickname"),
        ("Bob", ["Robert"], False, "different"),
        ("Robret", ["Robert"], True, "typo"),
        ("Kathryn", ["Catherine"], True, "phonetic"),
        ("Chaudhry", ["Chowdhury"], False, "phonetic"),
        ("Smith", ["Lloyd-Smith"], False, "partial"),
        ("R", ["Robert"], True, "initial"),
        ("Mary", ["Robert", "Mary"], True, "exact"),
        ("Kwame", ["Robert"], True, "different"),
        (None, ["Robert"], True, None),
        ("Robert", [None], True, None),
    ],
)
def test_name_levels(query, names, nicknames, level) -> None:
    assert name_level(query, names, nicknames) == level


@pytest.mark.parametrize(
    ("query", "stored", "level"),
    [
        ("1984-03-05", "1984-03-05", "exact"),
        ("1984-05-03", "1984-03-05", "swapped"),
        ("1984-03-06", "1984-03-05", "typo"),
        ("1948-03-05", "1984-03-05", "typo"),  # transposed digits
        ("1984-03", "1984-03-05", "yearMonth"),
        ("1984", "1984-03-05", "year"),
        ("1985", "1984-03-05", "different"),
        ("1990-07-21", "1984-03-05", "different"),
        ("1984-03-05", None, None),
    ],
)
def test_date_levels(query, stored, level) -> None:
    assert date_level(query, stored) == level


def test_ni_and_address_levels() -> None:
    assert ni_level("ab 12 34 56 c", "AB123456C") == "exact"
    assert ni_level("AB123456", "AB123456C") == "withoutSuffix"
    assert ni_level("AB123457C", "AB123456C") == "typo"
    assert ni_level("JH998877A", "AB123456C") == "different"
    assert address_level("14 Mare St Flat 2 London", None, ROBERT) in {"same", "different"}
    assert address_level("Flat 2, 14 Mare Street, London", None, ROBERT) == "same"
    assert address_level(None, "e8 1ab", ROBERT) == "postcode"
    assert address_level(None, "E8 9ZZ", ROBERT) == "district"
    assert address_level(None, "N16 1AA", ROBERT) == "different"
    assert address_level(None, None, ROBERT) is None


def test_weights_are_log_likelihood_ratios_and_agreement_outweighs_disagreement() -> None:
    assert model.weight("dateOfBirth", "exact") == pytest.approx(math.log2(0.90 / 0.0001))
    for field, levels in model.M_U.items():
        for level, (m, u) in levels.items():
            assert 0 < m <= 1 and 0 < u <= 1, (field, level)
        if "different" in levels:
            assert (
                model.weight(field, "different")
                < 0
                < model.weight(field, "exact" if "exact" in levels else "same")
            )


def test_grades_follow_the_documented_thresholds() -> None:
    assert model.grade(0.9999) == "certain"
    assert model.grade(model.CERTAIN) == "certain"
    assert model.grade(0.99) == "probable"
    assert model.grade(0.5) == "possible"
    assert model.grade(0.05) is None


def test_swapped_names_are_one_reason_instead_of_two_disagreements() -> None:
    levels = field_levels({"firstName": "Smith", "surname": "Bob"}, ROBERT)
    assert levels["swappedNames"] == "swapped"
    assert "firstName" not in levels and "surname" not in levels


def test_full_agreement_is_certain_and_a_sibling_is_not() -> None:
    same = score_candidate(
        {"firstName": "Bob", "surname": "Smith", "dateOfBirth": "1984-03-05"}, ROBERT
    )
    assert same.grade == "certain" and 0.995 <= same.score <= 1
    assert [(r.field, r.agreement) for r in same.reasons] == [
        ("dateOfBirth", "exact"),
        ("surname", "exact"),
        ("firstName", "nickname"),
    ]
    sibling = score_candidate(
        {
            "firstName": "Mary",
            "surname": "Smith",
            "dateOfBirth": "1986-11-20",
            "postcode": "E8 1AB",
        },
        ROBERT,
    )
    assert sibling.grade is None or sibling.grade == "possible"
    assert sibling.score < same.score


def test_names_alone_are_never_certain_and_missing_fields_weigh_nothing() -> None:
    names_only = score_candidate({"firstName": "Robert", "surname": "Smith"}, ROBERT)
    assert names_only.grade == "possible"
    assert {r.field for r in names_only.reasons} == {"firstName", "surname"}


def test_a_matching_ni_number_with_a_day_month_swap_is_certain() -> None:
    scored = score_candidate(
        {
            "firstName": "Robert",
            "surname": "Smith",
            "dateOfBirth": "1984-05-03",
            "nationalInsuranceNo": "AB123456C",
        },
        ROBERT,
    )
    assert scored.grade == "certain"
    assert ("dateOfBirth", "swapped") in [(r.field, r.agreement) for r in scored.reasons]


def test_certain_needs_a_date_of_birth_or_ni_number_that_agrees() -> None:
    namesake_at_home = score_candidate(
        {"firstName": "Robert", "surname": "Smith", "address": "Flat 2, 14 Mare Street, London"},
        ROBERT,
    )
    assert namesake_at_home.score >= model.CERTAIN
    assert namesake_at_home.grade == "probable"
    reasons = [model.Reason("nationalInsuranceNo", "exact", 19.9)]
    assert model.grade(0.999, reasons) == "certain"
    assert model.grade(0.999, [model.Reason("address", "same", 8.2)]) == "probable"


@pytest.mark.parametrize(
    ("written", "form"),
    [
        ("Flat 2, 14 Mare Street, London", "flat 2 14 mare street london"),
        ("14b Mare St", "flat 2 14 mare street"),
        ("Flat B, 14 Mare Rd", "flat 2 14 mare road"),
        ("Flat 47, Kingsmead Ct, 164 Wick Rd", "flat 47 kingsmead court 164 wick road"),
        ("35 Cazenove Road", "35 cazenove road"),
    ],
)
def test_addresses_are_compared_with_street_words_in_full_and_flats_one_way(written, form) -> None:
    assert address_form(written) == form


def test_address_variants_agree_and_neighbours_do_not() -> None:
    assert address_level("14b Mare St", None, ROBERT) == "same"
    assert address_level("Flat 2, 14 Mare St, London", None, ROBERT) == "same"
    assert address_level("14 Mare Street", None, ROBERT) == "same"  # the flat left out
    assert address_level("Flat 3, 14 Mare Street, London", None, ROBERT) == "different"
    assert address_level("Flat 2, 41 Mare Street, London", "E8 1AB", ROBERT) == "postcode"
