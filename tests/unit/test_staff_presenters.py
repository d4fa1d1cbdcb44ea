"""How the staff pages show values."""

from __future__ import annotations

from service.staff.forms import changes, message
from service.staff.presenters import (
    address_line,
    full_name,
    long_date,
    long_time,
    option,
    shown_value,
    timeline,
    type_words,
)


def test_dates_and_times_read_as_people_write_them() -> None:
    assert long_date("1984-03-05") == "5 March 1984"
    assert long_date("1984-03") == "March 1984"
    assert long_date("1984") == "1984"
    assert long_date(None) == ""
    assert long_time("2026-11-27T13:05:00.000Z") == "27 November 2026 at 1:05pm (UTC)"
    assert long_time("2026-11-27T00:30:00Z") == "27 November 2026 at 12:30am (UTC)"


def test_names_types_and_values() -> None:
    assert full_name({"title": "Ms", "firstName": "Aisha", "surname": "Okonkwo"}) == (
        "Ms Aisha Okonkwo"
    )
    assert type_words("HouseholdMember") == "Household member"
    assert type_words("TMOContact") == "TMOContact"
    assert option("Tenant", ["Tenant"])["checked"] and not option("Tenant", "Ms")["selected"]
    assert shown_value("dateOfBirth", "1984-03-05") == "5 March 1984"
    assert shown_value("personTypes", ["Tenant", "Leaseholder"]) == "Tenant; Leaseholder"
    assert shown_value("middleName", None) == "(none)"
    assert address_line({"addresses": ["1 Mare St"], "postcodes": ["E81HE"]}) == (
        "1 Mare St; E8 1HE"
    )
    assert address_line({"addresses": [], "postcodes": ["NOTAPOSTCODE"]}) == "NOTAPOSTCODE"


def test_the_timeline_is_newest_first_with_changes_in_words() -> None:
    entries = [
        {"versionNumber": 1, "event": "created", "changedBy": "a", "changes": []},
        {
            "versionNumber": 2,
            "event": "updated",
            "changedAt": "2026-11-27T13:05:00Z",
            "changedBy": "b@example.council",
            "reason": "Married",
            "changes": [{"field": "surname", "oldValue": "Okonkwo", "newValue": "Okafor"}],
        },
    ]
    shown = timeline(entries)
    assert [entry["title"] for entry in shown] == ["Changed (version 2)", "Created (version 1)"]
    assert shown[0]["changes"] == [{"field": "Last name", "old": "Okonkwo", "new": "Okafor"}]
    assert shown[0]["who"] == "b@example.council" and shown[0]["reason"] == "Married"


def test_api_messages_are_worded_for_the_form() -> None:
    assert message("surname", "Missing data for required field.") == "Enter a last name"
    assert message("dateOfBirth", "is in the future.") == "Date of birth is in the future"
    assert message("title", "Missing data for required field: a title is required") == (
        "Select a title (a title is required)"
    )


def test_changes_are_the_fields_that_differ_with_blank_as_none() -> None:
    before = {"firstName": "Aisha", "middleName": None, "personTypes": ["Tenant"]}
    after = {"firstName": "Aisha", "middleName": "", "personTypes": ["Tenant", "Occupant"]}
    assert changes(before, after) == {"personTypes": ["Tenant", "Occupant"]}
    assert changes(before, {**after, "firstName": "Ayesha"})["firstName"] == "Ayesha"
