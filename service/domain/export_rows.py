"""A person as one flat row, for CSV and Parquet extracts read by BI tools (Qlik, Power BI).

One row per person; lists are joined with "; " and the current address and active tenure get
columns of their own. NDJSON extracts carry the whole record instead (see service/exporting.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from service.domain.normalise import is_a_minor
from service.domain.rules import tenure_is_active

LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    """One column of the flat extract: its name, value kind and meaning."""

    name: str
    kind: str  # "string", "integer" or "boolean"
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "The person's id (UUID)."),
    Column("personRef", "integer", "The person's reference number."),
    Column("title", "string", "Title."),
    Column("firstName", "string", "First name."),
    Column("middleName", "string", "Middle name."),
    Column("surname", "string", "Surname."),
    Column("preferredTitle", "string", "Preferred title."),
    Column("preferredFirstName", "string", "Preferred first name."),
    Column("preferredMiddleName", "string", "Preferred middle name."),
    Column("preferredSurname", "string", "Preferred surname."),
    Column("dateOfBirth", "string", "YYYY-MM-DD."),
    Column("dateOfDeath", "string", "YYYY-MM-DD."),
    Column("isAMinor", "boolean", "Under 18 on the day of the extract (empty: no birth date)."),
    Column("placeOfBirth", "string", "Place of birth."),
    Column("gender", "string", "Gender."),
    Column("nationality", "string", "Nationality."),
    Column("ethnicity", "string", "Ethnicity."),
    Column("nationalInsuranceNo", "string", "NI number, compact upper case."),
    Column("personTypes", "string", "Person types, joined with '; '."),
    Column("currentAddress", "string", "Full address of the first current address."),
    Column("currentPostcode", "string", "Its postcode."),
    Column("currentUprn", "string", "Its UPRN."),
    Column("addressCount", "integer", "Number of addresses, current or not."),
    Column("activeTenureId", "string", "Id of the first tenure active on the day of the extract."),
    Column("activeTenureType", "string", "Its type."),
    Column("activeTenureStartDate", "string", "Its start date."),
    Column("activeTenureEndDate", "string", "Its end date."),
    Column("activeTenureAssetId", "string", "Its asset id."),
    Column("activeTenureAddress", "string", "Its asset's full address."),
    Column("activeTenureUprn", "string", "Its asset's UPRN."),
    Column("tenureCount", "integer", "Number of tenures, active or not."),
    Column("identifications", "string", "'type: value' pairs, joined with '; '."),
    Column("primaryLanguage", "string", "The primary language."),
    Column("languages", "string", "Every language, joined with '; '."),
    Column("communicationRequirements", "string", "Joined with '; '."),
    Column("crossReferences", "string", "'system: reference' pairs, joined with '; '."),
    Column("versionNumber", "integer", "Version of the record."),
    Column("createdAt", "string", "ISO 8601 UTC."),
    Column("lastModified", "string", "ISO 8601 UTC; modifiedSince filters on it."),
    Column("lastModifiedBy", "string", "Who made the last change."),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
_COPIED = (
    "id",
    "personRef",
    "title",
    "firstName",
    "middleName",
    "surname",
    "preferredTitle",
    "preferredFirstName",
    "preferredMiddleName",
    "preferredSurname",
    "dateOfBirth",
    "dateOfDeath",
    "placeOfBirth",
    "gender",
    "nationality",
    "ethnicity",
    "nationalInsuranceNo",
    "versionNumber",
    "createdAt",
    "lastModified",
    "lastModifiedBy",
)


def _joined(values: list[str]) -> str | None:
    return LIST_SEPARATOR.join(values) if values else None


def flat_row(person: dict[str, Any], today: date) -> dict[str, Any]:
    """The person as a row keyed by COLUMN_NAMES; None where the person has no value."""
    row: dict[str, Any] = dict.fromkeys(COLUMN_NAMES)
    row.update({name: person.get(name) for name in _COPIED})
    born = person.get("dateOfBirth")
    row["isAMinor"] = is_a_minor(date.fromisoformat(born) if born else None, today)
    row["personTypes"] = _joined(list(person.get("personTypes") or []))

    addresses = person.get("addresses") or []
    row["addressCount"] = len(addresses)
    current = next((a for a in addresses if a.get("isCurrent", True)), None)
    if current:
        row["currentAddress"] = current.get("fullAddress")
        row["currentPostcode"] = current.get("postcode")
        row["currentUprn"] = current.get("uprn")

    tenures = person.get("tenures") or []
    row["tenureCount"] = len(tenures)
    active = next((t for t in tenures if tenure_is_active(t, today)), None)
    if active:
        row["activeTenureId"] = active.get("id")
        row["activeTenureType"] = active.get("type")
        row["activeTenureStartDate"] = active.get("startDate")
        row["activeTenureEndDate"] = active.get("endDate")
        row["activeTenureAssetId"] = active.get("assetId")
        row["activeTenureAddress"] = active.get("assetFullAddress")
        row["activeTenureUprn"] = active.get("uprn")

    row["identifications"] = _joined(
        [f"{i['identificationType']}: {i['value']}" for i in person.get("identifications") or []]
    )
    languages = person.get("languages") or []
    row["primaryLanguage"] = next(
        (lang["language"] for lang in languages if lang.get("isPrimary")), None
    )
    row["languages"] = _joined([lang["language"] for lang in languages])
    row["communicationRequirements"] = _joined(list(person.get("communicationRequirements") or []))
    row["crossReferences"] = _joined(
        [f"{ref['system']}: {ref['reference']}" for ref in person.get("crossReferences") or []]
    )
    return row
