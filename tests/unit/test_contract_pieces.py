"""Pure pieces behind the original contract and the export: vocabularies, JSON nesting, the
documented operations, the export role, modifiedSince and the flat extract row."""

from __future__ import annotations

import time
from datetime import date

import pytest

from service.api.request_guard import json_nesting_exceeds, operations_of
from service.auth import Caller, TokenVerifier, mint_token, required_role
from service.config import AuthSettings, ConfigError, Settings
from service.domain.export_rows import COLUMN_NAMES, flat_row
from service.domain.vocabulary import PERSON_TYPES, canonical
from service.exporting import InvalidSince, since_key

SECRET = "unit-test-secret-that-is-long-enough-for-every-hmac-0123456789abcdef"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("SECURE", "Secure"), (" tenant ", "Tenant"), ("Tenant", "Tenant"), ("Tenants", None)],
)
def test_canonical_matches_without_regard_to_case(value: str, expected: str | None) -> None:
    assert canonical(value, ("Tenant", "Secure")) == expected


@pytest.mark.parametrize(
    ("body", "limit", "exceeds"),
    [
        (b"[" * 5000 + b"]" * 5000, 32, True),
        (b'{"a": [[[[[[1]]]]]]}', 5, True),
        (b'{"a": [[[[1]]]]}', 5, False),
        (b'{"a": "[[[[[[[[[[", "b": [1, {"c": "\\" [[[[[["}]}', 3, False),
        (b'"unterminated [[[[[[[[', 3, False),
        (b"]]]]]]][[[", 3, False),
        (b"", 1, False),
    ],
)
def test_json_nesting_is_measured_outside_strings(body: bytes, limit: int, exceeds: bool) -> None:
    assert json_nesting_exceeds(body, limit) is exceeds


def test_operations_name_their_query_parameters_and_json_bodies() -> None:
    spec = {
        "paths": {
            "/a/{id}": {
                "parameters": [{"in": "path", "name": "id"}],
                "get": {"parameters": [{"in": "query", "name": "q"}]},
                "post": {"requestBody": {"content": {"application/json": {}}}},
            },
            "/b": {"put": {"requestBody": {"content": {"text/plain": {}}}}},
        }
    }
    operations = operations_of(spec)
    assert operations[("/a/{id}", "GET")].query == {"q"}
    assert not operations[("/a/{id}", "GET")].takes_json
    assert operations[("/a/{id}", "POST")].takes_json
    assert not operations[("/b", "PUT")].takes_json


def test_export_is_a_role_of_its_own() -> None:
    verifier = TokenVerifier(AuthSettings(secret=SECRET))
    admin = verifier.verify(mint_token(SECRET, "a", ["person-index-admin"], 60, int(time.time())))
    exporter = verifier.verify(
        mint_token(SECRET, "e", ["person-index-export"], 60, int(time.time()))
    )

    assert admin.has_role("read") and not admin.has_role("export")
    assert exporter.has_role("export") and not exporter.has_role("read")
    assert required_role("GET", "export", "export.PersonExport") == "export"
    assert Caller("x", frozenset(), frozenset({"export", "read"})).has_role("read")


def test_role_groups_may_name_the_export_role() -> None:
    env = {"JWT_SECRET": SECRET, "ROLE_GROUPS": '{"read": ["r"], "export": ["bi-team"]}'}
    assert Settings.from_env(env).auth.role_groups["export"] == ("bi-team",)


def test_person_types_are_configured() -> None:
    base = {"JWT_SECRET": SECRET}
    assert Settings.from_env(base).person_types == PERSON_TYPES
    assert {"Landlord", "TMOContact"} <= set(PERSON_TYPES)
    custom = Settings.from_env({**base, "PERSON_TYPES": "Tenant, Councillor"})
    assert custom.person_types == ("Tenant", "Councillor")
    with pytest.raises(ConfigError, match="PERSON_TYPES"):
        Settings.from_env({**base, "PERSON_TYPES": "Tenant,Land lord"})


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("2026-11-01", "2026-11-01T00:00:00.000Z"),
        ("2026-11-01T10:30:00Z", "2026-11-01T10:30:00.000Z"),
        ("2026-11-01T10:30:00+01:00", "2026-11-01T09:30:00.000Z"),
        ("2026-11-01T10:30:00.123456", "2026-11-01T10:30:00.123Z"),
    ],
)
def test_modified_since_compares_as_stored_timestamps(value: str, key: str) -> None:
    assert since_key(value) == key


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "", "01/11/2026"])
def test_modified_since_refuses_what_is_not_iso_8601(value: str) -> None:
    with pytest.raises(InvalidSince):
        since_key(value)


def test_flat_row_has_every_column_and_flattens_lists() -> None:
    person = {
        "id": "p1",
        "personRef": 7,
        "firstName": "Aisha",
        "surname": "Okonkwo",
        "dateOfBirth": "2015-03-15",
        "personTypes": ["Tenant", "Leaseholder"],
        "addresses": [
            {"fullAddress": "Old Rd", "isCurrent": False},
            {"fullAddress": "2 Mare St", "postcode": "E8 1DY", "isCurrent": True},
        ],
        "tenures": [
            {"id": "t-old", "startDate": "2001-01-01", "endDate": "2002-01-01"},
            {"id": "t-now", "type": "Secure", "startDate": "2020-01-01"},
        ],
        "languages": [{"language": "English"}, {"language": "Yoruba", "isPrimary": True}],
        "crossReferences": [{"system": "tenures", "reference": "T/1"}],
        "identifications": [{"identificationType": "Passport", "value": "123"}],
    }

    row = flat_row(person, date(2026, 11, 27))

    assert tuple(row) == COLUMN_NAMES
    assert row["personTypes"] == "Tenant; Leaseholder"
    assert (row["currentAddress"], row["currentPostcode"], row["addressCount"]) == (
        "2 Mare St",
        "E8 1DY",
        2,
    )
    assert (row["activeTenureId"], row["activeTenureType"], row["tenureCount"]) == (
        "t-now",
        "Secure",
        2,
    )
    assert row["isAMinor"] is True
    assert row["primaryLanguage"] == "Yoruba" and row["languages"] == "English; Yoruba"
    assert row["crossReferences"] == "tenures: T/1"
    assert row["identifications"] == "Passport: 123"
    assert row["middleName"] is None and row["communicationRequirements"] is None
