"""The Fellegi-Sunter model and the field comparisons behind it (pure functions)."""

from __future__ import annotations

import math

import pytest

from service.matching import model
from service.matching.compare import address_form, address_level, date_level, name_level, ni_level
from service.matching.scoring import field_levels, score_candidate

HAND_SET = model.hand_set_model()

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
        ("Alen", ["Allen-Griffiths"], False, "partial"),  # a slip in one part
        ("Lee", ["Li-Smith"], False, "different"),  # a part that only sounds alike: no
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
    assert HAND_SET.weight("dateOfBirth", "exact") == pytest.approx(math.log2(0.90 / 0.0001))
    for field, levels in HAND_SET.levels.items():
        for level, (m, u) in levels.items():
            assert 0 < m <= 1 and 0 < u <= 1, (field, level)
        if "different" in levels:
            assert (
                HAND_SET.weight(field, "different")
                < 0
                < HAND_SET.weight(field, "exact" if "exact" in levels else "same")
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
    assert namesake_at_home.grade == "probable"
    near_ni_at_home = score_candidate(
        {
            "firstName": "Robert",
            "surname": "Smith",
            "nationalInsuranceNo": "AB123457C",
            "address": "Flat 2, 14 Mare Street, London",
        },
        ROBERT,
    )
    assert near_ni_at_home.score >= model.CERTAIN
    assert near_ni_at_home.grade == "probable"
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
    # Another flat of the same building: similar, not the same address.
    assert address_level("Flat 3, 14 Mare Street, London", None, ROBERT) == "similar"
    assert address_level("Flat 5, 41 Mare Street, London", "E8 1AB", ROBERT) == "sameStreet"
    assert address_level("3 Other Road, London", "E8 1AB", ROBERT) == "postcode"


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("14 mare street flat 2 london e8 1ab", "same"),  # numbers and postcode anywhere
        ("flat 2 14 marestreet london", "same"),  # words run together
        ("2/14 Mare Stret Londn", "same"),  # typos, flat/house written together
        ("14 Mare Street, London 4560", "similar"),  # numbers partly agree
        ("16 Mare Street London", "sameStreet"),
        ("99 Kingsland Road London", "different"),
    ],
)
def test_addresses_of_any_shape_are_compared_by_their_parts(written, level) -> None:
    assert address_level(written, None, ROBERT) == level


AT_HOME = "Flat 2, 14 Mare Street, London"


@pytest.mark.parametrize(
    ("surname", "level"),
    [("Smith", "exact"), ("Smiht", "typo"), ("Smythe", "phonetic"), ("Smith-Jones", "partial")],
)
def test_a_surname_that_agrees_at_the_same_address_is_one_household_level(surname, level) -> None:
    levels = field_levels({"firstName": "Robert", "surname": surname, "address": AT_HOME}, ROBERT)
    assert levels["surnameAndAddress"] == level
    assert "surname" not in levels and "address" not in levels


def test_a_surname_or_address_that_disagrees_is_weighed_on_its_own() -> None:
    other_surname = field_levels({"surname": "Mensah", "address": AT_HOME}, ROBERT)
    assert (other_surname["surname"], other_surname["address"]) == ("different", "same")
    neighbour = field_levels({"surname": "Smith", "address": "Flat 3, 14 Mare Street"}, ROBERT)
    assert neighbour["surnameAndAddress"] == "exact/similar"
    assert "surnameAndAddress" not in other_surname


def test_the_household_weight_counts_relatives_at_one_address() -> None:
    share = HAND_SET.household_share
    for level in model.HOUSEHOLD_LEVELS:
        m_surname, u_surname = HAND_SET.levels["surname"][level]
        m_address, u_address = HAND_SET.levels["address"]["same"]
        m, u = HAND_SET.m_u("surnameAndAddress", level)
        assert m == pytest.approx(m_surname * m_address)
        assert u == pytest.approx(u_address * (share * m_surname + (1 - share) * u_surname))
        # Less than the two weights summed as if independent, more than the address alone.
        apart = HAND_SET.weight("surname", level) + HAND_SET.weight("address", "same")
        assert (
            HAND_SET.weight("address", "same") < HAND_SET.weight("surnameAndAddress", level) < apart
        )
    assert HAND_SET.weight("surnameAndAddress", "exact") == pytest.approx(12.96, abs=0.01)


def test_an_address_in_full_outweighs_a_namesake_in_the_same_postcode() -> None:
    # The bound on HOUSEHOLD_SHARE: below about 0.04 the household at one address still weighs
    # more than the same surname in the same postcode (a namesake next door).
    next_door = HAND_SET.weight("surname", "exact") + HAND_SET.weight("address", "postcode")
    assert HAND_SET.weight("surnameAndAddress", "exact") > next_door + 0.25
    weights = [
        HAND_SET.weight("surnameAndAddress", level) for level in ("exact", "typo", "phonetic")
    ]
    assert weights == sorted(weights, reverse=True)


def test_a_relative_at_the_same_address_is_not_a_probable_match() -> None:
    # A sibling: same surname and address, another first name, no date of birth: no candidate.
    sibling = score_candidate({"firstName": "Mary", "surname": "Smith", "address": AT_HOME}, ROBERT)
    assert sibling.grade is None
    # A father of the same name at one address, another date of birth: possible at most.
    father = score_candidate(
        {
            "firstName": "Robert",
            "surname": "Smith",
            "dateOfBirth": "1958-10-01",
            "address": AT_HOME,
        },
        ROBERT,
    )
    assert father.grade == "possible"
    # The same person with a date of birth is still certain.
    same = score_candidate(
        {
            "firstName": "Robert",
            "surname": "Smith",
            "dateOfBirth": "1984-03-05",
            "address": AT_HOME,
        },
        ROBERT,
    )
    assert same.grade == "certain"
    assert same.reasons[0] == model.Reason("dateOfBirth", "exact", 13.14)
