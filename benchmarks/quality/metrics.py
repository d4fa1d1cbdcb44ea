"""Quality figures from ranked answers: recall@k, mean reciprocal rank and precision per grade."""

from __future__ import annotations

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
