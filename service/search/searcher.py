"""Runs person searches, duplicate-check candidate queries and the benchmark baseline."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import TransportError

from service.search.cursor import Cursor, CursorCodec
from service.search.queries import SearchParams, baseline_body, candidate_bodies, search_body


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

    def candidates(
        self, params: SearchParams, size: int
    ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
        """The candidate queries of a duplicate check (one multi-search) and their hits, each
        person once, in the order the queries found them."""
        bodies = candidate_bodies(params, size)
        lines: list[dict[str, Any]] = []
        for body in bodies.values():
            lines += [{"index": self._alias}, body]
        responses = self._client.msearch(body=lines)["responses"]
        hits: dict[str, dict[str, Any]] = {}
        for response in responses:
            if "error" in response:
                raise TransportError(response.get("status", 500), "msearch", response["error"])
            for hit in response["hits"]["hits"]:
                found = hits.setdefault(hit["_id"], hit)
                if found is not hit:  # the same person from another query: keep every clause
                    clauses = set(found.get("matched_queries") or [])
                    found["matched_queries"] = sorted(
                        clauses | set(hit.get("matched_queries") or [])
                    )
        return bodies, list(hits.values())

    def baseline(self, first_name: str | None, surname: str | None, size: int) -> list[dict]:
        """Hits of the benchmark's baseline query, best first."""
        body = baseline_body(first_name, surname, size)
        return self._client.search(index=self._alias, body=body)["hits"]["hits"]
