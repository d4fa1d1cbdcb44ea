"""Why a record matched, in words a member of staff understands.

The duplicate check's model compares each field at a level (`service.matching.compare`); these
functions turn those levels into short phrases ("nickname of Robert", "date of birth with day and
month swapped"), naming the record's own value where that helps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Reason = Mapping[str, Any]  # {"field", "agreement", "weight"}, as the duplicate check answers

_NAME_WORDS = {
    "exact": "same {label}",
    "nickname": "nickname of {value}",
    "typo": "{label} spelt like {value}",
    "phonetic": "sounds like {value}",
    "similar": "{label} similar to {value}",
    "partial": "part of {value}",
    "initial": "initial of {value}",
}
_DATE_WORDS = {
    "exact": "same date of birth",
    "swapped": "date of birth with day and month swapped",
    "typo": "date of birth one digit different",
    "twoDigits": "date of birth two digits different",
    "yearMonth": "same month and year of birth",
    "year": "same year of birth",
}
_NI_WORDS = {
    "exact": "same National Insurance number",
    "withoutSuffix": "same National Insurance number apart from the last letter",
    "typo": "National Insurance number one character different",
}
_ADDRESS_WORDS = {
    "same": "same address",
    "similar": "similar address",
    "sameStreet": "same street",
    "postcode": "same postcode",
    "district": "same postcode area",
}
_DIFFERENT = {
    "firstName": "different first name",
    "surname": "different last name",
    "dateOfBirth": "different date of birth",
    "nationalInsuranceNo": "different National Insurance number",
    "address": "different address",
}
_NAME_FIELDS = {"firstName": ("first name", "firstName"), "surname": ("last name", "surname")}


def _first(record: dict[str, Any], field: str) -> str:
    value = record.get(field)
    return str(value) if value else "the record's name"


def phrase(field: str, agreement: str, record: dict[str, Any]) -> str | None:
    """One field's agreement in words, or None for a level that says nothing."""
    if field in _NAME_FIELDS and agreement in _NAME_WORDS:
        label, key = _NAME_FIELDS[field]
        return _NAME_WORDS[agreement].format(label=label, value=_first(record, key))
    if field == "swappedNames" and agreement == "swapped":
        return "first and last names swapped"
    words = {
        "dateOfBirth": _DATE_WORDS,
        "nationalInsuranceNo": _NI_WORDS,
        "address": _ADDRESS_WORDS,
    }
    return words.get(field, {}).get(agreement)


def agreements(reasons: Iterable[Reason], record: dict[str, Any]) -> list[str]:
    """What agrees, strongest first (the order the model gives), each phrase once."""
    found: list[str] = []
    for reason in reasons:
        words = phrase(reason["field"], reason["agreement"], record)
        if words and words not in found:
            found.append(words)
    return found


def differences(reasons: Iterable[Reason]) -> list[str]:
    """What was compared and disagrees ("different date of birth")."""
    return [
        _DIFFERENT[reason["field"]]
        for reason in reasons
        if reason["agreement"] == "different" and reason["field"] in _DIFFERENT
    ]
