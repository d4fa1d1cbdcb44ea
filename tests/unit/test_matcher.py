"""Which candidates the duplicate check keeps, and how it grades the weak ones."""

from __future__ import annotations

import pytest

from service.matching.matcher import Wanted, honest_grade, shares_something
from service.matching.model import Reason
from service.matching.scoring import Scored

DIFFERENT_DATE = Reason("dateOfBirth", "different", -5.0)
SAME_NAME = Reason("surname", "exact", 7.8)


def test_a_candidate_shares_something_when_one_field_agrees_at_any_level() -> None:
    assert shares_something([SAME_NAME, DIFFERENT_DATE])
    assert shares_something([Reason("address", "district", 1.0)])
    assert not shares_something([DIFFERENT_DATE, Reason("firstName", "different", -5.5)])
    assert not shares_something([])


@pytest.mark.parametrize(
    ("scored", "grade"),
    [
        (Scored(0.999, "certain", [SAME_NAME]), "certain"),
        (Scored(0.9, "probable", [SAME_NAME]), "probable"),
        (Scored(0.2, "possible", [SAME_NAME]), "possible"),
        (Scored(0.01, None, [SAME_NAME, DIFFERENT_DATE]), "possible"),
        (Scored(0.0001, None, [DIFFERENT_DATE]), None),
    ],
)
def test_below_the_possible_threshold_sharing_something_is_still_possible(
    scored: Scored, grade: str | None
) -> None:
    assert honest_grade(scored) == grade


def test_wanted_admits_by_score_and_by_grade() -> None:
    everyone = Wanted(limit=10)
    assert everyone.admits(0.0, "possible") and everyone.admits(0.999, "certain")
    probable = Wanted(limit=10, min_grade="probable")
    assert probable.admits(0.9, "probable") and probable.admits(0.999, "certain")
    assert not probable.admits(0.5, "possible")
    scored = Wanted(limit=10, min_score=0.5)
    assert scored.admits(0.5, "possible") and not scored.admits(0.49, "probable")
