"""The duplicate check: candidates from OpenSearch, ranked and graded by the scoring model."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from service.matching.model import MatchModel
from service.matching.scoring import score_candidate
from service.search.queries import SearchParams
from service.search.searcher import PersonSearch

# Candidates fetched per answer wanted: the model re-ranks, so fetch more than it keeps.
CANDIDATE_FACTOR = 5
MIN_CANDIDATES = 30


def params_of(person: dict[str, Any]) -> SearchParams:
    """Search parameters from API-style camelCase values (a partial person or search arguments)."""
    return SearchParams(
        first_name=person.get("firstName"),
        surname=person.get("surname") or person.get("lastName"),
        date_of_birth=person.get("dateOfBirth"),
        national_insurance_no=person.get("nationalInsuranceNo"),
        address=person.get("address"),
        postcode=person.get("postcode"),
        q=person.get("q"),
        person_types=tuple(person.get("personTypes") or ()),
        include_deceased=bool(person.get("includeDeceased", True)),
    )


def match_query(person: dict[str, Any]) -> dict[str, Any]:
    """The flat partial person the matcher compares: names, date, NI and one address."""
    query = {
        "firstName": person.get("firstName"),
        "surname": person.get("surname") or person.get("lastName"),
        "dateOfBirth": person.get("dateOfBirth"),
        "nationalInsuranceNo": person.get("nationalInsuranceNo"),
        "address": person.get("address"),
        "postcode": person.get("postcode"),
        "personTypes": person.get("personTypes"),
        "includeDeceased": person["includeDeceased"],
    }
    current = [a for a in person.get("addresses") or [] if a.get("isCurrent", True)]
    first = (current or person.get("addresses") or [{}])[0]
    query["address"] = query["address"] or first.get("fullAddress")
    query["postcode"] = query["postcode"] or first.get("postcode")
    return query


class Matcher:
    """Finds the records most likely to be the same person as a partial person."""

    def __init__(self, search: PersonSearch, weights: MatchModel | None = None) -> None:
        self._search = search
        self._weights = weights

    def match(self, person: dict[str, Any], limit: int, explain: bool = False) -> dict[str, Any]:
        """Up to `limit` graded candidates, best first (below `possible` they are left out)."""
        size = max(limit * CANDIDATE_FACTOR, MIN_CANDIDATES)
        body, hits = self._search.candidates(params_of(person), size)
        results = []
        for hit in hits:
            scored = score_candidate(person, hit["_source"], self._weights)
            if scored.grade is None:
                continue
            result: dict[str, Any] = {
                "person": hit["_source"],
                "score": round(scored.score, 6),
                "grade": scored.grade,
                "reasons": [asdict(reason) for reason in scored.reasons],
            }
            if explain:
                result["matchedClauses"] = sorted(hit.get("matched_queries") or [])
                result["searchScore"] = hit["_score"]
            results.append(result)
        results.sort(key=lambda r: (-r["score"], r["person"]["id"]))
        answer: dict[str, Any] = {"results": results[:limit]}
        if explain:
            answer["explain"] = {"query": body}
        return answer
