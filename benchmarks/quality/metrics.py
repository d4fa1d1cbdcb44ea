"""Quality figures from ranked answers: recall@k, mean reciprocal rank and precision per grade."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

GRADES = ("certain", "probable", "possible")


@dataclass(frozen=True)
class Answer:
    """The ground truth of one query and the ranked (key, grade) pairs a method returned."""

    truth: str | None
    ranked: Sequence[tuple[str, str | None]]


@dataclass(frozen=True)
class Figures:
    """One method's figures; precision is None for a grade it never gave."""

    queries: int
    recall_at_1: float
    recall_at_10: float
    mrr: float
    precision: dict[str, float | None]
    graded: dict[str, int]
    best_precision: dict[str, float | None]
    best_graded: dict[str, int]


def _rank(answer: Answer) -> int | None:
    for position, (key, _) in enumerate(answer.ranked[:10], start=1):
        if key == answer.truth:
            return position
    return None


def figures(answers: Sequence[Answer]) -> Figures:
    """Recall and MRR over queries whose person is in the index; precision over every answer.

    `precision` counts every graded candidate returned; `best_precision` only each answer's first.
    """
    known = [a for a in answers if a.truth is not None]
    ranks = [_rank(a) for a in known]
    right = {g: 0 for g in GRADES}
    given = {g: 0 for g in GRADES}
    for answer in answers:
        for key, grade in answer.ranked:
            if grade in given:
                given[grade] += 1
                right[grade] += key == answer.truth
    best_right = {g: 0 for g in GRADES}
    best_given = {g: 0 for g in GRADES}
    for answer in answers:
        if answer.ranked and answer.ranked[0][1] in best_given:
            key, grade = answer.ranked[0]
            best_given[grade] += 1
            best_right[grade] += key == answer.truth
    count = len(known) or 1
    return Figures(
        queries=len(answers),
        recall_at_1=sum(r == 1 for r in ranks) / count,
        recall_at_10=sum(r is not None for r in ranks) / count,
        mrr=sum(1 / r for r in ranks if r) / count,
        precision={g: (right[g] / given[g] if given[g] else None) for g in GRADES},
        graded=given,
        best_precision={
            g: (best_right[g] / best_given[g] if best_given[g] else None) for g in GRADES
        },
        best_graded=best_given,
    )


def rank_grades(keys: Sequence[str]) -> list[tuple[str, str | None]]:
    """The baseline's grades (it has no model): rank 1 certain, 2-3 probable, 4-10 possible."""
    grades = ["certain", "probable", "probable"] + ["possible"] * 7
    return [(key, grades[i] if i < len(grades) else None) for i, key in enumerate(keys)]


EMPTY = "empty answer"
RANKED_2_TO_10 = "truth ranked 2-10"
NOT_IN_TOP_10 = "wrong first, truth not in the top 10"


def miss_kind(answer: Answer) -> str | None:
    """Why a query whose person is in the index did not get that person first (None if it did).

    Queries of people not in the index are never misses: for them an empty answer is right.
    """
    if answer.truth is None:
        return None
    if not answer.ranked:
        return EMPTY
    rank = _rank(answer)
    if rank == 1:
        return None
    return NOT_IN_TOP_10 if rank is None else RANKED_2_TO_10


def percentiles(values: Sequence[float], shares: Sequence[float]) -> list[float]:
    """The given percentiles (0.5 for the median) of a sample, by linear interpolation."""
    if len(values) < 2:
        return [values[0] if values else float("nan") for _ in shares]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return [cuts[round(share * 100) - 1] for share in shares]
