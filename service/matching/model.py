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
