"""A Fellegi-Sunter record-linkage model: field agreement levels, weights, score and grade.

For each field and agreement level, `m` is the chance of that level when the two records are the
same person and `u` the chance when they are different people. The level's weight is the
log-likelihood ratio log2(m/u); a field that cannot be compared weighs 0. The weights are summed
with the prior log-odds of a match, and the score is the resulting posterior probability in [0, 1].
The m and u values are set by hand from what council records look like (typo, nickname and swap
rates; how common names and birthdays are) and checked by the quality benchmark (BENCHMARKS.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# field -> level -> (m, u)
M_U: dict[str, dict[str, tuple[float, float]]] = {
    "firstName": {
        "exact": (0.86, 0.01),
        "nickname": (0.04, 0.002),
        "typo": (0.04, 0.004),
        "phonetic": (0.02, 0.01),
        "partial": (0.01, 0.004),
        # Only an initial given ("J Smith"): some 3% of records; for two different people the
        # query must be an initial (3%) and the letter shared (about 1 in 14): 0.03 x 0.07.
        "initial": (0.03, 0.002),
        "different": (0.02, 0.93),
    },
    "surname": {
        "exact": (0.88, 0.004),
        "nickname": (0.001, 0.001),
        "typo": (0.05, 0.003),
        "phonetic": (0.03, 0.01),
        # One part of a double-barrelled surname (Smith-Jones as Jones): rare for two different
        # people, as one of them must have a double-barrelled surname (about 5%) sharing a part.
        "partial": (0.02, 0.0005),
        "initial": (0.001, 0.03),
        "different": (0.02, 0.95),
    },
    # Both names found the other way round (first name given as surname and vice versa).
    "swappedNames": {"swapped": (0.02, 0.00001)},
    "dateOfBirth": {
        "exact": (0.90, 0.0001),
        "swapped": (0.02, 0.0001),
        "typo": (0.05, 0.002),
        "yearMonth": (0.95, 0.01),
        "year": (0.95, 0.015),
        "different": (0.03, 0.99),
    },
    "nationalInsuranceNo": {
        "exact": (0.95, 0.000001),
        "withoutSuffix": (0.03, 0.000001),
        "typo": (0.01, 0.00001),
        "different": (0.01, 0.99999),
    },
    "address": {
        "same": (0.60, 0.002),
        "postcode": (0.15, 0.005),
        "district": (0.10, 0.05),
        "different": (0.15, 0.943),
    },
}

# A household: the surname and the address compared together, in place of the two apart. The two
# are not independent for different people: someone else at the same address is often a relative
# of the same surname (a parent, child or sibling), so summing the surname's and the address's
# weights (+7.8 and +8.2 for exact and same) counted the household twice and put a namesake's
# sibling at one address on a posterior of 0.1-0.8. Here m is the two levels' m together (for the
# same person they do agree independently); u is the address's u times the chance of the surname
# level for two different people at one address: a relative sharing the surname (a share
# HOUSEHOLD_SHARE of them), whose surname agrees as often as the same person's would (the
# surname's m), or anyone else, whose surname agrees by chance (the surname's u).
# HOUSEHOLD_SHARE is held down by the other address levels, not by the data: u(address same) =
# 0.002 is 2/5 of u(postcode) = 0.005 (a postcode really covers some 15 addresses), so above about
# 0.04 a namesake next door (surname exact, postcode: +12.7) would outweigh the person at the
# address. At 0.03 (the exact level's u is 7.6 times the independent product) the household
# weighs +13.1; counted on the generated training seed 21 the factor is about 70.
HOUSEHOLD_SHARE = 0.03
HOUSEHOLD_LEVELS = ("exact", "typo", "phonetic", "partial")


def _household(level: str) -> tuple[float, float]:
    m_surname, u_surname = M_U["surname"][level]
    m_address, u_address = M_U["address"]["same"]
    surname_at_one_address = HOUSEHOLD_SHARE * m_surname + (1 - HOUSEHOLD_SHARE) * u_surname
    return m_surname * m_address, u_address * surname_at_one_address


# Surname at the given level and address `same` (e.g. exact: +13.1 instead of +7.8 + 8.2 = +16.0).
M_U["surnameAndAddress"] = {level: _household(level) for level in HOUSEHOLD_LEVELS}

# Prior odds of a match between a query and one record in the index: about 1 in 8,000.
PRIOR_LOG2_ODDS = -13.0

# Grades after FHIR Patient $match, as thresholds on the score (posterior probability).
CERTAIN = 0.995
PROBABLE = 0.80
POSSIBLE = 0.10


@dataclass(frozen=True)
class Reason:
    """One field's contribution: its agreement level and its weight (log2 likelihood ratio)."""

    field: str
    agreement: str
    weight: float


def weight(field: str, level: str) -> float:
    """log2(m/u) of one field's agreement level."""
    m, u = M_U[field][level]
    return math.log2(m / u)


def reasons(levels: dict[str, str | None]) -> list[Reason]:
    """The reasons for each comparable field, strongest evidence first."""
    found = [
        Reason(field, level, round(weight(field, level), 2))
        for field, level in levels.items()
        if level is not None
    ]
    return sorted(found, key=lambda r: -abs(r.weight))


def score(found: list[Reason]) -> float:
    """The posterior probability of a match given the field weights."""
    total = PRIOR_LOG2_ODDS + sum(reason.weight for reason in found)
    return 1.0 / (1.0 + 2.0 ** (-total))


# `certain` also needs one of these to agree: names and an address alone, however close, can be a
# father and son of the same name at one address.
IDENTIFYING = {
    ("dateOfBirth", "exact"),
    ("dateOfBirth", "swapped"),
    ("nationalInsuranceNo", "exact"),
    ("nationalInsuranceNo", "withoutSuffix"),
}


def grade(value: float, found: list[Reason] | None = None) -> str | None:
    """certain, probable or possible; None below the possible threshold (not a candidate).

    Without `found` only the thresholds apply; with it, `certain` also needs an identifying
    agreement (date of birth or NI number), else the grade is `probable`.
    """
    if value >= CERTAIN:
        if found is not None and not any((r.field, r.agreement) in IDENTIFYING for r in found):
            return "probable"
        return "certain"
    if value >= PROBABLE:
        return "probable"
    if value >= POSSIBLE:
        return "possible"
    return None
