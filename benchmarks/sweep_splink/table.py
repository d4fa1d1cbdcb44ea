"""Indexed persons flattened into the table Splink compares: one row a person, one column a value.

Splink compares columns with SQL, so whatever the service's comparisons compute in Python
(folded names, nickname families, sound codes, an address's numbers and words) is computed here
once per person, with the service's own functions, and stored as a column the SQL can compare
with `=`, Jaro-Winkler or a list intersection. A person is flattened as the sweep matches it:
names, date of birth, NI number, first address and first postcode (`sweep.query_of_document`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jellyfish

from service.domain.normalise import compact_ni, fold_name
from service.domain.search_document import compact_postcode, postcode_district
from service.matching.compare import address_parts, name_key
from service.matching.sweep import query_of_document
from service.search.nicknames import canonical_names

# Every column of a row, in order; all strings or lists of strings, None where absent.
COLUMNS = (
    "unique_id",
    "first_name",
    "first_name_family",
    "first_name_sound",
    "other_first_names",
    "surname",
    "surname_parts",
    "surname_sound",
    "dob",
    "ni",
    "address_words",
    "address_numbers",
    "address_key",
    "postcode",
    "postcode_district",
)
LIST_COLUMNS = frozenset(
    {"first_name_family", "other_first_names", "surname_parts", "address_numbers"}
)


def _name(value: str | None) -> str | None:
    return (name_key(value) or None) if value else None


def _sound(name: str | None) -> str | None:
    return (jellyfish.metaphone(name) or None) if name else None


def name_family(name: str | None) -> list[str] | None:
    """The name and the full names it is a nickname or spelling of: two first names whose
    families meet are the service's `nickname` level (`are_nicknames`)."""
    if not name:
        return None
    return sorted({name} | canonical_names(name))


def _other_first_names(document: dict[str, Any]) -> list[str] | None:
    """The names besides the first name the service compares a first name with (a middle name
    given as the first name, a preferred first name)."""
    names = {_name(document.get(f)) for f in ("middleName", "preferredFirstName")}
    names.discard(None)
    names.discard(_name(document.get("firstName")))
    return sorted(n for n in names if n) or None


def _address_columns(address: str | None) -> dict[str, Any]:
    if not address:
        return {"address_words": None, "address_numbers": None, "address_key": None}
    parts = address_parts(address)
    numbers = sorted(parts.numbers)
    return {
        "address_words": parts.joined or None,
        "address_numbers": numbers or None,
        "address_key": f"{' '.join(numbers)}|{parts.joined}" if parts.joined else None,
    }


def row(document: dict[str, Any]) -> dict[str, Any]:
    """One indexed person as a row of `COLUMNS`."""
    query = query_of_document(document)
    first_name, surname = _name(query.get("firstName")), _name(query.get("surname"))
    postcode = compact_postcode(query["postcode"]) if query.get("postcode") else None
    ni = query.get("nationalInsuranceNo")
    return {
        "unique_id": document["id"],
        "first_name": first_name,
        "first_name_family": name_family(first_name),
        "first_name_sound": _sound(first_name),
        "other_first_names": _other_first_names(document),
        "surname": surname,
        "surname_parts": fold_name(query["surname"]).split() if surname else None,
        "surname_sound": _sound(surname),
        "dob": query.get("dateOfBirth") or None,
        "ni": compact_ni(ni) if ni else None,
        **_address_columns(query.get("address")),
        "postcode": postcode or None,
        "postcode_district": postcode_district(postcode) if postcode else None,
    }


def columns(documents: Iterable[dict[str, Any]]) -> dict[str, list[Any]]:
    """The table column by column (as Splink's DuckDB backend registers a dict of lists)."""
    table: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for document in documents:
        for name, value in row(document).items():
            table[name].append(value)
    return table
