"""Reads every live person of the register from the index, for batch jobs (model training)."""

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


def count_live(client: OpenSearch, alias: str) -> int:
    """How many live persons the index holds."""
    return int(
        client.count(index=alias, body={"query": {"bool": {"filter": [LIVE_ONLY]}}})["count"]
    )


def live_documents(client: OpenSearch, alias: str) -> Iterator[dict[str, Any]]:
    """Every live person's matching fields, in no particular order (a scroll, not paging)."""
    query = {"query": {"bool": {"filter": [LIVE_ONLY]}}, "_source": list(MATCH_FIELDS)}
    for hit in scan(client, index=alias, query=query, size=2000, preserve_order=False):
        yield hit["_source"]
