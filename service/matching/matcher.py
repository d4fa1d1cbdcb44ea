"""The duplicate check: candidates from OpenSearch, ranked and graded by the scoring model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch

from service.config import Settings
from service.matching.model import MatchModel, Reason, load_model
from service.matching.scoring import Scored, score_candidate
from service.search.cursor import CursorCodec
from service.search.queries import SearchParams, candidate_bodies
from service.search.searcher import PersonSearcher
from service.timings import phase

# Candidates of the query over everything per answer wanted: the model re-ranks, so fetch more
# than it keeps (the queries held to a date of birth, an address or an NI number add their own).
CANDIDATE_FACTOR = 2
MIN_CANDIDATES = 20


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


def compared_person(person: dict[str, Any]) -> dict[str, Any]:
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


def reasons_text(reasons: list[dict[str, Any]]) -> str:
    """Answered reasons as one CSV cell: `field:agreement(+weight)` joined by '; '."""
    return "; ".join(f"{r['field']}:{r['agreement']}({r['weight']:+.1f})" for r in reasons)


# Strongest first; the same grades as the model's thresholds give.
GRADES = ("certain", "probable", "possible")
_GRADE_RANK = {grade: rank for rank, grade in enumerate(GRADES)}


def shares_something(reasons: list[Reason]) -> bool:
    """True when a name, the date of birth, the NI number or an address agrees at any level."""
    return any(reason.agreement != "different" for reason in reasons)


def honest_grade(scored: Scored) -> str | None:
    """The model's grade; below its `possible` threshold a candidate that shares something is
    still `possible` (weak, but a member of staff must see it), one that shares nothing None."""
    if scored.grade is not None:
        return scored.grade
    return "possible" if shares_something(scored.reasons) else None


@dataclass(frozen=True)
class Wanted:
    """How many candidates a caller wants, and how good they must be."""

    limit: int
    min_score: float = 0.0
    min_grade: str = "possible"

    def admits(self, score: float, grade: str) -> bool:
        """True when a candidate of this score and grade is good enough."""
        return score >= self.min_score and _GRADE_RANK[grade] <= _GRADE_RANK[self.min_grade]


class Matcher:
    """Finds the records most likely to be the same person as a partial person."""

    def __init__(self, search: PersonSearcher, weights: MatchModel | None = None) -> None:
        self._search = search
        self._weights = weights

    def match(
        self, person: dict[str, Any], wanted: Wanted, explain: bool = False
    ) -> dict[str, Any]:
        """The best `wanted.limit` candidates sharing something with the person, best first."""
        bodies = self.candidate_bodies(person, wanted)
        hits = self._search.candidate_hits(bodies)
        answer: dict[str, Any] = {"results": self.rank(person, hits, wanted, explain)}
        if explain:
            answer["explain"] = {"queries": bodies}
        return answer

    @staticmethod
    def candidate_bodies(person: dict[str, Any], wanted: Wanted) -> dict[str, dict[str, Any]]:
        """The candidate queries for a partial person (more candidates than wanted: the model
        re-ranks them)."""
        size = max(wanted.limit * CANDIDATE_FACTOR, MIN_CANDIDATES)
        return candidate_bodies(params_of(person), size)

    @phase("rank")
    def rank(
        self,
        person: dict[str, Any],
        hits: list[dict[str, Any]],
        wanted: Wanted,
        explain: bool = False,
    ) -> list[dict[str, Any]]:
        """The candidates the model grades as wanted, best first, at most `wanted.limit`."""
        kept = []
        for hit in hits:
            scored = score_candidate(person, hit["_source"], self._weights)
            # The score as answered, so that minScore=<an answered score> keeps that candidate.
            score, grade = round(scored.score, 6), honest_grade(scored)
            if grade is not None and wanted.admits(score, grade):
                kept.append((score, grade, scored, hit))
        kept.sort(key=lambda found: (-found[0], found[3]["_source"]["id"]))
        results = []
        for score, grade, scored, hit in kept[: wanted.limit]:
            result: dict[str, Any] = {
                "person": hit["_source"],
                "score": score,
                "grade": grade,
                "reasons": [reason.as_dict() for reason in scored.reasons],
            }
            if explain:
                result["matchedClauses"] = sorted(hit.get("matched_queries") or [])
                result["searchScore"] = hit["_score"]
            results.append(result)
        return results


def batch_matcher(client: OpenSearch, settings: Settings) -> Matcher:
    """The matcher of a batch job (bulk matching, the duplicate sweep): the settings' alias and
    model over the job's own client."""
    cursors = CursorCodec(settings.cursor_secret, settings.max_page_size)
    weights = load_model(settings.match_model_file) if settings.match_model_file else None
    return Matcher(PersonSearcher(client, settings.opensearch_alias, cursors), weights)
