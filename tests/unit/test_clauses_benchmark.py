"""The clause benchmark leaves out exactly the clauses of one kind, wherever they sit."""

from __future__ import annotations

from benchmarks.clauses.__main__ import VARIANTS, without
from service.search.queries import SearchParams, candidate_bodies, search_body
from tests.unit.query_names import clause_names

PARAMS = SearchParams(
    first_name="Ann",
    surname="Lee",
    date_of_birth="1980-04-03",
    postcode="E8 1AB",
    national_insurance_no="AB123456C",
)


def test_leaving_out_name_typos_keeps_every_other_clause_and_the_date_typo() -> None:
    bodies = candidate_bodies(PARAMS, 20)
    before = clause_names(bodies)
    after = clause_names(without(bodies, VARIANTS["name typos (fuzzy)"]))
    assert {"firstName:typo", "surname:typo"} <= before
    assert before - after == {"firstName:typo", "surname:typo"}
    assert "dateOfBirth:typo" in after


def test_leaving_out_a_kind_reaches_the_staff_search_filter_too() -> None:
    """With both names and a full date the names sit inside a filter as well as in `should`."""
    body = search_body(PARAMS, 51)
    after = without(body, VARIANTS["name prefixes (edge n-grams)"])
    assert not {name for name in clause_names(after) if name.endswith(":prefix")}
    assert "surname:exact" in clause_names(after["query"]["bool"]["filter"])


def test_leaving_out_nothing_is_the_body_as_served() -> None:
    bodies = candidate_bodies(PARAMS, 20)
    assert without(bodies, VARIANTS["nothing (as served)"]) == bodies
