"""The duplicate sweep against the real servers: every pair once, only good grades, resumable."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from flask.testing import FlaskClient

from service import cli
from service.config import Settings
from service.matching.sweep import PAIR_COLUMNS, progress_path
from tests.integration.indexer_helpers import settings_env
from tests.integration.people import person_body

HOME = [{"fullAddress": "14 Mare Street, London", "postcode": "E8 1AB", "isCurrent": True}]


def _pairs(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _create(client: FlaskClient, **fields: object) -> dict:
    response = client.post("/api/v1/persons", json=person_body(nationalInsuranceNo=None, **fields))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_sweep_writes_each_likely_pair_once_and_resumes_after_the_last_complete_page(
    client: FlaskClient, index_all, settings: Settings, tmp_path: Path
) -> None:
    robert = _create(
        client, firstName="Robert", surname="Smith", dateOfBirth="1984-03-05", addresses=HOME
    )
    bob = _create(
        client, firstName="Bob", surname="Smith", dateOfBirth="1984-03-05", addresses=HOME
    )
    siobhan = _create(client, firstName="Siobhan", surname="Whelan", dateOfBirth="1990-12-01")
    shivaun = _create(client, firstName="Siobhan", surname="Whelan", dateOfBirth="1990-01-12")
    # Someone unlike anyone, and a relative at the same address: not duplicates.
    kwame = _create(client, firstName="Kwame", surname="Mensah", dateOfBirth="1972-06-30")
    mary = _create(
        client, firstName="Mary", surname="Smith", dateOfBirth="1956-11-02", addresses=HOME
    )
    everyone = sorted(p["id"] for p in (robert, bob, siobhan, shivaun, kwame, mary))
    index_all()
    out = tmp_path / "pairs.csv"
    runner = CliRunner()
    env = settings_env(settings)

    first = runner.invoke(cli.main, ["find-duplicates", "--out", str(out)], env=env)

    assert first.exit_code == 0, first.output
    rows = _pairs(out)
    assert {(row["firstId"], row["secondId"]) for row in rows} == {
        tuple(sorted((robert["id"], bob["id"]))),
        tuple(sorted((siobhan["id"], shivaun["id"]))),
    }
    assert len(rows) == 2  # each pair once, though both people found each other
    assert all(row["grade"] in {"certain", "probable"} for row in rows)
    by_pair = {frozenset((row["firstId"], row["secondId"])): row for row in rows}
    nickname = by_pair[frozenset((robert["id"], bob["id"]))]
    assert "firstName:nickname" in nickname["reasons"]
    assert {nickname["firstPersonRef"], nickname["secondPersonRef"]} == {
        str(robert["personRef"]),
        str(bob["personRef"]),
    }
    assert "dateOfBirth:swapped" in by_pair[frozenset((siobhan["id"], shivaun["id"]))]["reasons"]
    assert "6 persons matched, 2 new pairs" in first.output
    assert progress_path(out).read_text() == everyone[-1]

    # Run again: the progress file says every page is done, nothing is matched or written.
    again = runner.invoke(cli.main, ["find-duplicates", "--out", str(out)], env=env)
    assert again.exit_code == 0, again.output
    assert "0 persons matched, 0 new pairs" in again.output
    assert _pairs(out) == rows

    # A sweep stopped after its first page resumes after that page's last id; pairs it finds
    # again are not written twice, and --restart goes through everyone without repeating them.
    first_of_a_pair = min(row["firstId"] for row in rows)
    progress_path(out).write_text(first_of_a_pair)
    resumed = runner.invoke(cli.main, ["find-duplicates", "--out", str(out)], env=env)
    assert resumed.exit_code == 0, resumed.output
    after = sum(person_id > first_of_a_pair for person_id in everyone)
    assert f"{after} persons matched, 0 new pairs" in resumed.output
    restart = ["find-duplicates", "--out", str(out), "--restart"]
    restarted = runner.invoke(cli.main, restart, env=env)
    assert "6 persons matched, 0 new pairs" in restarted.output
    assert _pairs(out) == rows


def test_certain_only_and_a_foreign_output_file_is_refused(
    client: FlaskClient, index_all, settings: Settings, tmp_path: Path
) -> None:
    _create(client, firstName="Robert", surname="Smith", dateOfBirth="1984-03-05", addresses=HOME)
    _create(client, firstName="Rob", surname="Smyth", dateOfBirth="1984-05-03")
    index_all()
    runner = CliRunner()
    env = settings_env(settings)
    out = tmp_path / "certain.csv"
    result = runner.invoke(
        cli.main, ["find-duplicates", "--out", str(out), "--min-grade", "certain"], env=env
    )
    assert result.exit_code == 0, result.output
    assert all(row["grade"] == "certain" for row in _pairs(out))
    assert out.read_text().splitlines()[0] == ",".join(PAIR_COLUMNS)

    foreign = tmp_path / "other.csv"
    foreign.write_text("inputId,status\n1,matched\n", encoding="utf-8")
    refused = runner.invoke(cli.main, ["find-duplicates", "--out", str(foreign)], env=env)
    assert refused.exit_code != 0
    assert "other columns" in refused.output
    assert foreign.read_text() == "inputId,status\n1,matched\n"
