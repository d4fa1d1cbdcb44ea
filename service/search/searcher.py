"""Runs person searches (paged, the first hits re-ranked) and the duplicate check's candidate
queries against the alias; opensearch-py's errors leave it as the search layer's own."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from opensearchpy import OpenSearch

from service.matching.model import MatchModel
from service.search.cursor import Cursor, CursorCodec
from service.search.opensearch_errors import search_error, search_operation
from service.search.queries import SearchParams, search_body
from service.search.rerank import model_query, rerank, window_page
from service.timings import phase


def _after(cursor: Cursor, hit: dict[str, Any]) -> Cursor:
    """The next page of a search in OpenSearch order, after this hit."""
    return Cursor(hit["sort"], cursor.params, cursor.page_size)


def _hit(hit: dict[str, Any], explain: bool, match_score: float | None = None) -> dict[str, Any]:
    result = {**hit["_source"], "score": hit["_score"]}
    if match_score is not None:
        result["matchScore"] = match_score
    if explain:
        result["matchedClauses"] = sorted(hit.get("matched_queries") or [])
    return result


class PersonSearcher:
    """Person search over the alias; the client and the cursor codec are injected.

    Nothing is held open between pages: the cursor carries the search and where it stopped.
    """

    def __init__(
        self,
        client: OpenSearch,
        alias: str,
        cursors: CursorCodec,
        weights: MatchModel | None = None,
    ) -> None:
        self._client = client
        self._alias = alias
        self._cursors = cursors
        self._weights = weights  # the match model that re-ranks (None: the hand-set one)

    @search_operation
    def search(
        self,
        params: SearchParams,
        page_size: int,
        explain: bool = False,
        rerank_window: int = 0,
    ) -> dict[str, Any]:
        """The first page of a search, its first `rerank_window` hits ordered by the model.

        A search with nothing the model compares (only free text) keeps OpenSearch order.
        """
        window = rerank_window if model_query(params) else 0
        return self._page(Cursor([], params, page_size, window), explain)

    @search_operation
    def next_page(self, cursor_text: str, explain: bool = False) -> dict[str, Any]:
        """The page after a cursor (InvalidCursor when the cursor is not one of ours)."""
        return self._page(self._cursors.decode(cursor_text), explain)

    def _page(self, cursor: Cursor, explain: bool) -> dict[str, Any]:
        if cursor.window and not cursor.search_after:
            return self._reranked_page(cursor, explain)
        body, hits, total = self._run(cursor.params, cursor.page_size + 1, cursor.search_after)
        page = hits[: cursor.page_size]
        next_cursor = _after(cursor, page[-1]) if len(hits) > cursor.page_size else None
        results = [_hit(hit, explain) for hit in page]
        return self._answer(results, total, next_cursor, {"query": body}, explain)

    def _reranked_page(self, cursor: Cursor, explain: bool) -> dict[str, Any]:
        """A page starting inside the re-ranked window, filled from after it if it reaches its end.

        The window query runs again for every such page: on an unchanged index it returns the
        same hits in the same order, so ranks in the window are stable without server state.
        """
        params, window = cursor.params, cursor.window
        body, hits, total = self._run(params, window + 1)
        in_window, more_after = hits[:window], len(hits) > window
        compared = model_query(params)
        with phase("rank"):
            ranked = rerank(in_window, compared, self._weights)
        plan = window_page(cursor.offset, cursor.page_size, len(in_window), more_after)
        results = [_hit(r.hit, explain, r.match_score) for r in ranked[plan.start : plan.stop]]
        details: dict[str, Any] = {
            "query": body,
            "rerank": {
                "window": window,
                "windowHits": len(in_window),
                "offset": cursor.offset,
                "compared": list(compared),
            },
        }
        next_cursor: Cursor | None = None
        if plan.next_offset is not None:
            next_cursor = replace(cursor, offset=plan.next_offset)
        elif more_after and not plan.after_window:
            next_cursor = _after(cursor, in_window[-1])
        elif more_after:
            # The page reaches the window's end: fill it in OpenSearch order after the window.
            after_body, extra, _ = self._run(params, plan.after_window + 1, in_window[-1]["sort"])
            details["queryAfterWindow"] = after_body
            filling = extra[: plan.after_window]
            results += [_hit(hit, explain) for hit in filling]
            if filling and len(extra) > plan.after_window:
                next_cursor = _after(cursor, filling[-1])
        return self._answer(results, total, next_cursor, details, explain)

    def _run(
        self, params: SearchParams, size: int, search_after: list[Any] | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
        """One search request: its body, its hits and the total count."""
        body = search_body(params, size, search_after or None)
        with phase("opensearch"):
            response = self._client.search(index=self._alias, body=body)
        return body, response["hits"]["hits"], response["hits"]["total"]["value"]

    def _answer(
        self,
        results: list[dict[str, Any]],
        total: int,
        next_cursor: Cursor | None,
        details: dict[str, Any],
        explain: bool,
    ) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "results": results,
            "total": total,
            "nextCursor": self._cursors.encode(next_cursor) if next_cursor else None,
        }
        if explain:
            answer["explain"] = {"index": self._alias, **details}
        return answer

    @search_operation
    def cluster_status(self) -> str:
        """The cluster's health colour: green, yellow or red (a health probe)."""
        return str(self._client.cluster.health()["status"])

    @search_operation
    def candidate_hits(self, bodies: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        """The hits of these candidate queries, sent as one multi-search: each person once,
        with the clauses every query matched."""
        lines: list[dict[str, Any]] = []
        for body in bodies.values():
            lines += [{"index": self._alias}, body]
        with phase("opensearch"):
            responses = self._client.msearch(body=lines)["responses"]
        hits: dict[str, dict[str, Any]] = {}
        for response in responses:
            if "error" in response:
                status = response.get("status", 500)
                raise search_error("PersonSearcher.candidate_hits", status, response["error"])
            for hit in response["hits"]["hits"]:
                found = hits.setdefault(hit["_id"], hit)
                if found is not hit:  # the same person from another query: keep every clause
                    clauses = set(found.get("matched_queries") or [])
                    found["matched_queries"] = sorted(
                        clauses | set(hit.get("matched_queries") or [])
                    )
        return list(hits.values())
