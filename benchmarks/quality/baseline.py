"""The quality benchmark's baseline: one plain fuzzy multi_match over the names, no model.

It lives with the benchmark, not in the service: it answers nothing a caller can ask for.
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from service.search.queries import LIVE_ONLY


def baseline_body(first_name: str | None, surname: str | None, size: int) -> dict[str, Any]:
    """The benchmark's baseline: one plain multi_match with fuzziness AUTO over the name fields."""
    text = " ".join(value for value in (first_name, surname) if value)
    return {
        "size": size,
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": text,
                            "fields": ["firstName", "surname"],
                            "fuzziness": "AUTO",
                        }
                    }
                ],
                "filter": [LIVE_ONLY],
            }
        },
    }


def baseline_hits(
    client: OpenSearch, alias: str, first_name: str | None, surname: str | None, size: int
) -> list[dict[str, Any]]:
    """Hits of the baseline query, best first."""
    return client.search(index=alias, body=baseline_body(first_name, surname, size))["hits"]["hits"]
