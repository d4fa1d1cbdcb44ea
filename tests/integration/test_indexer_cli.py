"""`person-indexer dead-letters`, `reconcile` and `rebuild` as an operator runs them."""

from __future__ import annotations

import json
import random
import time

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from indexer.cli import main
from indexer.deadletters import DeadLetterStore
from indexer.lock import Lease, LockHeld
from indexer.runner import build_poller, drain
from service import clients
from service.config import Settings
from tests.integration.indexer_helpers import create, drift, settings_env, stream_records


def _run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=settings_env(settings))
    return result.exit_code, result.output


def test_dead_letters_are_listed_without_personal_data_and_replayed(
    client: FlaskClient, settings: Settings
) -> None:
    dynamodb = clients.dynamodb_client(settings)
    dynamodb.put_item(TableName=settings.persons_table, Item={"id": {"S": "poison"}})
    drain(build_poller(settings))  # sets the poison record aside
    person = create(client, random.Random(21))
    # A good record set aside (as if OpenSearch had refused it before a fix): replay applies it.
    letters = DeadLetterStore(dynamodb, settings.dead_letters_table)
    good = stream_records(settings)[-1]
    letters.put(good, "simulated: mapping refused the document", source="stream")

    code, output = _run(settings, "dead-letters", "list")
    assert code == 0, output
    listed = [json.loads(line) for line in output.splitlines()]
    assert {entry["personId"] for entry in listed} == {"poison", person["id"]}
    assert "Okonkwo" not in output and "record" not in listed[0]

    code, output = _run(settings, "dead-letters", "replay")
    assert code == 0, output
    report = json.loads(output)
    assert report["applied"] == [good["eventID"]]
    assert len(report["stillPoison"]) == 1
    remaining = list(letters.list())
    assert [(letter.person_id, letter.attempts) for letter in remaining] == [("poison", 2)]
    search = clients.opensearch_client(settings, "batch")
    assert search.get(index=settings.opensearch_alias, id=person["id"])["found"]


def test_reconcile_reports_drift_and_repairs_it(client: FlaskClient, settings: Settings) -> None:
    rng = random.Random(22)
    people = [create(client, rng) for _ in range(3)]
    drain(build_poller(settings))
    missing = create(client, rng)["id"]  # written, never indexed
    search = clients.opensearch_client(settings, "batch")
    alias = settings.opensearch_alias
    stale = people[1]["id"]
    changed = client.patch(
        f"/api/v1/persons/{stale}", json={"firstName": "Ravi"}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200
    search.index(
        index=alias,
        id="extra",
        body={"id": "extra", "isDeleted": False, "firstName": "Ghost"},
        version=1,
        version_type="external",
        refresh=True,
    )

    code, output = _run(settings, "reconcile")
    assert code == 1
    found = json.loads(output)["drift"]
    assert (found["missing"], found["stale"], found["extra"]) == ([missing], [stale], ["extra"])

    code, output = _run(settings, "reconcile", "--repair")
    assert code == 0, output
    assert json.loads(output)["clean"] is True
    assert drift(settings).clean
    assert search.get(index=alias, id=stale)["_source"]["firstName"] == "Ravi"
    assert search.get(index=alias, id="extra")["_source"]["isDeleted"] is True


def test_a_second_rebuild_is_refused_while_one_holds_the_lock(settings: Settings) -> None:
    lease = Lease(
        clients.dynamodb_client(settings),
        settings.checkpoints_table,
        f"rebuild#{settings.opensearch_alias}",
        ttl_seconds=60,
    )
    with lease:
        code, output = _run(settings, "rebuild", "--no-progress")
    assert code != 0
    assert "is held by" in output
    code, output = _run(settings, "rebuild", "--no-progress")
    assert code == 0, output


def test_an_expired_rebuild_lease_is_taken_over_and_its_old_holder_cannot_release_it(
    settings: Settings,
) -> None:
    """A rebuild killed while holding the lease blocks the next one only until the lease expires;
    the killed holder, should it come back, cannot release its successor's lease."""
    dynamodb = clients.dynamodb_client(settings)
    name = f"rebuild#{settings.opensearch_alias}"
    killed = Lease(dynamodb, settings.checkpoints_table, name, ttl_seconds=1)
    killed.acquire()  # and never released
    with pytest.raises(LockHeld, match=killed.owner):
        Lease(dynamodb, settings.checkpoints_table, name, ttl_seconds=60).acquire()
    time.sleep(1.5)  # past the lease's expiry

    code, output = _run(settings, "rebuild", "--no-progress")
    assert code == 0, output  # took the expired lease over, and released it when done

    successor = Lease(dynamodb, settings.checkpoints_table, name, ttl_seconds=60)
    successor.acquire()
    killed.release()  # the old holder comes back: the lease is no longer its own
    with pytest.raises(LockHeld, match=successor.owner):
        Lease(dynamodb, settings.checkpoints_table, name, ttl_seconds=60).acquire()
    successor.release()
    Lease(dynamodb, settings.checkpoints_table, name, ttl_seconds=60).acquire()
