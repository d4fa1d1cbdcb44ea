"""Runs person searches, duplicate-check candidate queries and the benchmark baseline."""

from __future__ import annotations

import logging
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError, RequestError, TransportError

from service.search.cursor import Cursor, InvalidCursor, decode_cursor, encode_cursor
from service.search.queries import SearchParams, baseline_body, candidate_body, search_body

log = logging.getLogger(__name__)


def _hit(hit: dict[str, Any], explain: bool) -> dict[str, Any]:
    result = {**hit["_source"], "score": hit["_score"]}
    if explain:
        result["matchedClauses"] = sorted(hit.get("matched_queries") or [])
    return result


class PersonSearch:
    """Person search over the alias; the client is injected."""

    def __init__(
        self, client: OpenSearch, alias: str, keep_alive: str = "2m", max_page_size: int = 100
    ) -> None:
        self._client = client
        self._alias = alias
        self._keep_alive = keep_alive
        self._max_page_size = max_page_size

    def search(self, params: SearchParams, page_size: int, explain: bool = False) -> dict[str, Any]:
        """The first page of a search, read from a new point in time."""
        pit = self._client.create_pit(index=self._alias, params={"keep_alive": self._keep_alive})
        return self._page(Cursor(pit["pit_id"], [], params, page_size), explain)

    def next_page(self, cursor_text: str, explain: bool = False) -> dict[str, Any]:
        """The page after a cursor, from the cursor's point in time (InvalidCursor when gone)."""
        cursor = decode_cursor(cursor_text, self._max_page_size)
        try:
            return self._page(cursor, explain)
        except (NotFoundError, RequestError) as exc:
            raise InvalidCursor("cursor has expired or is not valid; search again") from exc

    def release(self, cursor_text: str) -> None:
        """Close a cursor's point in time before it expires (best effort)."""
        self._close(decode_cursor(cursor_text, self._max_page_size).pit_id)

    def _close(self, pit_id: str) -> None:
        try:
            self._client.delete_pit(body={"pit_id": [pit_id]})
        except TransportError as exc:
            log.info("point in time already closed", extra={"error": type(exc).__name__})

    def _page(self, cursor: Cursor, explain: bool) -> dict[str, Any]:
        pit = {"id": cursor.pit_id, "keep_alive": self._keep_alive}
        body = search_body(cursor.params, cursor.page_size + 1, pit, cursor.search_after or None)
        response = self._client.search(body=body)
        hits = response["hits"]["hits"]
        page = hits[: cursor.page_size]
        pit_id = response.get("pit_id", cursor.pit_id)
        next_cursor = None
        if len(hits) > cursor.page_size:
            after = Cursor(pit_id, page[-1]["sort"], cursor.params, cursor.page_size)
            next_cursor = encode_cursor(after)
        else:
            self._close(pit_id)
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
