"""`person-index train-model` against the real servers, and the service matching with its file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from flask.testing import FlaskClient

from benchmarks.quality.generator import queries, residents
from service import cli
from service.app import create_app
from service.config import Settings
from service.matching.compare import name_key
from service.matching.model import hand_set_model, load_model
from tests.integration.auth import bearer
from tests.integration.indexer_helpers import settings_env


def _load_register(client: FlaskClient) -> list[dict]:
    """40 generated residents and corrupted copies of 12 of them (the register's duplicates)."""
    population = residents(40, seed=21)
    copies = []
    for query in queries(population, 12, seed=22, absent_share=0):
        source = next(p for p in population if p["key"] == query.key)
        copies.append(
            {**{k: source[k] for k in ("personTypes", "reason", "title")}, **query.person}
        )
    created = []
    for body in population + copies:
        response = client.post(
            "/api/v1/persons", json={k: v for k, v in body.items() if k != "key"}
        )
        if response.status_code == 201:
            created.append(response.get_json())
    assert len(created) >= 48
    return created


def test_a_model_trained_on_the_register_is_the_one_the_service_scores_with(
    client: FlaskClient, index_all, settings: Settings, tmp_path: Path
) -> None:
    created = _load_register(client)
    index_all()
    out = tmp_path / "model.json"
    result = CliRunner().invoke(
        cli.main,
        ["train-model", "--out", str(out), "--random-pairs", "4000", "--max-pairs", "4000"],
        env=settings_env(settings),
    )
    assert result.exit_code == 0, result.output
    assert f"model of {len(created)} persons written" in result.output
    learned = load_model(out)
    assert learned.metadata["records"] == len(created)
    assert json.loads(out.read_text())["format"] == "person-index-match-model/1"

    target = created[0]
    app = create_app(replace(settings, match_model_file=out))
    answer = app.test_client().post(
        "/api/v1/persons/matches",
        json={"firstName": target["firstName"], "surname": target["surname"]},
        headers={"Authorization": bearer()},
    )
    assert answer.status_code == 200, answer.get_json()
    best = next(r for r in answer.get_json()["results"] if r["person"]["id"] == target["id"])
    weight = {r["field"]: r["weight"] for r in best["reasons"]}["surname"]
    key = name_key(target["surname"])
    assert weight == round(learned.weight("surname", "exact", key), 2)
    assert weight != round(hand_set_model().weight("surname", "exact"), 2)


def test_training_an_empty_register_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "model.json"
    result = CliRunner().invoke(
        cli.main, ["train-model", "--out", str(out)], env=settings_env(settings)
    )
    assert result.exit_code != 0
    assert "too few" in result.output
    assert not out.exists()
