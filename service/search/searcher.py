"""Runs person searches, duplicate-check candidate queries and the benchmark baseline."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from service.search.cursor import Cursor, CursorCodec
from service.search.queries import SearchParams, baseline_body, candidate_body, search_body


def _hit(hit: dict[str, Any], explain: bool) -> dict[str, Any]:
    result = {**hit["_source"], "score": hit["_score"]}
    if explain:
        result["matchedClauses"] = sorted(hit.get("matched_queries") or [])
    return result


class PersonSearch:
    """Person search over the alias; the client and the cursor codec are injected.

    Nothing is held open between pages: the cursor carries the search and where it stopped.
    """

    def __init__(self, client: OpenSearch, alias: str, cursors: CursorCodec) -> None:
        self._client = client
        self._alias = alias
        self._cursors = cursors

    def search(self, params: SearchParams, page_size: int, explain: bool = False) -> dict[str, Any]:
        """The first page of a search."""
        return self._page(Cursor([], params, page_size), explain)

    def next_page(self, cursor_text: str, explain: bool = False) -> dict[str, Any]:
        """The page after a cursor (InvalidCursor when the cursor is not one of ours)."""
        return self._page(self._cursors.decode(cursor_text), explain)

    def _page(self, cursor: Cursor, explain: bool) -> dict[str, Any]:
        body = search_body(cursor.params, cursor.page_size + 1, cursor.search_after or None)
        response = self._client.search(index=self._alias, body=body)
        hits = response["hits"]["hits"]
        page = hits[: cursor.page_size]
        next_cursor = None
        if len(hits) > cursor.page_size:
            after = Cursor(page[-1]["sort"], cursor.params, cursor.page_size)
            next_cursor = self._cursors.encode(after)
        result: dict[str, Any] = {
            "results": [_hit(hit, explain) for hit in page],
            "total": response["hits"]["total"]["value"],
            "nextCursor": next_cursor,
        }
        if explain:
            result["explain"] = {"index": self._alias, "query": body}
        return result

    def candidates(self, params: SearchParams, size: int) -> tuple[dict[str, Any], list[dict]]:
        """The candidate query of a duplicate check and its hits (with matched clause names)."""
        body = candidate_body(params, size)
        response = self._client.search(index=self._alias, body=body)
        return body, response["hits"]["hits"]

    def baseline(self, first_name: str | None, surname: str | None, size: int) -> list[dict]:
        """Hits of the benchmark's baseline query, best first."""
        body = baseline_body(first_name, surname, size)
        return self._client.search(index=self._alias, body=body)["hits"]["hits"]
