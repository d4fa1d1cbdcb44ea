"""The requests of a scale run: staff searches, duplicate checks, their raw OpenSearch bodies and
paged searches, built from corrupted queries; and how many of them found the right person."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from benchmarks.quality.generator import Query
from benchmarks.scale.timing import Reply, Request, Target

SEARCH_FIELDS = ("firstName", "surname", "dateOfBirth")
PERSONS = "/api/v1/persons"
MATCH_LIMIT = 10
PAGED_PAGE_SIZE = 10


def search_request(person: dict[str, Any], explain: bool = False) -> Request:
    """The staff search for a recorded person: first name, surname and date of birth."""
    params = {field: person[field] for field in SEARCH_FIELDS if person.get(field)}
    if explain:
        params["explain"] = "true"
    return Request("GET", f"{PERSONS}?{urlencode(params)}")


def match_request(person: dict[str, Any], explain: bool = False) -> Request:
    """The duplicate check for a recorded person, its ten best candidates."""
    query = f"limit={MATCH_LIMIT}" + ("&explain=true" if explain else "")
    return Request("POST", f"{PERSONS}/matches?{query}", body=person)


def paged_search_request(person: dict[str, Any]) -> Request:
    """A surname search of ten a page: a surname alone usually has a next page."""
    params = {"surname": person["surname"], "pageSize": PAGED_PAGE_SIZE}
    return Request("GET", f"{PERSONS}?{urlencode(params)}")


def send_paged(target: Target, request: Request) -> Reply:
    """The first page, then the next one when there is a `nextCursor`; the worse status and the
    time of both; the body says how many pages were read."""
    first = target.send(request)
    cursor = first.body.get("nextCursor") if isinstance(first.body, dict) else None
    if first.status != 200 or not cursor:
        return Reply(first.status, first.seconds, {"pages": 1})
    second = target.send(Request("GET", f"{PERSONS}?{urlencode({'cursor': cursor})}"))
    return Reply(max(first.status, second.status), first.seconds + second.seconds, {"pages": 2})


def raw_request(explained: Reply, alias: str) -> Request:
    """The OpenSearch request the API ran for an `explain=true` answer (`explain.query`, or the
    duplicate check's `explain.queries`, sent as the same multi-search)."""
    if explained.status != 200 or not isinstance(explained.body, dict):
        raise RuntimeError(f"explain request failed: {explained.status} {explained.body}")
    explain = explained.body.get("explain") or {}
    index = explain.get("index") or alias
    if "queries" in explain:  # the duplicate check: its candidate queries, one multi-search
        lines: list[dict[str, Any]] = []
        for body in explain["queries"].values():
            lines += [{"index": index}, body]
        return Request("POST", "/_msearch", lines=lines)
    if "query" not in explain:
        raise RuntimeError(f"no explain.query in the answer: {sorted(explained.body)}")
    return Request("POST", f"/{index}/_search", body=explain["query"])


def search_first(reply: Reply) -> str | None:
    results = reply.body.get("results") if isinstance(reply.body, dict) else None
    return results[0]["id"] if results else None


def match_first(reply: Reply) -> str | None:
    results = reply.body.get("results") if isinstance(reply.body, dict) else None
    return results[0]["person"]["id"] if results else None


def recall_at_1(
    replies: Sequence[Reply],
    truths: Sequence[str | None],
    first: Callable[[Reply], str | None],
) -> tuple[float, int]:
    """The share of queries with a person in the index whose first answer is that person, and
    how many such queries there were."""
    scored = [(reply, truth) for reply, truth in zip(replies, truths, strict=True) if truth]
    if not scored:
        return 0.0, 0
    hits = sum(first(reply) == truth for reply, truth in scored)
    return hits / len(scored), len(scored)


def truths(asked: Sequence[Query], id_of: Callable[[str], str]) -> list[str | None]:
    """The id of each query's source person (None for people not in the index)."""
    return [id_of(query.key) if query.key else None for query in asked]
