"""A staff search's first hits re-ranked by the matching model, and how pages walk through them.

OpenSearch finds; the Fellegi-Sunter model (`service.matching.scoring`) orders. The top `window`
hits of a search, in OpenSearch order (score, id), are scored against what was searched for and
ordered by (model score desc, OpenSearch score desc, id asc). Pages inside the window are served
by rank in that order; the page that reaches the window's end is filled from OpenSearch order
after the window's last hit, and later pages follow OpenSearch order with `search_after`. Pure
functions: the searcher runs the queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.matching.model import MatchModel
from service.matching.scoring import score_candidate
from service.search.queries import SearchParams

MATCH_SCORE_DIGITS = 6


def model_query(params: SearchParams) -> dict[str, str]:
    """What the model compares of a search (empty when only free text or filters were given)."""
    query = {
        "firstName": params.first_name,
        "surname": params.surname,
        "dateOfBirth": params.date_of_birth,
        "nationalInsuranceNo": params.national_insurance_no,
        "address": params.address,
        "postcode": params.postcode,
    }
    return {name: value for name, value in query.items() if value}


@dataclass(frozen=True)
class Ranked:
    """A hit of the window and the model's probability that it is the person searched for."""

    hit: dict[str, Any]
    match_score: float


def rerank(
    hits: list[dict[str, Any]], query: dict[str, str], weights: MatchModel | None = None
) -> list[Ranked]:
    """The hits ordered by model score, then OpenSearch score, then id (a total order).

    The model score is rounded as the duplicate check rounds it, so that the order a caller sees
    follows from the values it is shown.
    """
    ranked = [
        Ranked(
            hit,
            round(score_candidate(query, hit["_source"], weights).score, MATCH_SCORE_DIGITS),
        )
        for hit in hits
    ]
    return sorted(ranked, key=lambda r: (-r.match_score, -r.hit["_score"], r.hit["_source"]["id"]))


@dataclass(frozen=True)
class WindowPage:
    """Where one page starting at rank `offset` of the re-ranked window comes from.

    Ranks `start` to `stop` of the window, then `after_window` hits of OpenSearch order after
    the window's last hit. `next_offset` is the next page's rank in the window, or None when the
    next page (if any) starts after the window.
    """

    start: int
    stop: int
    after_window: int
    next_offset: int | None


def window_page(offset: int, page_size: int, window_hits: int, more_after: bool) -> WindowPage:
    """The part of a page inside a window of `window_hits` hits, and what fills the rest.

    `more_after` says whether OpenSearch has hits after the window; without them, a page that
    reaches the window's end is the last one (and may be short).
    """
    start = min(offset, window_hits)
    stop = min(offset + page_size, window_hits)
    after_window = page_size - (stop - start) if more_after else 0
    return WindowPage(start, stop, after_window, stop if stop < window_hits else None)
