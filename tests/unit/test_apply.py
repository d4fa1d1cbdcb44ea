import pytest

from indexer.apply import PoisonRecord, index_action
from indexer.stream import order_shards
from service.store.items import to_item


def _record(event: str, new=None, old=None, seq="1") -> dict:
    change = {"SequenceNumber": seq, "Keys": {"id": {"S": "p1"}}}
    if new is not None:
        change["NewImage"] = to_item(new)
    if old is not None:
        change["OldImage"] = to_item(old)
    return {"eventName": event, "dynamodb": change}


def test_insert_is_indexed_at_the_item_version_with_external_versioning() -> None:
    action = index_action(
        _record("INSERT", new={"id": "p1", "versionNumber": 2, "firstName": "Ann"}), "persons"
    )
    assert action["_id"] == "p1"
    assert action["version"] == 2 and action["version_type"] == "external"
    assert action["_source"]["firstName"] == "Ann"


def test_remove_becomes_a_tombstone_one_version_above_the_old_image() -> None:
    action = index_action(_record("REMOVE", old={"id": "p1", "versionNumber": 5}), "persons")
    assert action["version"] == 6
    assert action["_source"] == {"id": "p1", "isDeleted": True}


@pytest.mark.parametrize(
    "record",
    [
        _record("INSERT", new={"id": "p1"}),  # no version
        _record("REMOVE"),  # no old image
        {"eventName": "UPSERT", "dynamodb": {"SequenceNumber": "1"}},
    ],
)
def test_records_that_can_never_be_applied_are_poison(record: dict) -> None:
    with pytest.raises(PoisonRecord):
        index_action(record, "persons")


def test_parent_shards_come_before_their_children() -> None:
    shards = [
        {
            "ShardId": "c",
            "ParentShardId": "b",
            "SequenceNumberRange": {"StartingSequenceNumber": "1"},
        },
        {"ShardId": "a", "SequenceNumberRange": {"StartingSequenceNumber": "3"}},
        {
            "ShardId": "b",
            "ParentShardId": "a",
            "SequenceNumberRange": {"StartingSequenceNumber": "2"},
        },
    ]
    assert [s["ShardId"] for s in order_shards(shards)] == ["a", "b", "c"]
