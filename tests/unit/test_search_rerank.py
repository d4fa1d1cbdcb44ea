"""Re-ranking a search's first hits by the matching model, and the paging arithmetic around it."""

from __future__ import annotations

from typing import Any

import pytest

from service.search.queries import SearchParams
from service.search.rerank import WindowPage, model_query, rerank, window_page


def _hit(person_id: str, score: float, **source: Any) -> dict[str, Any]:
    return {"_score": score, "_source": {"id": person_id, **source}, "sort": [score, person_id]}


def test_the_model_compares_what_was_searched_for_and_not_free_text_or_filters() -> None:
    params = SearchParams(
        first_name="George",
        surname="O'Connor",
        date_of_birth="1989-06-02",
        postcode="E8 1AB",
        q="Mare Street",
        person_types=("Tenant",),
    )
    assert model_query(params) == {
        "firstName": "George",
        "surname": "O'Connor",
        "dateOfBirth": "1989-06-02",
        "postcode": "E8 1AB",
    }
    assert model_query(SearchParams(q="George O'Connor", include_deceased=True)) == {}


def test_an_agreeing_date_of_birth_outranks_a_higher_opensearch_score() -> None:
    namesake = _hit("a", 30.0, firstName="George", surname="O'Connor", dateOfBirth="1983-12-28")
    person = _hit(
        "b",
        20.0,
        firstName="George",
        middleName="Harry",
        surname="O'Connor",
        dateOfBirth="1989-06-02",
    )
    query = {"firstName": "George", "surname": "O'Connor", "dateOfBirth": "1989-06-02"}
    ranked = rerank([namesake, person], query)
    assert [r.hit["_source"]["id"] for r in ranked] == ["b", "a"]
    assert 0 <= ranked[1].match_score < ranked[0].match_score <= 1


def test_equal_model_scores_keep_opensearch_order_then_id() -> None:
    hits = [
        _hit("c", 5.0, surname="Khan"),
        _hit("b", 7.0, surname="Khan"),
        _hit("a", 5.0, surname="Khan"),
    ]
    ranked = rerank(hits, {"surname": "Khan"})
    assert [r.hit["_source"]["id"] for r in ranked] == ["b", "a", "c"]
    assert len({r.match_score for r in ranked}) == 1


@pytest.mark.parametrize(
    ("offset", "page_size", "window_hits", "more_after", "expected"),
    [
        # Inside the window: ranks only, the next page starts at the next rank.
        (0, 10, 50, True, WindowPage(0, 10, 0, 10)),
        (40, 10, 50, True, WindowPage(40, 50, 0, None)),
        # Straddling the window's end: filled from after the window.
        (45, 10, 50, True, WindowPage(45, 50, 5, None)),
        (0, 100, 50, True, WindowPage(0, 50, 50, None)),
        # A window that holds every hit: the page that reaches its end is the last (short) one.
        (20, 10, 23, False, WindowPage(20, 23, 0, None)),
        (0, 20, 0, False, WindowPage(0, 0, 0, None)),
    ],
)
def test_where_a_page_comes_from(
    offset: int, page_size: int, window_hits: int, more_after: bool, expected: WindowPage
) -> None:
    assert window_page(offset, page_size, window_hits, more_after) == expected


@pytest.mark.parametrize(
    ("window", "total", "page_size"),
    [(7, 23, 5), (10, 23, 5), (5, 4, 3), (50, 120, 20), (3, 10, 10), (4, 5, 4)],
)
def test_walking_the_pages_serves_every_hit_once_in_full_pages(
    window: int, total: int, page_size: int
) -> None:
    """The walk the searcher follows, with hits numbered by OpenSearch order: ranks in the
    window, then OpenSearch order after the window's last hit."""
    window_hits, more_after = min(window, total), total > window
    pages: list[list[int]] = []
    offset: int | None = 0
    while offset is not None:
        plan = window_page(offset, page_size, window_hits, more_after)
        after_window = list(range(window_hits, total))[: plan.after_window]
        pages.append(list(range(plan.start, plan.stop)) + after_window)
        offset = plan.next_offset
    next_hit = window_hits + plan.after_window
    while more_after and next_hit < total:
        pages.append(list(range(next_hit, min(next_hit + page_size, total))))
        next_hit += page_size
    assert [n for page in pages for n in page] == list(range(total))
    assert all(len(page) == page_size for page in pages[:-1])
