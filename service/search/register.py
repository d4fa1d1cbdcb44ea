"""Reads every live person of the register from the index, for batch jobs (model training, the
duplicate sweep)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import scan

from service.search.queries import LIVE_ONLY

# What the matcher compares: the fields a training pair needs.
MATCH_FIELDS = (
    "firstName",
    "middleName",
    "preferredFirstName",
    "surname",
    "preferredSurname",
    "dateOfBirth",
    "nationalInsuranceNo",
    "addresses",
    "postcodes",
)


def count_live(client: OpenSearch, alias: str, up_to_id: str | None = None) -> int:
    """How many live persons the index holds (only those with ids up to `up_to_id`, if given)."""
    wanted: list[dict[str, Any]] = [LIVE_ONLY]
    if up_to_id is not None:
        wanted.append({"range": {"id": {"lte": up_to_id}}})
    return int(client.count(index=alias, body={"query": {"bool": {"filter": wanted}}})["count"])


def live_documents(client: OpenSearch, alias: str) -> Iterator[dict[str, Any]]:
    """Every live person's matching fields, in no particular order (a scroll, not paging)."""
    query = {"query": {"bool": {"filter": [LIVE_ONLY]}}, "_source": list(MATCH_FIELDS)}
    for hit in scan(client, index=alias, query=query, size=2000, preserve_order=False):
        yield hit["_source"]


def live_page_by_id(
    client: OpenSearch, alias: str, after: str | None, size: int
) -> list[dict[str, Any]]:
    """Up to `size` live persons (id, personRef and the matching fields) with ids after `after`,
    in id order: pages that resume anywhere, with nothing held open on the node."""
    body: dict[str, Any] = {
        "size": size,
        "query": {"bool": {"filter": [LIVE_ONLY]}},
        "_source": ["id", "personRef", *MATCH_FIELDS],
        "sort": [{"id": "asc"}],
        "track_total_hits": False,
    }
    if after is not None:
        body["search_after"] = [after]
    return [hit["_source"] for hit in client.search(index=alias, body=body)["hits"]["hits"]]


def live_pages_by_id(
    client: OpenSearch, alias: str, after: str | None, size: int
) -> Iterator[list[dict[str, Any]]]:
    """`live_page_by_id` pages one after another, from the id after `after` to the last."""
    while page := live_page_by_id(client, alias, after, size):
        yield page
        after = page[-1]["id"]
