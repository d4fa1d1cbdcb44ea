"""Build OpenSearch queries from search parameters: pure functions, tested without a server.

User text only ever goes into `match`-family queries (never query_string), so punctuation in the
input is harmless.
"""

from __future__ import annotations

from typing import Any

LIVE_ONLY = {"term": {"isDeleted": False}}


def _name_clauses(field: str, value: str) -> list[dict[str, Any]]:
    """Exact, typo-tolerant, phonetic and prefix matches of one name field, weighted."""
    return [
        {"match": {field: {"query": value, "boost": 4.0, "_name": f"{field}:exact"}}},
        {
            "match": {
                field: {
                    "query": value,
                    "fuzziness": "AUTO",
                    "prefix_length": 1,
                    "boost": 2.0,
                    "_name": f"{field}:typo",
                }
            }
        },
        {
            "match": {
                f"{field}.phonetic": {"query": value, "boost": 1.5, "_name": f"{field}:phonetic"}
            }
        },
        {"match": {f"{field}.edge": {"query": value, "boost": 1.0, "_name": f"{field}:prefix"}}},
    ]


def person_search_query(
    first_name: str | None, surname: str | None, page_size: int
) -> dict[str, Any]:
    """The request body of a name search over live people."""
    must: list[dict[str, Any]] = []
    for field, value in (("firstName", first_name), ("surname", surname)):
        if value:
            must.append(
                {"bool": {"should": _name_clauses(field, value), "minimum_should_match": 1}}
            )
    return {
        "size": page_size,
        "track_total_hits": True,
        "query": {"bool": {"must": must, "filter": [LIVE_ONLY]}},
        "sort": [{"_score": "desc"}, {"id": "asc"}],
    }
