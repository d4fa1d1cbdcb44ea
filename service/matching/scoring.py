"""Score one candidate against a partial person: compare each field, then apply the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.matching import model
from service.matching.compare import (
    address_level,
    date_level,
    name_key,
    name_level,
    ni_level,
)
from service.matching.model import MatchModel

# Cross comparisons good enough to call a pair of names swapped.
_SWAP_LEVELS = {"exact", "nickname", "typo", "phonetic"}


@dataclass(frozen=True)
class Scored:
    """A candidate's score in [0, 1], its grade and the reasons behind them."""

    score: float
    grade: str | None
    reasons: list[model.Reason]


def _first_names(candidate: dict[str, Any]) -> list[str | None]:
    return [candidate.get(k) for k in ("firstName", "preferredFirstName", "middleName")]


def _surnames(candidate: dict[str, Any]) -> list[str | None]:
    return [candidate.get(k) for k in ("surname", "preferredSurname")]


def _name_weight(levels: dict[str, str | None], weights: MatchModel) -> float:
    return sum(weights.weight(f, lv) for f, lv in levels.items() if lv is not None)


def name_levels(
    query: dict[str, Any], candidate: dict[str, Any], weights: MatchModel | None = None
) -> dict[str, str | None]:
    """Name agreement as given, or as one swappedNames level when that is the better reading."""
    straight = {
        "firstName": name_level(query.get("firstName"), _first_names(candidate), nicknames=True),
        "surname": name_level(query.get("surname"), _surnames(candidate), nicknames=False),
    }
    swapped = {"swappedNames": "swapped"}
    weights = weights or model.hand_set_model()
    if _name_weight(straight, weights) >= _name_weight(swapped, weights):
        return straight  # names as given already weigh more than any swap could
    # The second crossed comparison only when the first already reads as a swap.
    first_as_surname = name_level(query.get("firstName"), _surnames(candidate), nicknames=False)
    if first_as_surname not in _SWAP_LEVELS:
        return straight
    surname_as_first = name_level(query.get("surname"), _first_names(candidate), nicknames=True)
    return swapped if surname_as_first in _SWAP_LEVELS else straight


def household(levels: dict[str, str | None]) -> dict[str, str | None]:
    """A surname that agrees at an address that agrees as one surnameAndAddress level (a
    household): the two are not independent for different people, so they are weighed together."""
    surname, address = levels.get("surname"), levels.get("address")
    if surname not in model.HOUSEHOLD_LEVELS or address not in model.HOUSEHOLD_ADDRESS_LEVELS:
        return levels
    combined = {f: lv for f, lv in levels.items() if f not in {"surname", "address"}}
    return {**combined, "surnameAndAddress": model.household_level(surname, address)}


def raw_field_levels(
    query: dict[str, Any], candidate: dict[str, Any], weights: MatchModel | None = None
) -> dict[str, str | None]:
    """The agreement level of every field on its own (None where a side is missing)."""
    return {
        **name_levels(query, candidate, weights),
        "dateOfBirth": date_level(query.get("dateOfBirth"), candidate.get("dateOfBirth")),
        "nationalInsuranceNo": ni_level(
            query.get("nationalInsuranceNo"), candidate.get("nationalInsuranceNo")
        ),
        "address": address_level(query.get("address"), query.get("postcode"), candidate),
    }


def field_levels(
    query: dict[str, Any], candidate: dict[str, Any], weights: MatchModel | None = None
) -> dict[str, str | None]:
    """The levels the model weighs: each field, with a household as one level."""
    return household(raw_field_levels(query, candidate, weights))


def agreed_names(query: dict[str, Any]) -> dict[str, str]:
    """The query's names in the form name frequencies are counted in, for the exact levels."""
    values = {f: name_key(query[f]) for f in ("firstName", "surname") if query.get(f)}
    if "surname" in values:
        values["surnameAndAddress"] = values["surname"]
    return values


def score_candidate(
    query: dict[str, Any], candidate: dict[str, Any], weights: MatchModel | None = None
) -> Scored:
    """Compare a partial person with a candidate document and score the pair."""
    weights = weights or model.hand_set_model()
    found = weights.reasons(field_levels(query, candidate, weights), agreed_names(query))
    value = weights.score(found)
    return Scored(value, model.grade(value, found), found)
