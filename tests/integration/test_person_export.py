"""The analysts' export (issue 11, point 2): every live person, streamed over more scan pages than
one, flat CSV or whole-record NDJSON, incremental with modifiedSince, under the export role, and
the `person-index export` command writing CSV, NDJSON or Parquet."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from service.app import create_app
from service.cli import main
from service.config import Settings
from service.domain.export_rows import COLUMN_NAMES
from tests.integration.auth import bearer
from tests.integration.conftest import AuthenticatedClient
from tests.integration.indexer_helpers import settings_env
from tests.integration.people import person_body

URL = "/api/v1/persons"
EXPORT = f"{URL}/export"
PAGE_SIZE = 3
EXPORTER = {"Authorization": bearer(["person-index-export"])}
SECRET_NOTE = "extended-data-must-never-leave"


@pytest.fixture
def small_pages(settings: Settings) -> Settings:
    """Scan pages of three items, so a handful of persons spans several pages."""
    return replace(settings, export_page_size=PAGE_SIZE)


@pytest.fixture
def client(small_pages: Settings) -> FlaskClient:
    app = create_app(small_pages)
    app.config["TESTING"] = True
    app.test_client_class = AuthenticatedClient
    return app.test_client()


@pytest.fixture
def register(client: FlaskClient) -> dict[str, Any]:
    """Eight persons created (one with extended data), then one of them erased."""
    created = []
    for number in range(8):
        response = client.post(
            URL, json=person_body(firstName=f"Person{number}", surname="Export", gender="Female")
        )
        assert response.status_code == 201
        created.append(response.get_json())
    put = client.put(
        f"{URL}/{created[0]['id']}/extended/housing", json={"data": {"note": SECRET_NOTE}}
    )
    assert put.status_code in (200, 201), put.get_json()
    erased = created.pop()
    assert client.delete(f"{URL}/{erased['id']}").status_code == 204
    return {"live": created, "erased": erased}


def _export(client: FlaskClient, query: str = "") -> Any:
    return client.get(f"{EXPORT}{query}", headers=EXPORTER)


def test_csv_holds_every_live_person_across_scan_pages(
    client: FlaskClient, register: dict[str, Any]
) -> None:
    live = register["live"]
    assert len(live) > 2 * PAGE_SIZE  # the export must follow the scan past its first pages

    response = _export(client, "?format=csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMN_NAMES
    assert sorted(row["id"] for row in rows) == sorted(person["id"] for person in live)
    assert register["erased"]["id"] not in text
    assert SECRET_NOTE not in text
    first = next(row for row in rows if row["id"] == live[0]["id"])
    assert (first["firstName"], first["personTypes"], first["nationalInsuranceNo"]) == (
        "Person0",
        "Tenant",
        "AB123456C",
    )


def test_ndjson_holds_whole_records_without_links_or_extended_data(
    client: FlaskClient, register: dict[str, Any]
) -> None:
    response = _export(client, "?format=ndjson")

    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    text = response.get_data(as_text=True)
    records = [json.loads(line) for line in text.splitlines()]
    by_id = {record["id"]: record for record in records}
    assert set(by_id) == {person["id"] for person in register["live"]}
    read = client.get(f"{URL}/{register['live'][0]['id']}").get_json()
    assert by_id[read["id"]] == {key: value for key, value in read.items() if key != "links"}
    assert SECRET_NOTE not in text


def test_modified_since_gives_an_incremental_load(
    client: FlaskClient, register: dict[str, Any]
) -> None:
    changed = register["live"][2]
    patched = client.patch(
        f"{URL}/{changed['id']}", json={"gender": "Male"}, headers={"If-Match": '"1"'}
    ).get_json()

    response = _export(client, f"?format=ndjson&modifiedSince={patched['lastModified']}")

    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [record["id"] for record in records] == [changed["id"]]
    assert records[0]["gender"] == "Male"
    everyone = _export(client, "?format=ndjson&modifiedSince=2000-01-01")
    assert len(everyone.get_data(as_text=True).splitlines()) == len(register["live"])


@pytest.mark.parametrize(
    "groups",
    [
        ["person-index-read"],
        ["person-index-admin"],
        ["person-index-read", "person-index-write", "person-index-admin"],
    ],
)
def test_the_export_needs_the_export_role(client: FlaskClient, groups: list[str]) -> None:
    response = client.get(EXPORT, headers={"Authorization": bearer(groups)})

    assert response.status_code == 403
    assert "export" in response.get_json()["detail"]


def test_an_exporter_may_not_read_persons_one_by_one(
    client: FlaskClient, register: dict[str, Any]
) -> None:
    response = client.get(f"{URL}/{register['live'][0]['id']}", headers=EXPORTER)

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?format=xlsx", "format"),
        ("?modifiedSince=last-tuesday", "modifiedSince"),
        ("?format=csv&limit=10", "limit"),
    ],
)
def test_bad_parameters_are_400_naming_them(client: FlaskClient, query: str, field: str) -> None:
    response = _export(client, query)

    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_the_export_route_does_not_shadow_person_ids(
    client: FlaskClient, register: dict[str, Any]
) -> None:
    person = register["live"][0]
    assert client.get(f"{URL}/{person['id']}").get_json()["id"] == person["id"]
    # A POST there is a create with a chosen id, and "export" is no UUID.
    refused = client.post(EXPORT, json=person_body())
    assert refused.status_code == 400 and "not a UUID" in refused.get_json()["detail"]


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "parquet"])
def test_the_command_writes_every_live_person(
    small_pages: Settings, register: dict[str, Any], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"persons.{fmt}"
    env = {**settings_env(small_pages), "EXPORT_PAGE_SIZE": str(PAGE_SIZE)}

    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out)], env=env)

    assert result.exit_code == 0, result.output
    assert f"{len(register['live'])} persons written" in result.output
    if fmt == "csv":
        ids = [row["id"] for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))]
    elif fmt == "ndjson":
        ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    else:
        table = pq.read_table(out)
        assert tuple(table.column_names) == COLUMN_NAMES
        assert str(table.schema.field("personRef").type) == "int64"
        ids = table.column("id").to_pylist()
    assert sorted(ids) == sorted(person["id"] for person in register["live"])
    assert not (tmp_path / f"persons.{fmt}.partial").exists()


def test_the_command_refuses_a_bad_modified_since(small_pages: Settings, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["export", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--modified-since", "soon"],
        env=settings_env(small_pages),
    )

    assert result.exit_code == 2
    assert "--modified-since" in result.output
