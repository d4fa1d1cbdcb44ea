"""The history entry built from one stream record (a pure function of the old and new images)."""

from __future__ import annotations

from typing import Any

import pytest

from indexer.history import HistorySink, field_changes, history_entry, is_rewrite
from service.store.history import redacted
from service.store.items import to_item


def _record(event: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict:
    change: dict[str, Any] = {"SequenceNumber": "1", "Keys": to_item({"id": "p1"})}
    if old is not None:
        change["OldImage"] = to_item(old)
    if new is not None:
        change["NewImage"] = to_item(new)
    return {"eventName": event, "dynamodb": change}


BASE = {
    "id": "p1",
    "versionNumber": 1,
    "firstName": "Aisha",
    "surname": "Okonkwo",
    "personTypes": ["Tenant"],
    "lastModified": "2026-01-01T00:00:00.000Z",
    "lastModifiedBy": "officer@example.council",
    "createdAt": "2026-01-01T00:00:00.000Z",
    "reason": "Sign-up",
}


def test_field_changes_lists_changed_added_and_removed_fields_only() -> None:
    new = {**BASE, "firstName": "Ayesha", "middleName": "Ngozi", "versionNumber": 2}
    new.pop("surname")
    assert field_changes(BASE, new) == [
        {"field": "firstName", "oldValue": "Aisha", "newValue": "Ayesha"},
        {"field": "middleName", "oldValue": None, "newValue": "Ngozi"},
        {"field": "surname", "oldValue": "Okonkwo", "newValue": None},
    ]


def test_bookkeeping_fields_are_not_changes() -> None:
    new = {**BASE, "versionNumber": 2, "lastModified": "x", "lastModifiedBy": "y", "reason": "z"}
    assert field_changes(BASE, new) == []


def test_list_fields_compare_as_a_whole() -> None:
    new = {**BASE, "personTypes": ["Tenant", "Leaseholder"]}
    assert field_changes(BASE, new) == [
        {"field": "personTypes", "oldValue": ["Tenant"], "newValue": ["Tenant", "Leaseholder"]}
    ]


def test_insert_is_a_creation_with_every_field_new() -> None:
    entry = history_entry(_record("INSERT", None, BASE))
    assert entry["event"] == "created" and entry["versionNumber"] == 1
    assert (entry["changedAt"], entry["changedBy"], entry["reason"]) == (
        BASE["lastModified"],
        "officer@example.council",
        "Sign-up",
    )
    assert entry["changedFields"] == ["firstName", "personTypes", "surname"]


def test_modify_after_a_tombstone_is_a_creation() -> None:
    tombstone = {"id": "p1", "isDeleted": True, "versionNumber": 2, "deletedAt": "t"}
    entry = history_entry(_record("MODIFY", tombstone, {**BASE, "versionNumber": 3}))
    assert entry["event"] == "created" and entry["changedFields"] == [
        "firstName",
        "personTypes",
        "surname",
    ]


def test_a_tombstone_is_an_erasure_without_values() -> None:
    tombstone = {
        "id": "p1",
        "isDeleted": True,
        "versionNumber": 2,
        "deletedAt": "2026-02-02T00:00:00.000Z",
        "deletedBy": "admin@example.council",
    }
    entry = history_entry(_record("MODIFY", BASE, tombstone))
    assert entry == {
        "personId": "p1",
        "versionNumber": 2,
        "event": "erased",
        "changedAt": "2026-02-02T00:00:00.000Z",
        "changedBy": "admin@example.council",
    }


def test_a_remove_is_an_erasure_at_the_next_version() -> None:
    entry = history_entry(_record("REMOVE", BASE, None))
    assert (entry["event"], entry["versionNumber"], entry["personId"]) == ("erased", 2, "p1")


def test_a_record_without_images_cannot_make_an_entry() -> None:
    with pytest.raises(KeyError):
        history_entry({"eventName": "MODIFY", "dynamodb": {"SequenceNumber": "1"}})


def test_redaction_keeps_version_time_who_and_field_names_only() -> None:
    entry = history_entry(_record("INSERT", None, BASE))
    assert redacted(entry) == {
        "personId": "p1",
        "versionNumber": 1,
        "event": "created",
        "changedAt": BASE["lastModified"],
        "changedBy": "officer@example.council",
        "changedFields": ["firstName", "personTypes", "surname"],
        "erased": True,
    }


class _Recorder:
    """A history store that keeps what it was asked to record (the sink's only collaborator)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def record_all(self, entries: list[dict[str, Any]]) -> None:
        self.entries += entries


def test_the_same_version_written_again_leaves_its_creation_entry_alone() -> None:
    insert, rewrite = _record("INSERT", None, BASE), _record("MODIFY", BASE, BASE)
    assert is_rewrite(rewrite) and not is_rewrite(insert)
    assert not is_rewrite(_record("MODIFY", BASE, {**BASE, "versionNumber": 2}))
    recorder = _Recorder()
    HistorySink(recorder, erasure=None)([insert, rewrite])  # type: ignore[arg-type]
    assert [entry["event"] for entry in recorder.entries] == ["created"]


MERGED_RECORD = {
    "id": "p1",
    "versionNumber": 2,
    "mergedInto": "s1",
    "mergedAt": "2026-03-03T00:00:00.000Z",
    "mergedBy": "officer@example.council",
    "reason": "Same person",
    "premerge": {key: value for key, value in BASE.items() if key != "versionNumber"},
    "brought": {"fields": {}, "items": {}},
}


def test_a_merged_duplicate_records_whom_it_was_merged_into_and_keeps_its_values_unshown() -> None:
    entry = history_entry(_record("MODIFY", BASE, MERGED_RECORD))
    assert entry == {
        "personId": "p1",
        "versionNumber": 2,
        "event": "merged",
        "changedAt": "2026-03-03T00:00:00.000Z",
        "changedBy": "officer@example.council",
        "reason": "Same person",
        "changedFields": ["mergedInto"],
        "changes": [{"field": "mergedInto", "oldValue": None, "newValue": "s1"}],
    }


def test_an_unmerged_duplicate_is_compared_with_itself_before_the_merge() -> None:
    restored = {**BASE, "versionNumber": 3, "reason": "Not the same", "lastModifiedBy": "lead"}
    entry = history_entry(_record("MODIFY", MERGED_RECORD, restored))
    assert (entry["event"], entry["reason"], entry["changedBy"]) == (
        "unmerged",
        "Not the same",
        "lead",
    )
    assert entry["changes"] == [{"field": "mergedInto", "oldValue": "s1", "newValue": None}]


def test_the_survivor_records_a_merge_and_an_unmerge_with_what_changed() -> None:
    merged = {**BASE, "versionNumber": 2, "middleName": "Ngozi", "mergedFrom": ["d1"]}
    entry = history_entry(_record("MODIFY", BASE, merged))
    assert entry["event"] == "merged"
    assert entry["changedFields"] == ["mergedFrom", "middleName"]
    back = history_entry(_record("MODIFY", merged, {**BASE, "versionNumber": 3}))
    assert back["event"] == "unmerged"
    assert back["changedFields"] == ["mergedFrom", "middleName"]
