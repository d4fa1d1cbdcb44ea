"""Runs person searches against the OpenSearch alias."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from service.search.queries import person_search_query


class PersonSearch:
    """Person search over the alias; the client is injected."""

    def __init__(self, client: OpenSearch, alias: str) -> None:
        self._client = client
        self._alias = alias

    def by_name(
        self, first_name: str | None, surname: str | None, page_size: int
    ) -> dict[str, Any]:
        body = person_search_query(first_name, surname, page_size)
        response = self._client.search(index=self._alias, body=body)
        hits = response["hits"]
        return {
            "results": [{**hit["_source"], "score": hit["_score"]} for hit in hits["hits"]],
            "total": hits["total"]["value"],
            "nextCursor": None,
        }
