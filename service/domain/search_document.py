"""The OpenSearch document for a stored person: the one mapping from record to index.

The API never writes to OpenSearch; the indexer and the rebuild both call `search_document`.
Extended (service-area) data is never part of it.
"""

from __future__ import annotations

from typing import Any

from service.domain.normalise import compact_ni
from service.domain.tombstone import is_live

NAME_FIELDS = (
    "title",
    "firstName",
    "middleName",
    "surname",
    "preferredFirstName",
    "preferredSurname",
)


def date_of_birth_masks(date_of_birth: str) -> list[str]:
    """The date with each digit in turn masked: two dates one digit apart share one of these."""
    digits = date_of_birth.replace("-", "")
    return [f"mask{i}:{digits[:i]}_{digits[i + 1 :]}" for i in range(len(digits))]


def date_of_birth_parts(date_of_birth: str) -> list[str]:
    """Partial forms of a YYYY-MM-DD date: year, year-month, day/month swap and one-digit typos."""
    year, month, day = date_of_birth.split("-")
    parts = [f"y:{year}", f"ym:{year}-{month}", f"md:{month}-{day}"]
    if month != day and int(day) <= 12:
        parts.append(f"swapped:{year}-{day}-{month}")
    return parts + date_of_birth_masks(date_of_birth)


def compact_postcode(postcode: str) -> str:
    """A postcode upper-case without spaces: the form postcodes are compared in."""
    return "".join(postcode.split()).upper()


def postcode_district(postcode: str) -> str:
    """The outward code (district) of a UK postcode, e.g. E8 for E8 1AB."""
    compact = compact_postcode(postcode)
    return compact[:-3] if len(compact) > 3 else compact


def search_document(item: dict[str, Any]) -> dict[str, Any]:
    """Build the indexed document for a person item; an erased or merged person gives a tombstone
    document, so search shows neither (a merged person's survivor is found instead)."""
    if not is_live(item):
        return {"id": item["id"], "isDeleted": True}
    document: dict[str, Any] = {"id": item["id"], "isDeleted": False}
    for field in NAME_FIELDS:
        if item.get(field):
            document[field] = item[field]
    if item.get("personRef") is not None:
        document["personRef"] = item["personRef"]
    if item.get("dateOfBirth"):
        document["dateOfBirth"] = item["dateOfBirth"]
        document["dateOfBirthParts"] = date_of_birth_parts(item["dateOfBirth"])
    if item.get("dateOfDeath"):
        document["dateOfDeath"] = item["dateOfDeath"]
    if item.get("nationalInsuranceNo"):
        document["nationalInsuranceNo"] = compact_ni(item["nationalInsuranceNo"])
    document["personTypes"] = list(item.get("personTypes") or [])
    addresses = item.get("addresses") or []
    document["addresses"] = [a["fullAddress"] for a in addresses if a.get("fullAddress")]
    postcodes = [a["postcode"] for a in addresses if a.get("postcode")]
    document["postcodes"] = [compact_postcode(p) for p in postcodes]
    document["postcodeDistricts"] = sorted({postcode_district(p) for p in postcodes})
    references = item.get("crossReferences") or []
    document["crossReferences"] = [f"{ref['system']}:{ref['reference']}" for ref in references]
    document["referenceIds"] = [ref["reference"] for ref in references]
    if item.get("personRef") is not None:
        document["referenceIds"].append(str(item["personRef"]))
    if item.get("lastModified"):
        document["lastModified"] = item["lastModified"]
    return document
