"""The query builder: named clauses, safe handling of user text, filters and partial dates."""

from __future__ import annotations

import json
from dataclasses import replace

from benchmarks.quality.baseline import baseline_body
from service.domain.dirty_values import is_real_date
from service.domain.search_document import date_of_birth_masks, date_of_birth_parts
from service.search.queries import (
    DATE_BOOSTS,
    SearchParams,
    candidate_bodies,
    date_of_birth_clauses,
    name_clauses,
    search_body,
    search_query,
)
from tests.unit.query_names import clause_names


def test_each_name_must_match_in_some_way_and_swapped_names_are_allowed() -> None:
    query = search_query(SearchParams(first_name="Bob", surname="Smyth"))
    first, surname = query["bool"]["must"]
    assert first["bool"]["minimum_should_match"] == 1
    assert {
        "firstName:exact",
        "firstName:typo",
        "firstName:nickname",
        "firstName:phonetic",
        "firstName:phonetic-bm",
        "firstName:prefix",
        "firstName:swapped:exact",
        "firstName:swapped:phonetic",
    } <= clause_names(first)
    # In the other name's field only the cheap comparisons (a term lookup each).
    assert not {"firstName:swapped:typo", "firstName:swapped:prefix"} & clause_names(first)
    assert "surname:nickname" not in clause_names(surname)
    assert {
        "match": {
            "surnames.phonetic": {"query": "Smyth", "boost": 1.5, "_name": "surname:phonetic"}
        }
    } in surname["bool"]["should"]


def test_identifiers_raise_the_score_when_names_are_given_and_must_match_otherwise() -> None:
    with_names = search_query(SearchParams(surname="Khan", date_of_birth="1984-03-05"))
    assert "dateOfBirth:exact" in clause_names(with_names["bool"]["should"])
    alone = search_query(SearchParams(date_of_birth="1984-03-05"))
    assert "should" not in alone["bool"]
    assert {"dateOfBirth:exact", "dateOfBirth:swapped", "dateOfBirth:typo"} == clause_names(
        alone["bool"]["must"]
    )


def test_date_of_birth_forms_cover_swaps_typos_and_partial_dates() -> None:
    full = json.dumps(search_query(SearchParams(date_of_birth="1984-03-05")))
    assert '"swapped:1984-03-05"' in full and '"mask7:1984030_"' in full
    no_swap = json.dumps(search_query(SearchParams(date_of_birth="1984-03-25")))
    assert "swapped:" not in no_swap
    year = search_query(SearchParams(date_of_birth="1984"))
    assert year["bool"]["must"][0]["bool"]["should"] == [
        {"term": {"dateOfBirthParts": {"value": "y:1984", "_name": "dateOfBirth:year"}}}
    ]
    month = json.dumps(search_query(SearchParams(date_of_birth="1984-03")))
    assert '"ym:1984-03"' in month


def test_ni_numbers_and_postcodes_are_compacted_before_exact_terms() -> None:
    text = json.dumps(
        search_query(SearchParams(national_insurance_no="ab 12 34 56 c", postcode="e8 1dy"))
    )
    assert '"AB123456C"' in text and '"AB123456"' in text
    assert '"E81DY"' in text and '"value": "E8"' in text


def test_user_text_never_reaches_query_string_syntax() -> None:
    hostile = 'Smith" OR *:* AND name:/.*/ ~2 ^5 (a) [b TO c] {d} \\ && || !'
    params = SearchParams(first_name=hostile, surname=hostile, q=hostile, address=hostile)
    text = json.dumps(search_body(params, 10))
    assert "query_string" not in text and "simple_query_string" not in text
    assert json.dumps(hostile)[1:-1] in text  # passed verbatim as match text


def test_filters_keep_the_living_and_the_types_asked_for() -> None:
    default = search_query(SearchParams(surname="Khan"))["bool"]["filter"]
    assert {"term": {"isDeleted": False}} in default
    assert {"bool": {"must_not": [{"exists": {"field": "dateOfDeath"}}]}} in default
    chosen = search_query(
        SearchParams(surname="Khan", person_types=("Tenant",), include_deceased=True)
    )["bool"]["filter"]
    assert {"terms": {"personTypes": ["Tenant"]}} in chosen
    assert not any("must_not" in json.dumps(f) for f in chosen)


def test_page_bodies_sort_by_score_then_id_and_open_no_point_in_time() -> None:
    body = search_body(SearchParams(surname="Khan"), 21, [1.5, "x"])
    assert body["sort"] == [{"_score": "desc"}, {"id": "asc"}]
    assert "pit" not in body
    assert body["search_after"] == [1.5, "x"] and body["size"] == 21
    assert "from" not in body


def test_candidates_need_any_one_clause_and_baseline_is_one_fuzzy_multi_match() -> None:
    bodies = candidate_bodies(SearchParams(first_name="Ann", national_insurance_no="AB123456C"), 30)
    body = bodies["any"]
    assert body["query"]["bool"]["minimum_should_match"] == 1 and body["size"] == 30
    assert {"firstName:exact", "nationalInsuranceNo:exact"} <= clause_names(body)
    baseline = baseline_body("Ann", "Lee", 10)["query"]["bool"]["must"]
    assert baseline == [
        {
            "multi_match": {
                "query": "Ann Lee",
                "fields": ["firstName", "surname"],
                "fuzziness": "AUTO",
            }
        }
    ]


def test_a_day_month_swapped_query_finds_the_stored_form_of_the_record() -> None:
    stored = date_of_birth_parts("1944-01-11")
    clauses = date_of_birth_clauses("1944-11-01")
    (swapped,) = [c["constant_score"] for c in clauses if "constant_score" in c]
    assert swapped["filter"]["term"]["dateOfBirthParts"] in stored
    assert swapped["_name"] == "dateOfBirth:swapped"


def test_a_date_that_is_not_real_never_goes_to_the_date_field() -> None:
    """OpenSearch refuses a term on a date field with a date that does not exist."""
    for value in ("1985-02-30", "1985-13-01", "0000-01-01", "1985-00-00", "2961-13-45"):
        clauses = date_of_birth_clauses(value)
        on_date_field = [
            c["term"]["dateOfBirth"] for c in clauses if "dateOfBirth" in c.get("term", {})
        ]
        assert all(is_real_date(term["value"]) for term in on_date_field), value
        assert all(term["_name"] != "dateOfBirth:exact" for term in on_date_field), value
        typo = next(c for c in clauses if "terms" in c)
        assert typo["terms"]["dateOfBirthParts"] == date_of_birth_masks(value)


def test_every_full_date_clause_scores_flat_so_a_rare_swap_never_outscores_an_exact_date() -> None:
    """A keyword term scores boost x rarity; the swapped forms are rarer than any date."""
    for clause in date_of_birth_clauses("1999-04-09"):
        if "term" in clause:
            assert "dateOfBirth" in clause["term"]  # the date field: a constant score
        else:
            assert "terms" in clause or "constant_score" in clause
    exact, typo, swapped = (DATE_BOOSTS[k] for k in ("exact", "typo", "swapped"))
    assert exact + typo > typo > swapped  # an exact date also shares every one-digit-off form


def test_a_mistyped_year_shares_a_masked_form_with_the_real_date() -> None:
    masks = next(c for c in date_of_birth_clauses("2961-04-03") if "terms" in c)
    assert set(masks["terms"]["dateOfBirthParts"]) & set(date_of_birth_parts("1961-04-03"))


def test_a_month_above_12_asks_for_its_real_day_month_swap() -> None:
    clauses = date_of_birth_clauses("1985-30-03")
    swapped = [c for c in clauses if "constant_score" in c]
    assert swapped == [
        {
            "constant_score": {
                "filter": {"term": {"dateOfBirth": "1985-03-30"}},
                "boost": 4.0,
                "_name": "dateOfBirth:swapped",
            }
        }
    ]


def test_what_is_no_date_spelling_gives_no_date_clause() -> None:
    assert date_of_birth_clauses("unknown") == []
    assert date_of_birth_clauses("1985-2-3") == []


def test_each_identifying_criterion_given_has_candidate_places_of_its_own() -> None:
    """A record sharing the date of birth or the address is found by a query held to it, ranked
    there by the names, however many namesakes outscore it in the query over everything."""
    params = SearchParams(
        first_name="Ann",
        surname="Lee",
        date_of_birth="1980-04-03",
        address="14 Mare Street",
        postcode="E8 1AB",
        national_insurance_no="AB123456C",
    )
    bodies = candidate_bodies(params, 30)
    assert set(bodies) == {"any", "dateOfBirth", "address", "nationalInsuranceNo"}
    held = bodies["dateOfBirth"]["query"]["bool"]
    assert {"dateOfBirth:exact", "dateOfBirth:typo"} <= clause_names({"query": held["must"][0]})
    assert "firstName:exact" in clause_names({"query": {"bool": {"should": held["should"]}}})
    assert "minimum_should_match" not in held  # the names rank; they are not required
    place = clause_names({"query": bodies["address"]["query"]["bool"]["must"][0]})
    assert place == {"postcode:exact"}  # no district: too many share one
    assert bodies["nationalInsuranceNo"]["size"] == 5
    # Without a postcode, the address words hold the place query.
    no_postcode = candidate_bodies(SearchParams(surname="Lee", address="14 Mare Street"), 30)
    assert clause_names({"query": no_postcode["address"]["query"]["bool"]["must"][0]}) == {
        "address:words"
    }
    # A partial date or no identifier: only the query over everything.
    assert set(candidate_bodies(SearchParams(surname="Lee", date_of_birth="1980"), 30)) == {"any"}


def test_candidate_queries_leave_costly_comparisons_to_the_query_over_everything() -> None:
    """Typo comparisons rewrite to many terms: only `any` makes them, and only for names in their
    own fields; prefix and Beider-Morse comparisons found nothing more and are left out; address
    words (common ones match a large part of the register) only in the place query; no query
    sorts on a tie-breaker or counts hits."""
    params = SearchParams(
        first_name="Ann", surname="Lee", date_of_birth="1980-04-03", postcode="E8 1AB"
    )
    bodies = candidate_bodies(params, 30)
    costly = {"typo", "prefix", "phonetic-bm"}
    any_names = clause_names(bodies["any"])
    assert {"firstName:typo", "surname:typo", "surname:phonetic"} <= any_names
    assert not {f"{n}:{kind}" for n in ("firstName", "surname") for kind in costly - {"typo"}} & (
        any_names
    )
    assert {"firstName:swapped:exact", "surname:swapped:phonetic"} <= any_names
    assert not {f"{n}:swapped:{kind}" for n in ("firstName", "surname") for kind in costly} & (
        any_names
    )
    assert "postcode:district" not in any_names
    with_address = candidate_bodies(replace(params, address="1 Mare Street"), 30)
    assert "address:words" not in clause_names(with_address["any"])
    for held in ("dateOfBirth", "address"):
        names = {
            name for name in clause_names(bodies[held]) if name.startswith(("first", "surname"))
        }
        assert names and not {name.rsplit(":", 1)[1] for name in names} & costly, held
    for body in bodies.values():
        assert "sort" not in body and body["track_total_hits"] is False


def test_both_names_or_one_name_and_the_date_of_birth_must_agree() -> None:
    """With both names and a full date of birth, the requirement is a filter (names score in
    `should` as before); without a full date both names stay required."""
    full = search_query(
        SearchParams(first_name="Siobhan", surname="Whelan", date_of_birth="1990-12-01")
    )
    held = full["bool"]["filter"][-1]["bool"]["should"]
    both, one_and_date = held
    assert len(both["bool"]["must"]) == 2
    assert "dateOfBirth:exact" in clause_names(one_and_date["bool"]["must"][0])
    assert {"firstName:exact", "surname:exact"} <= clause_names(full["bool"]["should"])
    assert "must" not in full["bool"]
    partial = search_query(
        SearchParams(first_name="Siobhan", surname="Whelan", date_of_birth="1990")
    )
    assert len(partial["bool"]["must"]) == 2


def test_a_mistyped_name_is_looked_for_with_as_many_edits_as_the_matcher_counts_as_a_slip() -> None:
    """One edit from 3 letters, two from 8 (OpenSearch's plain AUTO allows two from 6)."""
    clauses = name_clauses("surname", "surnames", "Pellowe")
    (typo,) = [c["match"]["surnames"] for c in clauses if clause_names(c) == {"surname:typo"}]
    assert typo["fuzziness"] == "AUTO:3,8"
