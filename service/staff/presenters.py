"""How the staff pages show values: dates as "15 March 1984", names whole, changes in words."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
from typing import Any

from service.domain.normalise import InvalidValue, normalise_postcode
from service.staff.forms import LABELS

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Names of fields the history shows that the forms do not label.
_HISTORY_LABELS = {
    **LABELS,
    "personTypes": "Person types",
    "addresses": "Addresses",
    "tenures": "Tenures",
    "crossReferences": "Cross references",
    "identifications": "Identifications",
    "languages": "Languages",
}
# Parts of a list item that say nothing to a reader (a tenure's id, its computed activity).
_HIDDEN_KEYS = frozenset({"id", "isActive"})
_EVENTS = {"created": "Created", "updated": "Changed", "erased": "Erased"}


def long_date(value: str | None) -> str:
    """YYYY-MM-DD, YYYY-MM or YYYY as "15 March 1984", "March 1984" or "1984"."""
    if not value:
        return ""
    pieces = value.split("-")
    try:
        if len(pieces) == 3:
            day = date.fromisoformat(value)
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        if len(pieces) == 2:
            return f"{_MONTHS[int(pieces[1]) - 1]} {pieces[0]}"
    except (ValueError, IndexError):
        return value
    return value


def long_time(value: str | None) -> str:
    """An ISO 8601 UTC timestamp as "27 November 2026 at 1:35pm (UTC)"."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return (
        f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} at "
        f"{hour}:{moment.minute:02d}{suffix} (UTC)"
    )


def full_name(person: dict[str, Any]) -> str:
    """Title, first, middle and last names, as far as they are known."""
    parts = (person.get(name) for name in ("title", "firstName", "middleName", "surname"))
    return " ".join(str(part) for part in parts if part)


def field_label(name: str) -> str:
    return _HISTORY_LABELS.get(name, name)


def shown_value(name: str, value: Any) -> str:
    """A stored value in words: dates long, lists joined, nothing as "(none)"."""
    if value in (None, "", []):
        return "(none)"
    if name in {"dateOfBirth", "dateOfDeath"} and isinstance(value, str):
        return long_date(value)
    if isinstance(value, list):
        return "; ".join(_item(item) for item in value)
    return str(value)


def _item(item: Any) -> str:
    if isinstance(item, dict):
        if "fullAddress" in item:
            return " ".join(str(item[k]) for k in ("fullAddress", "postcode") if item.get(k))
        if "system" in item and "reference" in item:
            return f"{item['system']}: {item['reference']}"
        shown = {k: v for k, v in item.items() if k not in _HIDDEN_KEYS and v not in (None, "")}
        return ", ".join(f"{key} {value}" for key, value in shown.items())
    return str(item)


def timeline(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """History entries newest first, each with a title and its changes in words."""
    shown = []
    for entry in reversed(entries):
        shown.append(
            {
                "title": f"{_EVENTS.get(entry.get('event', ''), 'Changed')} "
                f"(version {entry.get('versionNumber')})",
                "who": entry.get("changedBy") or "unknown",
                "when": long_time(entry.get("changedAt")),
                "reason": entry.get("reason"),
                "erased": bool(entry.get("erased")),
                "changes": [
                    {
                        "field": field_label(change["field"]),
                        "old": shown_value(change["field"], change.get("oldValue")),
                        "new": shown_value(change["field"], change.get("newValue")),
                    }
                    for change in entry.get("changes") or []
                    if change["field"] != "reason"
                ],
                "changedFields": [field_label(name) for name in entry.get("changedFields") or []],
            }
        )
    return shown


def type_words(value: str) -> str:
    """A person type as words: "HouseholdMember" as "Household member" ("TMOContact" kept)."""
    words: list[str] = []
    for index, char in enumerate(value):
        starts = char.isupper() and index and not value[index - 1].isupper()
        if starts:
            words.append(" ")
        words.append(char.lower() if starts and value[index + 1 : index + 2].islower() else char)
    return "".join(words)


def option(value: str, chosen: str | list[str] | None) -> dict[str, Any]:
    """A select or checkbox item of the GOV.UK macros, marked when chosen."""
    marked = value in chosen if isinstance(chosen, list) else value == chosen
    return {"value": value, "text": type_words(value), "selected": marked, "checked": marked}


def address_line(document: dict[str, Any]) -> str:
    """A search document's first address and postcode ("12 Mare Street; E8 1HE")."""
    addresses = document.get("addresses") or []
    postcodes = document.get("postcodes") or []
    postcode = str(postcodes[0]) if postcodes else ""
    with suppress(InvalidValue):  # a postcode that is not a UK one is shown as stored
        postcode = normalise_postcode(postcode) if postcode else ""
    return "; ".join(part for part in (str(addresses[0]) if addresses else "", postcode) if part)
