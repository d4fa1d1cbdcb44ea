"""Learning the model from a register: EM and random pairs on a generated register (pure)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from benchmarks.quality.generator import queries, residents
from service.matching import model, training
from service.matching.model import model_from_json


def _document(body: dict[str, Any]) -> dict[str, Any]:
    """A create body as the index holds it (the fields the matcher compares)."""
    addresses = body.get("addresses") or []
    return {
        "firstName": body.get("firstName"),
        "middleName": body.get("middleName"),
        "surname": body.get("surname"),
        "dateOfBirth": body.get("dateOfBirth"),
        "nationalInsuranceNo": body.get("nationalInsuranceNo"),
        "addresses": [a["fullAddress"] for a in addresses],
        "postcodes": [
            a["postcode"].replace(" ", "").upper() for a in addresses if a.get("postcode")
        ],
    }


@pytest.fixture(scope="module")
def learned() -> model.MatchModel:
    """A model learned from 1,500 generated residents and 250 corrupted duplicates of them."""
    population = residents(1500, seed=3)
    duplicates = [q.person for q in queries(population, 250, seed=4, absent_share=0)]
    documents = [_document(body) for body in population + duplicates]
    random.Random(5).shuffle(documents)
    return training.train(
        documents, model.hand_set_model(), random_pair_count=20_000, max_blocked_pairs=20_000
    )


@pytest.mark.parametrize(
    ("field", "order"),
    [
        ("firstName", ("exact", "different")),
        ("firstName", ("typo", "different")),
        ("surname", ("exact", "different")),
        ("surname", ("typo", "different")),
        ("dateOfBirth", ("exact", "typo", "different")),
        ("nationalInsuranceNo", ("exact", "different")),
        ("address", ("same", "postcode", "different")),
    ],
)
def test_learned_weights_rank_exact_over_typo_over_different(learned, field, order) -> None:
    weights = [learned.weight(field, level) for level in order]
    assert weights == sorted(weights, reverse=True), dict(zip(order, weights, strict=True))
    assert learned.weight(field, order[0]) > 0 > learned.weight(field, "different")


def test_u_is_counted_on_random_pairs_and_m_moves_from_the_start(learned) -> None:
    start = model.hand_set_model()
    # Random pairs of the register share a first name far more often than the hand-set 1%:
    # the generator draws first names from a short list.
    assert learned.levels["firstName"]["exact"][1] != start.levels["firstName"]["exact"][1]
    assert learned.levels["dateOfBirth"]["exact"][0] != start.levels["dateOfBirth"]["exact"][0]
    rules = learned.metadata["blockingRules"]
    assert set(rules) == {"dateOfBirth", "fullName"}
    assert all(rule["pairs"] > 0 for rule in rules.values())


def test_agreeing_on_a_rare_name_weighs_more_than_on_a_common_one(learned) -> None:
    common, rare = "smith", "notaname"
    assert learned.frequency("surname", common) > learned.frequency("surname", rare)
    assert learned.weight("surname", "exact", rare) > learned.weight("surname", "exact", common)
    household_rare = learned.weight("surnameAndAddress", "exact", rare)
    assert household_rare > learned.weight("surnameAndAddress", "exact", common)


def test_a_learned_model_round_trips_through_its_file_form(learned) -> None:
    again = model_from_json(learned.to_json())
    assert again.levels == learned.levels
    assert again.name_frequencies == learned.name_frequencies
    assert again.weight("surname", "exact", "smith") == learned.weight("surname", "exact", "smith")


def test_em_finds_the_duplicates_among_blocked_pairs() -> None:
    """Pairs that are 30% duplicates (names agree) and 70% strangers (names differ): EM puts
    the match share near 0.3 and m(exact) near 1, from the start's values."""
    start = model.hand_set_model()
    u = {f: {lv: mu[1] for lv, mu in levels.items()} for f, levels in start.levels.items()}
    pairs = [{"firstName": "exact", "surname": "exact"}] * 300
    pairs += [{"firstName": "different", "surname": "different"}] * 690
    pairs += [{"firstName": "typo", "surname": "exact"}] * 10
    result = training.estimate_m(pairs, start, u, frozenset({"dateOfBirth"}))
    assert result.match_share == pytest.approx(0.31, abs=0.02)
    assert result.m["surname"]["exact"] > 0.9
    assert result.m["firstName"]["typo"] > start.levels["firstName"]["typo"][0] / 2


def test_training_needs_a_register() -> None:
    with pytest.raises(ValueError, match="at least two records"):
        training.train([], model.hand_set_model())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other"}, "is not a person-index-match-model/1 file"),
        ({"comparisons": {}}, "has no comparisons"),
        ({"priorLog2Odds": 3}, "priorLog2Odds must be a negative number"),
        ({"householdShare": 0}, "householdShare must be a number in"),
    ],
)
def test_a_bad_model_file_is_refused_naming_what_is_wrong(change, message) -> None:
    data = {**model.hand_set_model().to_json(), **change}
    with pytest.raises(model.ModelError, match=message):
        model_from_json(data)


def test_a_level_with_an_impossible_probability_is_named() -> None:
    data = model.hand_set_model().to_json()
    data["comparisons"]["surname"]["exact"] = {"m": 1.5, "u": 0.01}
    with pytest.raises(model.ModelError, match=r"surname\.exact\.m"):
        model_from_json(data)


def test_a_register_without_duplicates_keeps_the_starting_m() -> None:
    """No two records share a date of birth or a full name: EM has nothing to learn from, so m
    stays the start's, while u and the name frequencies are still learned."""
    documents = [
        {"firstName": f"Name{i}", "surname": f"Family{i}", "dateOfBirth": f"19{i + 10}-01-01"}
        for i in range(40)
    ]
    start = model.hand_set_model()
    learned = training.train(documents, start, random_pair_count=2000, max_blocked_pairs=100)
    assert learned.levels["surname"]["exact"][0] == start.levels["surname"]["exact"][0]
    assert learned.metadata["blockingRules"]["fullName"]["pairs"] == 0
